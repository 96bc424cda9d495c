"""Published figures (`data/published/figures.csv`): what the network and others
have already said in public, with source and stated precision.

Reports reconcile what they compute against these figures, and quote the
context figures with their source; both need the published precision, because
« une cinquantaine » and « 54.5 % » do not claim the same thing.

Units: a published percent figure is in percent (56 means 56 %), while computed
shares in this package are fractions of 1. `matches_published` takes the
computed value in the *published* unit, so multiply a fraction by 100 first;
it does not guess, because 0.5 % and a fraction of 0.5 cannot be told apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from ..config import NATIONAL, PUBLISHED_DIR
from ..errors import UsageError
from . import resolve_region

FIGURES_FILE = PUBLISHED_DIR / "figures.csv"

COLUMNS = (
    "indicator",
    "period",
    "year",
    "region_code",
    "region",
    "value",
    "unit",
    "precision",
    "qualifier",
    "label_fr",
    "source",
    "source_url",
    "source_date",
    "note",
)

#: The page the network's own figures come from; every other row is context.
SEED_SOURCE_URL = "https://coop.tierslieux.net/formation-2/pourquoi-la-certification/"

#: How a published figure relates to the true value; see `matches_published`.
QUALIFIERS = ("exact", "about", "estimate", "more_than")


@lru_cache(maxsize=1)
def _load() -> pd.DataFrame:
    # Everything is read as text first so that "04" stays "04"; only the three
    # numeric columns are converted, and a failure there is a broken data file.
    table = pd.read_csv(FIGURES_FILE, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{FIGURES_FILE}: missing columns {missing}")
    table["value"] = pd.to_numeric(table["value"], errors="raise").astype(float)
    table["precision"] = pd.to_numeric(table["precision"], errors="raise").astype(float)
    table["year"] = pd.to_numeric(table["year"].mask(table["year"] == ""), errors="raise").astype("Int64")
    return table[list(COLUMNS)]


def published_figures() -> pd.DataFrame:
    """Every published figure, one row each; region_code is text ("" for France).

    The file is read once; callers get a copy so that one report cannot alter
    the figures another one sees.
    """
    return _load().copy()


def _region_code(region_code: str | None) -> str:
    """The stored code for a region argument: "" for France, otherwise a known INSEE code."""
    if region_code is None or region_code == "" or region_code == NATIONAL:
        return ""
    region = resolve_region(region_code)
    return "" if region.is_national else region.code


def published_for(indicator: str, year: int | None, region_code: str | None) -> pd.Series | None:
    """The published figure for one indicator, year and region (None: France), or None.

    Year None finds the undated rows (the certification's structure).

    An unknown indicator id raises instead of returning None, so that a typo
    is not mistaken for "nothing was published". Two rows for the same key
    (two sources) also raise: the caller must choose, not this function.
    """
    table = _load()
    if indicator not in set(table["indicator"]):
        known = ", ".join(sorted(set(table["indicator"])))
        raise UsageError(f"unknown published indicator {indicator!r}; known: {known}")
    code = _region_code(region_code)
    same_year = table["year"].isna() if year is None else (table["year"] == int(year)).fillna(False)
    rows = table[(table["indicator"] == indicator) & same_year & (table["region_code"] == code)]
    if rows.empty:
        return None
    if len(rows) > 1:
        sources = "; ".join(rows["source"])
        raise UsageError(
            f"{len(rows)} published figures for {indicator} {year} "
            f"{code or NATIONAL} ({sources}); pick one from published_figures()"
        )
    return rows.iloc[0].copy()


def context_figures(region_code: str | None) -> pd.DataFrame:
    """Context rows (other sources than the seed page) for a region, or France's for None.

    A region gets its own figures, including its share of the national census;
    national figures are not repeated there, ask for None to get them.
    """
    table = _load()
    code = _region_code(region_code)
    rows = table[(table["source_url"] != SEED_SOURCE_URL) & (table["region_code"] == code)]
    return rows.sort_values(["indicator", "year"], kind="stable").reset_index(drop=True)


def _decimal(number: float) -> Decimal:
    # Rounding to 9 decimals first drops binary noise (0.5445 * 100 is
    # 54.449999999999996), which would otherwise decide boundary cases.
    return Decimal(repr(round(float(number), 9)))


def matches_published(computed_value: float, row: Mapping | pd.Series) -> bool:
    """Whether a computed value, in the published unit, is what the row claims.

    With v the published value and p its precision:
    - exact: v is x rounded half up to p, so v - p/2 <= x < v + p/2
      (54.5 at 0.1 accepts 54.45 up to, not including, 54.55);
    - about, estimate: |x - v| <= p/2 (« une cinquantaine », 50 at 10, accepts 45 to 55);
    - more_than: « plus de v » is x truncated (rounded down) to p, so
      v <= x < v + p: « plus de 56 % » accepts 56.13, not 55.9 nor 57.2. The
      lower bound is inclusive because the seed page writes « plus de 195 CDI »
      for a survey count of 195 (more jobs exist than were counted); a strict
      bound would reject that count, and any count at unit precision.
    Percent figures are in percent: pass 100 * share, not the share.
    """
    if computed_value is None or pd.isna(computed_value):
        return False
    qualifier = row["qualifier"]
    if qualifier not in QUALIFIERS:
        raise ValueError(f"unknown qualifier {qualifier!r}; expected one of {', '.join(QUALIFIERS)}")
    if pd.isna(row["precision"]) or float(row["precision"]) <= 0:
        raise ValueError(f"published figure {row['indicator']!r} has no positive precision")
    x = _decimal(computed_value)
    value = _decimal(row["value"])
    precision = _decimal(row["precision"])
    half = precision / 2
    if qualifier == "exact":
        return value - half <= x < value + half
    if qualifier in ("about", "estimate"):
        return abs(x - value) <= half
    return value <= x < value + precision
