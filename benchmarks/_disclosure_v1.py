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
    Each published count is a 0/1 vector over "atoms" (holders per region, cohort, situation
    and trajectory group; jobs per year, region, contract and role); equal vectors are one cell.
    Complementary cells, `Masked("secondary")` « secret », are masked until (1) no masked
    cell's vector lies in the span of the shown cells' vectors — totals minus parts, France
    minus regions, year Y+1 minus year Y and any combination — and (2) no masked cell is pinned
    to one value by what its label says (« < k »: 0..k-1; « secret »: at least k holders or 1
    job), non-negativity and bounds propagation through the additive relations of the reports.
    Complements are chosen cheapest first: detail before headline figures before totals,
    national before regional, small values before large, then by key (deterministic); they
    always hold at least 1 (holders: at least k).
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tlanalysis.config import DEFAULT_MIN_COUNT
from tlanalysis.errors import UsageError
from tlanalysis.indicators import (
    CONTRACTS,
    ROLES,
    SITUATIONS,
    TRAJECTORIES,
    holders_seen,
    key_figures,
    trajectory_groups,
)
from tlanalysis.indicators import situation_by_cohort as _situation_by_cohort
from tlanalysis.reference import FRANCE, Region, find_region, resolve_region
from tlanalysis.schema import EMPLOYED_SITUATIONS

#: Why a figure is masked.
SMALL_COUNT = "small_count"  # a count of holders below k: « < k »
SECONDARY = "secondary"  # shown, it would let a masked figure be computed: « secret »
BUSINESS_RULE = "business_rule"  # jobs of fewer than 3 tiers-lieux or one over 85 %: « secret »
REASONS = (SMALL_COUNT, SECONDARY, BUSINESS_RULE)

SECRET = "secret"
#: Business rule (INSEE, enterprise statistics): at least this many tiers-lieux per cell...
MIN_PLACES = 3
#: ...and no tiers-lieu holding more than this share of the cell's jobs.
MAX_PLACE_SHARE = 0.85

#: Scope of the national report in cell keys.
NATIONAL_SCOPE = "FR"
_NONE = "none"  # trajectory group of holders in none of the four

# --- masked values ---------------------------------------------------------------------------------


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


def is_masked(value: object) -> bool:
    """True for a figure replaced by `Masked`."""
    return isinstance(value, Masked)


def masked_label(value: object, min_count: int | None = None) -> str:
    """What to write for a masked figure: « < k » (small count of holders) or « secret ».

    `min_count` overrides the k the value was masked with (for a text that states it)."""
    if not isinstance(value, Masked):
        raise TypeError(f"{value!r} is not a masked figure")
    if min_count is None:
        return value.label
    return Masked(value.reason, min_count, value.share).label


def plottable(mapping: Mapping) -> dict:
    """The entries of `mapping` a chart may draw: masked values are dropped, never plotted as 0."""
    return {k: v for k, v in mapping.items() if not isinstance(v, Masked)}


# --- the model: published cells as sums of atoms ---------------------------------------------------

#: Tiers of complementary cells: lower tiers are masked first.
_TIER_DETAIL, _TIER_MINOR, _TIER_HEADLINE, _TIER_TOTAL = 0, 1, 2, 3
_HEADLINE_SITUATIONS = ("facilitation", "autre_coordination", "recherche_emploi")
_HEADLINE_CONTRACTS = ("CDI", "CDD")


def _tier(key: tuple) -> int:
    kind, what = key[0], key[3]
    if kind == "holders":
        if what == "cohort":
            return _TIER_MINOR if key[-1] == "total" else _TIER_DETAIL
        if what == "situation":
            return _TIER_HEADLINE if key[4] in _HEADLINE_SITUATIONS else _TIER_MINOR
        if what == "trajectory":
            return _TIER_HEADLINE
        return _TIER_TOTAL  # n, trajectory_n
    if what == "contract":
        return _TIER_HEADLINE if key[4] in _HEADLINE_CONTRACTS else _TIER_MINOR
    if what == "role":
        return _TIER_HEADLINE if key[4] == "facilitation" else _TIER_MINOR
    return _TIER_TOTAL


