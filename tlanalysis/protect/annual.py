"""Statistical disclosure control (secret statistique), applied before any figure reaches a notebook.

Every report of a dataset — each (survey year, region) with employment data, and France for each
survey year — is protected *together*, because figures of different reports can be subtracted
from one another. `protect(dataset, min_count)` returns a `Protection`; its
`figures(year, region)` has the structure of `indicators.key_figures` with every figure that may
not be shown replaced by a `Masked` value (a `str`: « < k » or « secret »). docs/disclosure.md
states the rules, their sources and what is and is not guaranteed; in short:

Primary suppression
    * Holders (people): a count below `min_count` (k, default 5), 0 included, is
      `Masked("small_count")`, « < k ». Off with k = 1. A count of nothing at all (no cohort
      seen) is 0 by construction and shown.
    * Jobs (business rule, only when `tiers_lieu` is filled in): a count of a (year, region) or
      of France — total, by contract, by role — from fewer than 3 tiers-lieux, or with one
      tiers-lieu over 85 % of its jobs, is `Masked("business_rule")`, « secret ». 0 jobs is not
      sensitive; rows without a tiers-lieu count as one unidentified place.
    * A share or rate is masked when its numerator or its base is.

Secondary suppression
    Each published count is a sum of "atoms" (holders per region, cohort, situation and
    trajectory group; jobs per year, region, contract and role); counts of the same atoms are one
    cell (`protect.annual_model`). Complementary cells, `Masked("secondary")` « secret », are masked
    until no masked cell is pinned to one value by what a reader sees: the shown cells, the
    additive relations of the reports (totals and parts, France and regions, year Y+1 and year Y)
    and the labels (« < k »: 0..k-1; « secret »: at least k holders or 1 job). For each masked cell
    a linear program (HiGHS) finds the cheapest change of the cells that keeps every shown one and
    moves it (`protect.annual_suppress`); the shown cells it moves become complements. Cost follows
    the cell's value and place: cohort cells, then minor categories, headline figures, regional
    totals; national key figures (of 3 regions or more) only when nothing else works.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ..compute.indicators import key_figures
from ..compute.indicators import situation_by_cohort as _situation_by_cohort
from ..config import DEFAULT_MIN_COUNT
from ..errors import UsageError
from ..reference import FRANCE, Region, resolve_region
from .annual_model import MAX_PLACE_SHARE, MIN_PLACES, NATIONAL_SCOPE, build_model
from .cache import remember, remembered
from .masked import BUSINESS_RULE, REASONS, SECONDARY, SECRET, SMALL_COUNT, Masked, is_masked, masked_label, plottable
from .releases import EarlierFigures

# --- the protection of a dataset ------------------------------------------------------------------


def _masked_share(numerator: object, base: object, exact: float | None, min_count: int) -> float | Masked | None:
    """A share is masked (« secret ») when its numerator or its base is; else the exact share."""
    for term in (base, numerator):
        if isinstance(term, Masked):
            return Masked(term.reason, min_count, share=True)
    return exact


def protected_key_figures(
    employment: pd.DataFrame,
    holders: pd.DataFrame,
    year: int,
    region: Region,
    scope: str,
    value: Callable[[tuple], int | Masked],
    min_count: int,
) -> dict:
    """`key_figures(...)` of one report with every count taken from its published cell (`value(key)`) and
    every share masked with its terms: the one place that maps a report's figures to cell keys, for a
    `Protection` and for one read from a build's protection file."""
    figures = key_figures(employment, holders, year, region)
    jobs, hold = figures["jobs"], figures["holders"]

    def share(numerator: object, base: object, exact: float | None) -> float | Masked | None:
        return _masked_share(numerator, base, exact, min_count)

    job = ("jobs", year, scope)
    jobs["total"] = value((*job, "total"))
    jobs["by_contract"] = {c: value((*job, "contract", c)) for c in jobs["by_contract"]}
    jobs["by_role"] = {o: value((*job, "role", o)) for o in jobs["by_role"]}
    jobs["facilitation"] = jobs["by_role"]["facilitation"]
    jobs["facilitation_share"] = share(jobs["facilitation"], jobs["total"], jobs["facilitation_share"])
    jobs["trend"] = {y: value(("jobs", int(y), scope, "total")) for y in jobs["trend"]}
    if jobs["growth_since_first_year"] is not None:
        first, last = jobs["trend"][str(jobs["first_year"])], jobs["trend"][str(year)]
        jobs["growth_since_first_year"] = share(last, first, jobs["growth_since_first_year"])
    base = ("holders", year, scope)
    hold["n"] = value((*base, "n"))
    hold["situation_counts"] = {s: value((*base, "situation", s)) for s in hold["situation_counts"]}
    hold["situation_shares"] = {
        s: share(hold["situation_counts"][s], hold["n"], v) for s, v in hold["situation_shares"].items()
    }
    hold["trajectory_n"] = value((*base, "trajectory_n"))
    hold["trajectory_counts"] = {g: value((*base, "trajectory", g)) for g in hold["trajectory_counts"]}
    hold["trajectory_shares"] = {
        g: share(hold["trajectory_counts"][g], hold["trajectory_n"], v) for g, v in hold["trajectory_shares"].items()
    }
    return figures


