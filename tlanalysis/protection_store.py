"""The protection of a dataset, computed once by the build and read by every report.

`tlanalysis build` protects all the reports of the data once (`disclosure.protect`) and writes the
result to a JSON file (`write`); each report notebook gets its path as the `protection_file`
parameter and reads it (`load`) instead of computing the protection again. The file is plain,
auditable JSON (no pickle): every published cell with the value reports show (or its mask), and,
per report, exactly what reports read from a `Protection` — `figures(year, region)`, the cohort
table and the jobs per region — so that a report built from the file is the report computed
directly, byte for byte.

The file is keyed by what the protection depends on: the data (the content hashes of its source
files), k (`min_count`), the package version and the content of the library. `load` refuses a file
whose key is not the key of the data the report loaded (`StaleProtectionError`): stale protection is
never used silently. A notebook run without `protection_file` computes the protection itself
(`compute`).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from . import atomic
from .disclosure import Masked, Protection, protect
from .errors import ParameterError, UsageError
from .reference import FRANCE, Region, find_region, resolve_region

#: Version of the file layout.
FORMAT = 1
#: The file's name in a build's output folder.
FILE_NAME = ".tlanalysis-protection.json"
#: When set, every protection computed (not read) appends a line « pid data-fingerprint k » to this
#: file: how tests prove that report kernels do not compute what the build already did.
LOG_VARIABLE = "TLANALYSIS_PROTECTION_LOG"


class StaleProtectionError(ParameterError):
    """A protection file that is not the protection of the data, k and library at hand."""


def data_fingerprint(dataset) -> str:
    """Content hash of the data a `Dataset` was read from (its source files' SHA-256)."""
    sources = {name: source.sha256 for name, source in sorted(dataset.sources.items())}
    return hashlib.sha256(json.dumps(sources, sort_keys=True).encode("ascii")).hexdigest()


def protection_key(dataset, min_count: int) -> dict:
    """What a protection depends on: the data, k, the package version and the library's content."""
    from . import __version__
    from .publish.cache import sources_hash

    return {
        "data": data_fingerprint(dataset),
        "min_count": int(min_count),
        "tlanalysis": __version__,
        "library": sources_hash(),
    }


def compute(dataset, min_count: int) -> Protection:
    """`disclosure.protect`, logged to $TLANALYSIS_PROTECTION_LOG when set (see LOG_VARIABLE)."""
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {data_fingerprint(dataset)} {int(min_count)}\n")
    return protect(dataset, min_count)


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


def _encode_table(table: pd.DataFrame) -> dict:
    index = table.index
    return {
        "index": {
            "names": list(index.names),
            "dtypes": [str(level.dtype) for level in index.levels],
            "values": [[_encode(v) for v in index.get_level_values(i)] for i in range(index.nlevels)],
        },
        "columns": {"name": table.columns.name, "dtype": str(table.columns.dtype), "values": list(table.columns)},
        "rows": [[_encode(v) for v in row] for row in table.itertuples(index=False, name=None)],
    }


def _decode_table(document: dict, min_count: int) -> pd.DataFrame:
    index, columns = document["index"], document["columns"]
    levels = [pd.Index(values, dtype=dtype) for values, dtype in zip(index["values"], index["dtypes"], strict=True)]
    rows = [[_decode(v, min_count) for v in row] for row in document["rows"]]
    return pd.DataFrame(
        rows,
        index=pd.MultiIndex.from_arrays(levels, names=index["names"]),
        columns=pd.Index(columns["values"], dtype=columns["dtype"], name=columns["name"]),
        dtype=object,
    )


def _code(region: Region) -> str | None:
    return None if region.is_national else region.code


def to_document(protection: Protection, key: dict) -> dict:
    """The JSON document of a protection (see the module doc)."""
    reports = []
    for year, region in protection.reports:
        reports.append(
            {
                "year": int(year),
                "region_code": _code(region),
                "figures": _encode(protection.figures(year, region)),
                "cohort_table": _encode_table(protection.situation_by_cohort(year, region)),
                "jobs_by_region": _encode(protection.jobs_by_region(year)) if region.is_national else None,
            }
        )
    return {
        "format": FORMAT,
        "key": key,
        "min_count": protection.min_count,
        "summary": protection.summary(),
        "unresolved": [_encode(list(k)) for k in protection.unresolved],
        "reports": reports,
        "cells": [[_encode(list(k)), _encode(v)] for k, v in protection.published_cells().items()],
    }


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


class StoredProtection:
    """The protected figures read from a protection file: what reports use of a `Protection`."""

    def __init__(self, document: dict) -> None:
        self.min_count = int(document["min_count"])
        self.key = document["key"]
        self._document = document
        self._reports = {(int(r["year"]), r["region_code"]): r for r in document["reports"]}
        self._cells: dict[tuple, int | Masked] | None = None

    @property
    def reports(self) -> list[tuple[int, Region]]:
        """Every (year, region) report protected together; FRANCE for the national ones."""
        return [(y, FRANCE if code is None else find_region(code)) for y, code in self._reports]

    def _report(self, year: int, region: Region | str) -> dict:
        if isinstance(region, str):
            region = resolve_region(region)
        entry = self._reports.get((int(year), _code(region)))
        if entry is None:
            raise UsageError(
                f"no report for {region.name} in {year}: reports exist for the survey years with "
                "employment data of each region, and for France each survey year"
            )
        return entry

    def figures(self, year: int, region: Region | str = FRANCE) -> dict:
        """As `Protection.figures`: a fresh dict each call."""
        return _decode(self._report(year, region)["figures"], self.min_count)

    def situation_by_cohort(self, year: int, region: Region | str = FRANCE) -> pd.DataFrame:
        return _decode_table(self._report(year, region)["cohort_table"], self.min_count)

    def jobs_by_region(self, year: int) -> dict[str, int | Masked]:
        return _decode(self._report(year, FRANCE)["jobs_by_region"], self.min_count)

    def published_cells(self) -> dict[tuple, int | Masked]:
        if self._cells is None:
            self._cells = {tuple(k): _decode(v, self.min_count) for k, v in self._document["cells"]}
        return dict(self._cells)

    def value(self, key: tuple) -> int | Masked:
        self.published_cells()
        return self._cells[tuple(key)]

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
        cache_key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        stored = _LOADED.get(cache_key)
        if stored is None:
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, dict) or document.get("format") != FORMAT:
                raise ValueError(f"not a protection file of format {FORMAT}")
            stored = StoredProtection(document)
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
    "data_fingerprint",
    "load",
    "protection_key",
    "write",
]
