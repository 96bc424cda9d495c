"""One build: plan, skip what is up to date, run the rest in parallel, publish the index.

* Parallel: a `ProcessPoolExecutor` (spawn context) of `jobs` workers; each worker executes
  then exports its report (see `worker`). Reports are independent: a failing one is listed
  in the summary, the others are built; the exit code is 1 if any failed.
* Incremental: see `cache`. With nothing to build, no worker is started and neither
  papermill, nbconvert nor plotly is imported.
* Interrupts: Ctrl-C (SIGINT) and SIGTERM stop the workers and their kernels, keep every report
  finished so far (the state file is saved after each one), refresh the index, and exit with
  130 / 143. A build killed outright (SIGKILL) leaves only temporary files, removed at the next
  build; its workers and kernels notice and exit by themselves.
* One build at a time per output folder (an advisory lock on `OUT/.tlanalysis-build.lock`).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import atomic
from ..compute.certification import DEFAULT_TARGET_JOBS, check_target_jobs
from ..config import DEFAULT_MIN_COUNT
from ..errors import TLAnalysisError, UsageError
from ..report import kinds as report_kinds
from ..report.kinds import ReportKind
from .cache import STATE_FILE, BuildState, Inputs
from .plan import Report, plan_reports
from .products import BROWSER_FORMATS

if TYPE_CHECKING:
    from ..protect.annual import Protection
    from ..protect.store import StoredProtection

LOCK_FILE = ".tlanalysis-build.lock"
#: The protection of every report, computed once per build (`tlanalysis.protect.store.FILE_NAME`).
PROTECTION_FILE = ".tlanalysis-protection.json"
#: The data the build validated, for its kernels (`tlanalysis.validate.cache.FILE_NAME`).
DATA_CACHE_FILE = ".tlanalysis-data.pickle"


class ReportsFailed(TLAnalysisError):
    """Some reports could not be built (the others were)."""

    exit_code = 1


class BuildInterrupted(TLAnalysisError):
    """The build was stopped by SIGINT or SIGTERM."""

    def __init__(self, signum: int):
        self.exit_code = 128 + signum
        name = signal.Signals(signum).name
        super().__init__(f"build interrupted ({name}); finished reports were kept, run the command again to resume")


class _Terminated(KeyboardInterrupt):
    signum = signal.SIGTERM


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class BuildOptions:
    data_dir: Path
    out_dir: Path = Path("reports")
    years: tuple[int, ...] = ()
    regions: tuple[str, ...] = ()
    jobs: int | None = None
    force: bool = False
    standalone: bool = False
    #: Replaces the notebook of the default kind (the annual report) only (`--notebook`); None: its own.
    notebook: Path | None = None
    min_count: int = DEFAULT_MIN_COUNT
    drop_personal_columns: bool = False
    formats: tuple[str, ...] = ("html",)
    #: An earlier build to compare with once this one is done (`tlanalysis diff`).
    diff_with: Path | None = None
    #: A mapping file outside the data folder (`--mapping`); passed to each notebook.
    mapping: Path | None = None
    #: Kinds of report to build (`tlanalysis.report.kinds`), registered names or kinds; None: every
    #: registered kind.
    kinds: tuple[ReportKind | str, ...] | None = None
    #: What « le métier visé » means in the certification reports (`--target-job`): passed to each of
    #: them and to their protection, computed once (`ensure_protection`).
    target_jobs: tuple[str, ...] = DEFAULT_TARGET_JOBS
    #: A brand.yml outside the data folder (`--brand`); None: the data folder's `_brand.yml`, if any.
    brand_file: Path | None = None

    def parameters(self, report: Report, data_dir: Path, protection_file: Path | None) -> dict:
        """The papermill parameters of `report` in this build (`report_parameters` with its options):
        one place for the fingerprints, the up-to-date check of the index, and the workers' tasks."""
        parameters = report_parameters(
            report,
            data_dir,
            self.min_count,
            self.drop_personal_columns,
            self.mapping,
            protection_file,
            self.kind_parameters(),
        )
        if self.brand_file is not None:
            parameters["brand_file"] = str(self.brand_file)
        return parameters

    def fingerprinted(self, report: Report, data_dir: Path, protection_file: Path | None) -> dict:
        """What a report's fingerprint covers besides the build's inputs: its papermill parameters and
        its own text in the data folder (`report.texts`), so that a changed text rebuilds its report only."""
        from ..report.texts import text_fingerprint

        parameters = self.parameters(report, data_dir, protection_file)
        text = text_fingerprint(data_dir, report.year, report.region_code, report.region_name, report.kind.slug_prefix)
        brand = _brand_fingerprint(data_dir, self.brand_file)
        extra = {"text_sha256": text, "brand_sha256": brand}
        return {**parameters, **{k: v for k, v in extra.items() if v is not None}}

    def kind_parameters(self) -> dict[str, object]:
        """The notebook parameters the build gives to the kinds that name them (`ReportKind.parameters`)."""
        return {"target_jobs": list(self.target_jobs)}

    def report_kinds(self) -> tuple[ReportKind, ...]:
        """The kinds to build, `notebook` replacing the default kind's; UsageError for an unknown name,
        kinds whose files would share names, a kind's missing notebook, or a parameter of a kind this
        build does not give."""
        asked = self.kinds if self.kinds is not None else report_kinds.registered()
        chosen = [k if isinstance(k, ReportKind) else report_kinds.kind_named(k) for k in dict.fromkeys(asked)]
        if not chosen:
            raise UsageError("no report kind to build")
        if self.notebook is not None:
            default = report_kinds.DEFAULT.name
            if default not in {k.name for k in chosen}:
                raise UsageError(
                    f"--notebook replaces the notebook of the {default} reports, which this build does not make"
                )
            chosen = [replace(k, notebook=self.notebook) if k.name == default else k for k in chosen]
        prefixes = [k.slug_prefix for k in chosen]
        if len(set(prefixes)) < len(prefixes) or len({k.name for k in chosen}) < len(chosen):
            raise UsageError("two kinds of report of this build share a name or a file name prefix")
        given = self.kind_parameters()
        checked = []
        for kind in chosen:
            notebook = Path(kind.notebook).resolve()
            if not notebook.is_file():
                raise UsageError(f"report notebook not found: {notebook}")
            unknown = [name for name in kind.parameters if name not in given]
            if unknown:
                raise UsageError(
                    f"report kind {kind.name!r} takes the parameter(s) {', '.join(unknown)}, which a build does "
                    f"not give (it gives {', '.join(given)})"
                )
            checked.append(replace(kind, notebook=notebook))
        return tuple(checked)


