"""tlanalysis: validated data, tested indicators and offline reports for tiers-lieux networks.

Data flow: load → validate → compute (indicators) → present (notebooks) → publish (build).
"""

from .dataset import Dataset, load_dataset
from .errors import DataError, Problem, TLAnalysisError, UsageError
from .indicators import key_figures
from .provenance import VERSION as __version__
from .reference import FRANCE, Region, resolve_region

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
