"""The mapping file: how to read a data folder whose files are not in our template.

A folder may hold `tlanalysis.toml` (or a command may be given `--mapping FILE`). Each of
its sections is a table of `schema.TABLES` (`[employment]`, `[holders]`; a table added to
the schema is one more section, with nothing to change here) and says:

    file, sheet, header_row   where the table is (a file of the data folder)
    layout                    "long" (one row per position or group) or "wide" (one row per place)
    year                      a constant, when the survey year is not a column
    [T.columns]               field = "input column as written"; `place` is `tiers_lieu`;
                              the location is exactly one of region, departement, commune
    [T.contracts], [T.roles]  "wide": job counts per contract, "of which" counts per role
    [T.join]                  file, on: columns taken from a second file, matched on a key

Without a mapping file, and for every table or field a mapping leaves out, files and
columns are found by their names as before. Every mistake in the file is a `Problem`
naming the mapping file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError, Problem
from ..reference.geography import LOCATION_KINDS
from ..schema import TABLES, TableSpec
from .tables import CSV_SUFFIXES, WORKBOOK_SUFFIXES

MAPPING_FILE = "tlanalysis.toml"
LAYOUTS = ("long", "wide")
#: Friendlier names of fields in [T.columns].
FIELD_ALIASES = {"place": "tiers_lieu"}
_TABLE_KEYS = ("file", "sheet", "header_row", "layout", "year", "columns", "contracts", "roles", "join")
_JOIN_KEYS = ("file", "on")


@dataclass(frozen=True)
class JoinSpec:
    """A second file whose columns complete the table, row by row, matched on a key column."""

    file: Path
    on: str
    sheet: str | None = None


@dataclass(frozen=True)
class TableMapping:
    """How to read one table. `columns` maps a schema field to the input header as written;
    the location field (`region`) is read as `location_kind`."""

    table: str
    source: Path
    file: Path | None = None
    sheet: str | None = None
    header_row: int | None = None
    layout: str = "long"
    year: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    location_kind: str = "region"
    contracts: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    join: JoinSpec | None = None

    @property
    def headers(self) -> frozenset[str]:
        """Every input header the mapping names (to find the header row of an export)."""
        return frozenset([*self.columns.values(), *self.contracts.values(), *self.roles.values()])


@dataclass(frozen=True)
class Mapping:
    path: Path
    tables: dict[str, TableMapping]


def find_mapping(data_dir: Path, explicit: Path | None = None) -> Path | None:
    """The mapping file to use: the one given, else the folder's tlanalysis.toml, else none."""
    if explicit is not None:
        return Path(explicit)
    candidate = data_dir / MAPPING_FILE
    return candidate if candidate.is_file() else None