@dataclass
class _Component:
    """Cells that share atoms: the holders of all regions, or the jobs of one survey year."""

    kind: str  # "holders" or "jobs"
    vectors: np.ndarray  # (classes, atoms) of 0/1, float64
    classes: list[int]  # global class ids, one per row of `vectors`


@dataclass
class _Model:
    keys: dict[tuple, int | None] = field(default_factory=dict)  # cell key -> class id (None: structural 0)
    members: list[list[tuple]] = field(default_factory=list)  # class id -> its cell keys
    values: list[int] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    costs: list[tuple] = field(default_factory=list)
    components: list[_Component] = field(default_factory=list)
    relations: list[list[tuple[int, int]]] = field(default_factory=list)  # [(class, ±1)] summing to 0
    sensitive: dict[int, str] = field(default_factory=dict)  # primary suppression
    _arrays: tuple | None = None

    def add_component(self, kind: str, cells: dict[tuple, np.ndarray], atom_values: np.ndarray) -> None:
        """Register cells (key -> 0/1 atom vector); cells with equal vectors are one class."""
        rows: list[np.ndarray] = []
        classes: list[int] = []
        by_vector: dict[bytes, int] = {}
        for key, vector in cells.items():
            if not vector.any():
                self.keys[key] = None  # nothing to count: 0 by construction, public
                continue
            packed = np.packbits(vector).tobytes()
            cid = by_vector.get(packed)
            if cid is None:
                cid = len(self.values)
                by_vector[packed] = cid
                self.members.append([])
                self.values.append(int(atom_values[vector].sum()))
                self.kinds.append(kind)
                rows.append(vector)
                classes.append(cid)
            self.members[cid].append(key)
            self.keys[key] = cid
        for cid in classes:
            keys = self.members[cid]
            regional = any(k[2] != NATIONAL_SCOPE for k in keys)
            self.costs.append((max(_tier(k) for k in keys), int(regional), self.values[cid], str(min(keys, key=str))))
        if rows:
            self.components.append(_Component(kind, np.asarray(rows, dtype=np.float64), classes))

    def relation_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The relations as (relation index, class, coefficient) arrays, one entry per term."""
        if self._arrays is None or self._arrays[0] != len(self.relations):
            entries = [(r, c, s) for r, rel in enumerate(self.relations) for c, s in rel]
            array = np.array(entries, dtype=np.int64).reshape(-1, 3)
            self._arrays = (len(self.relations), array[:, 0], array[:, 1], array[:, 2].astype(float))
        return self._arrays[1:]

    def add_relation(self, total: tuple, parts: list[tuple], vectors: dict[tuple, np.ndarray]) -> None:
        """total = sum(parts), kept only if it holds atom by atom."""
        check = vectors[total].astype(np.int64) - sum(vectors[p].astype(np.int64) for p in parts)
        if np.any(check):
            return
        coefficients: dict[int, int] = {}
        for key, sign in [(total, -1)] + [(p, 1) for p in parts]:
            cid = self.keys[key]
            if cid is not None:
                coefficients[cid] = coefficients.get(cid, 0) + sign
        relation = sorted((c, s) for c, s in coefficients.items() if s)
        if len(relation) >= 2:
            self.relations.append(relation)


def _report_list(employment: pd.DataFrame) -> list[tuple[int, str]]:
    """Every report: (year, region code) with employment data, and (year, "FR") for each survey year."""
    pairs = employment[["region_code", "year"]].drop_duplicates()
    regional = sorted((int(y), str(c)) for c, y in zip(pairs["region_code"], pairs["year"], strict=True))
    national = [(y, NATIONAL_SCOPE) for y in sorted({int(y) for y in employment["year"].unique()})]
    return regional + national


def _holder_cells(holders: pd.DataFrame, reports: list[tuple[int, str]], model: _Model) -> None:
    groups = trajectory_groups(holders).astype("object").where(lambda g: g.notna(), _NONE)
    frame = pd.DataFrame(
        {
            "region": holders["region_code"].astype(str).to_numpy(),
            "cohort_year": holders["cohort_year"].astype(int).to_numpy(),
            "cohort": holders["cohort"].astype(str).to_numpy(),
            "situation": holders["situation"].astype(str).to_numpy(),
            "group": groups.to_numpy(),
        }
    )
    # Atoms: every (region, cohort) with holders x every possible (situation, group).
    possible = [
        (s, g)
        for s in SITUATIONS
        for g in (*TRAJECTORIES, _NONE)
        if s in EMPLOYED_SITUATIONS or g not in TRAJECTORIES[:2]
    ]
    cohorts = sorted(set(zip(frame["region"], frame["cohort_year"], frame["cohort"], strict=True)))
    atoms = pd.DataFrame(
        [(r, y, c, s, g) for r, y, c in cohorts for s, g in possible],
        columns=["region", "cohort_year", "cohort", "situation", "group"],
    )
    counts = frame.value_counts().rename("n").reset_index()
    atoms = atoms.merge(counts, how="left", on=list(atoms.columns[:5]), validate="one_to_one")
    values = atoms["n"].fillna(0).astype(np.int64).to_numpy()
    a_region, a_year = atoms["region"].to_numpy(), atoms["cohort_year"].to_numpy()
    a_cohort, a_sit, a_group = atoms["cohort"].to_numpy(), atoms["situation"].to_numpy(), atoms["group"].to_numpy()
    is_sit = {s: a_sit == s for s in SITUATIONS}
    is_group = {g: a_group == g for g in TRAJECTORIES}
    in_group = a_group != _NONE
    cohort_of = {(y, c): (a_year == y) & (a_cohort == c) for _, y, c in cohorts}

    cells: dict[tuple, np.ndarray] = {}
    tables: dict[tuple[int, str], list[tuple[int, str]]] = {}
    for year, scope in reports:
        seen = (a_year < year) & (True if scope == NATIONAL_SCOPE else a_region == scope)
        base = ("holders", year, scope)
        cells[(*base, "n")] = seen
        for s in SITUATIONS:
            cells[(*base, "situation", s)] = seen & is_sit[s]
        for g in TRAJECTORIES:
            cells[(*base, "trajectory", g)] = seen & is_group[g]
        cells[(*base, "trajectory_n")] = seen & in_group
        rows = sorted({(int(y), str(c)) for y, c in zip(a_year[seen], a_cohort[seen], strict=True)})
        tables[(year, scope)] = rows
        for y, c in rows:
            row = seen & cohort_of[(y, c)]
            cells[(*base, "cohort", y, c, "total")] = row
            for s in SITUATIONS:
                cells[(*base, "cohort", y, c, s)] = row & is_sit[s]
    model.add_component("holders", cells, values)

    by_scope: dict[str, list[int]] = {}
    for year, scope in reports:
        by_scope.setdefault(scope, []).append(year)
    regional_scopes = sorted(s for s in by_scope if s != NATIONAL_SCOPE)
    for year, scope in reports:
        base = ("holders", year, scope)
        rows = tables[(year, scope)]
        model.add_relation((*base, "n"), [(*base, "situation", s) for s in SITUATIONS], cells)
        model.add_relation((*base, "trajectory_n"), [(*base, "trajectory", g) for g in TRAJECTORIES], cells)
        if rows:
            model.add_relation((*base, "n"), [(*base, "cohort", y, c, "total") for y, c in rows], cells)
        for y, c in rows:
            model.add_relation(
                (*base, "cohort", y, c, "total"), [(*base, "cohort", y, c, s) for s in SITUATIONS], cells
            )
        for s in SITUATIONS:
            if rows:
                model.add_relation((*base, "situation", s), [(*base, "cohort", y, c, s) for y, c in rows], cells)
        # Later report of the same territory = earlier report + the cohorts that started in between.
        years = by_scope[scope]
        i = years.index(year)
        if i:
            previous = ("holders", years[i - 1], scope)
            new = [(y, c) for y, c in rows if y >= years[i - 1]]
            for s in SITUATIONS:
                model.add_relation(
                    (*base, "situation", s),
                    [(*previous, "situation", s)] + [(*base, "cohort", y, c, s) for y, c in new],
                    cells,
                )
            model.add_relation(
                (*base, "n"), [(*previous, "n")] + [(*base, "cohort", y, c, "total") for y, c in new], cells
            )
        # National report = sum of the regional reports of the year (when they cover every holder).
        if scope == NATIONAL_SCOPE:
            parts = [("holders", year, r) for r in regional_scopes if year in by_scope[r]]
            suffixes = (
                [("n",), ("trajectory_n",)]
                + [("situation", s) for s in SITUATIONS]
                + [("trajectory", g) for g in TRAJECTORIES]
            )
            for suffix in suffixes:
                model.add_relation(base + suffix, [p + suffix for p in parts], cells)
            for y, c in rows:
                for last in (*SITUATIONS, "total"):
                    suffix = ("cohort", y, c, last)
                    model.add_relation(base + suffix, [p + suffix for p in parts if p + suffix in cells], cells)


def _place_codes(employment: pd.DataFrame) -> np.ndarray | None:
    """Integer code of each row's tiers-lieu (missing ones together as one place), or None if none is given."""
    if "tiers_lieu" not in employment.columns:
        return None
    places = employment["tiers_lieu"].astype("object")
    missing = places.isna().to_numpy() | (places.fillna("").astype(str).str.strip() == "").to_numpy()
    if missing.all():
        return None
    codes, _ = pd.factorize(places.where(~missing, "\x00unidentified").astype(str), sort=True)
    return codes.astype(np.int64)


