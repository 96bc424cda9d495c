"""The validated data of one folder: what every command and notebook starts from."""

from __future__ import annotations

import datetime as dt
import json
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from ..config import SAMPLE_DATA_DIR
from ..errors import DataError, UsageError
from ..load.join import join_columns
from ..load.mapping import TableMapping, find_mapping, read_mapping
from ..load.tables import RawTable, find_table_source, has_table_source, read_table
from ..provenance import data_fingerprint, file_sha256
from ..schema import ASSESSMENTS, EMPLOYMENT, HOLDERS
from .folder import check_data_dir

T = TypeVar("T")


@dataclass(frozen=True)
class SourceFile:
    """A data file a figure was computed from, with a short content hash for provenance."""

    path: Path
    sha256: str

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]


@dataclass
class Dataset:
    employment: pd.DataFrame
    holders: pd.DataFrame
    data_dir: Path
    sources: dict[str, SourceFile] = field(default_factory=dict)
    #: True for the bundled fictitious data: everything that shows it must say so.
    is_example: bool = False
    #: The certification jury's results (optional `assessments` file), None without the file.
    assessments: pd.DataFrame | None = None
    #: Facts derived from the tables, computed once (`derived`): a build asks them for every report.
    _derived: dict[str, tuple[tuple, Any]] = field(default_factory=dict, repr=False, compare=False)

    def derived(self, name: str, compute: Callable[[Dataset], T]) -> T:
        """`compute(self)`, computed once while the tables are the same objects (a table replaced, e.g. by
        a test or a notebook, computes it again; weak references, so that a new table never passes for a
        freed one that had its address)."""
        tables = (self.employment, self.holders, self.assessments)
        known = self._derived.get(name)
        if known is None or any(
            (ref() if ref is not None else None) is not table for ref, table in zip(known[0], tables, strict=True)
        ):
            refs = tuple(weakref.ref(table) if table is not None else None for table in tables)
            known = self._derived[name] = (refs, compute(self))
        return known[1]

    @property
    def data_date(self) -> dt.date:
        """The date of the data, shown in reports instead of a build time so that the same data
        gives the same report: the `created` date of the folder's datapackage.json if any, else
        the last modification date of the data files."""
        descriptor = self.data_dir / "datapackage.json"
        if descriptor.is_file():
            try:
                created = json.loads(descriptor.read_text(encoding="utf-8")).get("created")
                if created:
                    return dt.date.fromisoformat(str(created)[:10])
            except (json.JSONDecodeError, AttributeError, ValueError):
                pass
        stamps = [src.path.stat().st_mtime for src in self.sources.values() if src.path.is_file()]
        return dt.datetime.fromtimestamp(max(stamps), dt.UTC).date() if stamps else dt.date(1970, 1, 1)

    @property
    def fingerprint(self) -> str:
        """The content hash of the data this was read from (every source file's SHA-256): what a
        stored protection or cached data is keyed by."""
        return data_fingerprint({name: source.sha256 for name, source in self.sources.items()})

    @property
    def years(self) -> list[int]:
        return list(self.derived("years", _years))

    def region_years(self) -> dict[str, list[int]]:
        """Survey years present for each region code (a copy: computed once, asked for every report)."""
        return {code: list(years) for code, years in self.derived("region_years", _region_years).items()}


def _years(dataset: Dataset) -> list[int]:
    return sorted(int(y) for y in dataset.employment["year"].unique())


def _region_years(dataset: Dataset) -> dict[str, list[int]]:
    pairs = dataset.employment[["region_code", "year"]].drop_duplicates()
    return {
        str(code): sorted(int(y) for y in group["year"]) for code, group in pairs.groupby("region_code", observed=True)
    }


