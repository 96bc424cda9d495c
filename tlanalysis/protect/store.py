"""The stored form of a protection, annual or certification: JSON cells, sealed in the private state folder.

`tlanalysis build` protects every report of the data once; `save` writes each protection as plain JSON —
the reports protected together, and every published cell with the value reports show or its mask,
written as the label the pages show (« < 5 », « secret »: `masked.to_json` / `masked.from_json`, the one
form of a mask on disk), never a masked value. Annual cells are keyed (kind, year, scope, ...),
certification cells (kind, year or cohort, ...); cells are grouped by their first three parts so that a
report decodes only the groups it reads.

A record is sealed in the state folder (`tlanalysis.state`) under the hash of its key: the data's
fingerprint (the content hashes of its source files), k, the target jobs (certification), the package
version and the library's content. `load` returns it only when its seal, its key and its content hash
hold; otherwise it raises `StateRejected` and the caller computes the protection again: a stored
protection edited by hand, copied from elsewhere or made for other data is never used, never published.

`StoredProtection` offers what reports use of a `Protection`, built from the stored cells and the
report's own data exactly as `Protection` builds them; a `CertificationProtection` is rebuilt from its
cells (`CertificationProtection.from_cells`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..compute.certification import check_target_jobs
from ..compute.indicators import holders_seen
from ..compute.indicators import situation_by_cohort as _situation_by_cohort
from ..errors import ParameterError
from ..provenance import VERSION, library_hash
from ..reference import FRANCE, Region
from ..state import NOT_THERE, StateRejected, key_digest, read_sealed, write_sealed
from .annual import NATIONAL_SCOPE, Protection, PublishedReports, protect
from .cache import forget_slot, remembered
from .certification import CertificationProtection, certification_slot
from .masked import Masked, from_json, to_json
from .releases import EarlierFigures

#: Version of the stored layout (2: masks as their labels, sealed in the state folder).
FORMAT = 2
#: The record's file in its folder of the state folder.
FILE_NAME = "protection.json"
#: When set, every protection computed (not read) appends a line « pid data-fingerprint k » to this
#: file: how tests prove that report kernels do not compute what the build already did.
LOG_VARIABLE = "TLANALYSIS_PROTECTION_LOG"


class StaleProtectionError(ParameterError):
    """A stored protection that is not the protection of the data, k and library at hand."""


def protection_key(dataset, min_count: int, kind: str = "annual", target_jobs: tuple[str, ...] = ()) -> dict:
    """What a protection depends on: the data, k, the target jobs (certification), the package version
    and the library's content."""
    key = {
        "kind": kind,
        "data": dataset.fingerprint,
        "min_count": int(min_count),
        "tlanalysis": VERSION,
        "library": library_hash(),
    }
    if kind == "certification":
        key["target_jobs"] = list(target_jobs)
    return key


def _folder(root: Path, key: Mapping) -> Path:
    return Path(root) / "protection" / key_digest(key)


def log_computed(dataset, min_count: int) -> None:
    """Append « pid fingerprint k » to $TLANALYSIS_PROTECTION_LOG when set (see LOG_VARIABLE)."""
    log = os.environ.get(LOG_VARIABLE)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()} {dataset.fingerprint} {int(min_count)}\n")


def compute(dataset, min_count: int, earlier: EarlierFigures | None = None) -> Protection:
    """`annual.protect`, logged to $TLANALYSIS_PROTECTION_LOG when set (see LOG_VARIABLE); `earlier`: the
    figures of the earlier releases it honours (`tlanalysis.protect.releases`)."""
    log_computed(dataset, min_count)
    return protect(dataset, min_count, earlier)


# --- cells ------------------------------------------------------------------------------------------


def _group(key: tuple) -> str:
    """Cells are stored by their first three parts (kind, year, scope; kind, cohort, ...)."""
    return json.dumps(list(key[:3]), ensure_ascii=False)


def grouped_cells(cells: Mapping[Any, object]) -> dict[str, list]:
    groups: dict[str, list] = {}
    for key, value in cells.items():
        groups.setdefault(_group(key), []).append([[_plain(k) for k in key[3:]], to_json(value)])
    return groups


def _plain(value: object) -> object:
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