def _business_rule(place: np.ndarray, count: np.ndarray, rows: np.ndarray) -> bool:
    """Fewer than 3 tiers-lieux, or one over 85 % of the jobs (a cell of 0 jobs is not sensitive)."""
    per_place = np.bincount(place[rows], weights=count[rows])
    total = per_place.sum()
    if total <= 0:
        return False
    return bool(np.count_nonzero(per_place) < MIN_PLACES or per_place.max() > MAX_PLACE_SHARE * total)


def _job_cells(employment: pd.DataFrame, reports: list[tuple[int, str]], model: _Model) -> None:
    region = employment["region_code"].astype(str).to_numpy()
    year_of = employment["year"].astype(int).to_numpy()
    contract = employment["contract"].astype(str).to_numpy()
    role = employment["role"].astype(str).to_numpy()
    count = employment["count"].astype(np.int64).to_numpy()
    place = _place_codes(employment)
    by_year: dict[int, list[str]] = {}
    for year, scope in reports:
        by_year.setdefault(year, []).append(scope)
    for year, scopes in by_year.items():
        codes = sorted(s for s in scopes if s != NATIONAL_SCOPE)
        atoms = [(r, c, o) for r in codes for c in CONTRACTS for o in ROLES]
        a_region = np.array([a[0] for a in atoms])
        a_contract = np.array([a[1] for a in atoms])
        a_role = np.array([a[2] for a in atoms])
        in_year = year_of == year
        index = {a: i for i, a in enumerate(atoms)}
        values = np.zeros(len(atoms), dtype=np.int64)
        for r, c, o, n in zip(region[in_year], contract[in_year], role[in_year], count[in_year], strict=True):
            values[index[(r, c, o)]] += n
        cells: dict[tuple, np.ndarray] = {}
        filters: dict[tuple, np.ndarray] = {}  # key -> employment rows of the cell
        for scope in scopes:
            atom_scope = np.ones(len(atoms), bool) if scope == NATIONAL_SCOPE else a_region == scope
            row_scope = in_year if scope == NATIONAL_SCOPE else in_year & (region == scope)
            base = ("jobs", year, scope)
            cells[(*base, "total")], filters[(*base, "total")] = atom_scope, row_scope
            for c in CONTRACTS:
                cells[(*base, "contract", c)] = atom_scope & (a_contract == c)
                filters[(*base, "contract", c)] = row_scope & (contract == c)
            for o in ROLES:
                cells[(*base, "role", o)] = atom_scope & (a_role == o)
                filters[(*base, "role", o)] = row_scope & (role == o)
        model.add_component("jobs", cells, values)
        if place is not None:
            for key, rows in filters.items():
                cid = model.keys[key]
                if cid is not None and _business_rule(place, count, rows):
                    model.sensitive[cid] = BUSINESS_RULE
        for scope in scopes:
            base = ("jobs", year, scope)
            model.add_relation((*base, "total"), [(*base, "contract", c) for c in CONTRACTS], cells)
            model.add_relation((*base, "total"), [(*base, "role", o) for o in ROLES], cells)
        suffixes = [("total",)] + [("contract", c) for c in CONTRACTS] + [("role", o) for o in ROLES]
        for suffix in suffixes:
            model.add_relation(
                ("jobs", year, NATIONAL_SCOPE, *suffix), [("jobs", year, r, *suffix) for r in codes], cells
            )