@dataclass
class Summary:
    out_dir: Path
    index: Path
    planned: list[str]
    built: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: list = field(default_factory=list)  # (label, worker.Result)
    seconds: float = 0.0
    results: list = field(default_factory=list)
    #: Seconds spent protecting the data before the workers started (None: the stored one was reused).
    protection_seconds: float | None = None


def report_parameters(
    report: Report,
    data_dir: Path,
    min_count: int,
    drop_personal_columns: bool = False,
    mapping: Path | None = None,
    protection_file: Path | None = None,
    kind_parameters: dict[str, object] | None = None,
) -> dict:
    """The papermill parameters of one report, also part of its fingerprint: the common ones, and those
    of `kind_parameters` that its kind names (a certification report is rebuilt when its target jobs
    change, an annual report does not depend on them)."""
    parameters = {
        "year": report.year,
        "region": report.region_name,
        "data_dir": str(data_dir),
        "render": "report",
        "min_count": min_count,
    }
    if drop_personal_columns:
        parameters["drop_personal_columns"] = True
    if mapping is not None:
        parameters["mapping"] = str(mapping)
    if protection_file is not None:
        parameters["protection_file"] = str(protection_file)
        # the build's validated data, beside its protection (see `ensure_protection`)
        parameters["data_cache"] = str(Path(protection_file).with_name(DATA_CACHE_FILE))
    given = kind_parameters or {}
    parameters.update({name: given[name] for name in report.kind.parameters})
    return parameters


def ensure_protection(
    dataset,
    min_count: int,
    out_dir: Path,
    force: bool = False,
    drop_personal_columns: bool = False,
    mapping: Path | None = None,
    certification: bool = False,
    target_jobs: tuple[str, ...] = DEFAULT_TARGET_JOBS,
) -> tuple[Path, float | None]:
    """The protection of every report of the data, computed once per build before the workers start
    and written to `OUT/.tlanalysis-protection.json`; kept when its key (data, k, version, library)
    still matches (incremental builds), recomputed with `force`. Returns the file and the seconds
    spent computing it (None when reused). The validated data is written beside it
    (`OUT/.tlanalysis-data.pickle`, see `tlanalysis.validate.cache`), so that kernels do not validate
    the same files again; with `certification`, it carries the protection of the certification
    reports too (with their `target_jobs`), computed here once rather than in each of their kernels."""
    from ..protect import store as protection_store
    from ..validate import cache as data_cache

    # The annual protection first: the certification one keeps its masking and models its holder counts.
    path = out_dir / PROTECTION_FILE
    key = protection_store.protection_key(dataset, min_count)
    started = time.monotonic()
    seconds: float | None = None
    annual: StoredProtection | Protection
    if not force and protection_store.stored_key(path) == key:
        annual = protection_store.load(path, dataset, min_count)
    else:
        from threadpoolctl import threadpool_limits

        # One BLAS thread, as in the kernels (see worker.init_worker): with one per core, the
        # disclosure control's linear algebra ran 10x slower on a busy 2-core machine.
        with threadpool_limits(limits=1, user_api="blas"):
            computed = protection_store.compute(dataset, min_count)
        protection_store.write(path, computed, key)
        annual = computed
        seconds = time.monotonic() - started

    started = time.monotonic()
    certification_protection = None
    if certification:
        from ..protect.certification import protect_certification

        certification_protection = protect_certification(dataset, min_count, target_jobs, annual).compute_all()
    data_cache.write(out_dir / DATA_CACHE_FILE, dataset, drop_personal_columns, mapping, certification_protection)
    if certification:
        seconds = (seconds or 0.0) + time.monotonic() - started
    return path, seconds