def _decode_cell(value: object, min_count: int) -> int | Masked:
    decoded = from_json(value, min_count)
    if isinstance(decoded, bool) or not isinstance(decoded, (int, Masked)):
        raise ValueError(f"a published cell holds {value!r}, not a count or a mask")
    return decoded


class StoredCells:
    """The cells of a stored protection, decoded a group at a time."""

    def __init__(self, groups: dict[str, list], min_count: int) -> None:
        self._groups = groups
        self._min_count = min_count
        self._decoded: dict[str, dict[tuple, int | Masked]] = {}

    def group(self, name: str) -> dict[tuple, int | Masked]:
        cells = self._decoded.get(name)
        if cells is None:
            cells = {tuple(rest): _decode_cell(v, self._min_count) for rest, v in self._groups.get(name, [])}
            self._decoded[name] = cells
        return cells

    def value(self, key: tuple) -> int | Masked:
        return self.group(_group(key))[tuple(key[3:])]

    def all(self) -> dict[tuple, int | Masked]:
        out: dict[tuple, int | Masked] = {}
        for name in self._groups:
            head = tuple(json.loads(name))
            out.update({(*head, *rest): v for rest, v in self.group(name).items()})
        return out


# --- the annual protection ---------------------------------------------------------------------------


def to_document(protection: Protection, key: dict) -> dict:
    """The JSON document of an annual protection (see the module doc)."""
    return {
        "format": FORMAT,
        "key": key,
        "min_count": protection.min_count,
        "summary": protection.summary(),
        "unresolved": [[_plain(k) for k in key_] for key_ in protection.unresolved],
        "reports": [[int(y), NATIONAL_SCOPE if r.is_national else r.code] for y, r in protection.reports],
        "cells": grouped_cells(protection.published_cells()),
    }


class StoredProtection(PublishedReports):
    """What reports use of a `Protection`, from its stored cells and the report's data.

    The figures are made as `Protection` makes them — the structure of `key_figures` of the data,
    every count replaced by its published cell — so a report cannot tell the two apart."""

    def __init__(self, document: dict, employment: pd.DataFrame, holders: pd.DataFrame) -> None:
        if document.get("format") != FORMAT:
            raise ValueError(f"not a stored protection of format {FORMAT}")
        self.min_count = int(document["min_count"])
        self.key = document["key"]
        self._document = document
        self._employment = employment
        self._holders = holders
        self._reports = [(int(y), str(s)) for y, s in document["reports"]]
        self._cells = StoredCells(document["cells"], self.min_count)

    def value(self, key: tuple) -> int | Masked:
        """One published count by its key, e.g. ("holders", 2019, "75", "situation", "autre")."""
        return self._cells.value(key)

    def published_cells(self) -> dict[tuple, int | Masked]:
        """Every published cell, as `Protection.published_cells`."""
        return self._cells.all()

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


# --- the certification protection ----------------------------------------------------------------------


def certification_document(protection: CertificationProtection, key: dict) -> dict:
    """The JSON document of a certification protection: its published cells and summary."""
    return {
        "format": FORMAT,
        "key": key,
        "min_count": protection.min_count,
        "target_jobs": list(protection.target_jobs),
        "summary": protection.summary(),
        "cells": grouped_cells(protection.published_cells()),
    }


# --- reading and writing in the state folder -----------------------------------------------------------


def _write(root: Path, key: dict, document: dict) -> None:
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    write_sealed(_folder(root, key), "protection", key, {FILE_NAME: text.encode("utf-8")}, root)


