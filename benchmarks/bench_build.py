"""`tlanalysis build` against the plain way of building the same reports, side by side in one run.

(a) plain loop: for each report, the `papermill` command line, then `jupyter nbconvert --to html
    --no-input` (a new interpreter, a new kernel and every import, twice per report);
(b) `tlanalysis build --jobs 2 --force` (and `--jobs 1`, the same work on one core);
(c) the no-op rebuild (`tlanalysis build --jobs 2`, everything up to date), median of 3.

Every command is timed as a user would run it (a subprocess, interpreter start-up included).
Reported: seconds in all and per report, speedup over the plain loop, and bytes per report
(HTML + executed notebook) in site mode, with the shared assets counted once.

Usage: python benchmarks/bench_build.py [--quick]   (--quick: the 3 reports of 2019 only)
Goal: the default build (every report) at least 4x faster than the plain loop; no-op under 1 s.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
ENTRY = "import sys; from tlanalysis.cli import main; sys.argv[0] = 'tlanalysis'; main()"


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return elapsed


def selection(quick: bool) -> list[tuple[int, str, str]]:
    """(year, region name, slug) of the reports the default build makes (or those of 2019)."""
    from tlanalysis import load_dataset
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.publish.plan import plan_reports

    reports = plan_reports(load_dataset(SAMPLE_DATA_DIR), years=[2019] if quick else [])
    return [(r.year, r.region_name, r.slug) for r in reports]


def plain_loop(reports, work: Path) -> tuple[float, list[int]]:
    from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR

    sizes = []
    start = time.perf_counter()
    for year, region, slug in reports:
        executed = work / f"{year}-{slug}.ipynb"
        timed(
            [
                sys.executable,
                "-m",
                "papermill",
                "--no-progress-bar",
                "-k",
                "python3",
                str(REPORT_NOTEBOOK),
                str(executed),
                "-p",
                "year",
                str(year),
                "-p",
                "region",
                region,
                "-p",
                "data_dir",
                str(SAMPLE_DATA_DIR.resolve()),
                "-p",
                "render",
                "report",
            ],
            work,
        )
        timed([sys.executable, "-m", "nbconvert", "--to", "html", "--no-input", str(executed)], work)
        sizes.append(executed.stat().st_size + executed.with_suffix(".html").stat().st_size)
    return time.perf_counter() - start, sizes


def build_args(out: Path, quick: bool, *extra: str) -> list[str]:
    return [sys.executable, "-c", ENTRY, "build", "--out", str(out), *(["--year", "2019"] if quick else []), *extra]


def site_sizes(out: Path) -> tuple[list[int], int]:
    per_report = [
        page.stat().st_size + page.with_suffix(".ipynb").stat().st_size for page in sorted(out.glob("*/*.html"))
    ]
    assets = sum(p.stat().st_size for p in (out / "assets").iterdir())
    return per_report, assets


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    reports = selection(quick)
    n = len(reports)
    print(f"{n} reports ({'2019 only' if quick else 'the default build'}), {os.cpu_count()} CPU cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        work = Path(tmp)
        (work / "plain").mkdir()
        plain_s, plain_sizes = plain_loop(reports, work / "plain")
        print(f"  plain loop done in {plain_s:.1f} s", flush=True)
        out = work / "reports"
        jobs1_s = timed(build_args(out, quick, "--jobs", "1", "--force"), work)
        print(f"  tlanalysis build --jobs 1 done in {jobs1_s:.1f} s", flush=True)
        jobs2_s = timed(build_args(out, quick, "--jobs", "2", "--force"), work)
        print(f"  tlanalysis build --jobs 2 done in {jobs2_s:.1f} s", flush=True)
        noop = [timed(build_args(out, quick, "--jobs", "2"), work) for _ in range(3)]
        noop_s = statistics.median(noop)
        sizes, assets = site_sizes(out)
        if len(sizes) != n:
            raise SystemExit(f"expected {n} reports, found {len(sizes)}")

    rows = [
        ("plain loop: papermill + nbconvert CLIs", plain_s, statistics.mean(plain_sizes)),
        ("tlanalysis build --jobs 1 --force", jobs1_s, statistics.mean(sizes)),
        ("tlanalysis build --jobs 2 --force", jobs2_s, statistics.mean(sizes)),
        ("tlanalysis build (no-op, median of 3)", noop_s, None),
    ]
    print(f"\n{'method':<40} {'total s':>8} {'s/report':>9} {'speedup':>8} {'kB/report':>10}")
    for name, seconds, size in rows:
        print(
            f"{name:<40} {seconds:>8.2f} {seconds / n:>9.3f} {plain_s / seconds:>7.1f}x "
            f"{'' if size is None else f'{size / 1000:>10.0f}'}"
        )
    print(
        f"site mode: HTML + executed notebook per report: mean {statistics.mean(sizes) / 1000:.0f} kB, "
        f"max {max(sizes) / 1000:.0f} kB; shared assets (plotly.js, styles) once: {assets / 1e6:.1f} MB"
    )
    print("(the plain loop's pages also lack plotly.js: their charts do not draw offline)")
    result = {
        "benchmark": "build",
        "reports": n,
        "quick": quick,
        "cpu_cores": os.cpu_count(),
        "plain_loop_s": plain_s,
        "build_jobs1_s": jobs1_s,
        "build_jobs2_s": jobs2_s,
        "noop_s": noop_s,
        "noop_runs_s": noop,
        "seconds_per_report": {"plain_loop": plain_s / n, "build_jobs1": jobs1_s / n, "build_jobs2": jobs2_s / n},
        "speedup_jobs2_vs_plain": plain_s / jobs2_s,
        "speedup_jobs1_vs_plain": plain_s / jobs1_s,
        "bytes_per_report_site": {"mean": statistics.mean(sizes), "max": max(sizes)},
        "bytes_per_report_plain_loop": statistics.mean(plain_sizes),
        "shared_assets_bytes": assets,
        "goal": "default build >= 4x faster than the plain loop; no-op rebuild < 1 s; report + notebook < 1 MB",
        "goal_met": plain_s / jobs2_s >= 4 and noop_s < 1 and max(sizes) < 1_000_000,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / ("build-quick.json" if quick else "build.json")).write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
