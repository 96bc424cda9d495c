"""Write-then-rename: a file under its final name is always complete.

Every output of a build is first written to a temporary file in the same folder,
named `.<final name>.tmp-<pid>[-<n>]<suffix>`, then `os.replace`d onto its final
name (atomic on POSIX and Windows within one file system). A build that is killed
(even with SIGKILL) leaves at worst such temporary files; they are never listed in
the index and the next build removes them (`clean_temp_files`) while holding the
output folder's lock.

No fsync: the guarantee is against interrupted processes, not power loss.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from pathlib import Path

#: Matches the temporary files made by `temp_path`, whatever their suffix.
TEMP_NAME = re.compile(r"^\..+\.tmp-\d+(-\d+)?(\.[A-Za-z0-9]+)?$")
_counter = itertools.count()


def temp_path(final: Path, suffix: str = "") -> Path:
    """A fresh temporary path next to `final` (same folder, so the rename is atomic).

    `suffix` is appended for tools that insist on an extension (papermill wants `.ipynb`)."""
    return final.with_name(f".{final.name}.tmp-{os.getpid()}-{next(_counter)}{suffix}")


def is_temp_name(name: str) -> bool:
    return bool(TEMP_NAME.match(name))


def final_name(name: str) -> str:
    """The name a temporary file stands for (".a.html.tmp-12-3" → "a.html"); other names as they are."""
    return name[1:].split(".tmp-")[0] if is_temp_name(name) else name


def replace(temp: Path, final: Path) -> None:
    """Move a finished temporary file onto its final name."""
    os.replace(temp, final)


def write_bytes(final: Path, data: bytes) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(final)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, final)
    except BaseException:
        remove(temp)
        raise


def write_text(final: Path, text: str) -> None:
    write_bytes(final, text.encode("utf-8"))


def write_text_if_changed(final: Path, text: str) -> bool:
    """Write only when the content differs (keeps mtimes of unchanged files); True if written."""
    data = text.encode("utf-8")
    try:
        if final.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes(final, data)
    return True


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def clean_temp_files(root: Path) -> list[Path]:
    """Remove leftovers of interrupted builds under `root` (two levels: OUT/ and OUT/<dir>/)."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    folders = [root] + [p for p in root.iterdir() if p.is_dir() and not p.is_symlink()]
    for folder in folders:
        for entry in folder.iterdir():
            if entry.is_file() and is_temp_name(entry.name):
                remove(entry)
                removed.append(entry)
    return removed
