"""The no-op rebuild (`tlanalysis build` with every report up to date), this code beside a baseline revision.

For each data folder (the bundled sample; with `--regions N`, also the national generator's first N regions,
`--national` for all 18: 320 reports), each version builds a site once (`--jobs 2`, audit on), then the same
command again three times, timed as a user runs it (a subprocess, interpreter start-up included):

* `noop_s`: wall seconds, median of 3; `noop_cpu_s`: CPU seconds of that process (median of 3);
* `imports_s`: the time of every top-level import of one more no-op run under `python -X importtime`
  (the slowest listed), with `modules` imported and whether `scipy` / `highspy` were among them;
* `baseline_over_current`: the ratio of the medians (wall and CPU), measured in the same run, versions
  alternating, so that a busy machine weighs on both alike;
* `profile`: one more no-op run under cProfile, the slowest of tlanalysis' own functions (cumulative);
* `import papermill` (once per run, not per data folder): papermill loads every engine's entry point when
  it is imported, tlanalysis' among them: seconds, modules, and whether pandas came with it.

The baseline (default `main`) runs from a `git archive` of that revision (its package, notebooks and
reference data), with the same interpreter and environment.

Usage: python benchmarks/bench_noop.py [--baseline REV] [--regions N | --national] [--year Y] [--runs R]
(`--year Y`: only that survey year's reports, a far cheaper first build of national-size data.)
The first builds dominate the run time (the bundled sample: about 1 minute per version on 2 cores;
national: several minutes per version). Goal: a no-op under 0.5 s on the bundled data, 1 s nationally.
"""

from __future__ import annotations

import argparse
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

from baseline import ROOT, export_revision  # benchmarks/ is the script's own folder

RESULTS = Path(__file__).parent / "results"
#: What the baseline revision runs from.
BASELINE_PATHS = ("tlanalysis", "notebooks", "data", "pyproject.toml")
ENTRY = "import sys; from tlanalysis.cli import main; sys.argv[0] = 'tlanalysis'; main()"
HEAVY = ("scipy", "highspy", "plotly", "papermill", "nbconvert", "jupyter_client")


