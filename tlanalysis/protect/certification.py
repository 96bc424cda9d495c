"""Disclosure control of the certification report: small counts, rates built on them, and
secondary suppression checked with integer programming.

What the report shows (each count a number of people):

* per year of certification and territory (France and each region): certified, by access route
  (formation, VAE, candidat libre), respondents and neutralised at 6 months and 2 years, and the two
  insertion rates of each follow-up (whose numerators, in employment and in the target job, a reader
  gets back as rate × base);
* per cohort: presented, certified, partial, the success rate, and the validation rates of each
  bloc and competency (numerators: presented × rate).

Rules (`tlanalysis.protect.annual` conventions, its public `Masked` values):

* **primary**: a count below k (default 5), 0 included, is `Masked("small_count")`, « < k »;
* a **rate** is masked when its numerator or its base is;
* **secondary**: complementary counts (`Masked("secondary")`, « secret », each holding at least k
  people, which a reader knows) are masked until no masked count can be pinned to one value by what a
  reader knows: the shown counts, the labels (« < k »: 0..k-1; « secret »: ≥ k), the structure of the
  tables, **and the holder counts of the annual reports** (each report's holders, by situation, and
  per cohort), which count the same people. The whole is one model of whole numbers of people
  (`tlanalysis.protect.certification_model`); pinned counts are found with HiGHS's MILP solver, made cheap by
  keeping every solution found as a witness (`tlanalysis.protect.certification_suppress`). Complements are
  certification counts only: the annual report's masking is decided first (`tlanalysis.protect.annual`)
  and kept, and its masked counts must stay unpinned here too.

A count's masking does not depend on the report year: the report of year Y shows the years of
certification and the cohorts before Y, so reports of different years never show a count one of
them masks. Not modelled: relations between a cohort's jury results and the years of certification
of its holders beyond their number, the annual trajectory counts, and jobs (other people).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..compute.certification import (
    DEFAULT_TARGET_JOBS,
    FOLLOW_UPS,
    ROUTES,
    blocs,
    candidate_results,
    certified_holders,
    check_target_jobs,
    cohort_results,
    competency_blocs,
    has_certification_data,
    insertion_rate,
    promotion,
)
from ..compute.indicators import share
from ..config import DEFAULT_MIN_COUNT
from ..errors import UsageError
from ..reference import FRANCE, Region, resolve_region
from .cache import remember, remembered
from .certification_model import NATIONAL_SCOPE, PROMOTION_MEASURES, Unit, build_unit
from .masked import SECONDARY, SMALL_COUNT, Masked, is_masked
from .releases import EarlierFigures

Key = Hashable


# --- the protection -----------------------------------------------------------------------------


class CertificationProtection:
    """The figures of every certification report of a dataset, with disclosure control applied."""

    def __init__(
        self,
        holders: pd.DataFrame,
        assessments: pd.DataFrame | None,
        min_count: int = DEFAULT_MIN_COUNT,
        target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS,
        annual=None,
        earlier: EarlierFigures | None = None,
    ) -> None:
        """`annual`: the protection of the annual reports of the same data (a `Protection` or a
        `StoredProtection`), whose holder counts a reader sees beside these; without it, only the
        certification reports are modelled. `earlier`: the certification figures of the earlier releases
        of the series, which keep their status (`tlanalysis.protect.releases`)."""
        if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
            raise UsageError(f"min_count must be a whole number of at least 1, got {min_count!r}")
        self.min_count = int(min_count)
        self.target_jobs = check_target_jobs(target_jobs)
        self._all_holders = holders
        self._holders = certified_holders(holders)
        self._candidates = candidate_results(assessments) if assessments is not None and len(assessments) else None
        if assessments is not None:
            cohort_region = assessments.drop_duplicates("cohort").set_index("cohort")["region_code"].astype(object)
            self._cohort_region = {str(c): str(r) for c, r in cohort_region.items()}
        else:
            self._cohort_region = {}
        if annual is not None and annual.min_count != self.min_count:
            raise UsageError(f"the annual protection is for k = {annual.min_count}, not {self.min_count}")
        self._annual_cells = (
            {key: v for key, v in annual.published_cells().items() if key[0] == "holders"} if annual else None
        )
        self.with_annual = annual is not None
        self._earlier = earlier
        #: keys of figures an earlier release published with another value (corrections)
        self.corrected: list[tuple] = []
        self._unit: Unit | None = None
        self._masked: dict[Key, str] = {}
        #: Every count the reports show, with its shown value or its mask (computed, or stored: `from_cells`).
        self._cells: dict[Key, int | Masked] | None = None
        self._stored_summary: dict[str, int] | None = None
        self.solves = 0

    @classmethod
    def from_cells(
        cls,
        holders: pd.DataFrame,
        assessments: pd.DataFrame | None,
        min_count: int,
        target_jobs: Iterable[str],
        cells: Mapping[Any, int | Masked],
        summary: dict[str, int],
    ) -> CertificationProtection:
        """The protection a build computed, from its published cells (`published_cells`, stored by
        `protect.store`): the reports it gives are those of the computed one."""
        protection = cls(holders, assessments, min_count, target_jobs)
        protection._cells = dict(cells)
        protection._stored_summary = dict(summary)
        return protection

    # -- the protection, computed when first asked for

    def _protected(self) -> tuple[Unit, dict[Key, str]]:
        if self._unit is None:
            unit = build_unit(self._all_holders, self._candidates, self.target_jobs, self._annual_cells)
            if self._earlier:
                self._honour(unit)
            from .certification_suppress import suppress  # HiGHS and scipy: only when protecting

            masked, self.solves = suppress(unit, self.min_count) if self.min_count > 1 else ({}, 0)
            self._unit, self._masked = unit, masked
            self._annual_cells = None  # what building needed, no longer kept
            self._values = dict(zip(unit.keys, (unit.matrix() @ unit.truth).tolist(), strict=True))
        return self._unit, self._masked

    @property
    def stored(self) -> bool:
        """Whether this protection was read from a build's stored cells rather than computed."""
        return self._stored_summary is not None

    def published_cells(self) -> dict[Key, int | Masked]:
        """Every count of the certification reports by its key, with its shown value or its `Masked`
        value (what the build stores; no masked value in it)."""
        if self._cells is None:
            unit, masked = self._protected()
            self._cells = {
                key: Masked(masked[key], self.min_count) if key in masked else int(self._values[key])
                for key in unit.keys
                if not _is_annual(key)
            }
        return self._cells

    def _honour(self, unit: Unit) -> None:
        """Earlier releases' figures keep their status: shown ones are known to a reader (never masked
        now, never complements), masked ones stay masked; both are decided, like the annual counts."""
        own = {key: i for i, key in enumerate(unit.keys) if isinstance(key, tuple) and key[0] != "annual"}
        values = (unit.matrix() @ unit.truth).tolist()
        assert self._earlier is not None
        reconciled = self._earlier.reconcile(own, values, [True] * len(values))
        for i in reconciled.known:
            unit.external[unit.keys[i]] = None
        for i, (_, high) in reconciled.carried.items():
            unit.external[unit.keys[i]] = SMALL_COUNT if high < self.min_count else SECONDARY
        self.corrected = reconciled.corrected

    def report_cells(self, reports: Iterable[tuple[int, Region]]) -> dict[tuple, int | Masked]:
        """Every count the certification reports (year, region) show, by key, with its value or mask (what the
        release ledger records): the years of certification and the cohorts before each report's year."""
        out: dict[tuple, int | Masked] = {}
        measures = [m for m, _ in PROMOTION_MEASURES]
        cohort_measures = ["presented", "certified", "partial"]
        cohort_measures += [f"bloc_{b}" for b in blocs()] + [f"competency_{c}" for c in competency_blocs()]
        for year, region in reports:
            scope = NATIONAL_SCOPE if region.is_national else region.code
            for y in self.years(year, region):
                for measure in measures:
                    out[("promotion", y, scope, measure)] = self._count("promotion", y, (scope, measure))
            for cohort in self.cohorts(year, region):
                for measure in cohort_measures:
                    out[("cohort", cohort, measure)] = self._count("cohort", cohort, measure)
        return out

    def _count(self, kind: str, name, cell: Key) -> int | Masked:
        key = (kind, name, *cell) if isinstance(cell, tuple) else (kind, name, cell)
        return self.published_cells()[key]

    def compute_all(self) -> CertificationProtection:
        """Protect every count now, so that a build can do it once for all its certification reports and
        store the result for their kernels (`protect.store`)."""
        self.published_cells()
        return self

    def _rate(self, numerator, base_terms: list, exact: float | None) -> float | Masked | None:
        for term in (*base_terms, numerator):
            if is_masked(term):
                return Masked(term.reason, self.min_count, share=True)
        return exact

    # -- what the report shows

    def years(self, before: int | None = None, region: Region | str = FRANCE) -> list[int]:
        region = resolve_region(region) if isinstance(region, str) else region
        selected = certified_holders(self._holders, region, before)
        return sorted(int(y) for y in selected["certification_year"].unique())

    def cohorts(self, before: int | None = None, region: Region | str = FRANCE) -> list[str]:
        if self._candidates is None:
            return []
        region = resolve_region(region) if isinstance(region, str) else region
        frame = self._candidates
        if before is not None:
            frame = frame[frame["cohort_year"] < before]
        if not region.is_national:
            frame = frame[frame["cohort"].map(self._cohort_region) == region.code]
        return list(dict.fromkeys(frame.sort_values(["cohort_year", "cohort"])["cohort"].astype(str)))

    def promotions(self, before: int | None = None, region: Region | str = FRANCE) -> list[dict]:
        """`certification.promotions(...)` of the report, counts and rates masked where needed."""
        region = resolve_region(region) if isinstance(region, str) else region
        scope = NATIONAL_SCOPE if region.is_national else region.code
        out = []
        for year in self.years(before, region):
            exact = promotion(
                certified_holders(self._holders, region)[lambda f, y=year: f["certification_year"] == y],
                self.target_jobs,
            )

            def count(measure: str, y: int = year) -> int | Masked:
                return self._count("promotion", y, (scope, measure))

            row: dict = {"certification_year": year, "certified": count("certified")}
            row["certified_by_route"] = {r: count(f"route_{r}") for r in ROUTES}
            row["certified_vae"] = row["certified_by_route"]["vae"]
            for suffix in FOLLOW_UPS:
                for name in ("base", "employed", "target_job"):
                    row[f"{name}_{suffix}"] = count(f"{name}_{suffix}")
                base = [row[f"base_{suffix}"]]
                row[f"insertion_global_{suffix}"] = self._rate(
                    row[f"employed_{suffix}"], base, exact[f"insertion_global_{suffix}"]
                )
                row[f"insertion_target_job_{suffix}"] = self._rate(
                    row[f"target_job_{suffix}"], base, exact[f"insertion_target_job_{suffix}"]
                )
            out.append(row)
        return out

    def cohort_results(self, before: int | None = None, region: Region | str = FRANCE) -> list[dict]:
        """Per cohort: presented, certified, partial, success rate, bloc and competency validation rates."""
        out: list[dict] = []
        if self._candidates is None:
            return out
        for cohort in self.cohorts(before, region):
            group = self._candidates[self._candidates["cohort"] == cohort]
            exact = cohort_results(group)

            def count(cell: str, c: str = cohort) -> int | Masked:
                return self._count("cohort", c, cell)

            presented = count("presented")
            row = {
                "cohort": cohort,
                "cohort_year": int(group["cohort_year"].iat[0]),
                "presented": presented,
                "certified": count("certified"),
                "partial": count("partial"),
            }
            row["success_rate"] = self._rate(row["certified"], [presented], exact["success_rate"])
            row["blocs"] = {b: self._rate(count(f"bloc_{b}"), [presented], exact["blocs"][b]) for b in blocs()}
            row["competencies"] = {
                c: self._rate(count(f"competency_{c}"), [presented], exact["competencies"][c])
                for c in competency_blocs()
            }
            out.append(row)
        return out

    # -- audit (keys only, never a masked value)

    def audit(self) -> list[Key]:
        """Masked counts a reader could still pin down (should be []), checked on a fresh model."""
        if self._stored_summary is not None:
            raise UsageError("a stored certification protection cannot be audited: compute it (`compute_all`)")
        from .certification_suppress import audit_pinned

        unit, masked = self._protected()
        return audit_pinned(unit, masked, self.min_count)

    def summary(self) -> dict[str, int]:
        if self._stored_summary is not None:
            return dict(self._stored_summary)
        unit, masked = self._protected()
        annual = {key for key in unit.keys if isinstance(key, tuple) and key[0] == "annual"}
        own = [r for key, r in masked.items() if key not in annual]
        return {
            "cells": len(unit.keys) - len(annual),
            SMALL_COUNT: own.count(SMALL_COUNT),
            SECONDARY: own.count(SECONDARY),
            "annual_cells": len(annual),
        }


