"""One report in a process forked from a warm worker, watched by the worker.

The worker has imported everything the notebooks import and holds the data and the protection in
memory; `run_forked` forks a child that does one report's work and exits. Copy-on-write gives the child
everything the worker holds without copying it, and whatever the child changes (pandas options, plotly's
default template, a module's global, a cache) dies with it: the next report starts from the worker's
state again, as from a fresh kernel.

The worker watches the child through a pipe: the child reports progress (the cell it starts) and, at the
end, what it made. Whatever way the child ends is an `Outcome`:

* it returned: `value` is what it returned;
* it raised outside the report's cells, exited (`os._exit`, `sys.exit` from a thread…) or was killed by a
  signal (a segfault, the OOM killer, `kill -9`): `ended` says how, `progress` where it was;
* it ran past `timeout` seconds: it is killed (with whatever it started: the child leads its own process
  group), `timed_out` is set.

Interrupts: the worker's SIGTERM handler calls `kill_children` (a worker killed outright takes its child
with it on Linux, through the parent-death signal; elsewhere the child notices at its next cell). The
child never runs the worker's exit handlers (it leaves with `os._exit`), so it never closes the worker's
browsers or removes its files.

Only where `fork` is available and safe (`fork_is_safe`): Linux and other POSIX systems but macOS, whose
system libraries are not fork-safe once loaded (Python itself moved to `spawn` there); elsewhere the build
runs kernels (`publish.execute`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Process ids of this worker's live children (for its SIGTERM handler).
live_children: set[int] = set()

_HEADER = struct.Struct("!I")


def fork_is_safe() -> bool:
    """Whether reports may run in forked processes here (see the module doc)."""
    return hasattr(os, "fork") and sys.platform not in ("win32", "cygwin", "darwin")


@dataclass
class Outcome:
    """How a forked child ended (see the module doc)."""

    value: Any = None
    returned: bool = False
    progress: Any = None
    ended: str = ""
    timed_out: bool = False
    seconds: float = 0.0
    pid: int = 0


def _send(fd: int, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _set_parent_death_signal() -> None:
    """Linux: the kernel kills this process when its parent dies (a worker killed with SIGKILL)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _child(write_fd: int, work: Callable[[Callable[[object], None]], object], parent: int) -> None:
    """The forked child: run `work`, send its value, leave with os._exit (no exit handler of the worker)."""
    code = 70
    try:
        os.setpgid(0, 0)  # its own process group: killed with whatever it starts
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker coordinates interrupts
        _set_parent_death_signal()
        if os.getppid() != parent:  # the worker died before the signal was set
            os._exit(1)

        def progress(message: object) -> None:
            if os.getppid() != parent:  # not Linux: the worker is gone, stop here
                os._exit(1)
            _send(write_fd, ("progress", message))

        value = work(progress)
        _send(write_fd, ("done", value))
        code = 0
    except BaseException as exc:
        with contextlib.suppress(BaseException):
            _send(write_fd, ("raised", "".join(traceback.format_exception_only(type(exc), exc)).strip()))
            traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def run_forked(
    work: Callable[[Callable[[object], None]], object],
    timeout: float | None = None,
    watch_parent: int | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Outcome:
    """Run `work(progress)` in a forked child and wait for it (see the module doc). `watch_parent`: the
    pid of the build process; if it disappears while the child runs, the worker kills the child and
    leaves (`SystemExit`). `on_start`: called with the child's pid once it is forked."""
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        with contextlib.suppress(Exception):
            stream.flush()
    reap_exited()
    read_fd, write_fd = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (its coverage is not collected)
        os.close(read_fd)
        _child(write_fd, work, os.getppid())
    os.close(write_fd)
    live_children.add(pid)
    if on_start is not None:
        on_start(pid)
    outcome = Outcome(pid=pid)
    buffer = b""
    status: int | None = None
    try:
        deadline = started + timeout if timeout else None
        while not outcome.returned:
            wait = 0.5 if deadline is None else max(0.0, min(0.5, deadline - time.monotonic()))
            if deadline is not None and wait <= 0:
                outcome.timed_out = True
                kill_child(pid)
                break
            ready, _, _ = select.select([read_fd], [], [], wait)
            if watch_parent is not None and os.getppid() != watch_parent:
                kill_child(pid)
                raise SystemExit(1)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:  # the child closed its end: it has ended
                break
            buffer += chunk
            while len(buffer) >= _HEADER.size:
                (size,) = _HEADER.unpack_from(buffer)
                if len(buffer) < _HEADER.size + size:
                    break
                kind, payload = pickle.loads(buffer[_HEADER.size : _HEADER.size + size])
                buffer = buffer[_HEADER.size + size :]
                if kind == "progress":
                    outcome.progress = payload
                elif kind == "done":
                    outcome.value, outcome.returned = payload, True
                elif kind == "raised":
                    outcome.ended = f"failed: {payload}"
    finally:
        os.close(read_fd)
        if outcome.returned:  # it is leaving (os._exit): reaped later, its memory freed meanwhile
            _exiting[pid] = time.monotonic()
        else:
            status = _reap(pid)
            live_children.discard(pid)
    outcome.seconds = time.monotonic() - started
    if not outcome.returned and not outcome.ended and not outcome.timed_out and status is not None:
        outcome.ended = describe_status(status)
    return outcome


#: Children that sent their value and are leaving: pid -> when.
_exiting: dict[int, float] = {}


def reap_exited(linger: float = 10.0) -> None:
    """Reap the children that sent their value; kill one still there after `linger` seconds."""
    for pid, since in list(_exiting.items()):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done = pid
        if not done and time.monotonic() - since > linger:
            kill_child(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
            done = pid
        if done:
            del _exiting[pid]
            live_children.discard(pid)


def _reap(pid: int) -> int:
    """Wait for the child (killing it if it lingers after closing its pipe)."""
    for _ in range(100):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    kill_child(pid)
    return os.waitpid(pid, 0)[1]


def describe_status(status: int) -> str:
    """« was killed by signal SIGSEGV », « exited with code 3 »."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f"was killed by signal {name}"
    if os.WIFEXITED(status):
        return f"exited with code {os.WEXITSTATUS(status)}"
    return f"ended with status {status}"


def kill_child(pid: int) -> None:
    """Kill a child and its process group (what it started)."""
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        with contextlib.suppress(OSError):
            kill()


def kill_children() -> None:
    """Kill every live child of this worker and reap it (its SIGTERM handler: once this returns, no child
    writes anything)."""
    children = list(live_children)
    for pid in children:
        kill_child(pid)
    deadline = time.monotonic() + 5
    for pid in children:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                break
            if done:
                break
            time.sleep(0.005)
        live_children.discard(pid)


def wait_children(timeout: float = 10.0) -> None:
    """Reap every child (the worker's end): none is left behind."""
    deadline = time.monotonic() + timeout
    while _exiting and time.monotonic() < deadline:
        reap_exited(linger=max(0.0, deadline - time.monotonic()))
        if _exiting:
            time.sleep(0.01)
    kill_children()
