"""One error hierarchy. Library code raises these; only the CLI turns them into
messages and exit codes (1 for bad data, 2 for bad usage)."""

from __future__ import annotations

from dataclasses import dataclass, field


class TLAnalysisError(Exception):
    """Base of every error a user can cause. Never shown as a traceback."""

    exit_code = 1


class UsageError(TLAnalysisError):
    """The command was asked for something that cannot exist (unknown region, year not in the data)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, located as the user sees it in Excel.

    `row` is the spreadsheet row (the header is row 1), or None for a file- or
    column-level problem.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.value is not None:
            text += f" (found {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def as_dict(self) -> dict:
        value = self.value if self.value is None or isinstance(self.value, (int, float, str, bool)) else str(self.value)
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": value,
            "expected": self.expected,
            "message": self.message,
        }


@dataclass
class DataError(TLAnalysisError):
    """The input data is invalid. Carries every problem found, not just the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    def summary(self) -> str:
        n = len(self.problems)
        return f"{n} problem{'s' if n != 1 else ''} in the input data"

    def __str__(self) -> str:
        return "\n".join([self.summary() + ":"] + [f"  - {line}" for line in grouped_lines(self.problems)])


#: At most this many lines of problems on a terminal; `validate --json` keeps every problem.
MAX_LINES = 50
#: Row ranges shown on one grouped line before « … ».
MAX_RANGES = 8


def _row_ranges(rows: list[int]) -> list[str]:
    ranges: list[str] = []
    start = previous = rows[0]
    for row in [*rows[1:], None]:
        if row is not None and row == previous + 1:
            previous = row
            continue
        ranges.append(str(start) if start == previous else f"{start}–{previous}")
        if row is not None:
            start = previous = row
    return ranges


def _grouped(problem: Problem, rows: list[int]) -> str:
    """One line for identical problems on several rows: « rows 2–20001 (20,000 rows) »."""
    if len(rows) == 1:
        return str(problem)
    ranges = _row_ranges(rows)
    shown = ", ".join(ranges[:MAX_RANGES]) + (", …" if len(ranges) > MAX_RANGES else "")
    return str(Problem(problem.file, problem.message, None, problem.column, problem.value, problem.expected)).replace(
        problem.file, f"{problem.file}, rows {shown} ({len(rows):,} rows)", 1
    )


def grouped_lines(problems: list[Problem], limit: int = MAX_LINES) -> list[str]:
    """Problems as lines for a terminal: the same problem (file, column, value, message) on many
    rows is one line with the rows as ranges and a count; at most `limit` lines."""
    groups: dict[tuple, list[int]] = {}
    firsts: dict[tuple, Problem] = {}
    singles: list[tuple] = []
    for p in problems:
        if p.row is None:
            key: tuple = ("single", len(singles))
            singles.append(key)
        else:
            key = (p.file, p.message, p.column, repr(p.value), p.expected)
        firsts.setdefault(key, p)
        groups.setdefault(key, [])
        if p.row is not None:
            groups[key].append(p.row)
    lines = [str(firsts[k]) if not rows else _grouped(firsts[k], sorted(set(rows))) for k, rows in groups.items()]
    if len(lines) > limit:
        hidden = sum(max(1, len(groups[k])) for k in list(groups)[limit - 1 :])
        more = f"… and {hidden:,} more problem{'s' if hidden != 1 else ''} not shown"
        lines = [*lines[: limit - 1], more + " (`tlanalysis validate --json` lists every problem)"]
    return lines


class ParameterError(UsageError):
    """A report notebook was given a parameter of the wrong type or value."""
