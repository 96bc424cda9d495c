"""The worker process: execute one report, export it, publish its files atomically.

Workers are started by `runner` with the `spawn` method. Each one:

* ignores SIGINT (the build process coordinates an interrupt) and, on SIGTERM, kills its
  kernels, removes its temporary files and exits at once;
* watches its parent: if the build process disappears (even killed with SIGKILL), the worker
  kills its kernels and exits, so that no orphan keeps writing (kernels also watch the worker);
* keeps a warm pipeline: one kernel pre-started in the background (see `execute`).

Outputs of a report `OUT/<year>/<slug>`:

* success: `<slug>.ipynb` (the executed notebook, for audit) then `<slug>.html`, each written
  to a temporary name and renamed; a `<slug>.failed.ipynb` of an earlier failure is removed;
* failure: the executed notebook, with papermill's error marker, is kept in the private state folder
  (`BuildState.failed_notebook_path`: its traceback names the machine's files, it is never published);
  an earlier `<slug>.html` / `<slug>.ipynb` is **removed**, so that no page outlives the
  inputs it no longer matches (the index shows the report as failed; the build removes its products);
* an error writing a file (`OSError`: a full disk) is no failure of the report: the result says so
  (`write_error`), the earlier files of the report are left as they were, and the build stops.

The executed notebook names no path of the machine: papermill's `input_path` and `output_path` are
the notebook's name and the page's path in the site (`execute`), and the parameters hold none.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic
from ..report.kinds import ReportKind
from .cache import file_stamp

#: Attempts per report when the kernel fails to start or dies (cell errors are never retried).
KERNEL_ATTEMPTS = 2


@dataclass(frozen=True)
class Task:
    key: str
    title: str
    #: The report's kind: its context and products (`tlanalysis.report.kinds`), sent as plain data.
    kind: ReportKind
    notebook: str
    parameters: dict
    out_dir: str
    html: str
    ipynb: str
    failed_ipynb: str
    #: Start the next kernel in the background (False for the last reports of the build).
    prestart: bool = True
    #: Products besides the page (see `products`); the key figures JSON is always made.
    formats: tuple = ("html",)


@dataclass
class Result:
    key: str
    ok: bool
    seconds: float
    attempts: int = 1
    error: str | None = None
    failed_notebook: str | None = None
    files: dict = field(default_factory=dict)
    assets: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    pid: int = 0
    #: The report could not be written (a full disk…): the build stops, the earlier site is kept.
    write_error: bool = False


class _Worker:
    def __init__(
        self, standalone: bool, assets_dir: Path, notebook: Path, formats: tuple = ("html",), cwd: Path | None = None
    ):
        from . import execute
        from .export import Exporter
        from .products import ProductMaker

        self.pool = execute.KernelPool(cwd or notebook.parent, execute.notebook_imports(notebook))
        self.pool.prestart()  # the first kernel starts while papermill and nbconvert are imported
        execute.init()
        self.exporter = Exporter(standalone, assets_dir)
        self.products = ProductMaker(tuple(formats), cwd)


_worker: _Worker | None = None
_temp_files: set[Path] = set()
_exiting = threading.Lock()


def _emergency_exit(code: int) -> None:
    """Kill this worker's kernels, remove its temporary files, exit now (no cleanup handlers)."""
    if not _exiting.acquire(blocking=False):
        return
    try:
        import shutil

        from .execute import Kernel, KernelPool, kill_process_group

        for pid in list(Kernel.live_pids):
            kill_process_group(pid)
        for path in list(_temp_files):
            atomic.remove(path)
        for workdir in KernelPool.workdirs:
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        os._exit(code)


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(0.2)
        if os.getppid() != parent_pid:
            _emergency_exit(1)


def init_worker(
    parent_pid: int,
    standalone: bool,
    assets_dir: str,
    notebook: str,
    formats: tuple = ("html",),
    state_root: str | None = None,
    kernel_cwd: str | None = None,
) -> None:
    """ProcessPoolExecutor initializer. `state_root`: the build's private state folder, handed to the
    kernels through $TLANALYSIS_STATE_DIR; `kernel_cwd`: the folder kernels run in (the data folder's
    parent, so that the notebooks' `data_dir` is a plain name)."""
    global _worker
    if state_root:
        from ..state import ENV_VARIABLE

        os.environ[ENV_VARIABLE] = state_root
    # Parallelism comes from processes: one BLAS thread per kernel. Otherwise every kernel's
    # OpenBLAS spins a thread per core and the disclosure control's linear algebra (rank tests)
    # slowed reports from 1 s to 17 s with two workers.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: _emergency_exit(128 + signum))
    if hasattr(signal, "SIGUSR1"):  # `kill -USR1 <worker pid>` prints where a stuck worker is
        import faulthandler

        faulthandler.register(signal.SIGUSR1, all_threads=True)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:
        _emergency_exit(1)
    _worker = _Worker(standalone, Path(assets_dir), Path(notebook), formats, Path(kernel_cwd) if kernel_cwd else None)


