"""Processes on every platform: the portable path, and the switch that forces it on Linux.

The build's fast parts are POSIX-only: reports forked from warm workers (`fork`), kernels talking over
Unix sockets (`ipc` transport), kernels killed with their process group (`os.killpg`), `kill -USR1` to
see where a worker is stuck. Windows has none of them, macOS no safe `fork` once its system libraries
are loaded. The portable path uses parts that work everywhere: kernels (no fork), TCP transport, process
trees found and killed through `psutil`, and no POSIX signal but SIGTERM/SIGKILL; the build's lock is a
`filelock` on every platform.

`portable()` is true on Windows, and wherever $TLANALYSIS_PORTABLE is set to 1 (or true/yes): the tests
set it on Linux so that the portable path runs on every CI run and cannot rot unseen.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

#: Set to 1 to force the portable path (see the module doc).
PORTABLE_VARIABLE = "TLANALYSIS_PORTABLE"


def portable() -> bool:
    """Whether the build takes the portable path (Windows, or $TLANALYSIS_PORTABLE set)."""
    forced = os.environ.get(PORTABLE_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")
    return forced or sys.platform == "win32" or not hasattr(os, "killpg")


def kernel_transport() -> str:
    """`ipc` (Unix sockets: no TCP port races between parallel workers) on POSIX, `tcp` on the portable path."""
    return "tcp" if portable() else "ipc"


def kill_tree(pid: int) -> None:
    """Kill a process and everything it started: its process group on POSIX (kernels and forked reports
    lead their own), the tree `psutil` finds on the portable path."""
    if not portable():
        try:
            os.killpg(pid, signal.SIGKILL)
            return
        except (ProcessLookupError, PermissionError, AttributeError, OSError):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            return
    kill_descendants(pid, include_self=True)


def kill_descendants(pid: int, include_self: bool = False) -> None:
    """Kill every descendant of `pid` (and `pid` itself with `include_self`), found through psutil, and
    wait for them a little (every platform)."""
    import psutil  # type: ignore[import-untyped]

    try:
        parent = psutil.Process(pid)
        processes = parent.children(recursive=True)
    except psutil.Error:
        return
    if include_self:
        processes.append(parent)
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(processes, timeout=5)