class PublishedReports:
    """What every protection answers the same way from its report list and `value(key)`: which reports
    exist, the checked scope of one, its key figures and the national report's jobs per region (a
    `Protection`, and a `protect.store.StoredProtection` read from a build's file)."""

    min_count: int
    _reports: list[tuple[int, str]]
    _employment: pd.DataFrame
    _holders: pd.DataFrame

    def value(self, key: tuple) -> int | Masked:
        raise NotImplementedError

    @property
    def reports(self) -> list[tuple[int, Region]]:
        """Every (year, region) report protected together; FRANCE for the national ones."""
        return [(y, FRANCE if s == NATIONAL_SCOPE else resolve_region(s)) for y, s in self._reports]

    def _scope(self, year: int, region: Region | str) -> tuple[int, Region, str]:
        if isinstance(region, str):
            region = resolve_region(region)
        scope = NATIONAL_SCOPE if region.is_national else region.code
        if (int(year), scope) not in set(self._reports):
            raise UsageError(
                f"no report for {region.name} in {year}: reports exist for the survey years with "
                "employment data of each region, and for France each survey year"
            )
        return int(year), region, scope

    def figures(self, year: int, region: Region | str = FRANCE) -> dict:
        """`key_figures(employment, holders, year, region)` with every figure that may not be shown masked."""
        year, region, scope = self._scope(year, region)
        return protected_key_figures(self._employment, self._holders, year, region, scope, self.value, self.min_count)

    def published_cells(self) -> dict[tuple, int | Masked]:
        raise NotImplementedError

    def report_cells(self, reports: Iterable[tuple[int, str]]) -> dict[tuple, int | Masked]:
        """The published counts the pages of these reports show, by key: each report's own counts and jobs
        trend, and for a national report the figures of the year's regions its « Les régions » shows
        (jobs, facilitation jobs, holders seen, jobs trend): what the release ledger records.
        `reports`: (year, region code or "FR") pairs."""
        cells = self.published_cells()
        own: dict[tuple[int, str], list[tuple]] = {}
        for key in cells:
            own.setdefault((key[1], key[2]), []).append(key)
        years_of: dict[str, list[int]] = {}
        for y, s in self._reports:
            years_of.setdefault(s, []).append(y)
        out: dict[tuple, int | Masked] = {}

        def take(keys: Iterable[tuple]) -> None:
            out.update({key: cells[key] for key in keys if key in cells})

        def trend(year: int, scope: str) -> None:
            take(("jobs", y, scope, "total") for y in years_of.get(scope, []) if y <= year)

        for year, scope in reports:
            take(own.get((year, scope), []))
            trend(year, scope)
            if scope == NATIONAL_SCOPE:
                for y, r in self._reports:
                    if y == year and r != NATIONAL_SCOPE:
                        take([("jobs", y, r, "total"), ("jobs", y, r, "role", "facilitation"), ("holders", y, r, "n")])
                        trend(year, r)
        return out

    def jobs_by_region(self, year: int) -> dict[str, int | Masked]:
        """Jobs of the year per region code with data (the regions table of the national report)."""
        year, _, _ = self._scope(year, FRANCE)
        return {
            s: self.value(("jobs", year, s, "total")) for y, s in self._reports if y == year and s != NATIONAL_SCOPE
        }


