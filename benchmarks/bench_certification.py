"""Disclosure control of the certification reports: CPU time as the data grow, beside a baseline.

For the bundled sample and the national generator's first 1, 4, 8 and 18 regions (`--quick`: up to 4),
times in CPU seconds of one process on one core (a loaded machine inflates them less than wall time):

* `annual`: the annual protection (`disclosure.protect`), which the certification one sits beside;
* `certification`: the certification protection with the annual holder counts in its model (what a
  build does), with its number of solves and its masking;
* `alone`: the same without the annual counts (what it was before they were modelled);
* `baseline`: the same certification protection (with the annual counts) by a git revision (default
  `main`), run from an export of that revision, in the same run, side by side; `baseline_over_certification`
  is the ratio; `per_region`: the current CPU seconds per region (about constant when it grows linearly);
  `masked_over_baseline`: the counts masked (primary and secondary) by the current code over the baseline's
  (the information lost, which a faster search must not let grow).

Each measurement runs in a fresh subprocess, current and baseline alternating, so that neither warms
the other's caches. Usage: python benchmarks/bench_certification.py [--quick] [--audit] [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from baseline import ROOT, export_revision  # benchmarks/ is the script's own folder

RESULTS = Path(__file__).parent / "results"
#: What the baseline revision runs from.
BASELINE_PATHS = ("tlanalysis", "data/reference", "pyproject.toml")
BASELINE = "main"

_MEASURE = r"""
import json, sys, time
from pathlib import Path
from tlanalysis.protect.certification import CertificationProtection
from tlanalysis.validate.dataset import load_dataset
from tlanalysis.protect.annual import protect

folder, mode, audit = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
data = load_dataset(folder)
out = {}
if mode == "current":
    start = time.process_time()
    annual = protect(data, 5)
    out["annual_cpu_s"] = round(time.process_time() - start, 2)
    for name, beside in (("certification", annual), ("alone", None)):
        start = time.process_time()
        p = CertificationProtection(data.holders, data.assessments, 5, annual=beside).compute_all()
        out[name + "_cpu_s"] = round(time.process_time() - start, 2)
        out[name] = {**p.summary(), "solves": p.solves}
        if audit and beside is not None:
            start = time.process_time()
            out["audit_pinned"] = len(p.audit())
            out["audit_cpu_s"] = round(time.process_time() - start, 2)
else:
    annual = protect(data, 5)
    start = time.process_time()
    p = CertificationProtection(data.holders, data.assessments, 5, annual=annual).compute_all()
    out["baseline_cpu_s"] = round(time.process_time() - start, 2)
    out["baseline"] = p.summary()
print(json.dumps(out))
"""


def _measure(folder: Path, mode: str, path: Path, audit: bool) -> dict:
    env = {**os.environ, "PYTHONPATH": str(path), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(folder), mode, "1" if audit else "0"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        cwd=path,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    """`argv`: the options (none when run from benchmarks/run.py)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="up to 4 regions")
    parser.add_argument("--audit", action="store_true", help="also time the whole-number audit")
    parser.add_argument("--baseline", default=BASELINE, help=f"git revision to compare with (default {BASELINE})")
    args = parser.parse_args([] if argv is None else argv)
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.sample import write_national

    results: dict = {"baseline_revision": args.baseline, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        baseline = export_revision(args.baseline, Path(tmp) / "baseline", *BASELINE_PATHS)
        folders = [("sample", Path(SAMPLE_DATA_DIR))]
        for n in (1, 4) if args.quick else (1, 4, 8, 18):
            folder = Path(tmp) / f"national-{n}"
            write_national(folder, n_regions=n)
            folders.append((f"national {n} regions", folder))
        for name, folder in folders:
            started = time.monotonic()
            row = {"data": name, **_measure(folder, "current", ROOT, args.audit)}
            row.update(_measure(folder, "baseline", baseline, False))
            row["baseline_over_certification"] = round(row["baseline_cpu_s"] / max(row["certification_cpu_s"], 1e-3), 2)
            row["certification_over_alone"] = round(row["certification_cpu_s"] / max(row["alone_cpu_s"], 1e-3), 2)
            masked = {name: row[name]["small_count"] + row[name]["secondary"] for name in ("certification", "baseline")}
            row["masked_over_baseline"] = round(masked["certification"] / max(masked["baseline"], 1), 3)
            regions = int(name.split()[1]) if name.startswith("national") else None
            row["per_region"] = round(row["certification_cpu_s"] / regions, 2) if regions else None
            row["wall_s"] = round(time.monotonic() - started, 1)
            print(json.dumps(row), flush=True)
            results["runs"].append(row)
    print()
    audit = " audit s (pinned) |" if args.audit else ""
    print(
        "| data | annual s | certification s (current) | baseline s | baseline / current | s per region | solves "
        f"| masked, baseline | masked, current | masked current / baseline |{audit}"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if args.audit else ""))
    for row in results["runs"]:
        cert, base = row["certification"], row["baseline"]
        audited = f" {row['audit_cpu_s']} ({row['audit_pinned']}) |" if args.audit else ""
        print(
            f"| {row['data']} | {row['annual_cpu_s']} | {row['certification_cpu_s']} | {row['baseline_cpu_s']} | "
            f"{row['baseline_over_certification']}× | {row['per_region'] or '—'} | {cert['solves']} | "
            f"{base['small_count']} + {base['secondary']} | {cert['small_count']} + {cert['secondary']} | "
            f"{row['masked_over_baseline']} |{audited}"
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "certification.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
