"""Identifiers that look personal: an e-mail address, a phone or social security number used as a
`holder_id` or `candidate_id` is personal data, refused like a personal column.

With `--drop-personal-columns` the identifiers are replaced instead, by row numbers: each holder gets
the number of its row in the holders file (« 12 »), each candidate the id of the holder it became, or
« A » and the first row of its results in the assessments file (« A57 ») — so the two tables still meet
on the same people, and no identifier of the files reaches the validated data.
"""

from __future__ import annotations

import pandas as pd

from ..errors import Problem
from ..load.tables import RawTable
from ..personal import KINDS, kind_of
from ..schema import TableSpec
from ..textmatch import match_key

#: The identifier column of each table that has one.
ID_COLUMNS = {"holders": "holder_id", "assessments": "candidate_id"}


def personal_identifiers(frame: pd.DataFrame, column: str) -> pd.Series:
    """The kind of personal data (`personal.KINDS`) each row's identifier looks like, None elsewhere."""
    kinds = {value: kind_of(value) for value in frame[column].dropna().astype(str).unique()}
    return frame[column].astype(object).map(lambda v: None if pd.isna(v) else kinds.get(str(v)))


def _header(raw: RawTable, spec: TableSpec, column: str) -> str:
    """The identifier column's header as the file writes it."""
    for header in raw.frame.columns:
        if spec.header_lookup.get(match_key(header)) == column:
            return str(header)
    return column


def identifier_problems(frame: pd.DataFrame, raw: RawTable, spec: TableSpec) -> list[Problem]:
    """One problem per row whose identifier looks like personal data."""
    column = ID_COLUMNS[spec.name]
    header = _header(raw, spec, column)
    kinds = personal_identifiers(frame, column)
    return [
        Problem(
            raw.label,
            f"this identifier looks like personal data ({KINDS[kind]}) and is refused",
            int(row),
            header,
            frame.at[row, column],
            "a pseudonymous code (T-0001…): replace the identifiers in the file, or pass "
            "--drop-personal-columns to replace them by row numbers on reading",
        )
        for row, kind in kinds.items()
        if isinstance(kind, str)
    ]


def has_personal_identifiers(frames: dict[str, pd.DataFrame]) -> bool:
    return any(
        table in frames and personal_identifiers(frames[table], column).map(lambda k: isinstance(k, str)).any()
        for table, column in ID_COLUMNS.items()
    )


def replace_identifiers(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """`frames` with every holder and candidate identifier replaced by a row number (see the module doc)."""
    out = dict(frames)
    holders = frames["holders"]
    by_holder = {str(old): str(int(row)) for row, old in holders["holder_id"].items()}
    replaced = holders.copy()
    replaced["holder_id"] = pd.Series([str(int(row)) for row in holders.index], index=holders.index).astype(
        holders["holder_id"].dtype
    )
    out["holders"] = replaced
    assessments = frames.get("assessments")
    if assessments is not None:
        first_rows = assessments.reset_index().drop_duplicates("candidate_id").set_index("candidate_id")
        row_name = assessments.index.name or "index"
        new_ids = {
            str(old): by_holder.get(str(old), f"A{int(first_rows.at[old, row_name])}") for old in first_rows.index
        }
        candidates = assessments.copy()
        dtype = assessments["candidate_id"].dtype
        candidates["candidate_id"] = (
            assessments["candidate_id"].astype(object).map(lambda v: new_ids[str(v)]).astype(dtype)
        )
        out["assessments"] = candidates
    return out