def _is_annual(key: Key) -> bool:
    """An annual count the certification unit reads (given, not its own)."""
    return isinstance(key, tuple) and len(key) > 0 and key[0] == "annual"


def unmasked_share(part: object, whole: object) -> float | None:
    """A share of two shown counts (for a chart), None when either is masked or the base is 0."""
    if is_masked(part) or is_masked(whole) or part is None or whole is None:
        return None
    return share(float(part), float(whole))  # type: ignore[arg-type]  # shown counts are numbers


def protect_certification(
    dataset,
    min_count: int = DEFAULT_MIN_COUNT,
    target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS,
    annual=None,
    earlier: EarlierFigures | None = None,
) -> CertificationProtection:
    """The protection of the certification figures of `dataset`, once per dataset object, k and target jobs
    (`protect.cache`), beside the annual reports' protection (`annual`, or a function giving it, called
    only when this one must be computed; by default `annual.protect(dataset, min_count)`). `earlier`: the
    certification figures of earlier releases to honour (such a protection is computed, and remembered
    for the dataset)."""
    jobs = check_target_jobs(target_jobs)

    def make() -> CertificationProtection:
        known = annual() if callable(annual) else annual
        if known is None and len(dataset.employment):
            from .annual import protect

            known = protect(dataset, min_count)
        return CertificationProtection(dataset.holders, dataset.assessments, min_count, jobs, known, earlier)

    slot = certification_slot(min_count, jobs)
    if earlier:
        protection = make()
        remember(dataset, slot, protection)
        return protection
    return remembered(dataset, slot, make)


def certification_slot(min_count: int, target_jobs: tuple[str, ...]) -> tuple:
    """The key of a certification protection in `protect.cache`."""
    return ("certification", int(min_count) if not isinstance(min_count, bool) else min_count, tuple(target_jobs))


__all__ = [
    "CertificationProtection",
    "has_certification_data",
    "insertion_rate",
    "protect_certification",
    "unmasked_share",
]
