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
        return "\n".join([self.summary() + ":"] + [f"  - {p}" for p in self.problems])


class ParameterError(UsageError):
    """A report notebook was given a parameter of the wrong type or value."""
