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
* Private state: the validated data, the protections, what was built and the lock live in the
  private state folder (`tlanalysis.state`), never in the output folder, which holds only what may be
  published. Files an earlier version left there (a pickle among them) are removed, never read.
* A disk that fills up, or any other error writing a file (`OSError`), stops the build with a clear
  message (exit 1): the reports published before are kept, and so is the index.
* The build ends with `tlanalysis audit` of the output folder (`audit=False` to skip).
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
from ..compute.target_jobs import DEFAULT_TARGET_JOBS, check_target_jobs
from ..config import DEFAULT_MIN_COUNT
from ..errors import TLAnalysisError, UsageError
from ..report import kinds as report_kinds
from ..report.kinds import ReportKind
from .cache import BuildState, Inputs
from .plan import Report, plan_reports
from .products import BROWSER_FORMATS
from .site import GENERATOR_TAG

if TYPE_CHECKING:
    from ..protect.releases import History
    from .audit import AuditReport

#: Private files earlier versions kept in the output folder: removed by the next build, never read
#: (the data cache was a pickle, which runs code when loaded).
LEGACY_FILES = (
    ".tlanalysis-data.pickle",
    ".tlanalysis-protection.json",
    ".tlanalysis-build.json",
    ".tlanalysis-build.lock",
)


#: Seconds a report may run by default before it fails (a national report takes a few seconds).
DEFAULT_REPORT_TIMEOUT = 1800.0


class ReportsFailed(TLAnalysisError):
    """Some reports could not be built (the others were)."""

    exit_code = 1


class AuditFailed(TLAnalysisError):
    """The audit found something in the output folder that must not be published."""

    exit_code = 1


class WriteFailed(TLAnalysisError):
    """A file could not be written (a full disk, permissions): the build stopped, the earlier site is kept."""

    exit_code = 1


def write_failed(exc: OSError | str) -> WriteFailed:
    """The message of a build stopped by an error writing a file."""
    if isinstance(exc, OSError):
        where = f" {atomic.final_name(Path(exc.filename).name)}" if exc.filename else ""
        cause = f"cannot write{where}: {exc.strerror or exc}"
    else:
        cause = exc
    return WriteFailed(
        f"{cause}. The build stopped; the reports published before and the index are kept as they were. "
        "Free some disk space (or fix the folder's permissions) and run the command again."
    )


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
    #: The private state folder (`--state-dir`); None: $TLANALYSIS_STATE_DIR or the user's cache folder.
    state_dir: Path | None = None
    #: Audit the output folder at the end (`--no-audit` to skip).
    audit: bool = True
    #: Earlier sites whose releases this build honours (`--previous`), besides the output folder's own.
    previous: tuple[Path, ...] = ()
    #: Start a new series of releases: earlier ones are not honoured (`--new-series`).
    new_series: bool = False
    #: How reports run (`--executor`): "fork" (children forked from warm workers), "kernel" (a Jupyter
    #: kernel per report), "auto" (fork where it is safe, `fork.fork_is_safe`, and the portable path is not
    #: forced, `processes.portable`; kernels elsewhere).
    executor: str = "auto"
    #: Seconds one report may run before it fails (`--timeout`); None: no limit.
    report_timeout: float | None = DEFAULT_REPORT_TIMEOUT

    def forked(self) -> bool:
        """Whether this build runs its reports in forked children (see `executor`)."""
        from .fork import fork_is_safe
        from .processes import portable

        if self.executor == "kernel":
            return False
        if self.executor == "fork":
            if not hasattr(os, "fork"):
                raise UsageError("--executor fork: this system has no fork(); use --executor kernel")
            return True
        if self.executor != "auto":
            raise UsageError(f"--executor {self.executor}: choose auto, fork or kernel")
        return fork_is_safe() and not portable()

    def parameters(self, report: Report, data_dir: Path, state_key: str) -> dict:
        """The papermill parameters of `report` in this build (`report_parameters` with its options):
        one place for the fingerprints, the up-to-date check of the index, and the workers' tasks."""
        parameters = report_parameters(
            report,
            data_dir.name,
            state_key,
            self.min_count,
            self.drop_personal_columns,
            self.mapping if self.notebook is not None else None,
            data_dir,
            self.kind_parameters(),
        )
        if self.brand_file is not None:
            # the brand the build checked and kept in its state folder, by its key: no path in a notebook
            parameters["brand_key"] = _brand_key(self.brand_file)
        return parameters

    def fingerprinted(self, report: Report, data_dir: Path, state_key: str) -> dict:
        """What a report's fingerprint covers besides the build's inputs: its papermill parameters and
        its own text in the data folder (`report.texts`), so that a changed text rebuilds its report only."""
        from ..report.texts import text_fingerprint

        parameters = self.parameters(report, data_dir, state_key)
        text = text_fingerprint(data_dir, report.year, report.region_code, report.region_name, report.kind.slug_prefix)
        brand = _brand_fingerprint(data_dir, self.brand_file)
        extra = {"text_sha256": text, "brand_sha256": brand}
        return {**parameters, **{k: v for k, v in extra.items() if v is not None}}

    def published_choices(self) -> dict[str, object]:
        """The options that change what a build publishes (part of a no-op build's stamp, `unchanged`); not the
        folders, the mapping and the earlier sites (stamped by content), nor how reports run (jobs, executor,
        timeout)."""
        return {
            "years": sorted(self.years),
            "regions": list(self.regions),
            "kinds": None if self.kinds is None else [str(getattr(k, "name", k)) for k in self.kinds],
            "notebook": None if self.notebook is None else str(self.notebook),
            "formats": sorted(self.formats),
            "min_count": self.min_count,
            "drop_personal_columns": self.drop_personal_columns,
            "target_jobs": list(self.target_jobs),
            "standalone": self.standalone,
            "audit": self.audit,
            "new_series": self.new_series,
            "brand_file": None if self.brand_file is None else str(Path(self.brand_file).resolve()),
        }

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
    #: The audit of the output folder at the end of the build (None: not run).
    audit: AuditReport | None = None


