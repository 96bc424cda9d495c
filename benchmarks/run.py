"""Run every benchmark of the project in one go: `python benchmarks/run.py [indicators|load|build|audit ...]`.

Each runs as its own process with its default options, as `python benchmarks/bench_<name>.py` would.
Results are printed and written as JSON to benchmarks/results/ (not tracked).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
BENCHMARKS = {
    "indicators": HERE / "bench_indicators.py",
    "load": HERE / "bench_load.py",
    "build": HERE / "bench_build.py",
    "disclosure": HERE / "bench_disclosure.py",
    "certification": HERE / "bench_certification.py",
    "audit": HERE / "bench_audit.py",
    "releases": HERE / "bench_releases.py",
    "attack": HERE / "bench_attack.py",
    "noop": HERE / "bench_noop.py",
    "executor": HERE / "bench_executor.py",
}


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        print(f"== {name} ==", flush=True)
        subprocess.run([sys.executable, str(BENCHMARKS[name])], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