class Version:
    """One version of the code, with its own site and state folder for each data folder."""

    def __init__(self, name: str, path: Path, work: Path, extra: tuple[str, ...] = ()) -> None:
        self.name, self.path, self.work, self.extra = name, path, work, extra

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.path), "PYTHONDONTWRITEBYTECODE": "0"}

    def command(self, data: Path, label: str, *python: str) -> list[str]:
        out = self.work / f"{self.name}-{label}"
        if python[:2] == ("-m", "cProfile"):  # cProfile runs a script, not -c
            script = self.work / "entry.py"
            script.write_text(ENTRY + "\n", encoding="utf-8")
            entry = [*python, str(script)]
        else:
            entry = [*python, "-c", ENTRY]
        return [
            sys.executable,
            *entry,
            "build",
            "--data",
            str(data),
            "--out",
            str(out / "site"),
            "--state-dir",
            str(out / "state"),
            "--jobs",
            "2",
            *self.extra,
        ]

    def run(self, data: Path, label: str, *python: str) -> tuple[float, float, str]:
        """(wall s, CPU s, stderr) of one build."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            self.command(data, label, *python), cwd=self.path, env=self.env(), capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{self.name} build of {label} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, done.stderr


def papermill_import(version: Version) -> tuple[float, float, dict]:
    """(wall s, CPU s, what was imported) of `import papermill` in a fresh interpreter: papermill loads its
    engines' entry points (tlanalysis-inprocess among them) whenever it is imported."""
    code = (
        "import json, sys; import papermill; "
        "print(json.dumps({'modules': len(sys.modules), 'tlanalysis': [m for m in sys.modules if m.startswith("
        "'tlanalysis')], 'pandas': 'pandas' in sys.modules}))"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=version.path, env=version.env(), capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{version.name}: import papermill failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(done.stdout.strip().splitlines()[-1])


def profile(version: Version, data: Path, label: str, top: int = 8) -> list[str]:
    """Where one more no-op run's time goes in process (cProfile, cumulative seconds): the slowest calls of
    tlanalysis' own functions, the imports included."""
    import pstats

    with tempfile.NamedTemporaryFile(suffix=".prof", delete=False) as handle:
        path = handle.name
    try:
        version.run(data, label, "-m", "cProfile", "-o", path)
        stats = pstats.Stats(path)
        rows = []
        for (filename, _line, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
            if "/tlanalysis/" in filename and "/site-packages/" not in filename:
                rows.append((cumulative, f"{Path(filename).parent.name}/{Path(filename).name}:{function}"))
        return [f"{name} {seconds:.3f}" for seconds, name in sorted(rows, reverse=True)[:top]]
    finally:
        os.unlink(path)


def imports(stderr: str) -> dict:
    """What `-X importtime` says: top-level import seconds, modules, the heavy ones imported, the slowest."""
    rows = []
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            rows.append((int(match.group(2)), len(match.group(3)), match.group(4)))
    top = [(cumulative, name) for cumulative, depth, name in rows if depth == 1]
    names = {name for _, _, name in rows}
    return {
        "imports_s": round(sum(c for c, _ in top) / 1e6, 3),
        "modules": len(rows),
        "heavy": sorted(h for h in HEAVY if h in names),
        "slowest": [f"{name} {c / 1e6:.2f}" for c, name in sorted(top, reverse=True)[:4]],
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git revision to compare with (default main)")
    parser.add_argument("--regions", type=int, default=0, help="also the national generator's first N regions")
    parser.add_argument("--national", action="store_true", help="also the national generator (18 regions)")
    parser.add_argument("--runs", type=int, default=3, help="no-op runs per version (median)")
    parser.add_argument("--year", type=int, help="only the reports of this survey year (a cheaper first build)")
    args = parser.parse_args([] if argv is None else argv)
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.sample import write_national

    results: dict = {"baseline_revision": args.baseline, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        extra = ("--year", str(args.year)) if args.year else ()
        versions = [
            Version("current", ROOT, work, extra),
            Version("baseline", export_revision(args.baseline, work / "baseline", *BASELINE_PATHS), work, extra),
        ]
        folders = [("sample", Path(SAMPLE_DATA_DIR))]
        regions = 18 if args.national else args.regions
        if regions:
            folder = work / f"national-{regions}"
            write_national(folder, n_regions=regions)
            folders.append((f"national {regions} regions", folder))
        for label, data in folders:
            row: dict = {"data": label}
            for version in versions:
                wall, _, _ = version.run(data, label)
                row[f"{version.name}_first_build_s"] = round(wall, 1)
            times: dict[str, list[tuple[float, float]]] = {v.name: [] for v in versions}
            for _ in range(args.runs):
                for version in versions:  # alternating: a busy moment weighs on both
                    wall, cpu, _ = version.run(data, label)
                    times[version.name].append((wall, cpu))
            for version in versions:
                walls, cpus = zip(*times[version.name], strict=True)
                row[f"{version.name}_noop_s"] = round(statistics.median(walls), 3)
                row[f"{version.name}_noop_cpu_s"] = round(statistics.median(cpus), 3)
                _, _, stderr = version.run(data, label, "-X", "importtime")
                row[f"{version.name}_imports"] = imports(stderr)
                row[f"{version.name}_profile"] = profile(version, data, label)
            row["baseline_over_current_wall"] = round(row["baseline_noop_s"] / row["current_noop_s"], 2)
            row["baseline_over_current_cpu"] = round(row["baseline_noop_cpu_s"] / row["current_noop_cpu_s"], 2)
            print(json.dumps(row), flush=True)
            results["runs"].append(row)
        marks: dict[str, list[tuple[float, float, dict]]] = {v.name: [] for v in versions}
        for _ in range(args.runs):
            for version in versions:
                marks[version.name].append(papermill_import(version))
        row = {"data": "import papermill"}
        for version in versions:
            walls, cpus, seen = zip(*marks[version.name], strict=True)
            row[f"{version.name}_s"] = round(statistics.median(walls), 3)
            row[f"{version.name}_cpu_s"] = round(statistics.median(cpus), 3)
            row[f"{version.name}_modules"] = seen[-1]["modules"]
            row[f"{version.name}_pandas"] = seen[-1]["pandas"]
            row[f"{version.name}_tlanalysis_modules"] = len(seen[-1]["tlanalysis"])
        print(json.dumps(row), flush=True)
        results["papermill_import"] = row
    print()
    print("| data | version | no-op wall s | no-op CPU s | imports s | modules | heavy imported |")
    print("|---|---|---:|---:|---:|---:|---|")
    for row in results["runs"]:
        for name in ("baseline", "current"):
            imp = row[f"{name}_imports"]
            print(
                f"| {row['data']} | {name} | {row[f'{name}_noop_s']} | {row[f'{name}_noop_cpu_s']} | "
                f"{imp['imports_s']} | {imp['modules']} | {', '.join(imp['heavy']) or '—'} |"
            )
        print(
            f"| {row['data']} | baseline / current | {row['baseline_over_current_wall']}× | "
            f"{row['baseline_over_current_cpu']}× | | | |"
        )
    row = results["papermill_import"]
    print()
    print("| `import papermill` | wall s | CPU s | modules | tlanalysis modules | pandas imported |")
    print("|---|---:|---:|---:|---:|---|")
    for name in ("baseline", "current"):
        print(
            f"| {name} | {row[f'{name}_s']} | {row[f'{name}_cpu_s']} | {row[f'{name}_modules']} | "
            f"{row[f'{name}_tlanalysis_modules']} | {'yes' if row[f'{name}_pandas'] else 'no'} |"
        )
    for run in results["runs"]:
        for name in ("baseline", "current"):
            print(f"{run['data']}, {name}, in process (cProfile, cumulative s): {'; '.join(run[f'{name}_profile'])}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "noop.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