def _read(root: Path, key: dict) -> dict:
    """The stored document of `key`, checked (seal, key, content hash); StateRejected otherwise."""
    files, _ = read_sealed(_folder(root, key), "protection", key, root)
    try:
        document = json.loads(files[FILE_NAME].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, ValueError) as exc:
        raise StateRejected(f"it cannot be read ({type(exc).__name__})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("key") != key:
        raise StateRejected("it is not a stored protection of this version")
    return document


def _warn(message: str) -> None:
    import warnings

    warnings.warn(message, StateWarning, stacklevel=3)


class StateWarning(UserWarning):
    """A record of the state folder was ignored (and what it held computed again)."""


def annual_protection(
    dataset,
    min_count: int,
    root: Path | None = None,
    *,
    save: bool = False,
    force: bool = False,
    warn: Callable[[str], None] | None = None,
    earlier: EarlierFigures | None = None,
    accept: Callable[[Any], bool] | None = None,
    check: Callable[[Protection], None] | None = None,
) -> Protection | StoredProtection:
    """The protection of every annual report of `dataset`: the one this process holds (`protect.cache`),
    else the one stored in the state folder `root` (checked), else computed — and stored with `save`.
    `force` computes it again whatever is stored. A stored one that fails its checks is ignored with a
    warning (`warn`, or a `StateWarning`).

    A build that honours earlier releases (`tlanalysis.protect.releases`) gives their figures
    (`earlier`), keeps a stored protection only when `accept` says it shows them as they were published,
    and has a computed one checked (`check`, which raises) before it is stored: a protection a build
    refuses is never kept for the next one."""
    k = int(min_count)

    def make() -> Protection | StoredProtection:
        key = protection_key(dataset, k)
        if root is not None and not force:
            try:
                stored = StoredProtection(_read(root, key), dataset.employment, dataset.holders)
                if accept is None or accept(stored):
                    return stored
            except StateRejected as exc:
                if str(exc) != NOT_THERE:
                    (warn or _warn)(f"the stored protection was ignored ({exc}); it is computed again")
            except (KeyError, TypeError, ValueError) as exc:
                (warn or _warn)(f"the stored protection was ignored ({type(exc).__name__}); it is computed again")
        log_computed(dataset, k)
        computed = Protection(dataset.employment, dataset.holders, k, earlier)
        if check is not None:
            check(computed)
        if save and root is not None:
            _write(root, key, to_document(computed, key))
        return computed

    if force or earlier is not None or accept is not None:
        forget_slot(dataset, ("annual", k))
    return remembered(dataset, ("annual", k), make)


def stored_annual_protection(dataset, min_count: int, root: Path) -> StoredProtection | None:
    """The annual protection stored in the state folder for `dataset` and k, checked; None when there is
    none that holds (nothing computed, nothing said)."""
    key = protection_key(dataset, int(min_count))
    try:
        return StoredProtection(_read(root, key), dataset.employment, dataset.holders)
    except (StateRejected, KeyError, TypeError, ValueError):
        return None


def certification_protection(
    dataset,
    min_count: int,
    target_jobs: tuple[str, ...],
    root: Path | None = None,
    *,
    annual: Callable[[], object] | None = None,
    save: bool = False,
    force: bool = False,
    warn: Callable[[str], None] | None = None,
    earlier: EarlierFigures | None = None,
    accept: Callable[[CertificationProtection], bool] | None = None,
) -> CertificationProtection:
    """The protection of the certification reports of `dataset` for `target_jobs`, as `annual_protection`
    finds or makes it (computed beside `annual()`, the annual protection, when it must be); `earlier` and
    `accept` as there."""
    k = int(min_count)
    jobs = check_target_jobs(target_jobs)

    def make() -> CertificationProtection:
        key = protection_key(dataset, k, "certification", jobs)
        if root is not None and not force:
            try:
                document = _read(root, key)
                cells = StoredCells(document["cells"], k).all()
                stored = CertificationProtection.from_cells(
                    dataset.holders, dataset.assessments, k, jobs, cells, document["summary"]
                )
                if accept is None or accept(stored):
                    return stored
            except StateRejected as exc:
                if str(exc) != NOT_THERE:
                    (warn or _warn)(f"the stored certification protection was ignored ({exc}); it is computed again")
            except (KeyError, TypeError, ValueError) as exc:
                (warn or _warn)(
                    f"the stored certification protection was ignored ({type(exc).__name__}); it is computed again"
                )
        known = annual() if annual is not None else annual_protection(dataset, k, root, warn=warn)
        computed = CertificationProtection(dataset.holders, dataset.assessments, k, jobs, known, earlier).compute_all()
        if save and root is not None:
            _write(root, key, certification_document(computed, key))
        return computed

    slot = certification_slot(k, jobs)
    if force or earlier is not None or accept is not None:
        forget_slot(dataset, slot)
    return remembered(dataset, slot, make)


__all__ = [
    "FILE_NAME",
    "LOG_VARIABLE",
    "StaleProtectionError",
    "StateWarning",
    "StoredCells",
    "StoredProtection",
    "annual_protection",
    "certification_protection",
    "compute",
    "protection_key",
    "stored_annual_protection",
    "to_document",
]
