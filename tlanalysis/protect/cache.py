"""One cache for the protections of a dataset, annual and certification.

A protection is computed once per dataset object and what it depends on (k; the target jobs of the
certification reports): `remembered(dataset, ("annual", k), make)` answers with what was computed (or
read from the private state folder by `protect.store`) for that dataset, or calls `make` once. Entries
go with their dataset (weak references): a new `Dataset` — other data, or the same files read again —
starts afresh, and a report forked from a warm process finds the parent's protections here without
reading any file.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

_CACHE: dict[tuple, tuple[weakref.ref, Any]] = {}


def remembered(dataset: object, key: tuple[Hashable, ...], make: Callable[[], T]) -> T:
    """The protection of `dataset` for `key`, made by `make` the first time it is asked for."""
    slot = (id(dataset), *key)
    cached = _CACHE.get(slot)
    if cached is not None and cached[0]() is dataset:
        return cached[1]
    value = make()
    remember(dataset, key, value)
    return value


def remember(dataset: object, key: tuple[Hashable, ...], value: object) -> None:
    """Answer `remembered(dataset, key, ...)` with `value` from now on."""
    for stale in [slot for slot, (ref, _) in _CACHE.items() if ref() is None]:
        del _CACHE[stale]
    _CACHE[(id(dataset), *key)] = (weakref.ref(dataset), value)


def forget_slot(dataset: object, key: tuple[Hashable, ...]) -> None:
    """Drop the protection of `dataset` for `key` (computed again when next asked for)."""
    _CACHE.pop((id(dataset), *key), None)


def forget(dataset: object | None = None) -> None:
    """Drop the protections of `dataset` (of every dataset when None)."""
    for slot in [s for s, (ref, _) in _CACHE.items() if dataset is None or ref() is dataset]:
        del _CACHE[slot]


__all__ = ["forget", "forget_slot", "remember", "remembered"]