class Protection(PublishedReports):
    """The figures of every report of a dataset, with disclosure control applied (see the module doc).

    Build it with `protect(dataset, min_count)`. Its outputs never contain the value of a
    masked figure; `figures(year, region)` is `key_figures(...)` with `Masked` values.
    """

    def __init__(
        self,
        employment: pd.DataFrame,
        holders: pd.DataFrame,
        min_count: int = DEFAULT_MIN_COUNT,
        earlier: EarlierFigures | None = None,
    ) -> None:
        from .annual_earlier import add_earlier_releases  # HiGHS and scipy: only when protecting
        from .annual_suppress import Suppressor

        self.min_count = _check_min_count(min_count)
        self._employment = employment
        self._holders = holders
        model, self._reports = build_model(employment, holders, self.min_count)
        self._model = model
        self.reconciled = earlier.reconcile(model.keys, model.values, model.holders) if earlier else None
        known, carried = (self.reconciled.known, self.reconciled.carried) if self.reconciled else ({}, {})
        self._present = model.n_classes  # classes of this data; earlier releases' own ones come after
        if earlier and self.reconciled and self.reconciled.changed and earlier.sources:
            # the data changed since: what the earlier releases said holds only where it did not
            known, carried = add_earlier_releases(model, earlier.sources, employment, holders)
        suppressor = Suppressor(model, self.min_count, known, carried)
        self._masked = suppressor.run()
        self._unresolved = list(suppressor.unresolved)
        self._lp_count = suppressor.lp_count
        self._cohort_index: dict[tuple[int, str], list[tuple[int, str]]] | None = None
        model.compact()

    # -- what is published

    def value(self, key: tuple) -> int | Masked:
        """One published count by its key, e.g. ("holders", 2019, "75", "situation", "autre")."""
        cid = self._model.keys[key]
        if cid is None:
            return 0
        reason = self._masked.get(cid)
        return Masked(reason, self.min_count) if reason else self._model.values[cid]

    def situation_by_cohort(self, year: int, region: Region | str = FRANCE) -> pd.DataFrame:
        """`indicators.situation_by_cohort` of the report's holders, plus a `total` column (cohort size),
        object dtype: ints, or `Masked` values."""
        year, region, scope = self._scope(year, region)
        if self._cohort_index is None:  # the rows of every report's table, once (a crosstab per call is slow)
            self._cohort_template = _situation_by_cohort(self._holders.iloc[:0])
            self._cohort_index = {}
            for key in self._model.keys:
                if key[0] == "holders" and key[3] == "cohort" and key[-1] == "total":
                    self._cohort_index.setdefault((key[1], key[2]), []).append((key[4], key[5]))
        empty = self._cohort_template
        rows = sorted(self._cohort_index.get((year, scope), []))
        index = pd.MultiIndex.from_tuples(rows, names=empty.index.names) if rows else empty.index
        if rows:
            index = index.set_levels([index.levels[i].astype(empty.index.levels[i].dtype) for i in range(2)])
        columns = [*(str(c) for c in empty.columns), "total"]
        values = [
            [self.value(("holders", year, scope, "cohort", cohort_year, cohort, column)) for column in columns]
            for cohort_year, cohort in rows
        ]
        return pd.DataFrame(values, index=index, columns=pd.Index(columns, name=empty.columns.name), dtype=object)

    def published_cells(self) -> dict[tuple, int | Masked]:
        """Every published count of every report by its key, with its shown value or its `Masked` value
        (what a protection file stores; no masked value in it)."""
        return {key: self.value(key) for key in self._model.keys}

    # -- audit (counts and keys only: no masked value)

    @property
    def unresolved(self) -> list[tuple]:
        """Keys of masked figures the suppression could not fully protect (see docs/disclosure.md, k = 2)."""
        present = getattr(self, "_present", self._model.n_classes)
        return [self._model.representative[c] for c in self._unresolved if c < present]

    def summary(self) -> dict[str, int]:
        """How many distinct published counts there are and how many are masked, by reason."""
        present = getattr(self, "_present", self._model.n_classes)
        out = {"cells": present}
        for reason in REASONS:
            out[reason] = sum(1 for c, r in self._masked.items() if r == reason and c < present)
        out["unresolved"] = sum(1 for c in self._unresolved if c < present)
        return out


def _check_min_count(min_count: object) -> int:
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise UsageError(f"min_count must be a whole number of at least 1, got {min_count!r}")
    return int(min_count)


def protect(dataset, min_count: int = DEFAULT_MIN_COUNT, earlier: EarlierFigures | None = None) -> Protection:
    """The protection of every report of `dataset` (a `Dataset`), computed once per dataset object and k
    (`protect.cache`; about 0.3 s on the bundled sample, 4 s for 18 regions); call it in each report
    instead of `key_figures`. `earlier`: the figures of earlier releases to honour
    (`tlanalysis.protect.releases`): such a protection is computed, and remembered for the dataset."""
    k = _check_min_count(min_count)
    if earlier:
        protection = Protection(dataset.employment, dataset.holders, k, earlier)
        remember(dataset, ("annual", k), protection)
        return protection
    protection = remembered(dataset, ("annual", k), lambda: Protection(dataset.employment, dataset.holders, k))
    if not isinstance(protection, Protection):  # the build's stored cells (`protect.store`): compute it here
        protection = Protection(dataset.employment, dataset.holders, k)
        remember(dataset, ("annual", k), protection)
    return protection


__all__ = [
    "BUSINESS_RULE",
    "MAX_PLACE_SHARE",
    "MIN_PLACES",
    "REASONS",
    "SECONDARY",
    "SECRET",
    "SMALL_COUNT",
    "Masked",
    "Protection",
    "PublishedReports",
    "is_masked",
    "masked_label",
    "plottable",
    "protect",
]