def report_parameters(
    report: Report,
    data_name: str,
    state_key: str | None,
    min_count: int,
    drop_personal_columns: bool = False,
    mapping: Path | None = None,
    data_dir: Path | None = None,
    kind_parameters: dict[str, object] | None = None,
) -> dict:
    """The papermill parameters of one report, also part of its fingerprint: the common ones, and those
    of `kind_parameters` that its kind names (a certification report is rebuilt when its target jobs
    change, an annual report does not depend on them).

    No path of the machine: the executed notebooks are published. Kernels run in the data folder's
    parent, so `data_dir` is the folder's name; `state_key` names the build's validated data and
    protection in the private state folder. A mapping file (given to a notebook of the user's own) is
    written relative to the kernels' folder."""
    parameters: dict = {
        "year": report.year,
        "region": report.region_name,
        "data_dir": data_name,
        "render": "report",
        "min_count": min_count,
    }
    if drop_personal_columns:
        parameters["drop_personal_columns"] = True
    if mapping is not None:
        base = data_dir.parent if data_dir is not None else Path.cwd()
        parameters["mapping"] = Path(os.path.relpath(mapping, base)).as_posix()
    if state_key is not None:
        parameters["state_key"] = state_key
    given = kind_parameters or {}
    parameters.update({name: given[name] for name in report.kind.parameters})
    return parameters


def ensure_protection(
    dataset,
    min_count: int,
    root: Path,
    force: bool = False,
    certification: bool = False,
    target_jobs: tuple[str, ...] = DEFAULT_TARGET_JOBS,
    warn: Callable[[str], None] | None = None,
    history: History | None = None,
) -> float | None:
    """The protection of every report of the data, computed once per build before the workers start
    and kept in the private state folder (`protect.store`: JSON cells, sealed), where the kernels read
    it; reused while its key (data, k, version, library) matches and its seal holds (incremental
    builds), recomputed with `force` or when it fails its checks. With `certification`, the protection of
    the certification reports too (for their `target_jobs`). Returns the seconds spent computing (None
    when everything was reused).

    With `history` (the earlier releases the build honours, `tlanalysis.protect.releases`), both
    protections keep what those releases published: a stored one is reused only when it shows their
    figures as they were published, a computed one takes them as given and is checked before it is
    stored; `history` is given both for the release the build records."""
    from threadpoolctl import threadpool_limits

    from ..protect import store as protection_store
    from ..protect.store import StoredProtection

    started = time.monotonic()
    # One BLAS thread, as in the kernels (see worker.init_worker): with one per core, the
    # disclosure control's linear algebra ran 10x slower on a busy 2-core machine.
    with threadpool_limits(limits=1, user_api="blas"):
        # the annual protection first: the certification one keeps its masking and models its holder counts
        annual = protection_store.annual_protection(
            dataset,
            min_count,
            root,
            save=True,
            force=force,
            warn=warn,
            earlier=history.earlier("annual") if history is not None else None,
            accept=history.agrees if history is not None else None,
            check=history.check if history is not None else None,
        )
        computed = not isinstance(annual, StoredProtection)
        made = None
        if certification:
            made = protection_store.certification_protection(
                dataset,
                min_count,
                target_jobs,
                root,
                annual=lambda: annual if len(dataset.employment) else None,
                save=True,
                force=force,
                warn=warn,
                earlier=history.earlier("certification") if history is not None else None,
                accept=history.agrees_certification if history is not None else None,
            )
            computed = computed or not made.stored
    if history is not None:
        history.protected(annual, made)
    return time.monotonic() - started if computed else None


