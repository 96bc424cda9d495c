"""The attacker of releases on a national site (issue 16): CPU seconds of `tlanalysis.protect.attack`, reading the
annual reports' counts only against the annual and certification reports' counts, side by side in one process.

The site: the national generator (18 regions), built as `tlanalysis build` builds it (protection, every report
planned, the release ledger): surveys up to 2023, then 2024 added into the same folder (the first site saved
before). The attacker reads both releases (what the build's closing audit and `tlanalysis audit --previous` run).

Usage: python benchmarks/bench_attack.py [--repeats N]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPEATS = 3
TARGET_JOBS = ("facilitation",)


def _release(dataset, site: Path, previous=()) -> None:
    """What a build does for the protection and the ledger, without notebooks."""
    from tlanalysis.protect.releases import History
    from tlanalysis.publish.plan import plan_reports
    from tlanalysis.publish.runner import ensure_protection
    from tlanalysis.report.kinds import registered

    site.mkdir(exist_ok=True)
    history = History.open(site, previous, False, 5, TARGET_JOBS)
    ensure_protection(dataset, 5, site.with_name(site.name + "-state"), certification=True, history=history)
    reports = plan_reports(dataset, (), (), registered())
    history.record(site, dataset, 5, TARGET_JOBS, [(r.kind.name, r.year, r.region_code or "FR") for r in reports])


def main(repeats: int) -> None:
    import pandas as pd

    from tlanalysis.protect.attack import ReaderModel
    from tlanalysis.protect.ledger import read_sites
    from tlanalysis.sample import write_national
    from tlanalysis.validate.dataset import load_dataset

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_national(root / "data")
        shutil.copytree(root / "data", root / "data-2023")
        employment = pd.read_csv(root / "data-2023" / "employment.csv", dtype=str, keep_default_na=False)
        employment[employment["year"].astype(int) <= 2023].to_csv(root / "data-2023" / "employment.csv", index=False)
        _release(load_dataset(root / "data-2023"), root / "site")
        shutil.copytree(root / "site", root / "saved")
        _release(load_dataset(root / "data"), root / "site")
        releases = read_sites([root / "saved", root / "site"]).releases
        print(
            f"two national releases: {[len(r.annual) for r in releases]} annual counts, "
            f"{[len(r.certification) for r in releases]} certification counts",
            flush=True,
        )
        times: dict[str, list[float]] = {"annual counts": [], "annual and certification counts": []}
        for _ in range(repeats):
            for name, certification in (("annual counts", False), ("annual and certification counts", True)):
                started = time.process_time()
                found = ReaderModel(releases, certification=certification).pinned()
                times[name].append(time.process_time() - started)
                assert found == [], found
        base = statistics.median(times["annual counts"])
        for name, values in times.items():
            median = statistics.median(values)
            print(f"  {name:32} {median:6.2f} CPU s (median of {repeats})  x{median / base:.2f}  pinned: 0")


if __name__ == "__main__":
    count = int(sys.argv[sys.argv.index("--repeats") + 1]) if "--repeats" in sys.argv else REPEATS
    main(count)
