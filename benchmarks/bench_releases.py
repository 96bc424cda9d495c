"""Releases (issue 16): the information they lose against a one-shot protection, and the time the ledger adds.

On the national generator (18 regions, survey years 2015-2024, k = 5, holders unchanged):

1. **Ten releases**, each adding one survey year and protected under the earlier ones (as builds into the
   same folder do), against a **one-shot** protection of the same data: cells masked in the last release
   (distinct counts, complements among them), the share of the published total they hold, and the
   national key figures masked (jobs, CDI, CDD, facilitation, holders, trajectory base, situation and
   trajectory counts of the national reports). Target: no more than 1.2x the one-shot loss.
2. **Two releases without the ledger** (2023, then 2024, each protected from scratch, as before issue 16)
   against two with it: published cells of the reports both contain that change status, and masked cells
   a reader holding both sites pins (`tlanalysis.protect.attack.pinned_cells` on the two ledgers).
3. **Time the ledger adds to a national build**, side by side in one process (CPU seconds, median of
   REPEATS): the annual protection of the 2024 data alone and under the 2023 release, the certification
   protection alone and under it, and the ledger's own work (the published cells of the 320 reports,
   writing and reading `releases.json`).

Usage: python benchmarks/bench_releases.py [--quick] [--ledger-time]
(--quick: 2 repeats, part 2 skipped; --ledger-time: part 3 only, it measures CPU seconds so a busy machine
changes it little)
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"
REPEATS = 3
K = 5


def _national():
    from tlanalysis.sample import write_national
    from tlanalysis.validate.dataset import load_dataset

    folder = Path(tempfile.mkdtemp(prefix="bench-releases-"))
    write_national(folder)
    return load_dataset(folder)


def _until(dataset, year: int):
    """The dataset as it was when `year` was the last survey (holders unchanged)."""
    from dataclasses import replace

    return replace(dataset, employment=dataset.employment[dataset.employment["year"] <= year].copy())


def _release(protection, dataset, date: str):
    from tlanalysis.protect.ledger import Release, published_value

    reports = sorted(set(protection._reports))
    cells = {key: published_value(v) for key, v in protection.report_cells(reports).items()}
    return Release(
        date=date,
        series=1,
        data=f"{dataset.fingerprint}-{date}",
        tlanalysis="bench",
        min_count=K,
        target_jobs=(),
        reports=tuple(("annual", y, s) for y, s in reports),
        annual=cells,
    )


def _loss(release) -> dict:
    """Cells masked in a release (distinct counts), their share of the published total, national key figures masked."""
    from tlanalysis.protect.annual import NATIONAL_SCOPE

    values: dict[tuple, int | str] = dict(release.annual)
    masked = {k for k, v in values.items() if isinstance(v, str)}
    key_suffixes = {
        ("total",),
        ("contract", "CDI"),
        ("contract", "CDD"),
        ("role", "facilitation"),
        ("n",),
        ("trajectory_n",),
    }
    national_key = [
        k
        for k in values
        if k[2] == NATIONAL_SCOPE
        and k[3] != "cohort"
        and (tuple(k[3:]) in key_suffixes or k[3] in ("situation", "trajectory"))
    ]
    return {
        "published": len(values),
        "masked": len(masked),
        "secret": sum(1 for k in masked if values[k] == "secret"),
        "national_key_figures": len(national_key),
        "national_key_masked": sum(1 for k in national_key if k in masked),
    }


def _share(protection) -> float:
    """Share of the published total (sum of all present counts) held by masked counts (classes)."""
    model = protection._model
    present = getattr(protection, "_present", model.n_classes)
    total = sum(model.values[c] for c in range(present) if model.published[c])
    hidden = sum(model.values[c] for c, _ in protection._masked.items() if c < present and model.published[c])
    return hidden / total if total else 0.0


def ten_releases(dataset) -> dict:
    from tlanalysis.protect.annual import Protection
    from tlanalysis.protect.releases import EarlierFigures

    years = sorted(int(y) for y in dataset.employment["year"].unique())
    started = time.process_time()
    one_shot = Protection(dataset.employment, dataset.holders, K)
    one_seconds = time.process_time() - started
    earlier, rows = [], []
    for year in years:
        data = _until(dataset, year)
        figures = EarlierFigures.of(earlier) if earlier else None
        started = time.process_time()
        protection = Protection(data.employment, data.holders, K, figures)
        seconds = time.process_time() - started
        release = _release(protection, data, f"{year}-12-31")
        earlier.append(release)
        rows.append({"year": year, "cpu_s": round(seconds, 2), **protection.summary()})
        print(
            f"  release {len(earlier):2d} (surveys to {year}): {protection.summary()} in {seconds:.2f} s CPU",
            flush=True,
        )
    last, once = _loss(earlier[-1]), _loss(_release(one_shot, dataset, "one-shot"))
    return {
        "releases": rows,
        "last": {**last, "classes": earlier and protection.summary(), "share": _share(protection)},
        "one_shot": {**once, "classes": one_shot.summary(), "share": _share(one_shot), "cpu_s": round(one_seconds, 2)},
    }


def two_releases(dataset) -> dict:
    """Two releases 2023 -> 2024, without and with the ledger: status changes, and cells pinned by both sites."""
    from tlanalysis.protect.annual import Protection
    from tlanalysis.protect.attack import pinned_in
    from tlanalysis.protect.releases import EarlierFigures

    first = Protection(*(lambda d: (d.employment, d.holders))(_until(dataset, 2023)), K)
    one = _release(first, _until(dataset, 2023), "2023-12-31")
    out = {}
    for name, earlier in (("without ledger", None), ("with ledger", EarlierFigures.of([one]))):
        second = Protection(dataset.employment, dataset.holders, K, earlier)
        two = _release(second, dataset, "2024-12-31")
        common = [k for k in one.annual if k in two.annual]
        changed = [k for k in common if isinstance(one.annual[k], str) != isinstance(two.annual[k], str)]
        started = time.time()
        pinned = pinned_in([one, two])
        out[name] = {
            "reports_in_both": len(set(one.reports) & set(two.reports)),
            "cells_in_both": len(common),
            "status_changed": len(changed),
            "shown_then_masked": sum(1 for k in changed if not isinstance(one.annual[k], str)),
            "masked_then_shown": sum(1 for k in changed if isinstance(one.annual[k], str)),
            "pinned_by_both_sites": len(pinned),
            "attack_s": round(time.time() - started, 1),
        }
        print(f"  {name}: {out[name]}", flush=True)
    return out


def _certification(holders, assessments, annual, earlier):
    from tlanalysis.protect.certification import CertificationProtection

    return CertificationProtection(holders, assessments, K, annual=annual, earlier=earlier).compute_all()


def ledger_time(dataset, repeats: int) -> dict:
    from tlanalysis.protect.annual import Protection
    from tlanalysis.protect.certification import CertificationProtection
    from tlanalysis.protect.ledger import Ledger, published_value
    from tlanalysis.protect.releases import EarlierFigures
    from tlanalysis.reference import FRANCE, find_region

    early = _until(dataset, 2023)
    p1 = Protection(early.employment, early.holders, K)
    c1 = CertificationProtection(early.holders, early.assessments, K, annual=p1).compute_all()
    regions = sorted({(int(y), s) for y, s in p1._reports})
    reports = [(y, FRANCE if s == "FR" else find_region(s)) for y, s in regions]
    one = _release(p1, early, "2023-12-31")
    one = type(one)(
        **{
            **one.__dict__,
            "certification": {k: published_value(v) for k, v in c1.report_cells(reports).items()},
            "id": "",
        }
    )
    times: dict[str, list[float]] = {}

    def timed(name, function, *args, **kwargs):
        started = time.process_time()
        result = function(*args, **kwargs)
        times.setdefault(name, []).append(time.process_time() - started)
        return result

    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    employment, holders, assessments = dataset.employment, dataset.holders, dataset.assessments
    earlier, earlier_certification = EarlierFigures.of([one]), EarlierFigures.of([one], "certification")
    for _ in range(repeats):
        alone = timed("annual protection, alone", Protection, employment, holders, K)
        under = timed("annual protection, under the 2023 release", Protection, employment, holders, K, earlier)
        timed("certification protection, alone", _certification, holders, assessments, alone, None)
        cert = timed(
            "certification protection, under the 2023 release",
            _certification,
            holders,
            assessments,
            under,
            earlier_certification,
        )
        all_reports = sorted({(int(y), s) for y, s in under._reports})
        regions = [(y, FRANCE if s == "FR" else find_region(s)) for y, s in all_reports]
        cells = timed("ledger: published cells of every report", under.report_cells, all_reports)
        timed("ledger: certification cells", cert.report_cells, regions)
        annual = {k: published_value(v) for k, v in cells.items()}
        two = type(one)(**{**one.__dict__, "date": "2024-12-31", "annual": annual, "id": ""})
        timed("ledger: write releases.json (two releases)", Ledger([one, two]).write, folder / "releases.json")
        timed("ledger: read releases.json", Ledger.read, folder)
    medians = {name: round(statistics.median(values), 3) for name, values in times.items()}
    size = (folder / "releases.json").stat().st_size
    for name, value in medians.items():
        print(f"  {name}: {value:.3f} s CPU", flush=True)
    added = (
        medians["annual protection, under the 2023 release"]
        - medians["annual protection, alone"]
        + medians["certification protection, under the 2023 release"]
        - medians["certification protection, alone"]
        + sum(v for k, v in medians.items() if k.startswith("ledger"))
    )
    protection = medians["annual protection, alone"] + medians["certification protection, alone"]
    print(f"  releases.json with two releases: {size / 1e6:.2f} MB", flush=True)
    share = added / protection
    print(f"  the ledger adds {added:.2f} s CPU to the {protection:.2f} s of the two protections ({share:+.0%})")
    return {
        "cpu_s": medians,
        "ledger_bytes_two_releases": size,
        "added_s": round(added, 2),
        "protections_s": protection,
    }


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        dataset = _national()
        if "--ledger-time" in argv:
            print("3. time the ledger adds to a national build", flush=True)
            timing = ledger_time(dataset, 2 if quick else REPEATS)
            RESULTS.mkdir(exist_ok=True)
            (RESULTS / "releases-time.json").write_text(json.dumps(timing, indent=1, default=str))
            return
        print("1. ten releases against one-shot", flush=True)
        ten = ten_releases(dataset)
        last, once = ten["last"], ten["one_shot"]
        print(
            f"  masked in the last release {last['masked']} cells ({last['classes']['secondary']} complements, "
            f"{last['share']:.2%} of the published total), one-shot {once['masked']} "
            f"({once['classes']['secondary']} complements, {once['share']:.2%}): "
            f"ratio {last['masked'] / once['masked']:.3f}; "
            f"national key figures masked {last['national_key_masked']} / {once['national_key_masked']} "
            f"(of {once['national_key_figures']})",
            flush=True,
        )
        two = None
        if not quick:
            print("2. two releases (2023, 2024) without and with the ledger", flush=True)
            two = two_releases(dataset)
        print("3. time the ledger adds to a national build", flush=True)
        timing = ledger_time(dataset, 2 if quick else REPEATS)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "releases.json").write_text(json.dumps({"ten": ten, "two": two, "time": timing}, indent=1, default=str))


if __name__ == "__main__":
    main()
