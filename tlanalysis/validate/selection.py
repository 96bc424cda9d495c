"""Checking a requested (year, region) against what the data holds."""

from __future__ import annotations

from ..errors import UsageError
from ..reference import Region, resolve_region
from .dataset import Dataset


def _span(years: list[int]) -> str:
    return ", ".join(map(str, years)) if years else "none"


def check_selection(dataset: Dataset, year: object, region: object) -> Region:
    """The region asked for, if the data has employment figures for it in `year`; else a UsageError
    listing what is available."""
    selected = resolve_region(region)
    if isinstance(year, bool) or not isinstance(year, int):
        raise UsageError(f"year must be a whole number, got {year!r}")
    available = dataset.years if selected.is_national else dataset.region_years().get(selected.code, [])
    if year not in available:
        where = "the data" if selected.is_national else f"the data for {selected.name}"
        regions = ", ".join(sorted(dataset.region_years()))
        raise UsageError(
            f"year {year} is not in {where}; available years: {_span(available)}"
            + ("" if available else f"; regions with data: {regions}")
        )
    return selected
