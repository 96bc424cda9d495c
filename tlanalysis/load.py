"""Reading survey exports as the analysts really have them.

French Excel writes CSV with `;` or `,`, in UTF-8 (with or without BOM) or
Windows-1252, with blank lines at the end; or an `.xlsx` workbook. Every cell
is read as text so that nothing is guessed here ("04" stays "04"); typing and
checking is `validate.py`'s job. Input files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .schema import TableSpec
from .textmatch import match_key

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class RawTable:
    """Cells as text, indexed by spreadsheet row number (the header is row 1)."""

    path: Path
    frame: pd.DataFrame
    sheet: str | None = None

    @property
    def label(self) -> str:
        return str(self.path) + (f" (sheet '{self.sheet}')" if self.sheet else "")


def has_table_file(data_dir: Path, table: TableSpec) -> bool:
    """Whether `data_dir` holds a file for `table` (for optional tables: absent is fine)."""
    return any(
        p.is_file()
        and not p.name.startswith(("~$", "."))
        and p.stem.lower() == table.name
        and p.suffix.lower() in CSV_SUFFIXES + EXCEL_SUFFIXES + (".xls",)
        for p in data_dir.iterdir()
    )


def find_table_file(data_dir: Path, table: TableSpec) -> Path:
    """The one file holding `table` in `data_dir`: NAME.csv or NAME.xlsx, any case."""
    candidates = [
        p
        for p in sorted(data_dir.iterdir())
        if p.is_file()
        and not p.name.startswith(("~$", "."))
        and p.stem.lower() == table.name
        and p.suffix.lower() in CSV_SUFFIXES + EXCEL_SUFFIXES + (".xls",)
    ]
    if not candidates:
        raise DataError(
            [
                Problem(
                    file=str(data_dir / f"{table.name}.csv"),
                    message=f"missing file: the {table.name} table was not found",
                    expected=f"{table.name}.csv or {table.name}.xlsx in {data_dir} (see `tlanalysis template`)",
                )
            ]
        )
    if len(candidates) > 1:
        raise DataError(
            [
                Problem(
                    file=str(data_dir),
                    message=f"several files for the {table.name} table: " + ", ".join(p.name for p in candidates),
                    expected="exactly one, so it is clear which one is read",
                )
            ]
        )
    return candidates[0]


def read_table(path: Path, table: TableSpec) -> RawTable:
    """Read a CSV or XLSX file into text cells; empty rows are dropped, row numbers kept."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise DataError(
            [
                Problem(
                    str(path),
                    "old Excel .xls format is not supported",
                    expected="a .xlsx workbook or a CSV file (Excel: Save As > .xlsx)",
                )
            ]
        )
    if suffix in EXCEL_SUFFIXES:
        raw, header_row = _read_excel(path, table)
    else:
        cells, header_row = _read_csv(path, table)
        raw = RawTable(path, cells)
    frame = raw.frame
    if frame.empty and len(frame.columns) == 0:
        raise DataError([Problem(raw.label, "the file is empty", expected="a header row then one row per record")])
    frame.columns = [str(c).strip() for c in frame.columns]
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame))  # spreadsheet row numbers
    frame = frame.apply(_clean_text)
    raw.frame = frame.dropna(how="all")
    return raw


def _clean_text(column: pd.Series) -> pd.Series:
    """Trim cells and turn blanks into missing values.

    Survey columns repeat a handful of distinct values, so the work is done once per
    distinct value (factorize) rather than once per cell: this keeps 1M rows fast.
    """
    codes, uniques = pd.factorize(column.to_numpy(dtype=object, na_value=None), use_na_sentinel=True)
    cleaned = np.array([str(u).strip() or None for u in uniques] + [None], dtype=object)
    return pd.Series(cleaned.take(codes), index=column.index, dtype="string")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


#: How far down a title block above the header row may go (exports often start with a title).
HEADER_SEARCH_ROWS = 20


def _header_index(rows: list[list[str]], table: TableSpec) -> int:
    """Index of the header row: the first row naming at least two of the table's columns
    (French or English), else the first row."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        known = {table.header_lookup.get(match_key(cell)) for cell in row if str(cell).strip()}
        if len(known - {None}) >= 2:
            return index
    return 0


def _read_csv(path: Path, table: TableSpec) -> tuple[pd.DataFrame, int]:
    """Cells under the header row, and the header's line number (1 when there is no title block)."""
    data = path.read_bytes()
    if not data.strip():
        return pd.DataFrame(), 1
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise DataError(
            [
                Problem(
                    str(path),
                    "this is not a text table (it looks like a binary or zipped file)",
                    expected="a CSV text file, or give it the .xlsx extension if it is a workbook",
                )
            ]
        )
    text = _decode(data).lstrip("\ufeff")
    head_lines = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
    best = {sep: [next(csv.reader([line], delimiter=sep)) for line in head_lines] for sep in (";", ",", "\t")}
    header_at = {sep: _header_index(rows, table) for sep, rows in best.items()}
    # the separator that makes a header row appear; else the one most present on the first line
    separator = max(
        (";", ",", "\t"),
        key=lambda sep: (
            len({table.header_lookup.get(match_key(c)) for c in best[sep][header_at[sep]]} - {None})
            if best[sep]
            else 0,
            head_lines[0].count(sep) if head_lines else 0,
        ),
    )
    skip = header_at[separator]
    try:
        # header=None: a row with more cells than the header is an error, not a silent shift of columns
        cells = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            header=None,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
            skiprows=skip,
        )
        frame = cells.iloc[1:].reset_index(drop=True)
        frame.columns = [str(c) for c in cells.iloc[0]]
        return frame, skip + 1
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(
            [
                Problem(
                    str(path),
                    f"not a readable table: {str(exc).strip()}",
                    expected=f"one header row and the same number of '{separator}'-separated cells on every row",
                )
            ]
        ) from None


def _read_excel(path: Path, table: TableSpec) -> tuple[RawTable, int]:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = book.sheet_names
            wanted = {match_key(table.name), match_key(table.label)}
            sheet = next((s for s in sheets if match_key(s) in wanted), sheets[0])
            cells = pd.read_excel(book, sheet_name=sheet, dtype=str, keep_default_na=False, header=None)
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise DataError(
            [
                Problem(
                    str(path),
                    f"not a readable Excel workbook ({exc})",
                    expected="a .xlsx file saved by Excel or LibreOffice",
                )
            ]
        ) from None
    if cells.empty:
        return RawTable(path, pd.DataFrame(), sheet if len(sheets) > 1 else None), 1
    skip = _header_index(cells.head(HEADER_SEARCH_ROWS).astype(str).values.tolist(), table)
    frame = cells.iloc[skip + 1 :].reset_index(drop=True)
    frame.columns = [str(c) for c in cells.iloc[skip]]
    return RawTable(path, frame, sheet if len(sheets) > 1 else None), skip + 1
