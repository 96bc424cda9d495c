"""Disclosure control at national scale: time and information loss, today's algorithm against the first one.

For 1, 2, 4, 8 and 18 regions of `tlanalysis.sample.make_national` (every report of the data
protected together, k = 5), each run in a fresh process pinned to one core, it measures the time of
`Protection(employment, holders, 5)` (wall and CPU seconds) and prints the growth of CPU time next
to the growth of cells (equal ratios = linear). The first algorithm (SVD span checks and bounds
propagation: `tlanalysis/disclosure.py` of git revision 01fcfbd, taken from the history at run time
and run on today's helpers) is run only up to 6 regions: it grows with
about the cube of the cells (628 s for 18 regions, issue 7). On the same data, both print the
information lost: cells suppressed, complements, share of the published total suppressed (sum of
the masked cells' values over the sum of all cells' values), national key figures masked (jobs,
CDI, CDD, facilitation, holders n and base, situation and trajectory counts of the 10 national
reports) and how many of those are complements. Usage: python benchmarks/bench_disclosure.py [--quick]
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"
SIZES = (1, 2, 4, 8, 18)
#: The last revision with the first algorithm in tlanalysis/disclosure.py.
FIRST_ALGORITHM = "01fcfbd"
OLD_SIZES = (1, 2, 4, 6)  # the first algorithm: 21.5 s at 6 regions, 38.7 s at 8, 628 s at 18 (issue 7)
OLD_TIMEOUT_S = 300
REPEATS = 3

CHILD = r"""
import importlib, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from tlanalysis.load.tables import RawTable
from tlanalysis.reference import FRANCE
from tlanalysis.sample import make_national
from tlanalysis.schema import EMPLOYMENT, HOLDERS
from tlanalysis.validate.table import validate_table

def tidy(frame, table):
    raw = frame.astype("string")
    raw.index = raw.index + 2
    return validate_table(RawTable(Path(table.name + ".csv"), raw), table)

n, algorithm = int(sys.argv[1]), sys.argv[2]
employment, holders = make_national(n)
employment, holders = tidy(employment, EMPLOYMENT), tidy(holders, HOLDERS)
module = importlib.import_module("_disclosure_v1" if algorithm == "v1" else "tlanalysis.protect.annual")
start, cpu = time.perf_counter(), time.process_time()
p = module.Protection(employment, holders, 5)
elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
values = [int(v) for v in p._model.values]
masked = {int(c): r for c, r in p._masked.items()}
national = complements = 0
for year, region in p.reports:
    if not region.is_national:
        continue
    f = p.figures(year, region)
    jobs, hold = f["jobs"], f["holders"]
    key = [jobs["total"], jobs["by_contract"]["CDI"], jobs["by_contract"]["CDD"], jobs["facilitation"],
           hold["n"], hold["trajectory_n"], *hold["situation_counts"].values(), *hold["trajectory_counts"].values()]
    national += sum(isinstance(v, module.Masked) for v in key)
    complements += sum(isinstance(v, module.Masked) and v.reason == "secondary" for v in key)
