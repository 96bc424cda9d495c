"""Executing one report notebook with papermill, in a worker process.

Each report runs in a **fresh kernel** (no state leaks from one report to the next),
but the kernel is started ahead of time: while report N executes and is exported,
the worker starts the kernel for report N+1 in a background thread and imports in it
the heavy libraries (pandas, plotly, tlanalysis) and every module the notebook's code
cells import. Importing a module the notebook imports anyway does not change what it
computes (unless a notebook configures something *before* an import that reads that
configuration at import time — keep such settings out of report notebooks); it moves
~1 s of start-up off the critical path.

Kernels run the interpreter of the build itself (`sys.executable -m ipykernel_launcher`),
whatever kernelspecs the user has installed, talk over Unix sockets (no TCP port
races between parallel workers; TCP on the portable path, `processes`) and are killed with
their process group (their process tree through psutil on the portable path) when done.

Heavy imports (papermill, nbclient, jupyter_client) happen in `init()`, once per worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from ..config import PACKAGE_DIR
from .processes import kernel_transport

#: Seconds a single cell may run before the report fails.
CELL_TIMEOUT = 600
#: Seconds a kernel may take to start and answer.
START_TIMEOUT = 60
#: Modules imported in a kernel before it is handed over, besides those the notebook imports
#: (import errors are ignored: the notebook will meet them itself).
WARM_MODULES = ("pandas", "numpy", "plotly.graph_objects", "plotly.io", "IPython.display", "tlanalysis")
ENGINE_NAME = "tlanalysis"


def notebook_imports(notebook: Path) -> list[str]:
    """Absolute module names the notebook's code cells import (cells that do not parse are skipped)."""
    import ast
    import json

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return []
    names: list[str] = []
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # `from package import name`: name may be a submodule (tried, errors ignored)
                names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*"]
    return list(dict.fromkeys(names))


def warm_code(modules: list[str]) -> str:
    """Code run silently in a new kernel: import the modules, leave no name behind."""
    return (
        "def _tlanalysis_warm_up():\n"
        "    import importlib\n"
        f"    for name in {list(dict.fromkeys(modules))!r}:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except BaseException:\n"
        "            pass\n"
        "_tlanalysis_warm_up()\n"
        "del _tlanalysis_warm_up\n"
    )


class KernelStartError(RuntimeError):
    """A kernel could not be started or did not answer (retried once with a new kernel)."""


def kernel_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # silences debugpy's frozen-modules warning
    env.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():  # running from a checkout: the kernel imports the same code
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    return env


class Kernel:
    """One started kernel process, owned by this worker.

    The manager is an `AsyncKernelManager`, as nbclient expects: with a blocking client, nbclient's
    dead-kernel watch could never run while it waits for output, and a kernel that dies would hang
    the build. The warm-up talks to the kernel through a separate blocking client.
    """

    _lock = threading.Lock()
    _count = 0
    #: Process ids of live kernels of this worker, for the signal handler and the watchdog.
    live_pids: ClassVar[set[int]] = set()

    def __init__(self, workdir: Path, cwd: Path, warm_up: str = ""):
        from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager

        class ThisInterpreter(KernelSpecManager):
            def get_kernel_spec(self, kernel_name, *args, **kwargs):
                return KernelSpec(
                    argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    display_name="Python 3 (tlanalysis build)",
                    language="python",
                    metadata={},
                    env={},
                    resource_dir=str(workdir),
                )

        with Kernel._lock:
            Kernel._count += 1
            number = Kernel._count
        self.log_path = workdir / f"kernel-{number}.log"
        self.km = AsyncKernelManager(
            kernel_name="python3",
            kernel_spec_manager=ThisInterpreter(),
            transport=kernel_transport(),
            connection_file=str(workdir / f"kernel-{number}.json"),
        )
        self.cwd = cwd
        self.warm_up = warm_up
        self.pid: int | None = None

    def start(self) -> Kernel:
        """Start the kernel, wait until it answers, pre-import the heavy modules."""
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_core.utils import run_sync

        try:
            with open(self.log_path, "wb") as log:
                run_sync(self.km.start_kernel)(
                    cwd=str(self.cwd), env=kernel_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
                )
            self.pid = getattr(self.km.provisioner, "pid", None)
            if self.pid:
                Kernel.live_pids.add(self.pid)
            # parent=the manager: "is the kernel alive" asks its process, not the heartbeat, which a loaded
            # machine can delay past 1 s ("Kernel died before replying to kernel_info" while it starts)
            client = BlockingKernelClient(parent=self.km)
            client.load_connection_info(self.km.get_connection_info())
            client.start_channels(hb=False)
            try:
                client.wait_for_ready(timeout=START_TIMEOUT)
                if self.warm_up:
                    client.execute_interactive(self.warm_up, silent=True, store_history=False, timeout=START_TIMEOUT)
            finally:
                client.stop_channels()
        except Exception as exc:
            self.kill()
            raise KernelStartError(f"kernel did not start: {type(exc).__name__}: {exc}{self.log_tail()}") from exc
        return self

    def log_tail(self, lines: int = 8) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return ""
        return ("; kernel log: " + " | ".join(text[-lines:])) if text else ""

    def kill(self) -> None:
        """Kill the kernel's process group, reap it, remove its connection and socket files."""
        pid = self.pid
        if pid:
            kill_process_group(pid)
            process = getattr(self.km.provisioner, "process", None)
            try:
                if process is not None:
                    process.wait(timeout=5)
            except Exception:
                pass
            Kernel.live_pids.discard(pid)
        for cleanup in (self.km._close_control_socket, self.km.cleanup_connection_file, self.km.cleanup_ipc_files):
            with contextlib.suppress(Exception):
                cleanup()
        with contextlib.suppress(OSError):
            self.log_path.unlink()


