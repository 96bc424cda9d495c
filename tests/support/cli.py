"""Run the real `tlanalysis` command line in a subprocess, as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ENTRY = "import sys; from tlanalysis.cli import main; sys.argv[0] = 'tlanalysis'; main()"


def run_cli(*args: str | Path, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )
