"""Reading survey exports as the analysts really have them.

French Excel writes CSV with `;` or `,`, in UTF-8 (with or without BOM) or
Windows-1252, with blank lines at the end, sometimes a `sep=;` first line; its
« Texte Unicode » is UTF-16 with tabs; old Macs end lines with CR alone. Workbooks
come as `.xlsx`, old `.xls` or LibreOffice `.ods`, one table per file or both
tables as sheets of one workbook. Every cell is read as text so that nothing is
guessed here ("04" stays "04"); typing and checking is `validate.py`'s job. Input
files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..schema import TableSpec
from ..textmatch import match_key

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
#: pandas engine per workbook format. calamine (Rust) reads .xlsx about 25x faster than openpyxl
#: (benchmarks/bench_load.py) and is the only one here reading .xls and .ods.
WORKBOOK_ENGINES = {".xlsx": "calamine", ".xlsm": "calamine", ".xls": "calamine", ".ods": "calamine"}


@dataclass
class RawTable:
    """Cells as text, indexed by spreadsheet row number (the header is row 1).

    Columns joined from a second file (`join.py`) keep where they come from in `origins`
    (header -> that file's label and, for each row here, its row there), so that a problem in
    such a column names the second file and its row."""

    path: Path
    frame: pd.DataFrame
    sheet: str | None = None
    origins: dict[str, tuple[str, pd.Series]] = field(default_factory=dict)
    join_key: str | None = None

    @property
    def label(self) -> str:
        return str(self.path) + (f" (sheet '{self.sheet}')" if self.sheet else "")

    def where(self, header: str, row: int) -> tuple[str, int | None]:
        """The file and row a cell of this table was read from (None: no matching row in a joined file)."""
        if header not in self.origins:
            return self.label, row
        label, rows = self.origins[header]
        other = rows.get(row)
        return label, None if other is None or pd.isna(other) else int(other)

    def unmatched_message(self, header: str) -> str:
        label = self.origins[header][0] if header in self.origins else "the joined file"
        return f"no row of {label} has this {self.join_key}, so '{header}' is missing"


@dataclass(frozen=True)
class TableSource:
    """Where a table is read from: a file, and the sheet of a workbook when it is not the file's only table."""

    path: Path
    sheet: str | None = None


def _is_candidate(path: Path) -> bool:
    return (
        path.is_file()
        and not path.name.startswith(("~$", ".", ".~lock"))
        and path.suffix.lower() in CSV_SUFFIXES + WORKBOOK_SUFFIXES
    )


def table_names(table: TableSpec) -> set[str]:
    """Folded names a file or sheet may carry for `table`: English or French (`employment`, `Emplois`)."""
    return {match_key(table.name), match_key(table.label)}


def sheet_names(path: Path) -> list[str]:
    """Sheet names of a workbook, or [] when it cannot be opened (reading it later says why)."""
    try:
        with pd.ExcelFile(path, engine=WORKBOOK_ENGINES[path.suffix.lower()]) as book:
            return [str(s) for s in book.sheet_names]
    except Exception:
        return []


def has_table_source(data_dir: Path, table: TableSpec) -> bool:
    """Whether `data_dir` holds a place for `table` (for optional tables: absent is fine)."""
    return bool(_table_sources(data_dir, table))


def _table_sources(data_dir: Path, table: TableSpec) -> dict[Path, TableSource]:
    wanted = table_names(table)
    found: dict[Path, TableSource] = {}
    for path in sorted(data_dir.iterdir()):
        if not _is_candidate(path):
            continue
        named = match_key(path.stem) in wanted
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = sheet_names(path)
            sheet = next((s for s in sheets if match_key(s) in wanted), None)
            if sheet is not None or named:
                found[path] = TableSource(path, sheet if sheet is not None and len(sheets) > 1 else None)
        elif named:
            found[path] = TableSource(path)
    return found


def find_table_source(data_dir: Path, table: TableSpec) -> TableSource:
    """The one place holding `table` in `data_dir`: a file named like the table (English or French,
    any case, csv/txt/xlsx/xls/ods), or a sheet named like it in a workbook of any name."""
    found = _table_sources(data_dir, table)
    if not found:
        raise DataError(
            [
                Problem(
                    file=str(data_dir / f"{table.name}.csv"),
                    message=f"missing file: the {table.name} table was not found",
                    expected=f"{table.name}.csv, .xlsx or .ods (or {table.label}.csv…), or a workbook with a sheet "
                    f"named {table.name} or {table.label}, in {data_dir} (see `tlanalysis template`), "
                    "or a tlanalysis.toml saying which file to read",
                )
            ]
        )
    if len(found) > 1:
        raise DataError(
            [
                Problem(
                    file=str(data_dir),
                    message=f"several files for the {table.name} table: "
                    + ", ".join(p.name + (f" (sheet '{s.sheet}')" if s.sheet else "") for p, s in found.items()),
                    expected="exactly one, so it is clear which one is read "
                    "(remove or rename the others, or name the file in tlanalysis.toml)",
                )
            ]
        )
    return next(iter(found.values()))


def find_table_file(data_dir: Path, table: TableSpec) -> Path:
    """The one file holding `table` in `data_dir` (see `find_table_source`)."""
    return find_table_source(data_dir, table).path


def read_table(
    path: Path,
    table: TableSpec | None,
    sheet: str | None = None,
    header_row: int | None = None,
    hint_headers: frozenset[str] = frozenset(),
) -> RawTable:
    """Read a CSV or workbook file into text cells; empty rows are dropped, row numbers kept.

    `sheet` picks a workbook's sheet (default: the one named like the table, else the first);
    `header_row` is the spreadsheet row of the header (default: the first row naming at least two
    of the table's columns, or of `hint_headers`, the headers a mapping file names).
    """
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        raw, header_row = _read_workbook(path, table, sheet, header_row, hint_headers)
    else:
        cells, header_row = _read_csv(path, table, header_row, hint_headers)
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
    cleaned = np.array([_cell_text(u) for u in uniques] + [None], dtype=object)
    return pd.Series(cleaned.take(codes), index=column.index, dtype="string")


def _cell_text(value: object) -> str | None:
    """A workbook cell as the user sees it: 2019 not 2019.0, dates as ISO dates."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif hasattr(value, "isoformat"):  # datetime, date, pd.Timestamp
        text = value.isoformat()
        value = text[:10] if text.endswith("T00:00:00") or len(text) == 10 else text
    return str(value).strip() or None


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _decode(data: bytes) -> str:
    """Text of a CSV export: UTF-16 (Excel's « Texte Unicode »), UTF-8, else Windows-1252."""
    if data.startswith(_UTF16_BOMS) or _looks_utf16(data):
        try:
            return data.decode("utf-16" if data.startswith(_UTF16_BOMS) else _utf16_order(data))
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without BOM: ASCII text then has a zero byte at every other position."""
    head = data[:4096]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return max(even.count(0), odd.count(0)) > 0.4 * len(odd) and min(even.count(0), odd.count(0)) == 0


def _utf16_order(data: bytes) -> str:
    head = data[:4096]
    return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"


def _is_binary(text: str) -> bool:
    return "\x00" in text[:4096]


#: How far down a title block above the header row may go (exports often start with a title).
HEADER_SEARCH_ROWS = 20
_SEP_LINE = re.compile(r'^"?sep=(.)"?\s*$', re.IGNORECASE)


def _header_index(rows: list[list[str]], table: TableSpec | None, hint_headers: frozenset[str] = frozenset()) -> int:
    """Index of the header row: the first row naming at least two of the table's columns
    (French or English) or of the headers a mapping names, else the first row."""
    lookup = table.header_lookup if table is not None else {}
    hints = {match_key(h) for h in hint_headers}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {match_key(cell) for cell in row if str(cell).strip()}
        known = {lookup.get(k) for k in keys} - {None}
        if len(known) >= 2 or len(keys & hints) >= min(2, len(hints) or 2):
            return index
    return 0


def _known_headers(row: list[str], table: TableSpec | None, hint_headers: frozenset[str]) -> int:
    lookup = table.header_lookup if table is not None else {}
    keys = {match_key(c) for c in row}
    return len({lookup.get(k) for k in keys} - {None}) + len(keys & {match_key(h) for h in hint_headers})


def _read_csv(
    path: Path, table: TableSpec | None, header_row: int | None = None, hint_headers: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, int]:
    """Cells under the header row, and the header's line number (1 when there is no title block)."""
    data = path.read_bytes()
    if not data.strip(b"\x00\r\n\t \xff\xfe\xef\xbb\xbf"):
        return pd.DataFrame(), 1
    text = "" if data.startswith(b"PK\x03\x04") else _decode(data).lstrip("\ufeff")
    if not text or _is_binary(text):
        raise DataError(
            [
                Problem(
                    str(path),
                    "this is not a text table (it looks like a binary or zipped file)",
                    expected="a CSV text file, or give it the .xlsx or .ods extension if it is a workbook",
                )
            ]
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # Windows and old Mac line ends
    forced = None
    first, _, rest = text.partition("\n")
    sep_line = _SEP_LINE.match(first.strip())
    if sep_line:  # Excel's « sep=; » line: Excel hides it, so rows are numbered without it
        forced, text = sep_line.group(1), rest
    head_lines = text[:65536].splitlines()[:HEADER_SEARCH_ROWS]
    separators = (forced,) if forced else (";", ",", "\t")
    best = {sep: [next(csv.reader([line], delimiter=sep), []) for line in head_lines] for sep in separators}
    if header_row is not None:
        lines = text.count("\n") + (not text.endswith("\n"))
        if header_row > lines:
            raise DataError([_beyond(str(path), header_row, lines)])
        header_at = dict.fromkeys(separators, header_row - 1)
    else:
        header_at = {sep: _header_index(rows, table, hint_headers) for sep, rows in best.items()}
    # the separator that makes a header row appear; else the one most present on the first line
    separator = max(
        separators,
        key=lambda sep: (
            _known_headers(best[sep][header_at[sep]], table, hint_headers) if len(best[sep]) > header_at[sep] else 0,
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
                    expected=f"one header row and the same number of {separator!r}-separated cells on every row",
                )
            ]
        ) from None


def _beyond(label: str, header_row: int, rows: int) -> Problem:
    return Problem(
        label,
        f"header_row = {header_row} is beyond the last row ({rows})",
        expected="the spreadsheet row of the header (tlanalysis.toml), or no header_row to find it",
    )


def _read_workbook(
    path: Path,
    table: TableSpec | None,
    sheet: str | None = None,
    header_row: int | None = None,
    hint_headers: frozenset[str] = frozenset(),
) -> tuple[RawTable, int]:
    engine = WORKBOOK_ENGINES[path.suffix.lower()]
    kind = {".ods": "an .ods spreadsheet", ".xls": "an .xls workbook"}.get(path.suffix.lower(), "a .xlsx workbook")
    try:
        with pd.ExcelFile(path, engine=engine) as book:
            sheets = [str(s) for s in book.sheet_names]
            if sheet is not None and sheet not in sheets:
                by_key = {match_key(s): s for s in sheets}
                if match_key(sheet) not in by_key:
                    raise DataError(
                        [
                            Problem(
                                str(path),
                                f"no sheet named {sheet!r}",
                                expected="one of " + ", ".join(repr(s) for s in sheets),
                            )
                        ]
                    )
                sheet = by_key[match_key(sheet)]
            if sheet is None:
                wanted = table_names(table) if table is not None else set()
                sheet = next((s for s in sheets if match_key(s) in wanted), sheets[0])
            cells = pd.read_excel(book, sheet_name=sheet, dtype=object, keep_default_na=False, header=None)
    except DataError:
        raise
    except Exception as exc:
        raise DataError(
            [
                Problem(
                    str(path),
                    f"not a readable workbook ({str(exc).strip() or type(exc).__name__})",
                    expected=f"{kind} saved by Excel or LibreOffice",
                )
            ]
        ) from None
    shown_sheet = sheet if len(sheets) > 1 else None
    if cells.empty:
        return RawTable(path, pd.DataFrame(), shown_sheet), 1
    if header_row is not None:
        skip = header_row - 1
        if skip >= len(cells):
            raise DataError([_beyond(RawTable(path, cells, shown_sheet).label, header_row, len(cells))])
    else:
        head = [[_cell_text(v) or "" for v in row] for row in cells.head(HEADER_SEARCH_ROWS).values.tolist()]
        skip = _header_index(head, table, hint_headers)
    frame = cells.iloc[skip + 1 :].reset_index(drop=True)
    frame.columns = [_cell_text(c) or f"(column {i + 1})" for i, c in enumerate(cells.iloc[skip])]
    return RawTable(path, frame, shown_sheet), skip + 1
