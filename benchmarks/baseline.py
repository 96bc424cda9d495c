"""The code of another git revision, exported beside the working tree, for benchmarks that measure the
current code side by side with a baseline in one run."""

from __future__ import annotations

import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def export_revision(revision: str, into: Path, *paths: str) -> Path:
    """`paths` of `revision` (git archive) extracted into `into`; returns `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, *paths], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into
