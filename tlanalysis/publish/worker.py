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

import contextlib
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
    #: Seconds the report may run (None: no limit); past it the report fails and the others go on.
    timeout: float | None = None


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
    #: What a forked report leaves to its worker's browser (PDF, chart images: `products.BrowserWork`).
    browser_work: object = None


class _Worker:
    """This worker's tools: kernels (kernel mode) or its warm state (forked mode), the HTML exporter,
    the product maker."""

    def __init__(
        self,
        standalone: bool,
        assets_dir: Path,
        notebook: Path,
        formats: tuple = ("html",),
        cwd: Path | None = None,
        forked: bool = False,
        parent_pid: int = 0,
    ):
        from . import execute
        from .export import Exporter
        from .products import ProductMaker

        self.forked = forked
        self.parent_pid = parent_pid
        self.cwd = cwd or notebook.parent
        self.pool: execute.KernelPool | None = None
        self._warm: set[str] = set()
        if not forked:
            self.pool = execute.KernelPool(self.cwd, execute.notebook_imports(notebook))
            self.pool.prestart()  # the first kernel starts while papermill and nbconvert are imported
        execute.init()
        self.exporter = Exporter(standalone, assets_dir)
        self.products = ProductMaker(tuple(formats), self.cwd)
        if forked:
            self._warm_common()

    def _warm_common(self) -> None:
        """What every forked report uses: IPython's shell, papermill's engine, nbconvert's templates."""
        import importlib

        import nbformat
        from nbformat.v4 import new_code_cell, new_notebook, new_output

        from . import engine

        for name in execute_warm_modules():
            with contextlib.suppress(BaseException):  # the notebook will meet it itself
                importlib.import_module(name)
        engine.shell().run_cell("pass", store_history=False, silent=True)
        cell = new_code_cell("", outputs=[new_output("display_data", data={"text/html": "<p>warm</p>"})])
        self.exporter.export(nbformat.from_dict(new_notebook(cells=[cell])), "warm-up")

    def warm(self, task: Task) -> None:
        """Before the first report of a notebook: import what it imports, load the data and the
        protection its reports read into memory (the children find them there, no file is read), draw a
        chart. What is loaded here is what a kernel would load; nothing of a report's own state."""
        if task.notebook in self._warm:
            return
        self._warm.add(task.notebook)
        import importlib

        from .execute import notebook_imports

        for name in notebook_imports(Path(task.notebook)):
            with contextlib.suppress(BaseException):
                importlib.import_module(name)
        state_key = task.parameters.get("state_key")
        previous = Path.cwd()
        try:
            os.chdir(self.cwd)
            if state_key:
                from ..state import StateRejected, state_root
                from ..validate import store

                try:
                    store.remember(state_key, store.load(state_key, state_root()))
                except StateRejected:  # the report says so itself
                    return
            from ..report.params import validate_parameters

            context = task.kind.make_context(validate_parameters(**task.parameters))
            for figure, _ in context.charts()[:1]:
                figure.to_json()  # type: ignore[attr-defined]
        except Exception:  # the report will meet the problem and say so
            pass
        finally:
            os.chdir(previous)

    def finish(self, task: Task, result: Result) -> Result:
        """After a forked report: its PDF and chart images, with this worker's browser (kept open from
        report to report). A product that cannot be made fails the report, page included."""
        work, result.browser_work = result.browser_work, None
        if not result.ok or not work:
            return result
        t0 = time.monotonic()
        out_dir = Path(task.out_dir)
        try:
            made = self.products.render(work)  # type: ignore[arg-type]
        except OSError as exc:
            return _write_failed(task, exc, t0, result.timings)
        except Exception as exc:  # the build removes the report's page and products (runner._record)
            result.ok, result.error, result.files = False, f"export failed: {type(exc).__name__}: {exc}", {}
            return result
        result.timings["browser"] = time.monotonic() - t0
        result.seconds += result.timings["browser"]
        result.files.update({p.relative_to(out_dir).as_posix(): file_stamp(p) for p in made})
        return result


def preload(dataset, state_key: str, notebooks: list[str]) -> None:
    """In the build process, before it forks its workers (forked reports): hold the validated data in
    memory under its key (the reports' `validate_parameters` finds it there, as the protection computed or
    read by `ensure_protection`), and import what every worker and report imports, once."""
    import importlib

    from .execute import notebook_imports

    if dataset is not None and state_key:
        from ..validate import store

        store.remember(state_key, dataset)
    from . import execute

    execute.init()
    for name in (*execute_warm_modules(), "nbconvert", "tlanalysis.publish.export", "tlanalysis.publish.engine"):
        with contextlib.suppress(BaseException):
            importlib.import_module(name)
    for notebook in notebooks:
        for name in notebook_imports(Path(notebook)):
            with contextlib.suppress(BaseException):
                importlib.import_module(name)


