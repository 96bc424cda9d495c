"""The validated data of one folder: what every command and notebook starts from."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import SAMPLE_DATA_DIR
from .errors import DataError, UsageError
from .load import find_table_file, read_table
from .schema import EMPLOYMENT, HOLDERS


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
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.employment["year"].unique())

    def region_years(self) -> dict[str, list[int]]:
        """Survey years present for each region code."""
        pairs = self.employment[["region_code", "year"]].drop_duplicates()
        return {
            str(code): sorted(int(y) for y in group["year"])
            for code, group in pairs.groupby("region_code", observed=True)
        }


def _is_example(data_dir: Path) -> bool:
    descriptor = data_dir / "datapackage.json"
    if descriptor.is_file():
        try:
            return bool(json.loads(descriptor.read_text(encoding="utf-8")).get("tlanalysis", {}).get("example_data"))
        except (json.JSONDecodeError, AttributeError):
            return False
    return data_dir.resolve() == SAMPLE_DATA_DIR.resolve()


def check_data_dir(data_dir: Path | str) -> Path:
    path = Path(data_dir).expanduser()
    if not path.is_dir():
        raise UsageError(f"data folder not found: {path}")
    return path


def load_dataset(data_dir: Path | str = SAMPLE_DATA_DIR, drop_personal_columns: bool = False) -> Dataset:
    """Read and validate both tables of a data folder; every problem of both is reported at once."""
    from .validate import validate_table  # pandera: not imported by kernels that read a build's data cache

    data_dir = check_data_dir(data_dir)
    problems = []
    frames: dict[str, pd.DataFrame] = {}
    sources: dict[str, SourceFile] = {}
    for table in (EMPLOYMENT, HOLDERS):
        try:
            path = find_table_file(data_dir, table)
            sources[table.name] = SourceFile(path, hashlib.sha256(path.read_bytes()).hexdigest())
            frames[table.name] = validate_table(read_table(path, table), table, drop_personal_columns)
        except DataError as exc:
            problems += exc.problems
    if problems:
        raise DataError(problems)
    return Dataset(frames["employment"], frames["holders"], data_dir, sources, _is_example(data_dir))