def _is_example(data_dir: Path) -> bool:
    descriptor = data_dir / "datapackage.json"
    if descriptor.is_file():
        try:
            return bool(json.loads(descriptor.read_text(encoding="utf-8")).get("tlanalysis", {}).get("example_data"))
        except (json.JSONDecodeError, AttributeError):
            return False
    return data_dir.resolve() == SAMPLE_DATA_DIR.resolve()


def load_dataset(
    data_dir: Path | str = SAMPLE_DATA_DIR, drop_personal_columns: bool = False, mapping: Path | str | None = None
) -> Dataset:
    """Read and validate the tables of a data folder (the optional ones if there); every problem of
    every table is reported at once.

    `mapping` is a mapping file (see `tlanalysis.load.mapping`); by default the folder's tlanalysis.toml
    if there is one. Without any, files and columns are found by their names."""
    from .assessments import assessment_problems, holder_problems
    from .identifiers import has_personal_identifiers, identifier_problems, replace_identifiers
    from .table import validate_table  # pandera: not imported by kernels that read a build's data cache

    data_dir = check_data_dir(data_dir)
    mapping_path = find_mapping(data_dir, Path(mapping).expanduser() if mapping is not None else None)
    if mapping_path is not None and not mapping_path.is_file():
        raise UsageError(f"mapping file not found: {mapping_path}")
    tables = read_mapping(mapping_path, data_dir).tables if mapping_path is not None else {}
    problems = []
    frames: dict[str, pd.DataFrame] = {}
    raws = {}
    sources: dict[str, SourceFile] = {}
    for table in (EMPLOYMENT, HOLDERS, ASSESSMENTS):
        if table.optional and table.name not in tables and not has_table_source(data_dir, table):
            continue
        try:
            table_mapping = tables.get(table.name)
            raws[table.name] = _read(data_dir, table, table_mapping, sources)
            frames[table.name] = validate_table(raws[table.name], table, drop_personal_columns, table_mapping)
        except DataError as exc:
            problems += exc.problems
            continue
        if table.name in ("holders", "assessments") and not drop_personal_columns:
            problems += identifier_problems(frames[table.name], raws[table.name], table)
    if "holders" in frames:
        problems += holder_problems(frames["holders"], raws["holders"])
    if "assessments" in frames:
        label = raws["holders"].label if "holders" in raws else "holders"
        problems += assessment_problems(frames["assessments"], raws["assessments"], frames.get("holders"), label)
    if problems:
        raise DataError(problems)
    if drop_personal_columns and has_personal_identifiers(frames):
        frames = replace_identifiers(frames)  # e-mail addresses as ids: row numbers instead
    if mapping_path is not None:
        sources["mapping"] = _source(mapping_path)
    return Dataset(
        frames["employment"],
        frames["holders"],
        data_dir,
        sources,
        _is_example(data_dir),
        assessments=frames.get("assessments"),
    )


def _source(path: Path) -> SourceFile:
    return SourceFile(path, file_sha256(path))


def _read(data_dir: Path, table, table_mapping: TableMapping | None, sources: dict[str, SourceFile]) -> RawTable:
    """The raw cells of one table: from the file the mapping names, or the one found by its name;
    completed with the columns of a joined file."""
    if table_mapping is not None and table_mapping.file is not None:
        path, sheet = table_mapping.file, table_mapping.sheet
    else:
        source = find_table_source(data_dir, table)
        path, sheet = source.path, (table_mapping.sheet if table_mapping and table_mapping.sheet else source.sheet)
    sources[table.name] = _source(path)
    if table_mapping is None:
        return read_table(path, table, sheet)
    hints = table_mapping.headers | ({table_mapping.join.on} if table_mapping.join else set())
    raw = read_table(path, table, sheet, table_mapping.header_row, frozenset(hints))
    join = table_mapping.join
    if join is not None:
        sources[f"{table.name}_join"] = _source(join.file)
        other = read_table(join.file, table, join.sheet, None, frozenset(hints))
        raw = join_columns(raw, other, join.on, set(table_mapping.headers))
    return raw
