"""The protection of a dataset, computed once by the build and read by every report.

`tlanalysis build` protects all the reports of the data once (`disclosure.protect`) and writes the
result to a JSON file (`write`); each report notebook gets its path as the `protection_file`
parameter and reads it (`load`) instead of computing the protection again. The file is plain,
auditable JSON (no pickle): the reports protected together and every published cell
(`Protection.published_cells()`) with the value reports show, or its mask
(`{"masked": reason, "share": false}`), never a masked value; cells are grouped by
"kind|year|scope" (e.g. "jobs|2019|75": [[["contract", "CDI"], 195], ...]).

`StoredProtection` offers what reports use of a `Protection` (`figures`, `situation_by_cohort`,
`jobs_by_region`, `value`, ...), built from the stored cells and the report's own data exactly as
`Protection` builds them (tests/test_protection_store.py checks every report of the sample is
the same, and the report pages byte for byte).

The file is keyed by what the protection depends on: the data (the content hashes of its source
files), k (`min_count`), the package version and the content of the library. `load` refuses a file
whose key is not the key of the data the report loaded (`StaleProtectionError`): stale protection is
never used silently. A notebook run without `protection_file` computes the protection itself
(`compute`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .. import atomic
from ..compute.indicators import holders_seen
from ..compute.indicators import situation_by_cohort as _situation_by_cohort
from ..errors import ParameterError
from ..provenance import VERSION, library_hash
from ..reference import FRANCE, Region
from .annual import NATIONAL_SCOPE, Protection, PublishedReports, protect
from .masked import Masked
from .releases import EarlierFigures

#: Version of the file layout.
FORMAT = 1
#: The file's name in a build's output folder.
FILE_NAME = ".tlanalysis-protection.json"
#: When set, every protection computed (not read) appends a line « pid data-fingerprint k » to this
#: file: how tests prove that report kernels do not compute what the build already did.
LOG_VARIABLE = "TLANALYSIS_PROTECTION_LOG"


class StaleProtectionError(ParameterError):
    """A protection file that is not the protection of the data, k and library at hand."""


def protection_key(dataset, min_count: int) -> dict:
    """What a protection depends on: the data, k, the package version and the library's content."""
    return {
        "data": dataset.fingerprint,
        "min_count": int(min_count),
        "tlanalysis": VERSION,
        "library": library_hash(),
    }


def compute(dataset, min_count: int, earlier: EarlierFigures | None = None) -> Protection:
    """`disclosure.protect`, logged to $TLANALYSIS_PROTECTION_LOG when set (see LOG_VARIABLE); `earlier`: the
    figures of the earlier releases it honours (`tlanalysis.protect.releases`)."""
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {dataset.fingerprint} {int(min_count)}\n")
    return protect(dataset, min_count, earlier)


# --- JSON form of figures: a masked value is {"masked": reason, "share": bool} ---------------------


def _encode(value: object) -> object:
    if isinstance(value, Masked):
        return {"masked": value.reason, "share": value.share}
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return value.item()
    return value


def _decode(value: object, min_count: int) -> object:
    if isinstance(value, dict):
        if set(value) == {"masked", "share"}:
            return Masked(value["masked"], min_count, share=bool(value["share"]))
        return {k: _decode(v, min_count) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v, min_count) for v in value]
    return value


def _decode_cell(value: object, min_count: int) -> int | Masked:
    decoded = _decode(value, min_count)
    if not isinstance(decoded, (int, Masked)):
        raise ValueError(f"a published cell holds {decoded!r}, not a count or a mask")
    return decoded


def to_document(protection: Protection, key: dict) -> dict:
    """The JSON document of a protection (see the module doc)."""
    return {
        "format": FORMAT,
        "key": key,
        "min_count": protection.min_count,
        "summary": protection.summary(),
        "unresolved": [_encode(list(k)) for k in protection.unresolved],
        "reports": [[int(y), NATIONAL_SCOPE if r.is_national else r.code] for y, r in protection.reports],
        "cells": _grouped_cells(protection.published_cells()),
    }


def _group(key: tuple) -> str:
    """Cells are stored by (kind, year, scope): a report decodes only the groups it reads."""
    return f"{key[0]}|{key[1]}|{key[2]}"


def _grouped_cells(cells: Mapping[tuple, object]) -> dict[str, list]:
    groups: dict[str, list] = {}
    for key, value in cells.items():
        groups.setdefault(_group(key), []).append([_encode(list(key[3:])), _encode(value)])
    return groups


