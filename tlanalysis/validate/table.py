"""One input table, validated: columns found by name (or through the mapping file), personal-looking
columns refused, each column normalised and checked (`columns`), or every problem at once.

The wide layout (one row per place) is `wide.validate_wide`; both end in the same tidy frame.
"""

from __future__ import annotations

import pandas as pd

from ..errors import DataError, Problem
from ..load.mapping import TableMapping
from ..load.tables import RawTable
from ..schema import TableSpec
from ..textmatch import match_key
from .columns import _default, _tidy, check_schema, constant_columns, map_headers, normalize
from .wide import validate_wide

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


def validate_table(
    raw: RawTable, table: TableSpec, drop_personal_columns: bool = False, mapping: TableMapping | None = None
) -> pd.DataFrame:
    """Validated tidy frame for one input table; raises DataError listing every problem.

    `mapping` (from tlanalysis.toml) names input columns, a constant year, the kind of location
    (region, département, commune) or the wide layout; without it columns are found by name."""
    if mapping is not None and mapping.layout == "wide":
        return validate_wide(raw, table, mapping)
    problems: list[Problem] = []
    columns = map_headers(raw, table, problems, mapping)
    location = mapping.location_kind if mapping else "region"
    constants = constant_columns(table, mapping, problems)
    if table.name in ("holders", "assessments"):
        # a header read as a field is not personal data, unless a mapping binds it (holder_id = "Nom");
        # the location a mapping names may say « INSEE » (a commune code), which is not a person's
        exempt = {
            h
            for name, h in columns.items()
            if mapping is None or name not in mapping.columns or table.column(name).kind == "region"
        }
        personal = personal_columns([h for h in raw.frame.columns if h not in exempt])
        if personal and not drop_personal_columns:
            problems += [
                Problem(
                    raw.label,
                    "this column looks like personal data and is refused",
                    column=h,
                    expected="no names, contact details, birth dates, addresses or social security "
                    f"numbers in the {table.name} file: remove the column, or pass "
                    "--drop-personal-columns to ignore it on reading",
                )
                for h in personal
            ]
    named = set(mapping.columns) if mapping else set()  # a named column not found is reported already
    missing = [c for c in table.required if c not in columns and c not in constants and c not in named]
    problems += [
        Problem(
            raw.label,
            "missing column",
            column=c,
            expected=f"a column '{c}' ({table.column(c).description.rstrip('.')}); "
            f"found: {', '.join(map(str, raw.frame.columns)) or 'none'}"
            + (f" (or name it in {mapping.source.name}, [{table.name}.columns])" if mapping else ""),
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
            normalized[spec.name] = normalize(raw.frame[columns[spec.name]], spec, location)
        elif spec.name in constants:
            normalized[spec.name] = pd.Series(constants[spec.name], index=raw.frame.index, dtype="Int64")
        elif not spec.required:
            normalized[spec.name] = _default(spec, raw.frame.index)

    for spec in table.columns:  # an optional number may be empty, not unreadable
        if spec.nullable and spec.kind == "integer" and spec.name in columns:
            typed = raw.frame[columns[spec.name]]
            for row in normalized.index[normalized[spec.name].isna() & typed.notna()]:
                problems.append(
                    Problem(raw.label, "not a whole number", int(row), columns[spec.name], typed[row], spec.expected)
                )
    problems += check_schema(normalized, raw, table, columns, location)
    if problems:
        raise DataError(problems)
    return _tidy(normalized, table)
