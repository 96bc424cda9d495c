"""Disclosure control of the certification report: small counts, rates built on them, and
secondary suppression audited with integer programming.

What the report shows (each count a number of people):

* per year of certification and territory (France and each region): certified, by access route
  (formation, VAE, candidat libre), respondents and neutralised at 6 months and 2 years, and the two
  insertion rates of each follow-up (whose numerators, in employment and in the target job, a reader
  gets back as rate × base);
* per cohort: presented, certified, partial, the success rate, and the validation rates of each
  bloc and competency (numerators: presented × rate).

Rules (`tlanalysis.disclosure` conventions, its public `Masked` values):

* **primary**: a count below k (default 5), 0 included, is `Masked("small_count")`, « < k »;
* a **rate** is masked when its numerator or its base is;
* **secondary**: complementary counts (`Masked("secondary")`, « secret », each holding at least k
  people, which a reader knows) are masked until no masked count can be pinned to one value by what a
  reader knows: the shown counts, the labels (« < k »: 0..k-1; « secret »: ≥ k), and the structure
  of the tables. That structure is modelled exactly, with the people as non-negative whole numbers
  of groups ("atoms"): for a year of certification, the holders of each region by route × situation
  class at 6 months × at 2 years (France is the sum of the regions); for a cohort, the presented
  candidates by set of validated blocs, and the candidates validating each competency (between
  those who validated its bloc and those presented; a bloc not validated misses a competency). Each
  masked count's least and greatest possible values are found with `scipy.optimize.milp`; where they
  meet, the cheapest shown count that frees it is masked too (detail before totals, national before
  regional, small before large), and the audit runs again.

One year of certification (all territories) or one cohort is a unit: the report of year Y shows the
years of certification and the cohorts before Y, and a unit's masking does not depend on Y, so the
reports of different years never show a count one of them masks. Not modelled: relations between a
cohort's results and the holders of a year of certification (cohorts and years mix through resits),
and figures of the annual report.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .certification import (
    DEFAULT_TARGET_JOBS,
    FOLLOW_UPS,
    ROUTES,
    assessments_in,
    blocs,
    candidate_results,
    certified_holders,
    check_target_jobs,
    cohort_results,
    competency_blocs,
    insertion_rate,
    promotion,
)
from .config import DEFAULT_MIN_COUNT
from .disclosure import SECONDARY, SMALL_COUNT, Masked, is_masked
from .errors import UsageError
from .indicators import share
from .reference import FRANCE, Region, resolve_region
from .schema import EMPLOYED_SITUATIONS, NEUTRALISED_SITUATIONS, NO_ANSWER

NATIONAL_SCOPE = "FR"
#: A count of a unit: (territory, measure) for a year of certification, the measure for a cohort.
Key = Hashable
#: Situation classes of a follow-up, disjoint: no answer, neutralised, in the target job, in another
#: job, other respondents (job seeking, other situation).
_CLASSES = ("no_answer", "neutralised", "target_job", "other_job", "other")
#: Counts of a year of certification, per territory: (measure, cost tier); lower tiers are masked first.
PROMOTION_MEASURES = (
    ("certified", 3),
    *((f"route_{r}", 0 if r != "vae" else 1) for r in ROUTES),
    *((f"{m}_{s}", tier) for s in FOLLOW_UPS for m, tier in (("base", 2), ("employed", 1), ("target_job", 0))),
)
COHORT_MEASURES = ("presented", "certified", "partial")


def _class_of(situations: pd.Series, target_jobs: tuple[str, ...]) -> np.ndarray:
    values = situations.astype(object).to_numpy()
    out = np.full(len(values), 4)
    out[pd.isna(values) | (values == NO_ANSWER)] = 0
    out[np.isin(values, NEUTRALISED_SITUATIONS)] = 1
    out[np.isin(values, [j for j in EMPLOYED_SITUATIONS if j not in target_jobs])] = 3
    out[np.isin(values, target_jobs)] = 2
    return out


@dataclass
class _Unit:
    """Counts (key -> coefficients over the atoms, value, cost) and extra constraints on the atoms."""

    n_vars: int
    cells: dict[Key, tuple[np.ndarray, int, tuple]] = field(default_factory=dict)
    extra: list[tuple[np.ndarray, float, float]] = field(default_factory=list)  # lo <= row @ x <= hi


def _system(unit: _Unit, masked: dict[Key, str], k: int):
    """What a reader knows, as linear constraints on the atoms."""
    from scipy.optimize import LinearConstraint

    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []
    for key, (vector, value, _) in unit.cells.items():
        rows.append(vector)
        reason = masked.get(key)
        if reason is None:
            lo.append(value)
            hi.append(value)
        elif reason == SMALL_COUNT:
            lo.append(0)
            hi.append(k - 1)
        else:
            lo.append(k)
            hi.append(np.inf)
    for vector, low, high in unit.extra:
        rows.append(vector)
        lo.append(low)
        hi.append(high)
    return LinearConstraint(np.array(rows, dtype=float), np.array(lo, dtype=float), np.array(hi, dtype=float))


def _bounds_of(unit: _Unit, masked: dict[Key, str], k: int, target: Key, system=None) -> tuple[float, float]:
    """The least and greatest value of the count `target` consistent with what a reader knows."""
    from scipy.optimize import Bounds, milp

    constraints = system if system is not None else _system(unit, masked, k)
    objective = unit.cells[target][0].astype(float)
    found = []
    for sign in (1.0, -1.0):
        result = milp(
            sign * objective, constraints=constraints, integrality=np.ones(unit.n_vars), bounds=Bounds(0, np.inf)
        )
        if result.status == 3 or result.x is None:  # unbounded (or no finite optimum): not pinned
            found.append(-sign * np.inf)
        else:
            found.append(float(objective @ np.round(result.x)))
    return found[0], found[1]


def pinned(unit: _Unit, masked: dict[Key, str], k: int, first: bool = False) -> list[Key]:
    """Masked counts of the unit whose value a reader can work out exactly (only the first one if `first`)."""
    system = _system(unit, masked, k)
    out: list[Key] = []
    seen: dict[bytes, tuple[float, float]] = {}  # counts with the same atoms have the same bounds
    for key in sorted(masked, key=lambda key: unit.cells[key][2], reverse=True):
        vector = unit.cells[key][0].tobytes()
        if vector not in seen:
            seen[vector] = _bounds_of(unit, masked, k, key, system)
        low, high = seen[vector]
        if high - low < 0.5:
            out.append(key)
            if first:
                break
    return out


def _same_counts(unit: _Unit) -> dict[Key, list[Key]]:
    """Counts with the same atoms are one figure (France = the only region): masked together."""
    groups: dict[bytes, list[Key]] = {}
    for key, (vector, _, _) in unit.cells.items():
        groups.setdefault(vector.tobytes(), []).append(key)
    return {key: members for members in groups.values() for key in members}


def suppress(unit: _Unit, k: int) -> dict[Key, str]:
    """Primary then secondary suppression of one unit (key -> reason)."""
    masked = {key: SMALL_COUNT for key, (_, value, _) in unit.cells.items() if value < k} if k > 1 else {}
    if not masked:
        return masked
    same = _same_counts(unit)

    def with_mask(current: dict, key: Key) -> dict:
        return {**current, **dict.fromkeys(same[key], SECONDARY)}

    for _ in range(len(unit.cells) + 1):
        exposed = pinned(unit, masked, k, first=True)
        if not exposed:
            return masked
        target = exposed[0]
        shown = sorted((key for key in unit.cells if key not in masked), key=lambda key: unit.cells[key][2])
        related = [key for key in shown if (unit.cells[key][0] * unit.cells[target][0]).any()] or shown
        if not related:
            break
        chosen = related[0]  # if no single complement frees it: the cheapest related count, and look again
        for key in related:
            low, high = _bounds_of(unit, with_mask(masked, key), k, target)
            if high - low >= 0.5:
                chosen = key
                break
        masked = with_mask(masked, chosen)
    for key in unit.cells:  # could not be protected otherwise: nothing of the unit is shown
        masked.setdefault(key, SECONDARY if unit.cells[key][1] >= k else SMALL_COUNT)
    return masked


# --- the two kinds of unit ---------------------------------------------------------------------


def _promotion_unit(holders: pd.DataFrame, target_jobs: tuple[str, ...]) -> _Unit:
    """The holders of one year of certification, all territories.

    Atoms per region: the holders by route (3), by situation class at 6 months (5) and at 2 years (5),
    three partitions of the same people. Any three such margins with the same total come from some
    route × 6-month × 2-year table of whole numbers, so this is exactly what the counts let a reader
    infer, with 13 unknowns per region instead of 75."""
    regions = sorted(str(r) for r in holders["region_code"].astype(object).unique())
    sizes = {"route": len(ROUTES), "6m": len(_CLASSES), "2y": len(_CLASSES)}
    per_region = sum(sizes.values())
    offsets = {"route": 0, "6m": sizes["route"], "2y": sizes["route"] + sizes["6m"]}
    unit = _Unit(per_region * len(regions))
    atoms = np.zeros(unit.n_vars, dtype=np.int64)
    codes = holders["region_code"].astype(object).to_numpy()
    for r_index, region in enumerate(regions):
        mine = holders[codes == region]
        base = r_index * per_region
        route = mine["access_route"].astype(object).map({r: i for i, r in enumerate(ROUTES)}).to_numpy()
        np.add.at(atoms, base + route.astype(int), 1)
        np.add.at(atoms, base + offsets["6m"] + _class_of(mine["situation_6m"], target_jobs), 1)
        np.add.at(atoms, base + offsets["2y"] + _class_of(mine["situation_2y"], target_jobs), 1)
        for part in ("6m", "2y"):  # the same people in each partition
            vector = np.zeros(unit.n_vars, dtype=np.int64)
            vector[base : base + sizes["route"]] = 1
            vector[base + offsets[part] : base + offsets[part] + sizes[part]] = -1
            unit.extra.append((vector, 0, 0))

    def selector(measure: str) -> np.ndarray:
        local = np.zeros(per_region, dtype=np.int64)
        if measure == "certified":
            local[: sizes["route"]] = 1
        elif measure.startswith("route_"):
            local[ROUTES.index(measure[len("route_") :])] = 1
        else:
            name, suffix = measure.rsplit("_", 1)
            classes = {
                "base": (2, 3, 4),  # respondents − neutralised
                "employed": (2, 3),
                "target_job": (2,),
            }[name]
            local[[offsets[suffix] + c for c in classes]] = 1
        return local

    scopes = [NATIONAL_SCOPE, *regions]
    for s_rank, scope in enumerate(scopes):
        for measure, tier in PROMOTION_MEASURES:
            vector = np.zeros(unit.n_vars, dtype=np.int64)
            for r_index, region in enumerate(regions):
                if scope in (NATIONAL_SCOPE, region):
                    vector[r_index * per_region : (r_index + 1) * per_region] = selector(measure)
            value = int(vector @ atoms)
            unit.cells[(scope, measure)] = (vector, value, (tier, 0 if scope == NATIONAL_SCOPE else 1, value, s_rank))
    return unit


_PATTERNS = list(itertools.product((0, 1), repeat=3))


def _cohort_unit(candidates: pd.DataFrame) -> _Unit:
    """The presented candidates of one cohort (atoms: set of validated blocs; one count per competency)."""
    bloc_ids = blocs()
    codes = list(competency_blocs())
    presented = candidates[candidates["presented"]]
    unit = _Unit(len(_PATTERNS) + len(codes))
    pattern_of = presented[[f"bloc_{b}" for b in bloc_ids]].astype(int).to_numpy()
    atoms = np.zeros(unit.n_vars, dtype=np.int64)
    for row in pattern_of:
        atoms[_PATTERNS.index(tuple(row))] += 1
    for i, code in enumerate(codes):
        atoms[len(_PATTERNS) + i] = int(presented[code].sum())

    def patterns(test) -> np.ndarray:
        vector = np.zeros(unit.n_vars, dtype=np.int64)
        for i, p in enumerate(_PATTERNS):
            vector[i] = 1 if test(p) else 0
        return vector

    def cell(key, vector, tier):
        unit.cells[key] = (vector, int(vector @ atoms), (tier, int(vector @ atoms), str(key)))

    cell("presented", patterns(lambda p: True), 3)
    cell("certified", patterns(lambda p: sum(p) == 3), 2)
    cell("partial", patterns(lambda p: 0 < sum(p) < 3), 1)
    for b_index, bloc in enumerate(bloc_ids):
        cell(f"bloc_{bloc}", patterns(lambda p, b=b_index: p[b] == 1), 1)
    everyone = patterns(lambda p: True)
    for i, code in enumerate(codes):
        vector = np.zeros(unit.n_vars, dtype=np.int64)
        vector[len(_PATTERNS) + i] = 1
        cell(f"competency_{code}", vector, 0)
        b_index = bloc_ids.index(competency_blocs()[code])
        with_bloc = patterns(lambda p, b=b_index: p[b] == 1)
        unit.extra.append((vector - with_bloc, 0, np.inf))  # validated its bloc → validated the competency
        unit.extra.append((vector - everyone, -np.inf, 0))  # at most the presented
    for b_index, bloc in enumerate(bloc_ids):  # a bloc not validated misses one of its competencies
        members = [i for i, c in enumerate(codes) if competency_blocs()[c] == bloc]
        vector = np.zeros(unit.n_vars, dtype=np.int64)
        vector[[len(_PATTERNS) + i for i in members]] = 1
        size = len(members)
        vector -= size * patterns(lambda p, b=b_index: p[b] == 1) + (size - 1) * patterns(
            lambda p, b=b_index: p[b] == 0
        )
        unit.extra.append((vector, -np.inf, 0))
    return unit


# --- the protection -----------------------------------------------------------------------------


class CertificationProtection:
    """The figures of every certification report of a dataset, with disclosure control applied."""

    def __init__(
        self,
        holders: pd.DataFrame,
        assessments: pd.DataFrame | None,
        min_count: int = DEFAULT_MIN_COUNT,
        target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS,
    ) -> None:
        if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
            raise UsageError(f"min_count must be a whole number of at least 1, got {min_count!r}")
        self.min_count = int(min_count)
        self.target_jobs = check_target_jobs(target_jobs)
        self._holders = certified_holders(holders)
        self._candidates = candidate_results(assessments) if assessments is not None and len(assessments) else None
        if assessments is not None:
            cohort_region = assessments.drop_duplicates("cohort").set_index("cohort")["region_code"].astype(object)
            self._cohort_region = {str(c): str(r) for c, r in cohort_region.items()}
        else:
            self._cohort_region = {}
        self._units: dict[tuple, tuple[_Unit, dict[Key, str]]] = {}

    # -- units, computed when first asked for

    def _unit(self, kind: str, name) -> tuple[_Unit, dict[Key, str]]:
        key = (kind, name)
        if key not in self._units:
            if kind == "promotion":
                unit = _promotion_unit(self._holders[self._holders["certification_year"] == name], self.target_jobs)
            else:
                assert self._candidates is not None, "no jury results: no cohort unit"
                unit = _cohort_unit(self._candidates[self._candidates["cohort"] == name])
            self._units[key] = (unit, suppress(unit, self.min_count))
        return self._units[key]

    def _count(self, kind: str, name, cell: Key) -> int | Masked:
        unit, masked = self._unit(kind, name)
        reason = masked.get(cell)
        return Masked(reason, self.min_count) if reason else unit.cells[cell][1]

    def _rate(self, numerator, base_terms: list, exact: float | None) -> float | Masked | None:
        for term in (*base_terms, numerator):
            if is_masked(term):
                return Masked(term.reason, self.min_count, share=True)
        return exact

    def compute_all(self) -> CertificationProtection:
        """Protect every unit now (every year of certification, every cohort), so that a build can do it
        once for all its certification reports and hand the result to their kernels (`tlanalysis.data_cache`)."""
        for year in self.years():
            self._unit("promotion", year)
        for cohort in self.cohorts():
            self._unit("cohort", cohort)
        return self

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

    def audit(self) -> list[tuple]:
        """Masked counts of the units computed so far that a reader could still pin down (should be [])."""
        return [
            (kind, name, key)
            for (kind, name), (unit, masked) in self._units.items()
            for key in pinned(unit, masked, self.min_count)
        ]

    def summary(self) -> dict[str, int]:
        masked = [r for _, m in self._units.values() for r in m.values()]
        return {
            "cells": sum(len(u.cells) for u, _ in self._units.values()),
            SMALL_COUNT: masked.count(SMALL_COUNT),
            SECONDARY: masked.count(SECONDARY),
        }


def unmasked_share(part: object, whole: object) -> float | None:
    """A share of two shown counts (for a chart), None when either is masked or the base is 0."""
    if is_masked(part) or is_masked(whole) or part is None or whole is None:
        return None
    return share(float(part), float(whole))  # type: ignore[arg-type]  # shown counts are numbers


_CACHE: dict[tuple, tuple[weakref.ref, CertificationProtection]] = {}


def protect_certification(
    dataset, min_count: int = DEFAULT_MIN_COUNT, target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS
) -> CertificationProtection:
    """The protection of the certification figures of `dataset`, once per dataset object, k and target jobs."""
    jobs = check_target_jobs(target_jobs)
    key = (id(dataset), int(min_count) if not isinstance(min_count, bool) else min_count, jobs)
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is dataset:
        return cached[1]
    protection = CertificationProtection(dataset.holders, dataset.assessments, min_count, jobs)
    _CACHE[key] = (weakref.ref(dataset), protection)
    return protection


def remember(dataset, protection: CertificationProtection) -> None:
    """Make `protect_certification(dataset, ...)` answer with `protection` (computed once by a build)."""
    _CACHE[(id(dataset), protection.min_count, protection.target_jobs)] = (weakref.ref(dataset), protection)


def has_certification_data(dataset, year: int, region: Region | str = FRANCE) -> bool:
    """Whether the certification report of (year, region) has anything to show."""
    region = resolve_region(region) if isinstance(region, str) else region
    if len(certified_holders(dataset.holders, region, year)):
        return True
    if dataset.assessments is None:
        return False
    return bool(len(assessments_in(dataset.assessments, region, year)))


__all__ = [
    "CertificationProtection",
    "has_certification_data",
    "insertion_rate",
    "protect_certification",
    "unmasked_share",
]