def kill_process_group(pid: int) -> None:
    """Kill a kernel and whatever it started (kernels run in their own session; on the portable path,
    the process tree psutil finds: `processes.kill_tree`)."""
    from .processes import kill_tree

    kill_tree(pid)


class KernelPool:
    """At most one kernel in use and one starting in the background, per worker."""

    #: Scratch folders (connection files, sockets, kernel logs) of this process, removed on exit.
    workdirs: ClassVar[list[Path]] = []

    def __init__(self, cwd: Path, warm_modules: Sequence[str] = ()):
        self.workdir = Path(tempfile.mkdtemp(prefix="tlanalysis-kernels-"))
        KernelPool.workdirs.append(self.workdir)
        self.cwd = cwd
        self.warm_up = warm_code([*WARM_MODULES, *warm_modules])
        self._next: threading.Thread | None = None
        self._next_result: dict = {}

    def prestart(self) -> None:
        if self._next is not None:
            return
        # Import what the starting thread needs here, on the calling thread: the worker imports
        # papermill (hence jupyter_client) at the same time, and two threads importing the same
        # modules can hit Python's import deadlock detection (_DeadlockError, seen on CI).
        import jupyter_client.blocking
        import jupyter_client.kernelspec
        import jupyter_client.manager
        import jupyter_client.provisioning  # noqa: F401
        import jupyter_core.utils  # noqa: F401

        result: dict = {}

        def start():
            try:
                result["kernel"] = Kernel(self.workdir, self.cwd, self.warm_up).start()
            except BaseException as exc:  # reported when the kernel is taken
                result["error"] = exc

        self._next_result = result
        self._next = threading.Thread(target=start, name="kernel-prestart", daemon=True)
        self._next.start()

    def take(self) -> Kernel:
        """A started kernel: the pre-started one if there is one, else a new one."""
        if self._next is None:
            return Kernel(self.workdir, self.cwd, self.warm_up).start()
        self._next.join()
        result, self._next, self._next_result = self._next_result, None, {}
        if "error" in result:
            raise result["error"]
        return result["kernel"]

    def close(self) -> None:
        if self._next is not None:
            self._next.join(timeout=START_TIMEOUT)
            kernel = self._next_result.get("kernel")
            if kernel is not None:
                kernel.kill()
            self._next = None
        for pid in list(Kernel.live_pids):
            kill_process_group(pid)
        Kernel.live_pids.clear()
        import shutil

        shutil.rmtree(self.workdir, ignore_errors=True)


def init() -> None:
    """Import papermill and register the engine that runs notebooks on our own kernels."""
    # jsonschema (through nbformat) imports rfc3987_syntax when installed, which compiles a grammar
    # at import time (~0.8 s per worker) for a string format nbformat's schema never uses.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger as papermill_logger
    from papermill.utils import merge_kwargs, remove_args

    # Failures are reported by the build (summary and index), not logged by each worker.
    logging.getLogger("papermill").setLevel(logging.CRITICAL)

    class OwnKernelEngine(NBClientEngine):
        """papermill's nbclient engine, on a kernel started by the worker (`km`), whose client
        channels are closed afterwards (papermill leaves them running when given a `km`).

        The notebook is written once, when execution ends (papermill's `notebook_complete`, also
        after a failed cell or a dead kernel), not at every cell start, output and end: those
        ~40 writes, each validating and serialising the whole notebook, were a third of a
        worker's CPU time per report, and grew with the size of the report."""

        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            published_as = kwargs.pop("published_as", None)
            if published_as:  # the notebook is published: no path of this machine in its metadata
                nb_man.nb.metadata.papermill["input_path"] = Path(str(kwargs.get("input_path") or "")).name
                nb_man.nb.metadata.papermill["output_path"] = published_as
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                kwargs,
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=papermill_logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, **final_kwargs)
            nb_man.save = lambda **kwargs: None  # written once by notebook_complete, see above
            try:
                return client.execute()
            finally:
                del nb_man.save
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register(ENGINE_NAME, OwnKernelEngine)


def execute(
    notebook: Path,
    output: Path,
    parameters: dict,
    kernel: Kernel,
    published_as: str | None = None,
    timeout: float | None = None,
):
    """Run the notebook with papermill on `kernel`; the executed notebook is written to `output`
    (also when a cell fails, with papermill's error marker). Returns the executed notebook node.

    `published_as`: the notebook's path in the site; its papermill metadata then names the input
    notebook by its file name and the output by that path, never by a path of this machine.

    Raises papermill's PapermillExecutionError on a cell error, nbclient's DeadKernelError if the
    kernel dies, CellTimeoutError if a cell runs longer than `timeout` (default CELL_TIMEOUT)."""
    import papermill

    return papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        engine_name=ENGINE_NAME,
        km=kernel.km,
        progress_bar=False,
        request_save_on_cell_execute=False,
        start_timeout=START_TIMEOUT,
        execution_timeout=timeout or CELL_TIMEOUT,
        published_as=published_as,
    )