@contextmanager
def _locked(state: BuildState, out_dir: Path):
    """One build at a time per output folder: a lock in its private state (filelock: Windows too)."""
    from filelock import FileLock, Timeout

    state.folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(state.lock_path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise UsageError(f"another tlanalysis build is writing to {out_dir}; wait for it to finish") from None
    try:
        yield
    finally:
        lock.release()


def _prepare_out_dir(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {out_dir} is a file, not a folder")
    if (out_dir / "index.html").exists() and not is_tlanalysis_index(out_dir / "index.html"):
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


def is_tlanalysis_index(path: Path) -> bool:
    """Whether an index.html was written by tlanalysis (its generator tag; before it, its state file)."""
    try:
        head = path.read_bytes()[:4096].decode("utf-8", errors="replace")
    except OSError:
        return False
    return GENERATOR_TAG in head or (path.parent / ".tlanalysis-build.json").is_file()


def remove_private_files(out_dir: Path) -> list[str]:
    """Remove from the output folder the private files an earlier version kept there, never reading
    them, and the failed reports' notebooks it published (their tracebacks name the machine's files)."""
    removed = []
    for name in LEGACY_FILES:
        if (out_dir / name).is_file() or (out_dir / name).is_symlink():
            atomic.remove(out_dir / name)
            removed.append(name)
    for failed in sorted(out_dir.glob("[0-9][0-9][0-9][0-9]/*.failed.ipynb")):
        atomic.remove(failed)
        removed.append(failed.relative_to(out_dir).as_posix())
    return removed


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


def _brand_key(path: Path) -> str:
    """The state key of the brand file given with --brand (`report.brand.brand_key`)."""
    from ..state import key_digest

    stat = Path(path).stat()
    return key_digest({"brand": _brand_digest(str(path), stat.st_mtime_ns, stat.st_size)})


def run_build(options: BuildOptions, echo=print) -> Summary:
    """Build the reports asked for; returns the summary or raises ReportsFailed / AuditFailed /
    WriteFailed / BuildInterrupted / UsageError / DataError. SIGTERM is handled like Ctrl-C for the
    duration of the build."""
    previous = None
    if _is_main_thread():

        def on_term(signum, frame):
            raise _Terminated()

        previous = signal.signal(signal.SIGTERM, on_term)
    try:
        return _build(options, echo)
    except OSError as exc:  # a full disk, a folder that cannot be written: the earlier site is intact
        raise write_failed(exc) from None
    except KeyboardInterrupt as exc:
        raise BuildInterrupted(getattr(exc, "signum", signal.SIGINT)) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _build(options: BuildOptions, echo) -> Summary:
    from ..state import state_root
    from ..validate.folder import check_data_dir

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
    root = state_root(options.state_dir)

    def warn(message: str) -> None:
        echo(f"warning: {message}")

    from .unchanged import inputs_digest

    # what the build is made from, hashed before anything is read (see `unchanged`)
    made_from = inputs_digest(options.published_choices(), kinds, data_dir, options.mapping, options.previous)
    if not options.force:
        noop = _unchanged_build(options, made_from, data_dir, root, started, echo)
        if noop is not None:
            return noop

    from ..validate import store as data_store

    # invalid data: DataError (exit 1) before anything is written to the output folder; valid data is
    # kept in the private state folder (Parquet, sealed), which a no-op build reads instead of validating
    dataset, state_key = data_store.load_or_validate(
        data_dir, options.drop_personal_columns, options.mapping, root, warn
    )
    # the brand: an unusable file is a usage error before anything is written; adjusted colours are said once
    from ..report.brand import find_brand

    if options.brand_file is not None:
        options = replace(options, brand_file=Path(options.brand_file).resolve())
    brand = find_brand(data_dir, options.brand_file)
    for warning in brand.warnings:
        warn(warning)
    if options.brand_file is not None:  # handed to the reports through the state folder (`brand_key`)
        from ..report.brand import store_brand

        store_brand(brand, root)
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

    def parameters_of(report: Report) -> dict:
        return options.fingerprinted(report, data_dir, state_key)

    with _locked(BuildState(out_dir, root), out_dir):
        removed = remove_private_files(out_dir)
        if removed:
            echo(
                f"removed from {out_dir.name}/ what an earlier version kept there and must not be published: "
                + ", ".join(removed)
            )
        atomic.clean_temp_files(out_dir)
        state = BuildState.load(out_dir, root, warn)
        state.data_key = state_key
        mode = "standalone" if options.standalone else "site"
        inputs = {kind.name: Inputs.collect(kind.notebook, data_dir, mode) for kind in kinds}
        by_key = {r.key: r for r in reports}
        fingerprints = {r.key: inputs[r.kind.name].fingerprint(parameters_of(r)) for r in reports}
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

        from ..protect.releases import History

        history = History.open(out_dir, options.previous, options.new_series, options.min_count, options.target_jobs)
        for note in history.notes:
            echo(note)

        def finish() -> None:
            current = _current_keys(state, kinds, inputs, dataset, parameters_of)
            _write_index(state, current, dataset.is_example, data_dir.name, kinds, data_dir, brand)
            history.record(out_dir, dataset, options.min_count, options.target_jobs, _site_reports(state, current))
            if state.refreshed:  # a copied site: its files' new times, recorded
                state.save()
            summary.seconds = time.monotonic() - started

        from ..protect import store as protection_store

        def stored():
            return protection_store.stored_annual_protection(dataset, options.min_count, root)

        if to_build or history.outdated(stored):
            summary.protection_seconds = ensure_protection(
                dataset,
                options.min_count,
                root,
                options.force,
                certification=any("certification" in r.kind.protections for r in reports),
                target_jobs=options.target_jobs,
                warn=warn,
                history=history,
            )
            if summary.protection_seconds is None:
                echo("protection of every report of the data: up to date (private state folder)")
            else:
                echo(f"protection of every report of the data: computed in {summary.protection_seconds:.1f} s")
            _echo_corrections(history, echo)
            # reports whose figures the earlier releases now change (a --previous site given): built again
            changed = set(history.changed_reports(_release_report(r) for r in reports if r not in to_build))
            to_build += [r for r in reports if r not in to_build and _release_report(r) in changed]
            summary.up_to_date = [r.key for r in reports if r not in to_build]
        if to_build:
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
                    state_key,
                    dataset,
                )
            except KeyboardInterrupt:
                finish()  # the index lists what was finished
                raise
        finish()
        _print_summary(summary, echo)
        if options.audit:
            summary.audit = _audit(state, dataset, data_dir, echo)
        if not summary.failed and (summary.audit is None or summary.audit.ok):
            _record_stamp(state, made_from, summary, history.notes_again(options.new_series), brand)

    if summary.failed:
        raise ReportsFailed(f"{len(summary.failed)} of {len(reports)} reports failed (see above)")
    if summary.audit is not None and not summary.audit.ok:
        raise AuditFailed("the output folder is not publishable as it is (see the audit above)")
    return summary


def _unchanged_build(
    options: BuildOptions, inputs: str, data_dir: Path, root: Path, started: float, echo
) -> Summary | None:
    """The summary of a no-op build, when its inputs (`inputs`, their digest; the brand) and its site are as a
    clean build left them (`unchanged`: decided from file hashes and stats, with neither the data nor the
    protection loaded); None otherwise (the ordinary build decides report by report)."""
    from ..report.brand import brand_file
    from .unchanged import build_stamp, recorded, site_listing

    out_dir = Path(options.out_dir)
    if not out_dir.is_dir():
        return None
    out_dir = out_dir.resolve()
    state = BuildState(out_dir, root)
    if not state.folder.is_dir():
        return None
    with _locked(state, out_dir):
        state = BuildState.load(out_dir, root)
        if not state.stamps:
            return None
        listing = site_listing(out_dir)
        found = recorded(state.stamps, build_stamp(inputs, listing))
        explicit = Path(options.brand_file).resolve() if options.brand_file is not None else None
        if found is None or not found.same_brand(brand_file(data_dir, explicit)):
            return None
    for note in found.notes:
        echo(note)
    summary = Summary(out_dir, out_dir / "index.html", found.planned, up_to_date=list(found.planned))
    summary.seconds = time.monotonic() - started
    _print_summary(summary, echo)
    if options.audit:
        echo(f"audit: {len(listing)} files of {out_dir.name}/ unchanged since the last audit, which found nothing")
    return summary


def _record_stamp(state: BuildState, inputs: str, summary: Summary, notes: list[str], brand) -> None:
    """Record the stamp of this clean build (`unchanged`): its inputs as hashed when it started, and the files
    of its site now that every one is written. The same build asked again is a no-op decided without
    loading the data."""
    from .unchanged import Unchanged, build_stamp, record, site_listing

    stamp = build_stamp(inputs, site_listing(state.out_dir))
    used = None  # the brand as the build read it (its fingerprint was taken then)
    if not brand.is_house and brand.source is not None:
        used = (str(brand.source), str(brand.logo_source) if brand.logo_source else None, brand.fingerprint)
    state.stamps = record(state.stamps, stamp, Unchanged(list(summary.planned), list(notes), used))
    state.save()


def _audit(state: BuildState, dataset, data_dir: Path, echo):
    """`tlanalysis audit` of the output folder, with the data it was built from (its record
    identifiers) and this machine's folders (the data, the state). Skipped when no file of the site
    changed since the last audit that found nothing (a no-op build stays fast)."""
    from ..provenance import json_sha256, library_hash
    from .audit import audit_site, site_files

    out_dir = state.out_dir
    listing = [(p.relative_to(out_dir).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in site_files(out_dir)]
    stamp = json_sha256({"files": listing, "data": state.data_key, "library": library_hash()})
    if state.audited == stamp:
        echo(f"audit: {len(listing)} files of {out_dir.name}/ unchanged since the last audit, which found nothing")
        return None
    started = time.monotonic()
    report = audit_site(out_dir, dataset=dataset, extra_paths=(data_dir, state.root))
    echo(report.describe() if not report.ok else f"{report.summary()} in {time.monotonic() - started:.1f} s")
    state.audited = stamp if report.ok else None
    state.save()
    return report


def _write_index(state: BuildState, current: set[str], example: bool, label: str, kinds, data_dir: Path, brand) -> None:
    """The index page, unless it was written from the same reports, data, brand, foreword and library and is
    intact: a no-op build then leaves it be (rendering it loads the French number formats and every
    report's figures)."""
    from ..provenance import file_sha256, json_sha256, library_hash
    from ..report.texts import foreword_path
    from .site import ASSETS, write_index

    foreword = foreword_path(data_dir)

    path = state.out_dir / "index.html"
    inputs = {
        "reports": state.reports,
        "current": sorted(current),
        "example": example,
        "label": label,
        "kinds": [kind.name for kind in kinds],
        "assets": sorted(p.name for p in (state.out_dir / ASSETS).glob("*")),
        "library": library_hash(),
        "brand": brand.fingerprint,
        "foreword": file_sha256(foreword) if foreword is not None else None,
    }

    def stamp() -> str | None:
        return json_sha256({"inputs": inputs, "page": file_sha256(path)}) if path.is_file() else None

    if state.indexed is not None and state.indexed == stamp():
        return
    write_index(state, current, example, label, kinds, data_dir=data_dir, brand=brand)
    state.indexed = stamp()
    state.save()


def _release_report(report: Report) -> tuple[str, int, str]:
    """A report as the release ledger names it: (kind, year, region code or "FR")."""
    return (report.kind.name, report.year, report.region_code or "FR")


def _site_reports(state: BuildState, current: set[str]) -> list[tuple[str, int, str]]:
    """The reports the site's pages show now (built with the data at hand, not failed), as the ledger names them."""
    out = []
    for key in current:
        entry = state.reports[key]
        if entry.get("status") == "ok":
            out.append((entry.get("kind", "annual"), int(entry["year"]), entry.get("region_code") or "FR"))
    return out


def _echo_corrections(history, echo, shown: int = 10) -> None:
    corrected = history.corrected()
    if corrected:
        echo(f"{len(corrected)} figure(s) published before changed with the data (corrections), e.g.:")
        for key in corrected[:shown]:
            echo("  " + " ".join(str(part) for part in key))


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
    state_key: str = "",
    dataset=None,
) -> None:
    """Build `to_build` in `jobs` worker processes; their kernels start in the folder of `notebook`
    (the first kind's: the annual report's, or `--notebook`'s).

    Forked reports: the workers are forked from this process once it holds the data (and the protection,
    `ensure_protection`) in memory and has imported what the reports use (`worker.preload`), so no worker
    imports or reads them again; kernels: the workers are spawned (a clean interpreter each)."""
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
    forked = options.forked()
    tasks = [
        worker.Task(
            key=r.key,
            title=r.title,
            kind=r.kind,
            notebook=str(r.notebook),
            parameters=options.parameters(r, data_dir, state_key),
            out_dir=str(out_dir),
            html=str(r.html_path(out_dir)),
            ipynb=str(r.notebook_path(out_dir)),
            failed_ipynb=str(state.failed_notebook_path(r.key)),
            prestart=index < len(order) - workers,
            formats=options.formats,
            timeout=options.report_timeout,
        )
        for index, r in enumerate(order)
    ]

    up = len(summary.up_to_date)
    echo(
        f"building {len(tasks)} report{'s' if len(tasks) != 1 else ''}"
        + (f" ({up} up to date)" if up else "")
        + f" with {workers} worker{'s' if workers != 1 else ''}"
        + (" (forked reports)" if forked else " (kernels)")
        + f" into {_relative(out_dir, Path.cwd())}/"
    )

    if forked:
        worker.preload(dataset, state_key, sorted({str(r.notebook) for r in order}))
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork" if forked else "spawn"),
        initializer=worker.init_worker,
        initargs=(
            os.getpid(),
            options.standalone,
            str(out_dir / "assets"),
            str(notebook),
            options.formats,
            str(state.root),
            str(data_dir.parent),
            forked,
        ),
    )
    progress: _Progress | None = None
    try:
        futures = {executor.submit(worker.build_one, task): task for task in tasks}
        # after the workers are started (a fork never copies the progress bar's thread)
        progress = _Progress(len(tasks), echo)
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                task = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # the worker process itself died (BrokenProcessPool, ...)
                    result = worker.Result(task.key, False, 0.0, error=f"worker process failed: {exc!r}")
                if result.write_error:  # a full disk: stop, keep the earlier site as it is
                    progress.close()
                    _stop_workers(executor)
                    raise write_failed(result.error or "cannot write a report")
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
        if progress is not None:
            progress.close()
        echo("interrupted: stopping workers and kernels…")
        _stop_workers(executor)
        atomic.clean_temp_files(out_dir)  # what a killed report was writing: no half-written file
        raise
    finally:
        if progress is not None:
            progress.close()
    executor.shutdown(wait=True)