print(json.dumps({
    "regions": n, "algorithm": algorithm, "time_s": elapsed, "cpu_s": cpu, "cells": len(values),
    "suppressed": len(masked), "secondary": sum(r == "secondary" for r in masked.values()),
    "share_suppressed": sum(values[c] for c in masked) / max(1, sum(values)),
    "national_key_masked": national, "national_key_complements": complements,
    "unresolved": len(p.unresolved),
}))
"""


def first_algorithm(into: Path) -> Path:
    """Write the first algorithm's module (`_disclosure_v1`) into `into`, from git history, with its
    package-relative imports pointed at today's `tlanalysis` (same helpers, same data types)."""
    source = subprocess.run(
        ["git", "-C", str(HERE.parent), "show", f"{FIRST_ALGORITHM}:tlanalysis/disclosure.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    (into / "_disclosure_v1.py").write_text(re.sub(r"^from \.", "from tlanalysis.", source, flags=re.M))
    return into


def run(n_regions: int, algorithm: str, repeats: int, module_dir: Path = HERE) -> dict | None:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    runs = []
    for _ in range(repeats):
        try:
            out = subprocess.run(
                [*pin, sys.executable, "-c", CHILD, str(n_regions), algorithm, str(module_dir)],
                check=True,
                env=env,
                capture_output=True,
                text=True,
                timeout=OLD_TIMEOUT_S if algorithm == "v1" else None,
            ).stdout
        except subprocess.TimeoutExpired:
            return None
        runs.append(json.loads(out.strip().splitlines()[-1]))
    result = dict(runs[0])
    result["time_s"] = statistics.median(r["time_s"] for r in runs)
    result["cpu_s"] = statistics.median(r["cpu_s"] for r in runs)
    return result


def _growth(rows: list[dict]) -> list[str]:
    """CPU time ratio between successive sizes, and the cells ratio (equal ratios: linear in the cells)."""
    out = ["—"]
    for before, after in itertools.pairwise(rows):
        time_ratio = after["cpu_s"] / before["cpu_s"]
        cells_ratio = after["cells"] / before["cells"]
        out.append(f"×{time_ratio:.2f} for ×{cells_ratio:.2f} cells")
    return out


def main(argv: list[str] | None = None) -> None:
    quick = "--quick" in (argv if argv is not None else sys.argv[1:])
    sizes = (1, 4, 18) if quick else SIZES
    new = [run(n, "v2", 1 if quick else REPEATS) for n in sizes]
    old = []
    baseline = first_algorithm(Path(tempfile.mkdtemp(prefix="tlanalysis-bench-")))
    for n in (1, 4) if quick else OLD_SIZES:
        result = run(n, "v1", 1, baseline)
        if result is None:
            print(f"first algorithm: {n} regions did not finish in {OLD_TIMEOUT_S} s; larger sizes not run")
            break
        old.append(result)

    print("\nProtection time, today's algorithm (k = 5, one core, median of", 1 if quick else REPEATS, "runs)")
    print(f"{'regions':>7} {'cells':>6} {'wall s':>7} {'CPU s':>7} {'CPU µs/cell':>11}  growth of CPU time")
    for row, growth in zip(new, _growth(new), strict=True):
        us = 1e6 * row["cpu_s"] / row["cells"]
        print(f"{row['regions']:>7} {row['cells']:>6} {row['time_s']:>7.2f} {row['cpu_s']:>7.2f} {us:>11.0f}  {growth}")
    print(
        f"\nFirst algorithm (tlanalysis/disclosure.py of {FIRST_ALGORITHM}), only up to",
        max(r["regions"] for r in old),
        "regions:",
    )
    print(f"{'regions':>7} {'cells':>6} {'wall s':>7} {'CPU s':>7}  growth of CPU time")
    for row, growth in zip(old, _growth(old), strict=True):
        print(f"{row['regions']:>7} {row['cells']:>6} {row['time_s']:>7.2f} {row['cpu_s']:>7.2f}  {growth}")

    print("\nInformation loss on the same data (national key figures: 16 per national report, 10 reports)")
    print(
        f"{'regions':>7} {'algorithm':>9} {'suppressed':>10} {'secondary':>9} {'share of total':>14} "
        f"{'national key masked':>19} {'of which complements':>20} {'CPU s':>7}"
    )
    by_size = {r["regions"]: r for r in new}
    pairs = [(r, by_size.get(r["regions"]) or run(r["regions"], "v2", 1)) for r in old]
    rows = [row for pair in pairs for row in pair]
    if new[-1]["regions"] not in {r["regions"] for r in old}:
        rows.append(new[-1])  # the whole country: today's algorithm only
    for row in rows:
        name = "first" if row["algorithm"] == "v1" else "today"
        print(
            f"{row['regions']:>7} {name:>9} {row['suppressed']:>10} {row['secondary']:>9} "
            f"{100 * row['share_suppressed']:>13.2f}% {row['national_key_masked']:>19} "
            f"{row['national_key_complements']:>20} {row['cpu_s']:>7.2f}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "disclosure.json").write_text(json.dumps({"today": new, "first": old}, indent=2))


if __name__ == "__main__":
    main()
