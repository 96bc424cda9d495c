"""Checks that span rows or tables of the certification data, located as the user sees them.

A column check (`validate.py`) sees one cell at a time; these see a candidate across their rows
(one cohort per candidate, one result per competency and session) and across tables (a certified
candidate is the holder of the same id and cohort; no certification before its cohort started).
"""

from __future__ import annotations

import pandas as pd

from ..errors import Problem
from ..load.tables import RawTable
from ..schema import ASSESSMENTS, HOLDERS, NO_ANSWER, TableSpec
from ..textmatch import match_key


def _headers(raw: RawTable, table: TableSpec) -> dict[str, str]:
    """Column name -> the header as written in the file."""
    found: dict[str, str] = {}
    for header in raw.frame.columns:
        name = table.header_lookup.get(match_key(header))
        if name is not None:
            found.setdefault(name, header)
    return found


def _cell(raw: RawTable, headers: dict[str, str], row: int, name: str) -> object:
    header = headers.get(name)
    return raw.frame.at[row, header] if header is not None else None


def holder_problems(holders: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """A certification year before the cohort started; a follow-up answer without a certification year."""
    headers = _headers(raw, HOLDERS)
    problems = []
    year = holders["certification_year"]
    early = year.notna() & (year < holders["cohort_year"])
    for row in holders.index[early.fillna(False).astype(bool)]:
        problems.append(
            Problem(
                raw.label,
                "certification obtained before the cohort started",
                int(row),
                headers.get("certification_year", "certification_year"),
                _cell(raw, headers, row, "certification_year"),
                f"a year ≥ the cohort year {int(holders.at[row, 'cohort_year'])}",
            )
        )
    for column in ("situation_6m", "situation_2y"):
        answered = year.isna() & (holders[column].astype(object) != NO_ANSWER)
        for row in holders.index[answered.fillna(False).astype(bool)]:
            problems.append(
                Problem(
                    raw.label,
                    "a follow-up situation without a certification year",
                    int(row),
                    headers.get(column, column),
                    _cell(raw, headers, row, column),
                    "the year the certification was obtained in 'certification_year' "
                    "(the follow-ups are counted by year of certification)",
                )
            )
    return problems


def assessment_problems(
    assessments: pd.DataFrame, raw: RawTable, holders: pd.DataFrame | None = None, holders_label: str = "holders"
) -> list[Problem]:
    """Every problem of the assessments that no single cell shows, sorted by row."""
    headers = _headers(raw, ASSESSMENTS)
    problems = []
    first_rows = assessments.reset_index().drop_duplicates("candidate_id").set_index("candidate_id")
    for name in ("cohort", "cohort_year", "region_code"):
        column = "region" if name == "region_code" else name
        expected = first_rows[name].reindex(assessments["candidate_id"]).to_numpy()
        differs = assessments[name].astype(object).to_numpy() != expected
        for row, candidate in zip(assessments.index[differs], assessments["candidate_id"][differs], strict=True):
            first = int(first_rows.at[candidate, "row"])
            problems.append(
                Problem(
                    raw.label,
                    f"candidate {candidate!r} is in two cohorts"
                    if name == "cohort"
                    else f"candidate {candidate!r} has two different {column} values",
                    int(row),
                    headers.get(column, column),
                    _cell(raw, headers, row, column),
                    f"the {column} of this candidate's first row (row {first}: "
                    f"{_cell(raw, headers, first, column)!r}): one cohort per candidate",
                )
            )
    cohort_first = assessments.reset_index().drop_duplicates("cohort").set_index("cohort")
    for name in ("cohort_year", "region_code"):  # a cohort starts one year, in one region
        column = "region" if name == "region_code" else name
        expected = cohort_first[name].reindex(assessments["cohort"]).to_numpy()
        differs = (assessments[name].astype(object).to_numpy() != expected) & ~assessments.duplicated(
            ["candidate_id"], keep="first"
        ).to_numpy()
        for row, cohort in zip(assessments.index[differs], assessments["cohort"][differs], strict=True):
            first = int(cohort_first.at[cohort, "row"])
            problems.append(
                Problem(
                    raw.label,
                    f"cohort {cohort!r} has two different {column} values",
                    int(row),
                    headers.get(column, column),
                    _cell(raw, headers, row, column),
                    f"the {column} of this cohort's first row (row {first}: {_cell(raw, headers, first, column)!r})",
                )
            )
    sessions = assessments[assessments["session_year"].notna()]
    twice = sessions.duplicated(["candidate_id", "competency", "session_year"], keep="first")
    for row in sessions.index[twice]:
        problems.append(
            Problem(
                raw.label,
                "the same competency assessed twice in one session",
                int(row),
                headers.get("competency", "competency"),
                _cell(raw, headers, row, "competency"),
                "one result per candidate, competency and session (a resit is a later session_year)",
            )
        )
    if holders is not None and len(assessments):
        cohort_of = pd.Series(holders["cohort"].to_numpy(), index=holders["holder_id"].to_numpy())
        holder_row = pd.Series(holders.index.to_numpy(), index=holders["holder_id"].to_numpy())
        known = assessments["candidate_id"].isin(cohort_of.index)
        mine = assessments[known]
        other = mine["cohort"].to_numpy() != cohort_of.reindex(mine["candidate_id"]).to_numpy()
        for row, candidate in zip(mine.index[other], mine["candidate_id"][other], strict=True):
            problems.append(
                Problem(
                    raw.label,
                    f"candidate {candidate!r} is a holder of another cohort",
                    int(row),
                    headers.get("cohort", "cohort"),
                    _cell(raw, headers, row, "cohort"),
                    f"the holder's cohort {cohort_of[candidate]!r} ({holders_label}, row {int(holder_row[candidate])})",
                )
            )
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
