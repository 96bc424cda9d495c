"""From text cells to validated tidy tables, or every problem at once.

Each column is first normalised according to its declaration in `schema.py`
(loose spellings mapped onto the allowed values, numbers parsed the French or
English way); the checks themselves are a pandera schema derived from the same
declaration. Failures become `Problem`s located by file, spreadsheet row and
the column header as the user wrote it, with the value as typed.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from . import reference
from .errors import DataError, Problem
from .load import RawTable
from .schema import TABLES, ColumnSpec, TableSpec
from .textmatch import match_key

_PERSONAL_EXACT = {
    match_key(s)
    for s in (
        "nom",
        "prénom",
        "name",
        "first name",
        "last name",
        "surname",
        "given name",
        "full name",
        "nom complet",
        "nom de famille",
        "nom d'usage",
        "nom prénom",
        "prénom nom",
        "tel",
        "tél",
        "nir",
        "ssn",
        "dob",
        "mobile",
        "portable",
        "rue",
        "ville de résidence",
        "date de naissance",
        "lieu de naissance",
    )
}
_PERSONAL_STEMS = (
    "email",
    "mail",
    "courriel",
    "telephone",
    "phone",
    "naissance",
    "birth",
    "adresse",
    "address",
    "securitesociale",
    "socialsecurity",
    "numerosecu",
    "insee",
    "codepostal",
    "postalcode",
    "zipcode",
)


def personal_columns(headers: list[str]) -> list[str]:
    """Headers that look like personal data (names, contact details, birth date, address, NIR)."""
    found = []
    for header in headers:
        key = match_key(header)
        if key in _PERSONAL_EXACT or any(stem in key for stem in _PERSONAL_STEMS):
            found.append(header)
    return found


def validate_table(raw: RawTable, table: TableSpec, drop_personal_columns: bool = False) -> pd.DataFrame:
    """Validated tidy frame for one input table; raises DataError listing every problem."""
    problems: list[Problem] = []
    columns = _map_headers(raw, table, problems)
    if table.name == "holders":
        personal = personal_columns([h for h in raw.frame.columns if h not in columns.values()])
        if personal and not drop_personal_columns:
            problems += [
                Problem(
                    raw.label,
                    "this column looks like personal data and is refused",
                    column=h,
                    expected="no names, contact details, birth dates, addresses or social security "
                    "numbers in the holders file: remove the column, or pass "
                    "--drop-personal-columns to ignore it on reading",
                )
                for h in personal
            ]
    missing = [c for c in table.required if c not in columns]
    problems += [
        Problem(
            raw.label,
            "missing column",
            column=c,
            expected=f"a column '{c}' ({table.column(c).description.rstrip('.')}); "
            f"found: {', '.join(map(str, raw.frame.columns)) or 'none'}",
        )
        for c in missing
    ]
    if missing and len(missing) == len(table.required) and not columns:
        problems.insert(
            0,
            Problem(
                raw.label,
                f"this does not look like the {table.name} table: none of its columns were found",
                expected=", ".join(c.name for c in table.columns),
            ),
        )
        raise DataError(problems)

    normalized = pd.DataFrame(index=raw.frame.index)
    for spec in table.columns:
        if spec.name in columns:
            normalized[spec.name] = _normalize(raw.frame[columns[spec.name]], spec)
        elif not spec.required:
            normalized[spec.name] = _default(spec, raw.frame.index)

    schema = _pandera_schema(table.name, tuple(normalized.columns))
    try:
        schema.validate(normalized, lazy=True)
    except SchemaErrors as exc:
        problems += _problems_from(exc.failure_cases, raw, table, columns, normalized)
    if problems:
        raise DataError(problems)
    return _tidy(normalized, table)


def _map_headers(raw: RawTable, table: TableSpec, problems: list[Problem]) -> dict[str, str]:
    """Column name -> header as written in the file (French headers and loose spellings accepted)."""
    columns: dict[str, str] = {}
    for header in raw.frame.columns:
        name = table.header_lookup.get(match_key(header))
        if name is None:
            continue
        if name in columns:
            problems.append(
                Problem(
                    raw.label,
                    f"two columns both mean '{name}': '{columns[name]}' and '{header}'",
                    column=str(header),
                    expected="one column per field",
                )
            )
            continue
        columns[name] = header
    return columns


def _map_unique(column: pd.Series, convert) -> pd.Series:
    """Apply `convert` once per distinct value: survey tables repeat a handful of spellings."""
    uniques = column.dropna().unique()
    return column.map({u: convert(u) for u in uniques})


def _parse_integers(column: pd.Series) -> pd.Series:
    """Whole numbers written as 2019, 2019.0, « 1 234 » or 1,0; anything else becomes missing.

    Parsed once per distinct value: a year or count column holds few of them.
    """
    codes, uniques = pd.factorize(column.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    text = pd.Series(uniques, dtype=object)
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan).copy()
    retry = np.isnan(numbers)
    if retry.any():
        cleaned = (
            text[retry].astype(str).str.replace(r"[\s\u00a0\u202f']", "", regex=True).str.replace(",", ".", regex=False)
        )
        numbers[retry] = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (np.abs(numbers) < 2**53)
    values = pd.array(np.append(np.where(whole, numbers, 0), 0).astype("int64"), dtype="Int64")
    values[np.append(~whole, True)] = pd.NA
    return pd.Series(values.take(codes), index=column.index)


def _normalize(column: pd.Series, spec: ColumnSpec) -> pd.Series:
    if spec.kind in ("integer", "count"):
        parsed = _parse_integers(column)
        if not spec.required:
            parsed = parsed.mask(column.isna(), 1)
        return parsed
    if spec.kind == "region":
        return _map_unique(column, lambda v: getattr(reference.find_region(v), "code", None)).astype("string")
    if spec.kind == "category":
        return _map_unique(column, spec.canonical).astype("string")
    if spec.kind == "boolean":
        values = _map_unique(column, lambda v: {"yes": True, "no": False}.get(spec.canonical(v) or ""))
        return values.astype("boolean").mask(column.isna(), False)
    return column.astype("string")


def _default(spec: ColumnSpec, index: pd.Index) -> pd.Series:
    if spec.kind == "count":
        return pd.Series(1, index=index, dtype="Int64")
    if spec.kind == "boolean":
        return pd.Series(False, index=index, dtype="boolean")
    return pd.Series(pd.NA, index=index, dtype="string")


@cache
def _pandera_schema(table_name: str, present: tuple[str, ...]) -> pa.DataFrameSchema:
    """The pandera schema of a table, derived from its declaration."""
    table = TABLES[table_name]
    columns = {}
    for spec in table.columns:  # defaults are filled before, so a missing value left is a failed parse
        if spec.name not in present:
            continue
        checks = []
        if spec.minimum is not None:
            checks.append(pa.Check.ge(spec.minimum))
        if spec.maximum is not None:
            checks.append(pa.Check.le(spec.maximum))
        if spec.kind == "category":
            checks.append(pa.Check.isin(spec.allowed_values))
        if spec.kind == "region":
            checks.append(pa.Check.isin(reference.regions()["code"].tolist()))
        dtype = {"integer": "Int64", "count": "Int64", "boolean": "boolean"}.get(spec.kind, "string")
        columns[spec.name] = pa.Column(
            dtype, checks=checks, nullable=spec.kind == "text" and not spec.required, unique=spec.unique, required=False
        )
    return pa.DataFrameSchema(columns, name=table_name, strict=True)


def _problems_from(
    failures: pd.DataFrame, raw: RawTable, table: TableSpec, columns: dict[str, str], normalized: pd.DataFrame
) -> list[Problem]:
    problems = []
    failures = failures.dropna(subset=["index"])
    for (name, check), group in failures.groupby(["column", "check"], sort=False):
        spec = table.column(name)
        header = columns.get(name, name)
        rows = sorted({int(i) for i in group["index"]})
        if check == "field_uniqueness":
            first: dict[object, int] = {}
            for row in rows:
                first.setdefault(normalized.at[row, name], row)
            for row in rows:
                other = first[normalized.at[row, name]]
                if other != row:
                    problems.append(
                        Problem(
                            raw.label,
                            "duplicate value",
                            row,
                            header,
                            raw.frame.at[row, header],
                            f"{spec.expected} (already on row {other})",
                        )
                    )
            continue
        for row in rows:
            value = raw.frame.at[row, header] if header in raw.frame.columns else None
            if value is None or pd.isna(value):
                problems.append(Problem(raw.label, "missing value", row, header, None, spec.expected))
                continue
            message = {
                "integer": "not a whole number in range",
                "count": "not a whole number ≥ 0",
                "region": "unknown region",
                "category": "unknown value",
                "boolean": "not a yes/no value",
            }.get(spec.kind, "invalid value")
            expected = spec.expected
            if spec.kind == "region":
                hint = reference.region_hint(value)
                expected = f"{expected}: {hint}" if hint else expected
            if spec.kind in ("integer", "count"):
                parsed = normalized.at[row, name]
                if pd.notna(parsed) and spec.minimum is not None and parsed < spec.minimum:
                    message = "negative number" if spec.minimum == 0 else f"number below {spec.minimum}"
            problems.append(Problem(raw.label, message, row, header, value, expected))
    return sorted(problems, key=lambda p: (p.row or 0, list(columns).index(p.column) if p.column in columns else 0))


def _tidy(normalized: pd.DataFrame, table: TableSpec) -> pd.DataFrame:
    """Typed frame with fixed categories, so that empty groups still show up as zero."""
    tidy = pd.DataFrame(index=normalized.index)
    for spec in table.columns:
        column = normalized[spec.name]
        if spec.kind in ("integer", "count"):
            tidy[spec.name] = column.astype("int64")
        elif spec.kind == "region":
            tidy["region_code"] = pd.Categorical(column.astype(object), categories=reference.regions()["code"])
        elif spec.kind == "category":
            tidy[spec.name] = pd.Categorical(column.astype(object), categories=spec.allowed_values)
        elif spec.kind == "boolean":
            tidy[spec.name] = column.astype(bool)
        else:
            tidy[spec.name] = column
    tidy.index.name = "row"
    return tidy