# --- secondary suppression ------------------------------------------------------------------------

#: Relative size below which a singular value is taken as 0 (numpy's default is about 1e-16).
_TOL = 1e-10


class _Suppressor:
    """Secondary suppression over a `_Model`: `run()` returns the masked classes with their reasons."""

    def __init__(self, model: _Model, min_count: int) -> None:
        self.model = model
        self.k = min_count
        self.masked: dict[int, str] = dict(sorted(model.sensitive.items()))
        self.unresolved: list[int] = []

    # Linear algebra: a masked class is determined when its vector is in the span of the shown ones.

    def _shown(self, comp: _Component) -> list[int]:
        return [i for i, cid in enumerate(comp.classes) if cid not in self.masked]

    @staticmethod
    def _basis(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if matrix.shape[0] == 0:
            return np.zeros((0, 0)), np.zeros(0), np.zeros((0, matrix.shape[1]))
        u, s, vt = np.linalg.svd(matrix, full_matrices=False)
        rank = int(np.sum(s > _TOL * max(1.0, s[0]) * max(matrix.shape)))
        return u[:, :rank], s[:rank], vt[:rank]

    def _linear(self, comp: _Component) -> bool:
        """Mask complements until no masked class of `comp` is a linear combination of the shown ones."""
        changed = False
        values, costs, classes = self.model.values, self.model.costs, comp.classes
        while True:
            shown = self._shown(comp)
            masked = [i for i, cid in enumerate(classes) if cid in self.masked]
            if not masked:
                return changed
            u, s, q = self._basis(comp.vectors[shown])
            targets = comp.vectors[masked]
            projected = targets @ q.T  # coordinates in an orthonormal basis of the shown cells' span
            residual = np.linalg.norm(targets - projected @ q, axis=1) if q.size else np.linalg.norm(targets, axis=1)
            determined = [(i, n) for n, i in enumerate(masked) if residual[n] <= 1e-6]
            if not determined:
                return changed
            independent = (u**2).sum(axis=1) > 1 - 1e-8  # shown cells no other shown cells give
            chosen: list[int] = []  # positions in `shown`
            widened: list[int] = []  # cells no single complement frees
            for i, n in sorted(
                determined, key=lambda d: (self.masked[classes[d[0]]] == SECONDARY, costs[classes[d[0]]])
            ):
                weights = u @ (projected[n] / s)  # coefficients of one way to compute the cell from shown ones
                needed = independent & (np.abs(weights) > 1e-9)  # in every way to compute it
                if any(needed[j] for j in chosen):
                    continue  # already freed by a complement chosen in this round
                candidates = [j for j in np.flatnonzero(needed) if values[classes[shown[j]]] >= 1]
                if candidates:
                    best = min(candidates, key=lambda j: costs[classes[shown[j]]])
                    if best not in chosen:
                        chosen.append(best)
                        self.masked[classes[shown[best]]] = SECONDARY
                else:
                    widened.append(i)
            before = len(self.masked)
            for i in widened:  # after the single complements: they may have freed these cells already
                self._widen(comp, i, [j for j, cid in enumerate(classes) if cid not in self.masked])
            if not chosen and len(self.masked) == before:  # numerically undecidable: give up on these cells
                self.unresolved += [classes[i] for i in widened if classes[i] not in self.unresolved]
                return changed
            changed = True

    def _widen(self, comp: _Component, i: int, shown: list[int]) -> None:
        """No single complement frees cell i (it can be computed in several ways): keep the shown cells from
        the most to the least expensive, masking each one that would let cell i be computed from those kept."""
        values, costs = self.model.values, self.model.costs
        order = sorted(shown, key=lambda j: (values[comp.classes[j]] >= 1, costs[comp.classes[j]]), reverse=True)
        order.sort(key=lambda j: values[comp.classes[j]] >= 1)  # cells that cannot be masked (0) kept first
        basis = np.zeros((0, comp.vectors.shape[1]))
        residual = comp.vectors[i].copy()  # of cell i, orthogonal to the kept cells
        start = 0
        while start < len(order):
            block = order[start : start + 16]
            rest = comp.vectors[block] - (comp.vectors[block] @ basis.T) @ basis
            _, sv, vt = np.linalg.svd(rest, full_matrices=False)
            new = vt[sv > 1e-9 * max(1.0, sv[0] if sv.size else 1.0)]
            after = residual - (new @ residual) @ new
            if np.linalg.norm(after) > 1e-6:  # the whole block can be kept
                basis, residual = np.vstack([basis, new]), after
                start += len(block)
                continue
            for j in block:  # one by one
                row = comp.vectors[j]
                for _ in range(2):  # re-orthogonalise for stability
                    row = row - (basis @ row) @ basis
                norm = np.linalg.norm(row)
                if norm < 1e-9:
                    continue  # already computable from the kept cells: keeping it changes nothing
                q = row / norm
                after = residual - (q @ residual) * q
                if np.linalg.norm(after) < 1e-6:
                    self.masked[comp.classes[j]] = SECONDARY
                else:
                    basis, residual = np.vstack([basis, q]), after
            start += len(block)

    # Intervals: what the labels, non-negativity and the additive relations tell about masked cells.

    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.model.values)
        lo = np.array(self.model.values, dtype=float)
        hi = lo.copy()
        for cid, reason in self.masked.items():
            if reason == SMALL_COUNT:
                lo[cid], hi[cid] = 0, self.k - 1
            elif self.model.kinds[cid] == "holders":  # complementary holders cells hold at least k
                lo[cid], hi[cid] = self.k, np.inf
            else:
                lo[cid], hi[cid] = 1, np.inf
        return lo[:n], hi[:n]

    def _floor(self, cid: int) -> int:
        """The least value a reader can infer for a complementary cell."""
        return self.k if self.model.kinds[cid] == "holders" else 1

    def revealed(self) -> dict[int, int]:
        """Masked classes whose value the bounds and the relations pin down, each with a relation that does it.

        Bounds propagation to its fixed point: in a relation sum(coef * x) = 0, each term lies between minus
        the largest and minus the smallest possible sum of the others."""
        lo, hi = self._bounds()
        rel, cls, coef = self.model.relation_arrays()
        if rel.size == 0:
            return {}
        masked = np.zeros(len(lo), dtype=bool)
        masked[list(self.masked)] = True
        n_rel = int(rel.max()) + 1
        for _ in range(500):
            term_lo = np.where(coef > 0, coef * lo[cls], coef * hi[cls])
            term_hi = np.where(coef > 0, coef * hi[cls], coef * lo[cls])
            others_lo = _others(term_lo, rel, n_rel, -np.inf)
            others_hi = _others(term_hi, rel, n_rel, np.inf)
            # coef * x = -(others): x between -others_hi / coef and -others_lo / coef (swapped if coef < 0)
            with np.errstate(invalid="ignore"):
                new_lo = np.where(coef > 0, -others_hi / coef, -others_lo / coef)
                new_hi = np.where(coef > 0, -others_lo / coef, -others_hi / coef)
            cand_lo = np.full(len(lo), -np.inf)
            cand_hi = np.full(len(lo), np.inf)
            np.maximum.at(cand_lo, cls, new_lo)
            np.minimum.at(cand_hi, cls, new_hi)
            cand_lo = np.ceil(cand_lo - 1e-9)
            cand_hi = np.floor(cand_hi + 1e-9)
            grow = masked & (cand_lo > lo)
            shrink = masked & (cand_hi < hi)
            if not (grow.any() or shrink.any()):
                break
            lo[grow], hi[shrink] = cand_lo[grow], cand_hi[shrink]
        pinned = np.flatnonzero(masked & (hi - lo < 0.5))
        if pinned.size == 0:
            return {}
        # A relation that pins each one, for the repair.
        term_lo = np.where(coef > 0, coef * lo[cls], coef * hi[cls])
        term_hi = np.where(coef > 0, coef * hi[cls], coef * lo[cls])
        others_lo = _others(term_lo, rel, n_rel, -np.inf)
        others_hi = _others(term_hi, rel, n_rel, np.inf)
        with np.errstate(invalid="ignore"):
            tight = (np.abs(np.where(coef > 0, -others_hi / coef, -others_lo / coef) - lo[cls]) < 1e-6) | (
                np.abs(np.where(coef > 0, -others_lo / coef, -others_hi / coef) - hi[cls]) < 1e-6
            )
        out = {}
        for c in pinned.tolist():
            entries = np.flatnonzero((cls == c) & tight)
            out[c] = int(rel[entries[0]]) if entries.size else -1
        return out

    def _intervals(self) -> bool:
        revealed = self.revealed()
        changed = False
        used: set[int] = set()
        for cid, r in revealed.items():
            if r in used or cid in self.unresolved:
                continue
            pools = [self.model.relations[r]] if r >= 0 else []
            pools += [rel for rel in self.model.relations if any(c == cid for c, _ in rel)]
            for pool in pools:
                candidates = [c for c, _ in pool if c not in self.masked and self.model.values[c] >= 1]
                if candidates:
                    # A complement at its own lower bound (k, or 1 job) could be pinned in turn: avoid it.
                    self.masked[
                        min(candidates, key=lambda c: (self.model.values[c] <= self._floor(c), self.model.costs[c]))
                    ] = SECONDARY
                    used.add(r)
                    changed = True
                    break
            else:
                self.unresolved.append(cid)
        return changed

    def run(self) -> dict[int, str]:
        for _ in range(1000):
            for comp in self.model.components:
                self._linear(comp)
            if not self._intervals():
                break
        return self.masked


