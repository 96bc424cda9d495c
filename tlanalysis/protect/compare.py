"""Comparisons of protected figures: the change between two survey years, and rankings.

Pure and light (no plotly, no pandas): used by the national report's « Les régions » and by the
landing page, which is rendered on every build, also when nothing was rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from .masked import Masked, is_masked

T = TypeVar("T")


def change_since(current: float | Masked | None, previous: float | Masked | None) -> float | Masked | None:
    """Relative change previous → current (0.125 is +12,5 %): masked (« secret ») when either count is,
    None without a previous count or when it is 0."""
    for term in (previous, current):
        if is_masked(term):
            return Masked(term.reason, term.min_count, share=True)
    if previous is None or current is None or not previous:
        return None
    return (float(current) - float(previous)) / float(previous)


def previous_year(trend: dict[int, object], year: int) -> int | None:
    """The survey year before `year` in a trend (years with data), or None for a first survey."""
    earlier = [y for y in trend if y < year]
    return max(earlier) if earlier else None


def ranked(items: Iterable[T], count: Callable[[T], float | Masked], name: Callable[[T], str]) -> list[T]:
    """Largest count first; masked counts after every shown one; ties and masked ones by name."""

    def key(item: T) -> tuple:
        n = count(item)
        return (is_masked(n), 0 if is_masked(n) else -float(n), name(item))

    return sorted(items, key=key)


__all__ = ["change_since", "previous_year", "ranked"]
