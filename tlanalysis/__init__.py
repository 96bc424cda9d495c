"""tlanalysis: validated data, tested indicators and offline reports for tiers-lieux networks.

Data flow: load → validate → compute (indicators) → present (notebooks) → publish (build).
"""

from importlib.metadata import PackageNotFoundError, version

from .dataset import Dataset, load_dataset
from .errors import DataError, Problem, TLAnalysisError, UsageError
from .indicators import key_figures
from .reference import FRANCE, Region, resolve_region

try:
    __version__ = version("tlanalysis")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0+unknown"

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
