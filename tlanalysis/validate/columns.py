"""The column machinery of validation: headers found, cells normalised and checked, tidy frames.

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

from .. import reference
from ..errors import Problem
from ..load.mapping import TableMapping
from ..load.tables import RawTable
from ..reference import geography
from ..schema import ColumnSpec, TableSpec
from ..textmatch import match_key


def constant_columns(table: TableSpec, mapping: TableMapping | None, problems: list[Problem]) -> dict[str, int]:
    """Fields a mapping gives as a constant (the survey year); out of range is a problem of the mapping."""
    if mapping is None or mapping.year is None:
        return {}
    spec = table.column("year")
    if not spec.minimum <= mapping.year <= spec.maximum:  # type: ignore[operator]
        problems.append(
            Problem(str(mapping.source), f"{table.name}.year: {mapping.year} is out of range", expected=spec.expected)
        )
    return {"year": mapping.year}


def _header_in(raw: RawTable, header: str) -> str | None:
    """The frame's header a mapping means: as written, else the same once case and accents are folded."""
    if header in raw.frame.columns:
        return header
    return next((h for h in raw.frame.columns if match_key(h) == match_key(header)), None)


def mapped_header(raw: RawTable, header: str, key: str, mapping: TableMapping, problems: list[Problem]) -> str | None:
    """An input column named in the mapping file, or a problem saying it is not in the file."""
    found = _header_in(raw, header)
    if found is None:
        problems.append(
            Problem(
                raw.label,
                "column not found",
                column=header,
                expected=f"the column named in {mapping.source.name} ({key}); "
                f"found: {', '.join(map(str, raw.frame.columns)) or 'none'}",
            )
        )
    return found


def map_headers(
    raw: RawTable, table: TableSpec, problems: list[Problem], mapping: TableMapping | None = None
) -> dict[str, str]:
    """Column name -> header as written in the file (French headers and loose spellings accepted);
    columns a mapping names come first, the others are found by their names."""
    columns: dict[str, str] = {}
    taken: set[str] = set()
    if mapping is not None:
        for name, header in mapping.columns.items():
            key = f"[{table.name}.columns] " + (mapping.location_kind if table.column(name).kind == "region" else name)
            found = mapped_header(raw, header, key, mapping, problems)
            if found is not None:
                columns[name] = found
                taken.add(found)
    skip = set(columns) | ({"year"} if mapping is not None and mapping.year is not None else set())
    if mapping is not None and mapping.layout == "wide":
        skip |= {"contract", "role", "count"}
        taken |= set(mapping.contracts.values()) | set(mapping.roles.values())
    detected: dict[str, str] = {}
    for header in raw.frame.columns:
        if header in taken:
            continue
        field_name = table.header_lookup.get(match_key(header))
        if field_name is None or field_name in skip:
            continue
        if field_name in detected:
            problems.append(
                Problem(
                    raw.label,
                    f"two columns both mean '{field_name}': '{detected[field_name]}' and '{header}'",
                    column=str(header),
                    expected="one column per field" + (" (or name the one to read in tlanalysis.toml)"),
                )
            )
            continue
        detected[field_name] = header
    return columns | detected


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


def normalize(column: pd.Series, spec: ColumnSpec, location: str = "region") -> pd.Series:
    """A column of text cells as typed values; what cannot be read becomes missing (and a problem)."""
    if spec.kind in ("integer", "count"):
        parsed = _parse_integers(column)
        if spec.kind == "count" and not spec.required:
            parsed = parsed.mask(column.isna(), 1)
        return parsed
    if spec.kind == "region":
        return _map_unique(column, lambda v: geography.region_code_of(v, location)).astype("string")
    if spec.kind == "category":
        values = _map_unique(column, spec.canonical).astype("string")
        return values.mask(column.isna(), spec.default) if spec.default is not None else values
    if spec.kind == "boolean":
        values = _map_unique(column, lambda v: {"yes": True, "no": False}.get(spec.canonical(v) or ""))
        return values.astype("boolean").mask(column.isna(), False)
    return column.astype("string")


