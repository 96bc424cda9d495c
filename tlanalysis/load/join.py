"""Completing a table with columns of a second file, matched on a key (`[T.join]` in tlanalysis.toml).

Surveys often keep the identity of places (name, commune, region) and their staff in two
files sharing an identifier, as the national census does with `ID_UNIQUE`. Each row of the
main file takes the wanted columns of the row with the same key in the second file; the
columns remember that file and row for error messages.
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError, Problem
from ..textmatch import match_key
from .tables import RawTable


def join_columns(main: RawTable, other: RawTable, on: str, wanted: set[str]) -> RawTable:
    """`main` with the headers of `wanted` it lacks taken from `other`, row by row on column `on`."""
    problems = []
    for table in (main, other):
        if on not in table.frame.columns:
            problems.append(
                Problem(
                    table.label,
                    "join key column not found",
                    column=on,
                    expected=f"a column '{on}' in both files; found: {', '.join(map(str, table.frame.columns))}",
                )
            )
    if problems:
        raise DataError(problems)
    keys = other.frame[on].dropna()
    duplicated = keys.duplicated(keep="first")
    first_row = pd.Series(keys.index, index=keys.to_numpy())
    first_row = first_row[~first_row.index.duplicated()]
    for row in keys.index[duplicated]:
        problems.append(
            Problem(
                other.label,
                "duplicate value",
                int(row),
                on,
                keys[row],
                f"a key found on one row only, so that each row of {main.path.name} matches one row "
                f"(already on row {int(first_row[keys[row]])})",
            )
        )
    if problems:
        raise DataError(problems)
    matched_rows = main.frame[on].map(first_row)
    frame = main.frame.copy()
    origins = dict(main.origins)
    folded = {match_key(h): h for h in other.frame.columns}
    present = {match_key(h) for h in frame.columns}
    for header in sorted(wanted):
        source = header if header in other.frame.columns else folded.get(match_key(header))
        if match_key(header) in present or source is None:
            continue
        by_key = pd.Series(other.frame.loc[keys.index, source].to_numpy(), index=keys.to_numpy())
        by_key = by_key[~by_key.index.duplicated()]
        frame[source] = main.frame[on].map(by_key).astype("string")
        origins[source] = (other.label, matched_rows)
    return RawTable(main.path, frame, main.sheet, origins, on)
