"""Computed against published: does the data give back what was already said in public?

Every published figure whose indicator the library computes (see `COMPUTED`) is
compared, for the same year and region, at the precision it was published with
(`published.matches_published`). Reports show the comparison in their appendix;
`tlanalysis check` lists the mismatches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ..reference import FRANCE, certification, find_region
from ..reference.published import matches_published, published_figures
from ..validate.dataset import Dataset
from .indicators import SITUATIONS, TRAJECTORIES, key_figures


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _holders_share(table: str, key: str) -> Callable[[dict], float | None]:
    return lambda f: _percent(f["holders"][table][key])


#: Published indicator id -> how to read it, in the published unit, from `key_figures`.
COMPUTED: dict[str, Callable[[dict], float | None]] = {
    "jobs_total": lambda f: f["jobs"]["total"],
    "jobs_cdi": lambda f: f["jobs"]["by_contract"]["CDI"],
    "jobs_cdd": lambda f: f["jobs"]["by_contract"]["CDD"],
    "jobs_facilitation_share": lambda f: _percent(f["jobs"]["facilitation_share"]),
    **{f"holders_situation_share_{s}": _holders_share("situation_shares", s) for s in SITUATIONS},
    **{f"trajectory_share_{t}": _holders_share("trajectory_shares", t) for t in TRAJECTORIES},
}

#: Figures about the certification itself, computed from data/reference/.
STRUCTURE: dict[str, Callable[[], int]] = {
    "certification_units": lambda: certification()["unit"].nunique(),
    "certification_competencies": lambda: len(certification()),
}


@dataclass(frozen=True)
class Comparison:
    indicator: str
    year: int | None
    region: str
    region_code: str | None
    published: float
    unit: str
    precision: float
    qualifier: str
    label_fr: str
    source: str
    computed: float | None

    @property
    def matches(self) -> bool:
        return self.computed is not None and matches_published(self.computed, self._row())

    def _row(self) -> dict:
        return {"value": self.published, "precision": self.precision, "qualifier": self.qualifier}


def comparisons(dataset: Dataset, year: int | None = None, region_code: str | object | None = ...) -> list[Comparison]:
    """Every published figure the data can speak to, optionally for one year and region (None: France)."""
    table = published_figures()
    table = table[table["indicator"].isin(list(COMPUTED) + list(STRUCTURE))]
    region_years = dataset.region_years()
    cache: dict[tuple, dict] = {}
    found = []
    for row in table.itertuples(index=False):
        code = row.region_code or None
        if region_code is not ... and code != region_code:
            continue
        if row.indicator in STRUCTURE:
            if year is None or region_code is not ...:
                found.append(_comparison(row, STRUCTURE[row.indicator]()))
            continue
        row_year = None if pd.isna(row.year) else int(row.year)
        if row_year is None or (year is not None and row_year != year):
            continue
        available = dataset.years if code is None else region_years.get(code, [])
        if row_year not in available:
            continue
        if (row_year, code) not in cache:
            region = FRANCE if code is None else find_region(code)
            assert region is not None, code  # a region of the data: validation has resolved it
            cache[(row_year, code)] = key_figures(dataset.employment, dataset.holders, row_year, region)
        found.append(_comparison(row, COMPUTED[row.indicator](cache[(row_year, code)])))
    return found


def _comparison(row, computed) -> Comparison:
    return Comparison(
        row.indicator,
        None if pd.isna(row.year) else int(row.year),
        row.region,
        row.region_code or None,
        float(row.value),
        row.unit,
        float(row.precision),
        row.qualifier,
        row.label_fr,
        row.source,
        None if computed is None else float(computed),
    )