def _others(terms: np.ndarray, rel: np.ndarray, n_rel: int, infinite: float) -> np.ndarray:
    """For each term of each relation, the sum of the other terms of its relation (some may be infinite)."""
    finite = np.isfinite(terms)
    sums = np.bincount(rel, weights=np.where(finite, terms, 0.0), minlength=n_rel)
    n_inf = np.bincount(rel, weights=(~finite).astype(float), minlength=n_rel)
    others = sums[rel] - np.where(finite, terms, 0.0)
    return np.where(n_inf[rel] - (~finite) > 0.5, infinite, others)


# --- the protection of a dataset ------------------------------------------------------------------


class Protection:
    """The figures of every report of a dataset, with disclosure control applied (see the module doc).

    Build it with `protect(dataset, min_count)`. Its outputs never contain the value of a
    masked figure; `figures(year, region)` is `key_figures(...)` with `Masked` values.
    """

    def __init__(self, employment: pd.DataFrame, holders: pd.DataFrame, min_count: int = DEFAULT_MIN_COUNT) -> None:
        self.min_count = _check_min_count(min_count)
        self._employment = employment
        self._holders = holders
        self._reports = _report_list(employment)
        model = _Model()
        _job_cells(employment, self._reports, model)
        _holder_cells(holders, self._reports, model)
        if self.min_count > 1:
            for cid, (value, kind) in enumerate(zip(model.values, model.kinds, strict=True)):
                if kind == "holders" and value < self.min_count:
                    model.sensitive[cid] = SMALL_COUNT
        self._model = model
        suppressor = _Suppressor(model, self.min_count)
        self._masked = suppressor.run()
        self._unresolved = list(suppressor.unresolved)

    # -- what is published

    @property
    def reports(self) -> list[tuple[int, Region]]:
        """Every (year, region) report protected together; FRANCE for the national ones."""
        return [(y, FRANCE if s == NATIONAL_SCOPE else find_region(s)) for y, s in self._reports]

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

    def value(self, key: tuple) -> int | Masked:
        """One published count by its key, e.g. ("holders", 2019, "75", "situation", "autre")."""
        cid = self._model.keys[key]
        if cid is None:
            return 0
        reason = self._masked.get(cid)
        return Masked(reason, self.min_count) if reason else self._model.values[cid]

    def _share(self, numerator: object, base: object, exact: float | None) -> float | Masked | None:
        for term in (base, numerator):
            if isinstance(term, Masked):
                return Masked(term.reason, self.min_count, share=True)
        return exact

    def figures(self, year: int, region: Region | str = FRANCE) -> dict:
        """`key_figures(employment, holders, year, region)` with every figure that may not be shown masked."""
        year, region, scope = self._scope(year, region)
        figures = key_figures(self._employment, self._holders, year, region)
        jobs, hold = figures["jobs"], figures["holders"]
        job = ("jobs", year, scope)
        jobs["total"] = self.value((*job, "total"))
        jobs["by_contract"] = {c: self.value((*job, "contract", c)) for c in jobs["by_contract"]}
        jobs["by_role"] = {o: self.value((*job, "role", o)) for o in jobs["by_role"]}
        jobs["facilitation"] = jobs["by_role"]["facilitation"]
        jobs["facilitation_share"] = self._share(jobs["facilitation"], jobs["total"], jobs["facilitation_share"])
        jobs["trend"] = {y: self.value(("jobs", int(y), scope, "total")) for y in jobs["trend"]}
        if jobs["growth_since_first_year"] is not None:
            first, last = jobs["trend"][str(jobs["first_year"])], jobs["trend"][str(year)]
            jobs["growth_since_first_year"] = self._share(last, first, jobs["growth_since_first_year"])
        base = ("holders", year, scope)
        hold["n"] = self.value((*base, "n"))
        hold["situation_counts"] = {s: self.value((*base, "situation", s)) for s in hold["situation_counts"]}
        hold["situation_shares"] = {
            s: self._share(hold["situation_counts"][s], hold["n"], v) for s, v in hold["situation_shares"].items()
        }
        hold["trajectory_n"] = self.value((*base, "trajectory_n"))
        hold["trajectory_counts"] = {g: self.value((*base, "trajectory", g)) for g in hold["trajectory_counts"]}
        hold["trajectory_shares"] = {
            g: self._share(hold["trajectory_counts"][g], hold["trajectory_n"], v)
            for g, v in hold["trajectory_shares"].items()
        }
        return figures

    def situation_by_cohort(self, year: int, region: Region | str = FRANCE) -> pd.DataFrame:
        """`indicators.situation_by_cohort` of the report's holders, plus a `total` column (cohort size),
        object dtype: ints, or `Masked` values."""
        year, region, scope = self._scope(year, region)
        table = _situation_by_cohort(holders_seen(self._holders, year, region))
        columns = [*(str(c) for c in table.columns), "total"]
        rows = [
            [
                self.value(("holders", year, scope, "cohort", int(cohort_year), str(cohort), column))
                for column in columns
            ]
            for cohort_year, cohort in table.index
        ]
        return pd.DataFrame(rows, index=table.index, columns=pd.Index(columns, name=table.columns.name), dtype=object)

    def jobs_by_region(self, year: int) -> dict[str, int | Masked]:
        """Jobs of the year per region code with data (the regions table of the national report)."""
        year, _, _ = self._scope(year, FRANCE)
        return {
            s: self.value(("jobs", year, s, "total")) for y, s in self._reports if y == year and s != NATIONAL_SCOPE
        }

    # -- audit (counts and keys only: no masked value)

    @property
    def unresolved(self) -> list[tuple]:
        """Keys of masked figures the suppression could not fully protect (see docs/disclosure.md, k = 2)."""
        return [min(self._model.members[c], key=str) for c in self._unresolved]

    def summary(self) -> dict[str, int]:
        """How many distinct published counts there are and how many are masked, by reason."""
        out = {"cells": len(self._model.values)}
        for reason in REASONS:
            out[reason] = sum(1 for r in self._masked.values() if r == reason)
        out["unresolved"] = len(self._unresolved)
        return out


def _check_min_count(min_count: object) -> int:
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 1:
        raise UsageError(f"min_count must be a whole number of at least 1, got {min_count!r}")
    return int(min_count)


_CACHE: dict[tuple[int, int, int, int], tuple[weakref.ref, Protection]] = {}


def protect(dataset, min_count: int = DEFAULT_MIN_COUNT) -> Protection:
    """The protection of every report of `dataset` (a `Dataset`), computed once per dataset object and k
    (about 0.2 s on the bundled sample); call it in each report instead of `key_figures`."""
    key = (id(dataset), id(dataset.employment), id(dataset.holders), _check_min_count(min_count))
    cached = _CACHE.get(key)
    if cached is not None and cached[0]() is dataset:
        return cached[1]
    protection = Protection(dataset.employment, dataset.holders, min_count)
    for stale in [k for k, (ref, _) in _CACHE.items() if ref() is None]:
        del _CACHE[stale]
    _CACHE[key] = (weakref.ref(dataset), protection)
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
    "is_masked",
    "masked_label",
    "plottable",
    "protect",
]
