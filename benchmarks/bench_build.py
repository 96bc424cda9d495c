"""`tlanalysis build` against the plain way of building the same reports, side by side in one run;
then the bundled data against national-size data, side by side in one run.

Comparison (default):
(a) plain loop: for each report, the `papermill` command line, then `jupyter nbconvert --to html
    --no-input` (a new interpreter, a new kernel and every import, twice per report);
(b) `tlanalysis build --jobs 2 --force` (and `--jobs 1`, the same work on one core);
(c) the no-op rebuild (`tlanalysis build --jobs 2`, everything up to date), median of 3.

Every command is timed as a user would run it (a subprocess, interpreter start-up included).
Reported: seconds in all and per report, speedup over the plain loop, and bytes per report
(HTML + executed notebook) in site mode, with the shared assets counted once.

Scale (`--scale`, also run by default after the comparison): full builds (`--force`) of the
bundled data with `--jobs 1` and `--jobs 2`, and of the national-size data of
`tlanalysis.sample.write_national` (18 regions × 10 years + 10 national reports; `--regions N`
for the first N regions) with `--jobs 2`. For each: wall seconds, reports, seconds per report,
CPU seconds per report of the build and every process it started (workers, kernels:
`getrusage(RUSAGE_CHILDREN)`), the protection time (printed by the build), and the per-report
ratio national / bundled (goal: at most 1.5). `--min-count K` builds both with k = K.

Usage: python benchmarks/bench_build.py [--quick] [--scale] [--regions N] [--min-count K]
  --quick: the 3 reports of 2019 only (comparison); --scale: only the scale run.
Goal: the default build (every report) at least 4x faster than the plain loop; no-op under 1 s;
a national report costs at most 1.5x a bundled one (CPU and wall, --jobs 2).
"""

from __future__ import annotations

import json
import os
import re
import resource
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


def selection(quick: bool) -> list[tuple[int, str, str, Path]]:
    """(year, region name, slug, notebook) of the reports the default build makes, of every kind (or
    those of 2019)."""
    from tlanalysis import load_dataset
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.publish.plan import plan_reports
    from tlanalysis.report.kinds import registered

    reports = plan_reports(load_dataset(SAMPLE_DATA_DIR), years=[2019] if quick else [], kinds=registered())
    return [(r.year, r.region_name, r.slug, r.notebook) for r in reports]


def plain_loop(reports, work: Path) -> tuple[float, list[int]]:
    from tlanalysis.config import SAMPLE_DATA_DIR

    sizes = []
    start = time.perf_counter()
    for year, region, slug, notebook in reports:
        executed = work / f"{year}-{slug}.ipynb"
        timed(
            [
                sys.executable,
                "-m",
                "papermill",
                "--no-progress-bar",
                "-k",
                "python3",
                str(notebook),
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


def _option(argv: list[str], name: str, default: int | None) -> int | None:
    if name in argv:
        return int(argv[argv.index(name) + 1])
    return default


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured_build(data: Path, out: Path, jobs: int, min_count: int, work: Path) -> dict:
    """One `tlanalysis build --force` in a subprocess: wall and CPU seconds (all its processes)."""
    command = [
        sys.executable, "-c", ENTRY, "build", "--data", str(data), "--out", str(out),
        "--jobs", str(jobs), "--min-count", str(min_count), "--force",
    ]  # fmt: skip
    cpu_before = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=work, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu = _children_cpu() - cpu_before
    if result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr}")
    state = json.loads((out / ".tlanalysis-build.json").read_text(encoding="utf-8"))["reports"]
    built = [entry for entry in state.values() if entry.get("status") == "ok"]
    found = re.search(r"protection of every report of the data: computed in ([\d.]+) s", result.stdout)
    protection = float(found.group(1)) if found else 0.0
    n = len(built)
    return {
        "jobs": jobs,
        "reports": n,
        "all_present": n == len(state) and all((out / f).is_file() for e in built for f in e["files"]),
        "wall_s": wall,
        "cpu_s": cpu,
        "protection_s": protection,
        "wall_per_report_s": wall / n,
        "cpu_per_report_s": cpu / n,
        "wall_per_report_without_protection_s": (wall - protection) / n,
    }


def scale(argv: list[str]) -> dict:
    """Bundled data (--jobs 1 and 2) against national-size data (--jobs 2), in one run."""
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.sample import NATIONAL_REGIONS, write_national

    regions = _option(argv, "--regions", None)
    min_count = _option(argv, "--min-count", 5)
    label = f"national, {regions or len(NATIONAL_REGIONS)} regions"
    print(f"scale: bundled data and {label}, k = {min_count}, {os.cpu_count()} CPU cores", flush=True)
    runs = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        work = Path(tmp)
        national = work / "national"
        write_national(national, regions)
        for name, data, jobs in (
            ("bundled --jobs 1", SAMPLE_DATA_DIR, 1),
            ("bundled --jobs 2", SAMPLE_DATA_DIR, 2),
            (f"{label} --jobs 2", national, 2),
        ):
            runs[name] = measured_build(data, work / name.replace(" ", "_"), jobs, min_count, work)
            run = runs[name]
            print(f"  {name}: {run['reports']} reports in {run['wall_s']:.1f} s", flush=True)
    print(
        f"\n{'build':<36} {'reports':>7} {'wall s':>7} {'protect s':>9} {'s/report':>8} "
        f"{'s/rep -prot':>11} {'CPU s/rep':>9}"
    )
    for name, run in runs.items():
        print(
            f"{name:<36} {run['reports']:>7} {run['wall_s']:>7.1f} {run['protection_s']:>9.1f} "
            f"{run['wall_per_report_s']:>8.2f} {run['wall_per_report_without_protection_s']:>11.2f} "
            f"{run['cpu_per_report_s']:>9.2f}"
        )
    bundled, big = runs["bundled --jobs 2"], runs[f"{label} --jobs 2"]
    ratios = {
        "wall_per_report": big["wall_per_report_s"] / bundled["wall_per_report_s"],
        "cpu_per_report": big["cpu_per_report_s"] / bundled["cpu_per_report_s"],
        "wall_per_report_without_protection": big["wall_per_report_without_protection_s"]
        / bundled["wall_per_report_without_protection_s"],
    }
    speedup = runs["bundled --jobs 1"]["wall_s"] / bundled["wall_s"]
    print(
        f"per report, national / bundled (--jobs 2): wall {ratios['wall_per_report']:.2f}x, "
        f"CPU {ratios['cpu_per_report']:.2f}x, wall without protection "
        f"{ratios['wall_per_report_without_protection']:.2f}x (goal <= 1.5x); "
        f"bundled --jobs 2 vs --jobs 1: {speedup:.2f}x"
    )
    result = {
        "benchmark": "build-scale",
        "cpu_cores": os.cpu_count(),
        "regions": regions or len(NATIONAL_REGIONS),
        "min_count": min_count,
        "runs": runs,
        "ratios_national_over_bundled": ratios,
        "speedup_jobs2_vs_jobs1_bundled": speedup,
        "goal": "national build complete; per report <= 1.5x the bundled data (--jobs 2)",
        "goal_met": big["all_present"] and ratios["wall_per_report"] <= 1.5 and ratios["cpu_per_report"] <= 1.5,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "build-scale.json").write_text(json.dumps(result, indent=2))
    return result


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    if "--scale" in argv:
        return scale(argv)
    comparison = compare(argv)
    return {"comparison": comparison, "scale": scale(argv)}


def compare(argv: list[str]) -> dict:
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