def _is_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def _stop_workers(executor) -> None:
    """Terminate the workers (each kills its kernels on SIGTERM), then kill what is left."""
    import multiprocessing

    from .processes import kill_descendants, portable

    executor.shutdown(wait=False, cancel_futures=True)
    children = multiprocessing.active_children()
    if portable():  # no SIGTERM handler to rely on (Windows terminates at once): kill the kernels first
        for child in children:
            if child.pid is not None:
                kill_descendants(child.pid)
    for child in children:
        child.terminate()
    deadline = time.monotonic() + 5
    for child in children:
        child.join(max(0.0, deadline - time.monotonic()))
        if child.is_alive():
            child.kill()
            child.join(1)
    # The pool's manager thread ends once it sees its workers gone; let it end before the interpreter does:
    # at exit CPython 3.11 wakes it through a pipe it may be closing at that very moment, and prints a
    # traceback (« Bad file descriptor ») under the build's clear message.
    manager = getattr(executor, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(5)


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
        # no page and no product may outlive a failed build of it (the worker removed what it knew of)
        remove_products(report, out_dir, state.reports.get(report.key))
        entry["error"] = result.error
        if result.failed_notebook:
            entry["failed_notebook"] = str(result.failed_notebook)  # in the private state folder
        summary.failed.append((report.label, result))
    else:
        summary.built.append(report.key)
    summary.results.append(result)
    state.reports[report.key] = entry
    state.save()  # after every report: an interrupted build keeps what it finished


def remove_products(report: Report, out_dir: Path, previous: dict | None) -> None:
    """Remove every file of a report from the output folder: its page and notebook, every product an
    earlier build recorded for it, and those a build may make for it (JSON, PDF, XLSX)."""
    from .products import FORMATS, product_paths

    html = report.html_path(out_dir)
    paths = [html, report.notebook_path(out_dir), *product_paths(html, FORMATS).values()]
    for relative in (previous or {}).get("files", {}) or {}:
        path = (out_dir / relative).resolve()
        if path.is_relative_to(out_dir.resolve()):
            paths.append(path)
    for path in paths:
        atomic.remove(path)


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
                echo(f"    executed notebook (private, not published): {result.failed_notebook}")
