"""Reference data shipped in `data/reference/`: the 18 INSEE regions (2016
boundaries) and the structure of the certification « Piloter un tiers-lieu »."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..config import NATIONAL, REFERENCE_DIR
from ..errors import UsageError
from ..textmatch import match_key

if TYPE_CHECKING:  # pandas is imported when a table is read: the no-op build names regions without it
    import pandas as pd

#: Former region codes and names people still type, with the region they became part of.
_FORMER_REGIONS = {
    "54": ("Poitou-Charentes", "75"),
    "72": ("Aquitaine", "75"),
    "74": ("Limousin", "75"),
    "73": ("Midi-Pyrénées", "76"),
    "91": ("Languedoc-Roussillon", "76"),
    "82": ("Rhône-Alpes", "84"),
    "83": ("Auvergne", "84"),
    "26": ("Bourgogne", "27"),
    "43": ("Franche-Comté", "27"),
    "23": ("Haute-Normandie", "28"),
    "25": ("Basse-Normandie", "28"),
    "31": ("Nord-Pas-de-Calais", "32"),
    "22": ("Picardie", "32"),
    "41": ("Lorraine", "44"),
}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    iso: str | None

    @property
    def is_national(self) -> bool:
        return self.code is None or self.name == NATIONAL


FRANCE = Region(code=None, name=NATIONAL, iso="FR")  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def regions() -> pd.DataFrame:
    """The 18 regions, codes as two-character strings ("04" is La Réunion, not 4)."""
    import pandas as pd

    return pd.read_csv(REFERENCE_DIR / "regions.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=1)
def _lookup() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for row in regions().itertuples(index=False):
        region = Region(row.code, row.name, row.iso_3166_2)
        for spelling in (row.code, row.name, row.iso_3166_2):
            table[match_key(spelling)] = region
    # Spellings in common use that the folding above does not reach.
    extra = {
        "Réunion": "04",
        "Ile de France": "11",
        "PACA": "93",
        "AURA": "84",
        "Centre": "24",
        "BFC": "27",
        "IDF": "11",
        "Guyane française": "03",
    }
    by_code = {r.code: r for r in table.values()}
    for spelling, code in extra.items():
        table.setdefault(match_key(spelling), by_code[code])
    return table


def region_hint(value: object) -> str | None:
    """Explain a near miss (a lost leading zero, a pre-2016 region) or return None."""
    text = str(value).strip()
    by_code = {r.code: r for r in _lookup().values()}
    if text.isdigit() and len(text) == 1 and ("0" + text) in by_code:
        r = by_code["0" + text]
        return (
            f'region codes are two-character text: did you mean "0{text}" ({r.name})? '
            "Excel drops leading zeros unless the column is formatted as text"
        )
    key = match_key(text)
    for old_code, (old_name, new_code) in _FORMER_REGIONS.items():
        if key in (match_key(old_code), match_key(old_name)):
            r = by_code[new_code]
            return f"{old_name} ({old_code}) is a pre-2016 region, now part of {r.code} {r.name}"
    return None


def find_region(value: object) -> Region | None:
    """The region a spreadsheet value names (name, INSEE code or ISO code), or None."""
    if value is None:
        return None
    return _lookup().get(match_key(value))


def resolve_region(value: object) -> Region:
    """A region for a command-line option or notebook parameter; `France` means all regions."""
    if isinstance(value, str) and match_key(value) in {match_key(NATIONAL), "fr", "national", "all"}:
        return FRANCE
    if not isinstance(value, str):
        raise UsageError(
            f"region must be text, got {value!r} ({type(value).__name__}); "
            + (region_hint(value) or 'pass a region name or a two-character INSEE code such as "75"')
        )
    region = find_region(value)
    if region is None:
        hint = region_hint(value)
        names = ", ".join(f"{r.code} {r.name}" for r in regions().itertuples())
        raise UsageError(
            f"unknown region {value!r}" + (f": {hint}" if hint else "") + f". Valid regions: {NATIONAL}, {names}"
        )
    return region


@lru_cache(maxsize=1)
def certification() -> pd.DataFrame:
    """Units and competencies of « Piloter un tiers-lieu » (RS5142), titles as published."""
    import pandas as pd

    return pd.read_csv(REFERENCE_DIR / "certification.csv", dtype=str, keep_default_na=False)
