"""What publishing safely costs, on national-size data, side by side in one run (issue 17).

One site of the national generator (`tlanalysis.sample.write_national`; `--regions N` for the first N
regions, `--year Y` for one survey year) is built once (`--formats html,xlsx`); then, in one run:

(a) the no-op rebuild (`tlanalysis build`, everything up to date, the audit skipped because no file
    changed since the last clean one), median of 3;
(b) the same no-op rebuild with `--no-audit`, median of 3 (what the audit's check of the listing adds);
(c) `tlanalysis audit SITE` alone (every file read, the record identifiers of the data searched),
    median of 3; and the files and megabytes it reads.

Every command is timed as a user would run it (a subprocess, interpreter start-up included); the
private state folder is a temporary one. Results are printed and written to benchmarks/results/.

Usage: python benchmarks/bench_audit.py [--regions N] [--year Y] [--site DIR --data DIR]
  --site/--data: measure an existing site built from DIR instead of building one.
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


def run(args: list[str], env: dict, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", ENTRY, *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if check and result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return seconds, result


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else None


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    regions = int(_option(argv, "--regions") or 18)
    work = Path(tempfile.mkdtemp(prefix="tlanalysis-bench-audit-"))
    env = dict(os.environ, TLANALYSIS_STATE_DIR=str(work / "state"))
    site, data = _option(argv, "--site"), _option(argv, "--data")
    if site is None or data is None:
        data = str(work / "national")
        from tlanalysis.sample import write_national

        write_national(Path(data), regions)
        site = str(work / "site")
        selection = ["--year", _option(argv, "--year")] if _option(argv, "--year") else []
        build_s, built = run(["build", "--data", data, "--out", site, "--formats", "html,xlsx", *selection], env)
        print(built.stdout.strip().splitlines()[-2], f"({build_s:.0f} s)", flush=True)
    common = ["build", "--data", data, "--out", site, "--formats", "html,xlsx"]
    if _option(argv, "--year"):
        common += ["--year", str(_option(argv, "--year"))]
    run(common, env)  # the first no-op records the clean audit
    noop = [run(common, env)[0] for _ in range(3)]
    noop_no_audit = [run([*common, "--no-audit"], env)[0] for _ in range(3)]
    audit_runs = [run(["audit", site, "--data", data], env) for _ in range(3)]
    files = [p for p in Path(site).rglob("*") if p.is_file()]
    megabytes = sum(p.stat().st_size for p in files) / 1e6
    result = {
        "regions": regions,
        "files": len(files),
        "megabytes": round(megabytes, 1),
        "noop_s": round(statistics.median(noop), 2),
        "noop_no_audit_s": round(statistics.median(noop_no_audit), 2),
        "audit_s": round(statistics.median(s for s, _ in audit_runs), 2),
        "audit_summary": audit_runs[-1][1].stdout.strip(),
    }
    result["noop_ratio"] = round(result["noop_s"] / result["noop_no_audit_s"], 2)
    for name, value in result.items():
        print(f"{name:>16}: {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
