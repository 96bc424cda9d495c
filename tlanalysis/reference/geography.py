"""Places located by département or commune, brought back to their region.

Surveys locate a tiers-lieu by its département (« 33 », « Gironde », « 2A ») or its
commune's INSEE code (« 33063 »), rarely by its region. The 101 départements and
their region ship in `data/reference/departements.csv` (INSEE COG 2024); a commune
needs no list: its INSEE code starts with its département's code (2 characters, 3
for overseas 97x), so only its shape and its département are checked.

Two-character region and département codes overlap ("11", "75", "93"…): a column is
read as one or the other because the mapping file says so, never by guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from ..config import REFERENCE_DIR
from ..textmatch import match_key
from . import find_region, regions

#: Kinds of location a table may give, each read into the region code.
LOCATION_KINDS = ("region", "departement", "commune")

_COMMUNE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
#: « 33 - Gironde », « Gironde (33) », « 2A Corse-du-Sud »: a code with the name around it.
_CODE_IN_TEXT = re.compile(r"^(97\d|\d{2}|2[AB])\b|\((97\d|\d{2}|2[AB])\)$", re.IGNORECASE)


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region_code: str

    @property
    def region_name(self) -> str:
        return region_names()[self.region_code]


@lru_cache(maxsize=1)
def departements() -> pd.DataFrame:
    """The 101 départements (DEP, REG, LIBELLE), codes as text ("01", "2A", "974")."""
    return pd.read_csv(REFERENCE_DIR / "departements.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def region_names() -> dict[str, str]:
    return dict(zip(regions()["code"], regions()["name"], strict=True))


@lru_cache(maxsize=1)
def _lookup() -> dict[str, Departement]:
    table: dict[str, Departement] = {}
    for row in departements().itertuples(index=False):
        dep = Departement(row.DEP, row.LIBELLE, row.REG)
        for spelling in (row.DEP, row.LIBELLE):
            table[match_key(spelling)] = dep
    return table


def find_departement(value: object) -> Departement | None:
    """The département a cell names: its code ("33", "2a", "974"), its name, or both (« 33 - Gironde »)."""
    if value is None:
        return None
    text = str(value).strip()
    found = _lookup().get(match_key(text))
    if found is None:
        code = _CODE_IN_TEXT.search(text)
        if code:
            found = _lookup().get(match_key(code.group(1) or code.group(2)))
    return found


def commune_departement(value: object) -> Departement | None:
    """The département of a 5-character INSEE commune code ("33063", "2B050", "97416"), or None."""
    text = str(value).strip().upper()
    if not _COMMUNE.match(text):
        return None
    return _lookup().get(match_key(text[:3] if text.startswith("97") else text[:2]))


def region_code_of(value: object, kind: str) -> str | None:
    """The INSEE region code a cell stands for, read as a region, a département or a commune."""
    if kind == "departement":
        dep = find_departement(value)
        return dep.region_code if dep else None
    if kind == "commune":
        dep = commune_departement(value)
        return dep.region_code if dep else None
    region = find_region(value)
    return region.code if region else None


def departement_hint(value: object) -> str | None:
    """Explain a near miss in a département column, or None."""
    text = str(value).strip()
    if text.isdigit() and len(text) == 1:
        dep = _lookup().get("0" + text)
        if dep:
            return (
                f'département codes are two-character text: did you mean "0{text}" ({dep.name})? '
                "Excel drops leading zeros unless the column is formatted as text"
            )
    if text in ("20", "2"):
        return 'Corsica is two départements: "2A" (Corse-du-Sud) and "2B" (Haute-Corse)'
    if commune_departement(text):
        return f"{text} looks like a commune code: use a `commune` column for it in tlanalysis.toml"
    return None


def commune_hint(value: object) -> str | None:
    """Explain a near miss in a commune column (a lost leading zero, a postal code), or None."""
    text = str(value).strip().upper()
    if text.isdigit() and len(text) == 4 and commune_departement("0" + text):
        return (
            f'did you mean "0{text}"? INSEE codes are five-character text and Excel drops leading zeros '
            "unless the column is formatted as text"
        )
    if text.isdigit() and len(text) == 5 and text.startswith("20"):
        return "Corsican INSEE codes start with 2A or 2B (« 2A004 »): is this a postal code?"
    if text.isdigit() and len(text) == 5 and text[:3] in ("975", "977", "978", "980", "984", "986", "987", "988"):
        return f"{text[:3]} is an overseas collectivity, not one of the 101 départements"
    if find_departement(text):
        return f"{text} is a département, not a commune: use a `departement` column for it in tlanalysis.toml"
    return None


def region_column_hint(value: object, table: str = "employment") -> str | None:
    """For a region column without a mapping: a value that is a département and not a region."""
    if find_region(value) is not None:
        return None
    dep = find_departement(value)
    if dep is None:
        return None
    text = str(value).strip()
    what = f"the département {dep.name}" if match_key(text) != match_key(dep.name) else "a département"
    return (
        f"{text} is {what}, in {dep.region_name} ({dep.region_code}): use a `departement` column "
        f'(in tlanalysis.toml: departement = "…" under [{table}.columns])'
    )
