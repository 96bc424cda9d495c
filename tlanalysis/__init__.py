"""tlanalysis: validated data, tested indicators and offline reports for tiers-lieux networks.

The subpackages are the stages of the data flow, each importing only those before it (import-linter
contracts in pyproject.toml):

    reference  regions, départements, the certification's structure, published figures
    load       survey exports read as text cells (any layout through a mapping file)
    validate   validated tidy tables: the `Dataset` every command and notebook starts from
    compute    indicators, pure functions
    protect    statistical disclosure control of every published figure
    report     French presentation: report contexts, sections, charts, formatting
    export     PDF, chart images, workbooks for funders
    publish    the build: plan, execute the notebooks, write the site
    cli        the `tlanalysis` command

Beside them: `config` (paths), `errors`, `schema` (the input contract), `provenance` (version and
content hashes), `atomic` (complete files only), `textmatch`, `sample` (the example data).
"""

from typing import TYPE_CHECKING

from . import _compat
from .errors import DataError, Problem, TLAnalysisError, UsageError
from .provenance import VERSION as __version__

if TYPE_CHECKING:  # imported on first use (below): `import tlanalysis.cli` must not import pandas
    from .compute.indicators import key_figures
    from .reference import FRANCE, Region, resolve_region
    from .validate.dataset import Dataset, load_dataset

_compat.install()  # the module paths of 0.1 (tlanalysis.charts, tlanalysis.indicators, ...) still import

#: Names of the public API imported on first use (PEP 562): they import pandas, which a no-op build, the
#: command line's help and papermill's engine entry point do without.
_LAZY = {
    "key_figures": "tlanalysis.compute.indicators",
    "FRANCE": "tlanalysis.reference",
    "Region": "tlanalysis.reference",
    "resolve_region": "tlanalysis.reference",
    "Dataset": "tlanalysis.validate.dataset",
    "load_dataset": "tlanalysis.validate.dataset",
}


def __getattr__(name: str) -> object:
    """`tl.load_dataset`, `tl.key_figures`…: imported on first use; `tl.indicators`, `tl.charts`…: the modules
    of 0.1 as attributes, through their aliases."""
    import importlib

    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # once: later lookups do not come here
        return value
    if f"{__name__}.{name}" in _compat.MOVED:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "FRANCE",
    "DataError",
    "Dataset",
    "Problem",
    "Region",
    "TLAnalysisError",
    "UsageError",
    "__version__",
    "key_figures",
    "load_dataset",
    "resolve_region",
]
