"""A figure that may not be shown: `Masked`, the text to show instead (« < k » or « secret »).

Shared by the annual and the certification protections, by the presentation (which writes a masked
figure as its label) and by every file that holds figures. On disk a mask has one form, the label a
reader sees (`to_json` / `from_json`): the key-figures JSON of a report, the stored protections of a
build (`protect.store`) and what the index reads back all write « < 5 » or « secret », never a masked
value and nothing a page does not show.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from typing_extensions import TypeIs

from ..config import DEFAULT_MIN_COUNT

#: Why a figure is masked.
SMALL_COUNT = "small_count"  # a count of holders below k: « < k »
SECONDARY = "secondary"  # shown, it would let a masked figure be computed: « secret »
BUSINESS_RULE = "business_rule"  # jobs of fewer than 3 tiers-lieux or one over 85 %: « secret »
REASONS = (SMALL_COUNT, SECONDARY, BUSINESS_RULE)

SECRET = "secret"


class Masked(str):
    """A figure that may not be shown. It is the text to show instead, so it can be
    written as is (HTML, JSON) but never summed or plotted by mistake.

    `reason` is one of REASONS; `min_count` is k; `share` is True for a masked share or
    rate. Text: « < k » for a count of holders below k, « secret » otherwise (shares,
    complementary cells, business rule).
    """

    reason: str
    min_count: int
    share: bool

    def __new__(cls, reason: str, min_count: int = DEFAULT_MIN_COUNT, share: bool = False) -> Masked:
        if reason not in REASONS:
            raise ValueError(f"unknown masking reason {reason!r}; expected one of {', '.join(REASONS)}")
        label = f"< {int(min_count)}" if reason == SMALL_COUNT and not share else SECRET
        self = super().__new__(cls, label)
        object.__setattr__(self, "reason", reason)
        object.__setattr__(self, "min_count", int(min_count))
        object.__setattr__(self, "share", bool(share))
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Masked values are immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Masked values are immutable")

    def __getnewargs__(self) -> tuple:  # pickle / copy
        return (self.reason, self.min_count, self.share)

    def __repr__(self) -> str:
        return f"Masked({self.reason!r}, min_count={self.min_count}, share={self.share}) -> {str(self)!r}"

    @property
    def label(self) -> str:
        return str.__str__(self)


def is_masked(value: object) -> TypeIs[Masked]:
    """True for a figure replaced by `Masked` (type checkers narrow `value` on both branches)."""
    return isinstance(value, Masked)


def masked_label(value: object, min_count: int | None = None) -> str:
    """What to write for a masked figure: « < k » (small count of holders) or « secret ».

    `min_count` overrides the k the value was masked with (for a text that states it)."""
    if not isinstance(value, Masked):
        raise TypeError(f"{value!r} is not a masked figure")
    if min_count is None:
        return value.label
    return Masked(value.reason, min_count, value.share).label


_SMALL_LABEL = re.compile(r"< (\d+)")


def to_json(value: object) -> object:
    """The form of a figure on disk: a number as it is, a mask as its label (« < 5 », « secret »)."""
    return value.label if isinstance(value, Masked) else value


def from_json(value: object, min_count: int = DEFAULT_MIN_COUNT) -> object:
    """A figure read back from disk: a label becomes its `Masked` value (« < k »: a count below k;
    « secret »: any other mask), anything else is returned as it is. A text that is neither raises
    ValueError: a figure is a number, None or a mask."""
    if not isinstance(value, str):
        return value
    if value == SECRET:
        return Masked(SECONDARY, min_count)
    small = _SMALL_LABEL.fullmatch(value)
    if small:
        return Masked(SMALL_COUNT, int(small.group(1)))
    raise ValueError(f"{value!r} is neither a figure nor a mask")


def plottable(mapping: Mapping) -> dict:
    """The entries of `mapping` a chart may draw: masked values are dropped, never plotted as 0."""
    return {k: v for k, v in mapping.items() if not isinstance(v, Masked)}
