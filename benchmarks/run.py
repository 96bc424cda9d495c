"""Run every benchmark of the project in one go: `python benchmarks/run.py [indicators|load|build|audit ...]`.

Results are printed and written as JSON to benchmarks/results/ (not tracked).
"""

from __future__ import annotations

import importlib.util
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
}


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(names: list[str]) -> None:
    for name in names or list(BENCHMARKS):
        print(f"== {name} ==", flush=True)
        _load(BENCHMARKS[name]).main()


if __name__ == "__main__":
    main(sys.argv[1:])