def _describe_failure(exc: BaseException) -> str:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        where = f"cell In [{exc.exec_count}]" if exc.exec_count is not None else f"cell {exc.cell_index}"
        return f"{exc.ename}: {exc.evalue} ({where})"
    if isinstance(exc, CellTimeoutError):
        return f"a cell ran for more than the time allowed: {exc}".strip()
    return f"{type(exc).__name__}: {exc}"


def build_one(task: Task) -> Result:
    """Execute and export one report. Never raises for a report problem: returns a failed Result."""
    from nbclient.exceptions import DeadKernelError

    from .execute import KernelStartError, execute

    assert _worker is not None, "init_worker was not run"
    started = time.monotonic()
    html_path, ipynb_path, failed_path = Path(task.html), Path(task.ipynb), Path(task.failed_ipynb)
    out_dir = Path(task.out_dir)
    ipynb_path.parent.mkdir(parents=True, exist_ok=True)
    temp_nb = atomic.temp_path(ipynb_path, ".ipynb")
    temp_html = atomic.temp_path(html_path)
    _temp_files.update((temp_nb, temp_html))
    timings: dict[str, float] = {}

    def failed(message: str, attempts: int) -> Result:
        kept = None
        if temp_nb.is_file():
            kept = _keep_failed_notebook(temp_nb, failed_path)
        atomic.remove(html_path)  # no page may claim to be current after a failure
        atomic.remove(ipynb_path)
        return Result(
            task.key, False, time.monotonic() - started, attempts, message, kept, timings=timings, pid=os.getpid()
        )

    def write_failed(exc: OSError) -> Result:
        """Not the report's fault: its earlier files stay, the build stops (see the module doc)."""
        where = f" {atomic.final_name(Path(exc.filename).name)}" if exc.filename else ""
        message = f"cannot write{where}: {exc.strerror or exc}"
        return Result(task.key, False, time.monotonic() - started, 1, message, timings=timings, write_error=True)

    try:
        attempts = 0
        while True:
            attempts += 1
            kernel = None
            try:
                t0 = time.monotonic()
                kernel = _worker.pool.take()
                timings["kernel_wait"] = timings.get("kernel_wait", 0) + time.monotonic() - t0
                if task.prestart:
                    _worker.pool.prestart()
                t0 = time.monotonic()
                published_as = ipynb_path.relative_to(out_dir).as_posix()
                nb = execute(Path(task.notebook), temp_nb, task.parameters, kernel, published_as)
                timings["execute"] = time.monotonic() - t0
                break
            except (KernelStartError, DeadKernelError) as exc:
                message = _describe_failure(exc)
                if isinstance(exc, DeadKernelError) and kernel is not None:
                    message += kernel.log_tail()
                if attempts < KERNEL_ATTEMPTS:
                    atomic.remove(temp_nb)
                    continue
                return failed(f"{message} (after {attempts} attempts)", attempts)
            except OSError as exc:  # papermill could not write the notebook
                return write_failed(exc)
            except Exception as exc:  # a cell error, a timeout, a bad parameter: not retried
                return failed(_describe_failure(exc), attempts)
            finally:
                if kernel is not None:
                    kernel.kill()

        t0 = time.monotonic()
        body, assets = _worker.exporter.export(nb, task.title)
        with open(temp_html, "w", encoding="utf-8") as handle:
            handle.write(body)
        timings["export"] = time.monotonic() - t0
        atomic.replace(temp_nb, ipynb_path)
        atomic.replace(temp_html, html_path)
        atomic.remove(failed_path)
        t0 = time.monotonic()
        try:
            made = _worker.products.make(task.kind, task.parameters, html_path, task.title)
        except OSError as exc:
            return write_failed(exc)
        except Exception as exc:  # a product that cannot be made fails the report, page included
            return failed(f"export failed: {type(exc).__name__}: {exc}", attempts)
        timings["products"] = time.monotonic() - t0
        files = {p.relative_to(out_dir).as_posix(): file_stamp(p) for p in (html_path, ipynb_path, *made)}
        return Result(
            task.key,
            True,
            time.monotonic() - started,
            attempts,
            files=files,
            assets=assets,
            timings=timings,
            pid=os.getpid(),
        )
    except OSError as exc:  # writing the outputs failed (disk full, permissions): the build stops
        return write_failed(exc)
    except Exception as exc:
        return failed(f"{type(exc).__name__}: {exc}", 1)
    finally:
        for path in (temp_nb, temp_html):
            atomic.remove(path)
            _temp_files.discard(path)


def _keep_failed_notebook(temp: Path, final: Path) -> str | None:
    """Move a failed report's notebook to the private state folder (maybe on another file system)."""
    import shutil

    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(temp, final)
        except OSError:
            shutil.copyfile(temp, final)
            atomic.remove(temp)
    except OSError:
        return None
    return str(final)


def shutdown_worker() -> None:
    """Kill the pre-started kernel (called at interpreter exit of the worker)."""
    if _worker is not None:
        _worker.pool.close()
        _worker.products.close()


import atexit  # noqa: E402

atexit.register(shutdown_worker)