def write(path: Path, protection: Protection, key: dict) -> Path:
    """Write the protection file atomically (a reader never sees half a file)."""
    text = json.dumps(to_document(protection, key), ensure_ascii=False, separators=(",", ":"))
    atomic.write_text(Path(path), text + "\n")
    return Path(path)


def stored_key(path: Path) -> dict | None:
    """The key of an existing protection file, None if there is none or it cannot be read."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None
    key = document.get("key")
    return key if isinstance(key, dict) else None


class StoredProtection(PublishedReports):
    """What reports use of a `Protection`, from a protection file and the report's data.

    The figures are made as `Protection` makes them — the structure of `key_figures` of the data,
    every count replaced by its published cell — so a report cannot tell the two apart."""

    def __init__(self, document: dict, employment: pd.DataFrame, holders: pd.DataFrame) -> None:
        self.min_count = int(document["min_count"])
        self.key = document["key"]
        self._document = document
        self._employment = employment
        self._holders = holders
        self._reports = [(int(y), str(s)) for y, s in document["reports"]]
        self._groups: dict[str, list] = document["cells"]
        self._decoded: dict[str, dict[tuple, int | Masked]] = {}

    def _cells_of(self, group: str) -> dict[tuple, int | Masked]:
        cells = self._decoded.get(group)
        if cells is None:
            cells = {tuple(rest): _decode_cell(v, self.min_count) for rest, v in self._groups.get(group, [])}
            self._decoded[group] = cells
        return cells

    def value(self, key: tuple) -> int | Masked:
        """One published count by its key, e.g. ("holders", 2019, "75", "situation", "autre")."""
        return self._cells_of(_group(key))[tuple(key[3:])]

    def published_cells(self) -> dict[tuple, int | Masked]:
        """Every published cell, as `Protection.published_cells`."""
        out: dict[tuple, int | Masked] = {}
        for group in self._groups:
            kind, year, scope = group.split("|")
            out.update({(kind, int(year), scope, *rest): v for rest, v in self._cells_of(group).items()})
        return out

    def situation_by_cohort(self, year: int, region: Region | str = FRANCE) -> pd.DataFrame:
        """As `Protection.situation_by_cohort`: holders per cohort and situation, plus `total`."""
        year, region, scope = self._scope(year, region)
        table = _situation_by_cohort(holders_seen(self._holders, year, region))
        columns = [*(str(c) for c in table.columns), "total"]
        rows = [
            [
                self.value(("holders", year, scope, "cohort", int(cohort_year), str(cohort), column))
                for column in columns
            ]
            for cohort_year, cohort in table.index
        ]
        return pd.DataFrame(rows, index=table.index, columns=pd.Index(columns, name=table.columns.name), dtype=object)

    @property
    def unresolved(self) -> list[tuple]:
        return [tuple(k) for k in self._document["unresolved"]]

    def summary(self) -> dict[str, int]:
        return dict(self._document["summary"])


_LOADED: dict[tuple, StoredProtection] = {}


def load(path: Path | str, dataset, min_count: int) -> StoredProtection:
    """The protection stored in `path`, checked to be the protection of `dataset` and k.

    Raises StaleProtectionError when the file is missing, unreadable, or was computed for other
    data, another k, or another version of tlanalysis."""
    path = Path(path)
    try:
        stat = path.stat()
        # the stored object holds the frames, so their ids cannot be reused while it is cached
        cache_key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, id(dataset.employment), id(dataset.holders))
        stored = _LOADED.get(cache_key)
        if stored is None:
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ValueError(f"not a protection file of format {FORMAT}")
            stored = StoredProtection(document, dataset.employment, dataset.holders)
            _LOADED.clear()
            _LOADED[cache_key] = stored
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StaleProtectionError(
            f"protection_file {path} cannot be read ({exc}); run `tlanalysis build` again, "
            "or leave protection_file empty to compute the protection in the notebook"
        ) from None
    expected = protection_key(dataset, min_count)
    if stored.key != expected:
        differs = ", ".join(name for name in expected if stored.key.get(name) != expected[name])
        raise StaleProtectionError(
            f"protection_file {path} is not the protection of this report's data (different {differs}); "
            "it is never used stale: run `tlanalysis build` again, or leave protection_file empty"
        )
    return stored


__all__ = [
    "FILE_NAME",
    "StaleProtectionError",
    "StoredProtection",
    "compute",
    "load",
    "protection_key",
    "write",
]