def read_mapping(path: Path, data_dir: Path) -> Mapping:
    """Parse and check a mapping file; file names are relative to the data folder."""
    label = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise DataError(
            [Problem(label, f"not a valid TOML file: {exc}", expected='lines such as `file = "enquete.xlsx"`')]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(
            [Problem(label, f"cannot read the mapping file ({exc})", expected="a UTF-8 text file")]
        ) from None
    problems: list[Problem] = []
    tables: dict[str, TableMapping] = {}
    for name, section in document.items():
        if name not in TABLES:
            problems.append(
                Problem(label, f"unknown section [{name}]", expected="one of " + ", ".join(f"[{t}]" for t in TABLES))
            )
            continue
        if not isinstance(section, dict):
            problems.append(Problem(label, f"{name} must be a section [{name}]", expected=f"[{name}] then its keys"))
            continue
        mapping = _table_mapping(TABLES[name], section, path, data_dir, problems)
        if mapping is not None:
            tables[name] = mapping
    if problems:
        raise DataError(problems)
    return Mapping(path, tables)


def _problem(path: Path, key: str, message: str, expected: str) -> Problem:
    return Problem(str(path), f"{key}: {message}", expected=expected)


def _text(section: dict, key: str, where: str, path: Path, problems: list[Problem]) -> str | None:
    value = section.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(_problem(path, f"{where}.{key}", f"{value!r} is not a text", f'{key} = "…" (in quotes)'))
        return None
    return value.strip()


def _data_file(value: str | None, key: str, path: Path, data_dir: Path, problems: list[Problem]) -> Path | None:
    if value is None:
        return None
    file = (data_dir / value) if not Path(value).is_absolute() else Path(value)
    if file.suffix.lower() not in CSV_SUFFIXES + WORKBOOK_SUFFIXES:
        problems.append(_problem(path, key, f"{value!r} is not a table file", "a .csv, .txt, .xlsx, .xls or .ods file"))
        return None
    if not file.is_file():
        present = sorted(p.name for p in data_dir.iterdir() if p.suffix.lower() in CSV_SUFFIXES + WORKBOOK_SUFFIXES)
        problems.append(
            _problem(
                path, key, f"file not found: {file}", f"a file of {data_dir}: " + (", ".join(present) or "none there")
            )
        )
        return None
    return file


def _headers(section: object, where: str, path: Path, problems: list[Problem]) -> dict[str, str]:
    if section is None:
        return {}
    if not isinstance(section, dict):
        problems.append(_problem(path, where, "must be a section", f'[{where}] then lines such as CDI = "Nb CDI"'))
        return {}
    out = {}
    for key, value in section.items():
        if not isinstance(value, str) or not value.strip():
            problems.append(
                _problem(path, f"{where}.{key}", f"{value!r} is not a column name", f'{key} = "header as written"')
            )
            continue
        out[key] = value.strip()
    return out


def _table_mapping(
    table: TableSpec, section: dict, path: Path, data_dir: Path, problems: list[Problem]
) -> TableMapping | None:
    name = table.name
    before = len(problems)
    for key in section:
        if key not in _TABLE_KEYS:
            problems.append(_problem(path, f"{name}.{key}", "unknown key", "one of " + ", ".join(_TABLE_KEYS)))
    file = _data_file(_text(section, "file", name, path, problems), f"{name}.file", path, data_dir, problems)
    sheet = _text(section, "sheet", name, path, problems)
    header_row = section.get("header_row")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1):
        problems.append(_problem(path, f"{name}.header_row", f"{header_row!r}", "a spreadsheet row number ≥ 1"))
        header_row = None
    layout = section.get("layout", "long")
    if layout not in LAYOUTS:
        problems.append(_problem(path, f"{name}.layout", f"unknown layout {layout!r}", '"long" or "wide"'))
        layout = "long"
    if layout == "wide" and name != "employment":
        problems.append(_problem(path, f"{name}.layout", '"wide" is for the employment table only', '"long"'))
    year = section.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        problems.append(_problem(path, f"{name}.year", f"{year!r} is not a whole number", "year = 2024 (no quotes)"))
        year = None
    if year is not None and "year" not in {c.name for c in table.columns}:
        problems.append(_problem(path, f"{name}.year", f"the {name} table has no year field", "no year key"))
        year = None

    raw_columns = _headers(section.get("columns"), f"{name}.columns", path, problems)
    fields = {c.name for c in table.columns}
    location_field = next((c.name for c in table.columns if c.kind == "region"), None)
    columns: dict[str, str] = {}
    locations = []
    for key, header in raw_columns.items():
        field_name = FIELD_ALIASES.get(key, key)
        if key in LOCATION_KINDS and location_field is not None:
            locations.append(key)
            columns[location_field] = header
        elif field_name in fields:
            columns[field_name] = header
        else:
            allowed = sorted((fields - {location_field}) | set(LOCATION_KINDS) | set(FIELD_ALIASES))
            problems.append(_problem(path, f"{name}.columns.{key}", "unknown field", "one of " + ", ".join(allowed)))
    if len(locations) > 1:
        problems.append(
            _problem(
                path,
                f"{name}.columns",
                "several locations given: " + ", ".join(locations),
                "exactly one of region, departement, commune",
            )
        )
    if year is not None and "year" in columns:
        problems.append(
            _problem(path, f"{name}.year", "the year is both a constant and a column", "one of the two, not both")
        )

    contracts = _headers(section.get("contracts"), f"{name}.contracts", path, problems)
    roles = _headers(section.get("roles"), f"{name}.roles", path, problems)
    if layout == "wide":
        _check_wide(table, columns, contracts, roles, path, problems)
    elif contracts or roles:
        problems.append(
            _problem(
                path,
                f"{name}.contracts" if contracts else f"{name}.roles",
                'counts per contract or role are for layout = "wide"',
                'layout = "wide", or [T.columns] contract/role for one row per position',
            )
        )

    join = None
    if "join" in section:
        join = _join(section["join"], name, path, data_dir, problems)
    if len(problems) > before:
        return None
    return TableMapping(
        name,
        path,
        file,
        sheet,
        header_row,
        layout,
        year,
        columns,
        locations[0] if locations else "region",
        contracts,
        roles,
        join,
    )


def _check_wide(
    table: TableSpec,
    columns: dict[str, str],
    contracts: dict[str, str],
    roles: dict[str, str],
    path: Path,
    problems: list[Problem],
) -> None:
    name = table.name
    for key in ("contract", "role", "count"):
        if key in columns:
            problems.append(
                _problem(
                    path,
                    f"{name}.columns.{key}",
                    'not a column in layout = "wide"',
                    f"[{name}.contracts] (counts per contract) and [{name}.roles] (counts per role)",
                )
            )
    allowed = {"contracts": table.column("contract").allowed_values, "roles": table.column("role").allowed_values}
    for where, given in (("contracts", contracts), ("roles", roles)):
        for key in given:
            if key not in allowed[where] or key == "non_precise":
                values = [v for v in allowed[where] if v != "non_precise"]
                problems.append(_problem(path, f"{name}.{where}.{key}", "unknown value", "one of " + ", ".join(values)))
    if not contracts:
        problems.append(
            _problem(
                path,
                f"{name}.contracts",
                'layout = "wide" needs the job counts per contract',
                f'[{name}.contracts] with lines such as CDI = "Nb salariés CDI"',
            )
        )


def _join(section: object, name: str, path: Path, data_dir: Path, problems: list[Problem]) -> JoinSpec | None:
    where = f"{name}.join"
    if not isinstance(section, dict):
        problems.append(_problem(path, where, "must be a section", f'[{where}] with file = "…" and on = "…"'))
        return None
    for key in section:
        if key not in (*_JOIN_KEYS, "sheet"):
            problems.append(_problem(path, f"{where}.{key}", "unknown key", "file and on"))
    file_name = _text(section, "file", where, path, problems)
    on = _text(section, "on", where, path, problems)
    if file_name is None or on is None:
        problems.append(
            _problem(path, where, "file and on are both needed", 'file = "identite.csv" and on = "ID_UNIQUE"')
        )
        return None
    file = _data_file(file_name, f"{where}.file", path, data_dir, problems)
    return JoinSpec(file, on, _text(section, "sheet", where, path, problems)) if file else None