def _default(spec: ColumnSpec, index: pd.Index) -> pd.Series:
    if spec.kind == "count":
        return pd.Series(1, index=index, dtype="Int64")
    if spec.kind == "boolean":
        return pd.Series(False, index=index, dtype="boolean")
    if spec.kind == "integer":
        return pd.Series(pd.NA, index=index, dtype="Int64")
    if spec.default is not None:
        return pd.Series(spec.default, index=index, dtype="string")
    return pd.Series(pd.NA, index=index, dtype="string")


def check_schema(
    normalized: pd.DataFrame, raw: RawTable, table: TableSpec, columns: dict[str, str], location: str = "region"
) -> list[Problem]:
    """Problems of the normalized columns, each located by file, row and input column."""
    schema = _pandera_schema(table, tuple(normalized.columns))
    try:
        schema.validate(normalized, lazy=True)
    except SchemaErrors as exc:
        return _problems_from(exc.failure_cases, raw, table, columns, normalized, location)
    return []


#: What a location column must hold, by kind.
LOCATION_EXPECTED = {
    "departement": 'a département name or INSEE code (e.g. "33", "2A", "974" or "Gironde")',
    "commune": 'a five-character INSEE commune code (e.g. "33063", "2B050", "97416")',
}
LOCATION_MESSAGE = {"region": "unknown region", "departement": "unknown département", "commune": "unknown commune code"}


@cache
def _pandera_schema(table: TableSpec, present: tuple[str, ...]) -> pa.DataFrameSchema:
    """The pandera schema of a table, derived from its declaration."""
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
        columns[spec.name] = pa.Column(dtype, checks=checks, nullable=spec.nullable, unique=spec.unique, required=False)
    return pa.DataFrameSchema(columns, name=table.name, strict=True)


def _problems_from(
    failures: pd.DataFrame,
    raw: RawTable,
    table: TableSpec,
    columns: dict[str, str],
    normalized: pd.DataFrame,
    location: str = "region",
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
                    file, at = raw.where(header, row)
                    problems.append(
                        Problem(
                            file,
                            "duplicate value",
                            at,
                            header,
                            raw.frame.at[row, header],
                            f"{spec.expected} (already on row {raw.where(header, other)[1]})",
                        )
                    )
            continue
        for row in rows:
            value = raw.frame.at[row, header] if header in raw.frame.columns else None
            file, at = raw.where(header, row)
            if value is None or pd.isna(value):
                if at is None:  # a joined column with no matching row in the second file
                    file, at = raw.label, row
                    problems.append(Problem(file, raw.unmatched_message(header), at, raw.join_key, None, None))
                    continue
                problems.append(Problem(file, "missing value", at, header, None, _expected(spec, location)))
                continue
            message = {
                "integer": "not a whole number in range",
                "count": "not a whole number ≥ 0",
                "region": LOCATION_MESSAGE[location],
                "category": "unknown value",
                "boolean": "not a yes/no value",
            }.get(spec.kind, "invalid value")
            expected = _expected(spec, location)
            if spec.kind == "region":
                hint = _location_hint(value, location, table.name)
                expected = f"{expected}: {hint}" if hint else expected
            if spec.kind in ("integer", "count"):
                parsed = normalized.at[row, name]
                if pd.notna(parsed) and spec.minimum is not None and parsed < spec.minimum:
                    message = "negative number" if spec.minimum == 0 else f"number below {spec.minimum}"
            problems.append(Problem(file, message, at, header, value, expected))
    order = list(columns.values())
    return sorted(problems, key=lambda p: (p.row or 0, order.index(p.column) if p.column in order else 0))


def _expected(spec: ColumnSpec, location: str) -> str:
    return LOCATION_EXPECTED.get(location, spec.expected) if spec.kind == "region" else spec.expected


def _location_hint(value: object, location: str, table: str) -> str | None:
    if location == "departement":
        return geography.departement_hint(value)
    if location == "commune":
        return geography.commune_hint(value)
    return reference.region_hint(value) or geography.region_column_hint(value, table)


def _tidy(normalized: pd.DataFrame, table: TableSpec) -> pd.DataFrame:
    """Typed frame with fixed categories, so that empty groups still show up as zero."""
    tidy = pd.DataFrame(index=normalized.index)
    for spec in table.columns:
        column = normalized[spec.name]
        if spec.kind in ("integer", "count"):
            tidy[spec.name] = column.astype("Int64" if spec.nullable else "int64")
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
