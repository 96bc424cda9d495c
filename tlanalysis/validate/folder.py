"""The data folder a command is given, checked before anything reads it (no pandas: a no-op build checks it
too)."""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError


def check_data_dir(data_dir: Path | str) -> Path:
    """The folder, `~` expanded; a UsageError naming it when it is not a folder."""
    path = Path(data_dir).expanduser()
    if not path.is_dir():
        raise UsageError(f"data folder not found: {path}")
    return path


__all__ = ["check_data_dir"]