def execute_warm_modules() -> tuple[str, ...]:
    from .execute import WARM_MODULES

    return (*WARM_MODULES, "papermill", "nbformat", "IPython")


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
        from .fork import kill_children

        kill_children()
        for child, folders in list(_children_writing.items()):
            _remove_temp_files_of(child, folders)
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
    forked: bool = False,
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
    from .processes import portable

    if hasattr(signal, "SIGUSR1") and not portable():  # `kill -USR1 <worker pid>` prints where a stuck worker is
        import faulthandler

        faulthandler.register(signal.SIGUSR1, all_threads=True)
    threading.Thread(target=_watch_parent, args=(parent_pid,), name="parent-watch", daemon=True).start()
    if os.getppid() != parent_pid:
        _emergency_exit(1)
    _worker = _Worker(
        standalone,
        Path(assets_dir),
        Path(notebook),
        formats,
        Path(kernel_cwd) if kernel_cwd else None,
        forked=forked,
        parent_pid=parent_pid,
    )


def _describe_failure(exc: BaseException) -> str:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        where = f"cell In [{exc.exec_count}]" if exc.exec_count is not None else f"cell {exc.cell_index}"
        return f"{exc.ename}: {exc.evalue} ({where})"
    if isinstance(exc, CellTimeoutError):
        return f"a cell ran for more than the time allowed: {exc}".strip()
    return f"{type(exc).__name__}: {exc}"


class _ReportFailed(Exception):
    """The report failed (a cell error, a dead kernel, a timeout): its message and attempts."""

    def __init__(self, message: str, attempts: int = 1):
        super().__init__(message)
        self.message, self.attempts = message, attempts


def build_one(task: Task) -> Result:
    """Execute and export one report. Never raises for a report problem: returns a failed Result.

    Forked mode: the report runs in a child forked from this warm worker (`fork`), the cells in its
    IPython shell (`engine`); otherwise on a kernel of this worker (`execute`)."""
    assert _worker is not None, "init_worker was not run"
    if _worker.forked:
        return _build_forked(task)
    return _build(task, _execute_on_kernel)


def _execute_on_kernel(task: Task, temp_nb: Path, published_as: str, timings: dict) -> tuple[object, int]:
    """papermill on a (pre-started) kernel of this worker, retried once if the kernel fails."""
    from nbclient.exceptions import DeadKernelError

    from .execute import KernelStartError, execute

    assert _worker is not None and _worker.pool is not None
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
            nb = execute(Path(task.notebook), temp_nb, task.parameters, kernel, published_as, task.timeout)
            timings["execute"] = time.monotonic() - t0
            return nb, attempts
        except (KernelStartError, DeadKernelError) as exc:
            message = _describe_failure(exc)
            if isinstance(exc, DeadKernelError) and kernel is not None:
                message += kernel.log_tail()
            if attempts < KERNEL_ATTEMPTS:
                atomic.remove(temp_nb)
                continue
            raise _ReportFailed(f"{message} (after {attempts} attempts)", attempts) from exc
        except OSError:  # papermill could not write the notebook
            raise
        except Exception as exc:  # a cell error, a timeout, a bad parameter: not retried
            raise _ReportFailed(_describe_failure(exc), attempts) from exc
        finally:
            if kernel is not None:
                kernel.kill()


def _execute_in_process(
    task: Task, temp_nb: Path, published_as: str, timings: dict, on_cell=None
) -> tuple[object, int]:
    """papermill with the in-process engine (`engine`): the cells run in this (forked) process."""
    import papermill

    from .engine import ENGINE_NAME

    t0 = time.monotonic()
    try:
        nb = papermill.execute_notebook(
            task.notebook,
            str(temp_nb),
            parameters=task.parameters,
            engine_name=ENGINE_NAME,
            progress_bar=False,
            request_save_on_cell_execute=False,
            published_as=published_as,
            on_cell=on_cell,
        )
    except OSError:
        raise
    except Exception as exc:
        raise _ReportFailed(_describe_failure(exc), 1) from exc
    timings["execute"] = time.monotonic() - t0
    return nb, 1


def _paths(task: Task) -> tuple[Path, Path, Path, Path]:
    """The report's temporary notebook and page, and its final notebook and page."""
    html_path, ipynb_path = Path(task.html), Path(task.ipynb)
    return atomic.temp_path(ipynb_path, ".ipynb"), atomic.temp_path(html_path), ipynb_path, html_path


def _build(task: Task, run, on_cell=None) -> Result:
    """Execute (`run`), export and publish one report; never raises for a report problem."""
    assert _worker is not None, "init_worker was not run"
    started = time.monotonic()
    failed_path = Path(task.failed_ipynb)
    out_dir = Path(task.out_dir)
    temp_nb, temp_html, ipynb_path, html_path = _paths(task)
    ipynb_path.parent.mkdir(parents=True, exist_ok=True)
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

    try:
        published_as = ipynb_path.relative_to(out_dir).as_posix()
        try:
            if on_cell is None:
                nb, attempts = run(task, temp_nb, published_as, timings)
            else:
                nb, attempts = run(task, temp_nb, published_as, timings, on_cell)
        except _ReportFailed as exc:
            return failed(exc.message, exc.attempts)

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
            made, work = _worker.products.make_own(task.kind, task.parameters, html_path, task.title)
            browser_work = work if work and _worker.forked else None  # forked: the worker's browser makes them
            if work and not _worker.forked:
                made += _worker.products.render(work)
        except OSError:
            raise
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
            browser_work=browser_work,
        )
    except OSError as exc:  # writing the outputs failed (disk full, permissions): the build stops
        return _write_failed(task, exc, started, timings)
    except Exception as exc:
        return failed(f"{type(exc).__name__}: {exc}", 1)
    finally:
        for path in (temp_nb, temp_html):
            atomic.remove(path)
            _temp_files.discard(path)


