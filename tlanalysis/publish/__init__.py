"""Publishing: execute the report notebook for each (year, region) and write offline HTML.

Modules, by job:

* `plan`     which reports to build (usage errors for unknown regions / years);
* `cache`    fingerprints and the build-state file (incremental builds);
* `unchanged` the stamp of a clean build: the same build again is a no-op decided without the data;
* `execute`  papermill execution on pre-started kernels (worker side, kernel mode);
* `engine`   papermill engine running the cells in-process through IPython (entry point
             `papermill.engine`: tlanalysis-inprocess);
* `fork`     one report in a child forked from a warm worker (forked mode);
* `export`   nbconvert HTML export and plotly.js injection (worker side);
* `worker`   one report in a worker process: execute, export, publish atomically;
* `site`     shared assets and index.html;
* `runner`   parallel orchestration, progress, summary, interrupts;
* `command`  the `tlanalysis build` click command.

Files are written through `tlanalysis.atomic` (write then rename). Importing this package is cheap:
papermill, nbconvert and plotly are imported by workers only; the build's names below are imported on
first use (papermill imports `engine` whenever it is imported, which must not load pandas).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runner import BuildInterrupted, BuildOptions, ReportsFailed, Summary, run_build

__all__ = ["BuildInterrupted", "BuildOptions", "ReportsFailed", "Summary", "run_build"]


def __getattr__(name: str):
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
