"""Load + validate + compute on generated employment tables of 10k, 100k and 1M rows.

Each size runs in a fresh process pinned to one core (time after imports, peak RSS);
the growth ratios say whether cost stays linear. Usage: python benchmarks/bench_indicators.py
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = (10_000, 100_000, 1_000_000)
REPEATS = 3
RESULTS = Path(__file__).parent / "results"

CHILD = r"""
import json, resource, sys, time
from tlanalysis.validate.dataset import load_dataset
from tlanalysis.compute.indicators import key_figures
from tlanalysis.reference import FRANCE, resolve_region
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
data = load_dataset(sys.argv[1])
loaded = time.perf_counter()
for year in data.years:
    key_figures(data.employment, data.holders, year, FRANCE)
key_figures(data.employment, data.holders, 2019, resolve_region("75"))
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"load_validate_s": loaded - start, "compute_s": done - loaded, "total_s": done - start,
                  "peak_rss_mb": peak / 1024, "extra_rss_mb": (peak - base) / 1024}))
"""


def run_size(n_rows: int, folder: Path) -> dict:
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.sample import make_large_employment

    make_large_employment(n_rows).to_csv(folder / "employment.csv", index=False, sep=";")
    shutil.copy(SAMPLE_DATA_DIR / "holders.csv", folder / "holders.csv")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    runs = [
        json.loads(
            subprocess.run(
                [*pin, sys.executable, "-c", CHILD, str(folder)], check=True, env=env, capture_output=True, text=True
            ).stdout
        )
        for _ in range(REPEATS)
    ]
    best = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return {"rows": n_rows, "file_mb": (folder / "employment.csv").stat().st_size / 2**20, **best}


def main() -> dict:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            rows.append(run_size(n, folder))
    print(
        f"{'rows':>10} {'file MB':>8} {'load+valid s':>13} {'compute s':>10} {'total s':>8} "
        f"{'peak RSS MB':>12} {'µs/row':>7}"
    )
    for r in rows:
        print(
            f"{r['rows']:>10,} {r['file_mb']:>8.1f} {r['load_validate_s']:>13.3f} {r['compute_s']:>10.3f} "
            f"{r['total_s']:>8.3f} {r['peak_rss_mb']:>12.0f} {1e6 * r['total_s'] / r['rows']:>7.2f}"
        )
    growth = {f"{b['rows']}/{a['rows']}": round(b["total_s"] / a["total_s"], 2) for a, b in itertools.pairwise(rows)}
    print("time growth for 10x rows:", growth, "(10 = linear)")
    result = {
        "benchmark": "indicators",
        "sizes": rows,
        "time_growth_per_10x": growth,
        "goal": "1M rows loaded, validated and computed in < 3 s on one core",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "indicators.json").write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