@contextmanager
def _locked(out_dir: Path):
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    with open(out_dir / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(f"another tlanalysis build is writing to {out_dir}; wait for it to finish") from None
        yield


def _prepare_out_dir(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder")
    if (out_dir / "index.html").exists() and not (out_dir / STATE_FILE).exists():
        raise UsageError(
            f"{out_dir} already holds an index.html that no tlanalysis build wrote; choose another --out folder"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {out_dir}: {exc.strerror or exc}") from None
    if not os.access(out_dir, os.W_OK):
        raise UsageError(f"the output folder {out_dir} is not writable")
    return out_dir.resolve()


class _Progress:
    """tqdm bar on a terminal; otherwise one plain line per finished report (on stdout)."""

    def __init__(self, total: int, echo):
        self.total, self.done, self.echo = total, 0, echo
        self.bar = None
        if total and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="rapport", desc="build", file=sys.stderr, leave=False, dynamic_ncols=True)

    def report(self, label: str, result) -> None:
        self.done += 1
        if result.ok:
            line = f"[{self.done:>{len(str(self.total))}}/{self.total}] built   {label} ({result.seconds:.1f} s)"
        else:
            line = f"[{self.done:>{len(str(self.total))}}/{self.total}] FAILED  {label}: {result.error}"
        if self.bar is not None:
            if not result.ok:
                self.bar.write(line, file=sys.stderr)
            self.bar.update(1)
        else:
            self.echo(line)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _relative(path: Path, base: Path) -> str:
    """`path` relative to `base` when inside it (shorter messages), else absolute."""
    try:
        return Path(path).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(path)


def _brand_fingerprint(data_dir: Path, explicit: Path | None) -> str | None:
    """The content hash of the build's brand file and logo (None for the house look): a changed brand
    rebuilds every report, wherever its file is."""
    from ..report.brand import brand_file

    path = brand_file(data_dir, explicit)
    if path is None:
        return None
    stat = path.stat()
    return _brand_digest(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _brand_digest(path: str, mtime_ns: int, size: int) -> str:
    from ..report.brand import load_brand

    return load_brand(Path(path)).fingerprint


def run_build(options: BuildOptions, echo=print) -> Summary:
    """Build the reports asked for; returns the summary or raises ReportsFailed / BuildInterrupted /
    UsageError / DataError. SIGTERM is handled like Ctrl-C for the duration of the build."""
    previous = None
    if _is_main_thread():

        def on_term(signum, frame):
            raise _Terminated()

        previous = signal.signal(signal.SIGTERM, on_term)
    try:
        return _build(options, echo)
    except KeyboardInterrupt as exc:
        raise BuildInterrupted(getattr(exc, "signum", signal.SIGINT)) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _build(options: BuildOptions, echo) -> Summary:
    from ..validate.dataset import check_data_dir, load_dataset

    started = time.monotonic()
    kinds = options.report_kinds()
    jobs = options.jobs or default_jobs()
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    data_dir = check_data_dir(options.data_dir).resolve()
    if options.min_count < 1:
        raise UsageError("--min-count must be at least 1")
    # the target jobs in their canonical order, or a UsageError naming the unknown code
    options = replace(options, target_jobs=check_target_jobs(options.target_jobs))
    # invalid data: DataError (exit 1) before anything is written
    dataset = load_dataset(data_dir, options.drop_personal_columns, options.mapping)
    # the brand: an unusable file is a usage error before anything is written; adjusted colours are said once
    from ..report.brand import find_brand

    if options.brand_file is not None:
        options = replace(options, brand_file=Path(options.brand_file).resolve())
    brand = find_brand(data_dir, options.brand_file)
    for warning in brand.warnings:
        echo(f"warning: {warning}")
    if any(f in options.formats for f in BROWSER_FORMATS):
        from ..export import ExportError, find_chromium

        try:
            find_chromium()
        except ExportError as exc:
            raise UsageError(f"--formats {','.join(options.formats)} needs Chromium: {exc}") from None
    if "odp" in options.formats:
        from ..export.deck import find_soffice

        if find_soffice() is None:
            raise UsageError("--formats odp needs LibreOffice Impress (apt-get install libreoffice-impress-nogui)")
    reports = plan_reports(dataset, options.years, options.regions, kinds)
    out_dir = _prepare_out_dir(Path(options.out_dir))

    with _locked(out_dir):
        atomic.clean_temp_files(out_dir)
        state = BuildState.load(out_dir)
        mode = "standalone" if options.standalone else "site"
        inputs = {kind.name: Inputs.collect(kind.notebook, data_dir, mode) for kind in kinds}
        by_key = {r.key: r for r in reports}
        protection_file = out_dir / PROTECTION_FILE
        fingerprints = {
            r.key: inputs[r.kind.name].fingerprint(options.fingerprinted(r, data_dir, protection_file)) for r in reports
        }
        to_build = [
            r
            for r in reports
            if options.force
            or not state.is_up_to_date(r.key, fingerprints[r.key])
            or not set(options.formats) <= set(state.reports[r.key].get("formats", ["html"]))
        ]
        summary = Summary(
            out_dir,
            out_dir / "index.html",
            [r.key for r in reports],
            up_to_date=[r.key for r in reports if r not in to_build],
        )

        def finish() -> None:
            current = _current_keys(
                state, kinds, inputs, dataset, lambda report: options.fingerprinted(report, data_dir, protection_file)
            )
            from .site import write_index

            write_index(state, current, dataset.is_example, data_dir.name, kinds, data_dir=data_dir, brand=brand)
            summary.seconds = time.monotonic() - started

        if to_build:
            _, summary.protection_seconds = ensure_protection(
                dataset,
                options.min_count,
                out_dir,
                options.force,
                options.drop_personal_columns,
                options.mapping,
                certification=any("certification" in r.kind.protections for r in to_build),
                target_jobs=options.target_jobs,
            )
            if summary.protection_seconds is None:
                echo(f"protection of every report of the data: up to date ({PROTECTION_FILE})")
            else:
                echo(f"protection of every report of the data: computed in {summary.protection_seconds:.1f} s")
            try:
                _run_pool(
                    to_build,
                    by_key,
                    fingerprints,
                    state,
                    summary,
                    options,
                    kinds[0].notebook,
                    data_dir,
                    jobs,
                    dataset.is_example,
                    echo,
                )
            except KeyboardInterrupt:
                finish()  # the index lists what was finished
                raise
        finish()

    _print_summary(summary, echo)
    if summary.failed:
        raise ReportsFailed(f"{len(summary.failed)} of {len(reports)} reports failed (see above)")
    return summary


def _current_keys(
    state: BuildState,
    kinds: tuple[ReportKind, ...],
    inputs: dict[str, Inputs],
    dataset,
    parameters_of: Callable[[Report], dict],
) -> set[str]:
    """Keys of the state whose fingerprint matches what the present inputs would give (reports of a
    kind this build does not make are not current)."""
    from ..validate.selection import check_selection

    by_name = {kind.name: kind for kind in kinds}
    current = set()
    for key, entry in state.reports.items():
        kind = by_name.get(entry.get("kind", report_kinds.DEFAULT.name))
        if kind is None:
            continue
        try:
            report = Report.make(int(entry["year"]), entry.get("region_code"), entry["region"], kind)
            check_selection(dataset, report.year, report.region_name)
        except (TLAnalysisError, KeyError, TypeError, ValueError):
            continue
        if entry.get("fingerprint") == inputs[kind.name].fingerprint(parameters_of(report)):
            current.add(key)
    return current


def _run_pool(
    to_build: list[Report],
    by_key,
    fingerprints,
    state: BuildState,
    summary: Summary,
    options: BuildOptions,
    notebook: Path,
    data_dir: Path,
    jobs: int,
    example_data: bool,
    echo,
) -> None:
    """Build `to_build` in `jobs` worker processes; their kernels start in the folder of `notebook`
    (the first kind's: the annual report's, or `--notebook`'s)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from . import worker
    from .site import ensure_plotly_asset

    out_dir = state.out_dir
    if not options.standalone:
        ensure_plotly_asset(out_dir)
    # Longest first (by the previous build's times; national reports first otherwise).
    order = sorted(
        to_build, key=lambda r: (-float(state.reports.get(r.key, {}).get("seconds", 0) or 0), not r.is_national, r)
    )
    workers = min(jobs, len(order))
    tasks = [
        worker.Task(
            key=r.key,
            title=r.title,
            kind=r.kind,
            notebook=str(r.notebook),
            parameters=options.parameters(r, data_dir, out_dir / PROTECTION_FILE),
            out_dir=str(out_dir),
            html=str(r.html_path(out_dir)),
            ipynb=str(r.notebook_path(out_dir)),
            failed_ipynb=str(r.failed_notebook_path(out_dir)),
            prestart=index < len(order) - workers,
            formats=options.formats,
        )
        for index, r in enumerate(order)
    ]

    up = len(summary.up_to_date)
    echo(
        f"building {len(tasks)} report{'s' if len(tasks) != 1 else ''}"
        + (f" ({up} up to date)" if up else "")
        + f" with {workers} worker{'s' if workers != 1 else ''}"
        + f" into {_relative(out_dir, Path.cwd())}/"
    )

    progress = _Progress(len(tasks), echo)
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=worker.init_worker,
        initargs=(os.getpid(), options.standalone, str(out_dir / "assets"), str(notebook), options.formats),
    )
    try:
        futures = {executor.submit(worker.build_one, task): task for task in tasks}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # the worker process itself died (BrokenProcessPool, ...)
                    result = worker.Result(task.key, False, 0.0, error=f"worker process failed: {exc!r}")
                _record(
                    result,
                    by_key[task.key],
                    fingerprints[task.key],
                    state,
                    summary,
                    data_dir,
                    example_data,
                    options.formats,
                )
                progress.report(by_key[task.key].label, result)
    except KeyboardInterrupt:
        progress.close()
        echo("interrupted: stopping workers and kernels…")
        _stop_workers(executor)
        raise
    finally:
        progress.close()
    executor.shutdown(wait=True)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _stop_workers(executor) -> None:
    """Terminate the workers (each kills its kernels on SIGTERM), then kill what is left."""
    import multiprocessing

    executor.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    for child in children:
        child.terminate()
    deadline = time.monotonic() + 5
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join(1)


def _record(
    result,
    report: Report,
    fingerprint: str,
    state: BuildState,
    summary: Summary,
    data_dir: Path,
    example_data: bool,
    formats: tuple[str, ...] = ("html",),
) -> None:
    out_dir = state.out_dir
    entry = {
        "kind": report.kind.name,
        "year": report.year,
        "region": report.region_name,
        "region_code": report.region_code,
        "slug": report.slug,
        "status": "ok" if result.ok else "failed",
        "fingerprint": fingerprint,
        "files": result.files if result.ok else {},
        "assets": result.assets if result.ok else [],
        "seconds": round(result.seconds, 3),
        "attempts": result.attempts,
        "timings": {name: round(value, 3) for name, value in result.timings.items()},
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_dir": str(data_dir),
        "example_data": example_data,
        "formats": list(formats),
    }
    if not result.ok:
        # no page may outlive a failed build of it (the worker already did this, unless it died)
        atomic.remove(report.html_path(out_dir))
        atomic.remove(report.notebook_path(out_dir))
        entry["error"] = result.error
        if result.failed_notebook:
            entry["failed_notebook"] = Path(result.failed_notebook).relative_to(out_dir).as_posix()
        summary.failed.append((report.label, result))
    else:
        summary.built.append(report.key)
    summary.results.append(result)
    state.reports[report.key] = entry
    state.save()  # after every report: an interrupted build keeps what it finished


def _print_summary(summary: Summary, echo) -> None:
    where = _relative(summary.index, Path.cwd())
    echo(
        f"{len(summary.planned)} report{'s' if len(summary.planned) != 1 else ''}: "
        f"{len(summary.built)} built, {len(summary.up_to_date)} up to date, {len(summary.failed)} failed "
        f"in {summary.seconds:.1f} s; index: {where}"
    )
    if summary.failed:
        echo("failed reports:")
        for label, result in summary.failed:
            echo(f"  {label}: {result.error}")
            if result.failed_notebook:
                echo(f"    executed notebook: {_relative(Path(result.failed_notebook), Path.cwd())}")