def _write_failed(task: Task, exc: OSError, started: float, timings: dict) -> Result:
    """Not the report's fault: its earlier files stay, the build stops (see the module doc)."""
    where = f" {atomic.final_name(Path(exc.filename).name)}" if exc.filename else ""
    message = f"cannot write{where}: {exc.strerror or exc}"
    return Result(task.key, False, time.monotonic() - started, 1, message, timings=timings, write_error=True)


def _build_forked(task: Task) -> Result:
    """One report in a child forked from this worker (`fork`); a child that dies or runs too long is
    the report's failure, with a notebook kept for reading."""
    from . import fork

    assert _worker is not None
    t0 = time.monotonic()
    _worker.warm(task)
    warm = time.monotonic() - t0
    temp_nb, temp_html, ipynb_path, html_path = _paths(task)
    _temp_files.update((temp_nb, temp_html))

    def work(progress) -> Result:
        import warnings

        os.chdir(_worker.cwd if _worker is not None else ".")
        # warnings the worker met while warming up show again, as in a fresh kernel (registries are stale)
        warnings._filters_mutated()  # type: ignore[attr-defined]
        return _build(task, _execute_in_process, on_cell=progress)

    folders = (html_path.parent, html_path.parent / "charts", Path(task.failed_ipynb).parent)
    try:
        outcome = fork.run_forked(
            work, task.timeout, _worker.parent_pid, on_start=lambda pid: _children_writing.update({pid: folders})
        )
        if not outcome.returned:  # what it was writing when it died: no half-written file stays
            _remove_temp_files_of(outcome.pid, folders)
        if outcome.returned and isinstance(outcome.value, Result):
            result = outcome.value
            result.timings["fork_wait"] = round(outcome.seconds - result.seconds, 4)
            if warm > 0.001:
                result.timings["warm_up"] = warm
            return _worker.finish(task, result)
        cell = outcome.progress
        where = f" while cell {cell + 1} ran" if isinstance(cell, int) else ""
        if outcome.timed_out:
            message = f"the report ran for more than {task.timeout:g} s and was stopped{where}"
        else:
            message = f"the report's process {outcome.ended}{where}"
        kept = _keep_notebook_of_dead_child(task, cell, message)
        atomic.remove(html_path)
        atomic.remove(ipynb_path)
        return Result(task.key, False, outcome.seconds, 1, message, kept, pid=os.getpid())
    finally:
        _children_writing.clear()
        for path in (temp_nb, temp_html):
            atomic.remove(path)
            _temp_files.discard(path)


#: The forked child of this worker (pid) and the folders its report writes in.
_children_writing: dict[int, tuple[Path, ...]] = {}


def _remove_temp_files_of(pid: int, folders) -> None:
    """Remove the temporary files a child (`pid`) left in `folders` (`atomic.temp_path` names carry the pid)."""
    marker = f".tmp-{pid}-"
    for folder in folders:
        try:
            entries = list(Path(folder).iterdir())
        except OSError:
            continue
        for entry in entries:
            if marker in entry.name and atomic.is_temp_name(entry.name):
                atomic.remove(entry)


def _keep_notebook_of_dead_child(task: Task, cell: object, message: str) -> str | None:
    """The notebook of a report whose process died: its parameters injected, the cell that was running
    marked with what happened, in the private state folder (as a failed report's notebook)."""
    import nbformat
    import papermill
    from nbformat.v4 import new_markdown_cell, new_output

    final = Path(task.failed_ipynb)
    temp = atomic.temp_path(final, ".ipynb")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        nb = papermill.execute_notebook(
            task.notebook,
            str(temp),
            parameters=task.parameters,
            prepare_only=True,
            progress_bar=False,
            engine_name="tlanalysis-inprocess",
        )
        if isinstance(cell, int) and 0 <= cell < len(nb.cells) and nb.cells[cell].cell_type == "code":
            nb.cells[cell].outputs = [
                new_output("error", ename="ReportProcessEnded", evalue=message, traceback=[message])
            ]
        nb.cells.insert(0, new_markdown_cell(f"**tlanalysis:** {message}. Outputs of the cells before are not kept."))
        nbformat.write(nb, str(temp))
        atomic.replace(temp, final)
    except Exception:
        atomic.remove(temp)
        return None
    return str(final)


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
        if _worker.pool is not None:
            _worker.pool.close()
        if _worker.forked:
            from .fork import wait_children

            wait_children()
        _worker.products.close()


import atexit  # noqa: E402

atexit.register(shutdown_worker)
