"""The exact attacker of the disclosure tests, written independently of `tlanalysis.protect.annual`.

It reads every number the protected reports show (`figures`, `situation_by_cohort`, `jobs_by_region` of
a protection, or of a release read from a site's ledger: `support.published.AnnualView`), writes each as a
linear equation over the unknowns (counts of holders per region, cohort and full profile; jobs per year,
region, contract and role), and checks that

* no masked figure is a linear combination of shown ones (exact rank test over the integers modulo two
  large primes);
* no masked figure is pinned to one value by the labels (« < k » is 0..k-1, « secret » is at least k
  holders or 1 job), the non-negativity of counts and the additive relations of the reports (totals =
  sums of parts, France = sum of regions, year Y+1 = year Y + new cohorts) — which covers masked parts of
  a shown total adding up to 0 — and counts no report shows but a reader knows to be ≥ 0 (holders in no
  trajectory group; employed holders outside the groups into a job);
* a figure is never shown in one place and masked in another, and every share shown has a shown
  numerator and base.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from tlanalysis.compute.indicators import CONTRACTS, ROLES, SITUATIONS, TRAJECTORIES, key_figures
from tlanalysis.protect.annual import Protection
from tlanalysis.protect.masked import is_masked

from .frames import EMPLOYED, STATUSES, object_rows, trajectory_group

PRIMES = (2_147_483_647, 2_147_483_629)
#: The trajectory groups that hold employed holders only (from the definitions: `_group`).
INTO_JOB = ("demandeur_emploi_vers_actif", "etudiant_vers_actif")


def _is_prime(p: int) -> bool:
    return p > 1 and all(p % d for d in range(2, int(p**0.5) + 1))


def _reduce_mod_p(a: np.ndarray, targets: np.ndarray, p: int) -> np.ndarray:
    """Reduce each target row against the row space of `a`, in integers modulo the prime p.

    A target reduced to 0 lies in the row space of `a` (over the rationals, but for a negligible
    set of primes; two primes are used)."""
    assert _is_prime(p)
    a = a % p
    t = targets % p
    row = 0
    rows, cols = a.shape
    for col in range(cols):
        if row == rows:
            break
        nonzero = np.flatnonzero(a[row:, col])
        if nonzero.size == 0:
            continue
        pivot = row + nonzero[0]
        a[[row, pivot]] = a[[pivot, row]]
        a[row] = (a[row] * pow(int(a[row, col]), p - 2, p)) % p
        factors = a[:, col].copy()
        factors[row] = 0
        a = (a - (factors[:, None] * a[row][None, :]) % p) % p
        t = (t - (t[:, col][:, None] * a[row][None, :]) % p) % p
        row += 1
    return t


class Attacker:
    """Everything a reader of all the reports can write down, and what it lets them deduce."""

    def __init__(self, employment: pd.DataFrame, holders: pd.DataFrame, protection: Protection) -> None:
        self.k = protection.min_count
        self.protection = protection
        self.frames = (employment, holders)
        # Unknowns. Holders: every full profile in every (region, cohort) with holders (cohort lists are
        # public); jobs: every (year, region, contract, role) of a region with data that year.
        cohorts = sorted(
            {
                (str(r), int(y), str(c))
                for r, y, c in zip(holders["region_code"], holders["cohort_year"], holders["cohort"], strict=True)
            }
        )
        profiles = list(itertools.product(STATUSES, SITUATIONS, (False, True), (False, True)))
        atoms = [(r, y, c, *p) for r, y, c in cohorts for p in profiles]
        index = {a: i for i, a in enumerate(atoms)}
        self.h_truth = np.zeros(len(atoms), dtype=np.int64)
        for row in holders.itertuples():
            self.h_truth[
                index[
                    (
                        str(row.region_code),
                        int(row.cohort_year),
                        str(row.cohort),
                        str(row.status_at_entry),
                        str(row.situation),
                        bool(row.created_business),
                        bool(row.changed_job),
                    )
                ]
            ] += 1
        self.h = pd.DataFrame(atoms, columns=["region", "year", "cohort", "status", "situation", "created", "changed"])
        self.h["group"] = [trajectory_group(*a[3:]) for a in atoms]
        pairs = sorted({(int(y), str(r)) for y, r in zip(employment["year"], employment["region_code"], strict=True)})
        jatoms = [(y, r, c, o) for y, r in pairs for c in CONTRACTS for o in ROLES]
        jindex = {a: i for i, a in enumerate(jatoms)}
        self.j_truth = np.zeros(len(jatoms), dtype=np.int64)
        for row in employment.itertuples():
            self.j_truth[jindex[(int(row.year), str(row.region_code), str(row.contract), str(row.role))]] += row.count
        self.j = pd.DataFrame(jatoms, columns=["year", "region", "contract", "role"])
        self.cells: dict[str, dict[bytes, dict]] = {"holders": {}, "jobs": {}}
        self.read_reports()

    # -- what the reports say

    def h_vector(self, year: int, scope, **conditions) -> np.ndarray:
        h = self.h
        mask = (h["year"] < year).to_numpy().copy()
        if scope is not None:
            mask &= (h["region"] == scope).to_numpy()
        for column, value in conditions.items():
            mask &= (h[column] == value).to_numpy()
        return mask.astype(np.int64)

    def j_vector(self, year: int, scope, **conditions) -> np.ndarray:
        j = self.j
        mask = (j["year"] == year).to_numpy().copy()
        if scope is not None:
            mask &= (j["region"] == scope).to_numpy()
        for column, value in conditions.items():
            mask &= (j[column] == value).to_numpy()
        return mask.astype(np.int64)

    def _note(self, kind: str, vector: np.ndarray, value: object, where: str) -> None:
        truth = int(vector @ (self.h_truth if kind == "holders" else self.j_truth))
        if not vector.any():
            assert value == 0, f"{where}: a count of nothing must be 0, got {value!r}"
            return
        if is_masked(value):
            assert value.label in (f"< {self.k}", "secret"), where
        else:
            assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r}"
            assert value == truth, f"{where}: shows {value}, the data say {truth}"
            if kind == "holders" and self.k > 1:  # k = 1: no holders rule
                assert value >= self.k, f"{where}: shows {value} holders, fewer than k = {self.k}"
        cell = self.cells[kind].setdefault(
            vector.astype(np.int8).tobytes(),
            {"vector": vector, "truth": truth, "shown": set(), "labels": set(), "where": []},
        )
        cell["where"].append(where)
        (cell["labels"] if is_masked(value) else cell["shown"]).add(str(value) if is_masked(value) else value)

    @staticmethod
    def _check_share(share, numerator, base, where: str) -> None:
        if is_masked(numerator) or is_masked(base):
            assert is_masked(share), f"{where}: a share of a masked count is shown: {share!r}"
        elif share is not None:
            assert share == pytest.approx(numerator / base), where

    def read_reports(self) -> None:
        p = self.protection
        in_group = self.h["group"].notna().to_numpy()
        for year, region in p.reports:
            scope = None if region.is_national else region.code
            where = f"{region.name} {year}"
            f = p.figures(year, region)
            reference = key_figures(*self.frames, year, region)
            assert f.keys() == reference.keys() and f["jobs"].keys() == reference["jobs"].keys()
            assert f["holders"].keys() == reference["holders"].keys()
            jobs, hold = f["jobs"], f["holders"]
            self._note("jobs", self.j_vector(year, scope), jobs["total"], f"{where} jobs total")
            for c, v in jobs["by_contract"].items():
                self._note("jobs", self.j_vector(year, scope, contract=c), v, f"{where} jobs {c}")
            for o, v in jobs["by_role"].items():
                self._note("jobs", self.j_vector(year, scope, role=o), v, f"{where} jobs role {o}")
            assert jobs["facilitation"] == jobs["by_role"]["facilitation"]
            self._check_share(jobs["facilitation_share"], jobs["facilitation"], jobs["total"], where)
            for y, v in jobs["trend"].items():
                self._note("jobs", self.j_vector(int(y), scope), v, f"{where} trend {y}")
            if jobs["growth_since_first_year"] is not None:
                first, last = jobs["trend"][str(jobs["first_year"])], jobs["trend"][str(year)]
                if is_masked(first) or is_masked(last):
                    assert is_masked(jobs["growth_since_first_year"]), where
            if region.is_national:
                for code, v in p.jobs_by_region(year).items():
                    self._note("jobs", self.j_vector(year, code), v, f"{where} region {code}")
            self._note("holders", self.h_vector(year, scope), hold["n"], f"{where} holders n")
            for s, v in hold["situation_counts"].items():
                self._note("holders", self.h_vector(year, scope, situation=s), v, f"{where} situation {s}")
                self._check_share(hold["situation_shares"][s], v, hold["n"], f"{where} share {s}")
            for g, v in hold["trajectory_counts"].items():
                self._note("holders", self.h_vector(year, scope, group=g), v, f"{where} trajectory {g}")
                self._check_share(hold["trajectory_shares"][g], v, hold["trajectory_n"], f"{where} share {g}")
            self._note("holders", self.h_vector(year, scope) * in_group, hold["trajectory_n"], f"{where} trajectory_n")
            table = p.situation_by_cohort(year, region)
            assert list(table.columns) == [*SITUATIONS, "total"]
            for (cohort_year, cohort), row in object_rows(table):
                for column, v in row.items():
                    conditions = {"cohort": cohort} if column == "total" else {"cohort": cohort, "situation": column}
                    vector = self.h_vector(year, scope, **conditions) * (self.h["year"] == cohort_year).to_numpy()
                    self._note("holders", vector, v, f"{where} cohort {cohort} {column}")

    # -- what it deduces

    def consistent(self) -> None:
        for kind, cells in self.cells.items():
            for cell in cells.values():
                assert not (cell["shown"] and cell["labels"]), (
                    f"the same {kind} figure is shown ({cell['shown']}) and masked ({cell['labels']}): "
                    + "; ".join(cell["where"])
                )
                assert len(cell["labels"]) <= 1, cell["where"]

    def linearly_determined(self, kind: str) -> list[str]:
        """Masked figures that a linear combination of shown figures gives exactly."""
        cells = list(self.cells[kind].values())
        shown = [c for c in cells if c["shown"]]
        masked = [c for c in cells if c["labels"]]
        if not masked:
            return []
        m = np.array([c["vector"] for c in masked], dtype=np.int64)
        a = np.array([c["vector"] for c in shown], dtype=np.int64).reshape(len(shown), m.shape[1])
        # Unknowns that every published figure counts together act as one unknown.
        _, first = np.unique(np.vstack([a, m]), axis=1, return_index=True)
        a, m = a[:, np.sort(first)], m[:, np.sort(first)]
        found: set[int] = set()
        for p in PRIMES:
            reduced = _reduce_mod_p(a, m, p)
            found |= {i for i in range(len(masked)) if not reduced[i].any()}
        return [f"{masked[i]['where'][0]} = {masked[i]['truth']}" for i in sorted(found)]

    def relations(self, kind: str) -> list[list[tuple[bytes, int]]]:
        """Additive relations between published figures (parts - total = 0), checked unknown by unknown."""
        cells = self.cells[kind]
        relations = []

        def add(total: np.ndarray, parts: list[np.ndarray]) -> None:
            parts = [v for v in parts if v.any()]  # counts of nothing are 0 for everyone
            if not total.any() or not np.array_equal(total, sum(parts, np.zeros_like(total))):
                return
            terms: dict[bytes, int] = {}
            for vector, sign in [(total, -1)] + [(v, 1) for v in parts]:
                key = vector.astype(np.int8).tobytes()
                if key not in cells:
                    return
                terms[key] = terms.get(key, 0) + sign
            relation = [(key, sign) for key, sign in terms.items() if sign]
            if len(relation) >= 2:
                relations.append(relation)

        p = self.protection
        in_group = self.h["group"].notna().to_numpy()
        by_scope: dict = {}
        for year, region in p.reports:
            by_scope.setdefault(None if region.is_national else region.code, []).append(year)
        regional = [s for s in by_scope if s is not None]
        for year, region in p.reports:
            scope = None if region.is_national else region.code
            regions = [r for r in regional if year in by_scope[r]]
            if kind == "jobs":
                total = self.j_vector(year, scope)
                add(total, [self.j_vector(year, scope, contract=c) for c in CONTRACTS])
                add(total, [self.j_vector(year, scope, role=o) for o in ROLES])
            else:
                n = self.h_vector(year, scope)
                add(n, [self.h_vector(year, scope, situation=s) for s in SITUATIONS])
                add(n * in_group, [self.h_vector(year, scope, group=g) for g in TRAJECTORIES])
                # Counts no report shows but a reader knows are >= 0: holders in no group, and employed
                # holders outside the two groups into a job (those groups hold employed holders only).
                outside = self._unpublished(n * ~in_group, f"{year} {scope} in no group")
                add(n, [n * in_group, outside])
                employed = self.h["situation"].isin(EMPLOYED).to_numpy()
                into_job = self.h["group"].isin(INTO_JOB).to_numpy()
                rest = self._unpublished(n * employed * ~into_job, f"{year} {scope} employed, other groups")
                others = [self.h_vector(year, scope, situation=s) for s in SITUATIONS if s not in EMPLOYED]
                into = [self.h_vector(year, scope, group=g) for g in INTO_JOB]
                add(n, [*others, *into, rest])
                rows = {}
                for y, c in sorted(set(zip(self.h["year"], self.h["cohort"], strict=True))):
                    row = n * (self.h["year"] == y).to_numpy() * (self.h["cohort"] == c).to_numpy()
                    if row.any():
                        rows[(y, c)] = row
                        add(row, [row * (self.h["situation"] == s).to_numpy() for s in SITUATIONS])
                add(n, list(rows.values()))
                for s in SITUATIONS:
                    is_s = (self.h["situation"] == s).to_numpy()
                    add(n * is_s, [row * is_s for row in rows.values()])
                years = by_scope[scope]
                i = years.index(year)
                if i:  # this year's report = the previous one + the cohorts started in between
                    new = [row for (y, _), row in rows.items() if y >= years[i - 1]]
                    before = self.h_vector(years[i - 1], scope)
                    add(n, [before, *new])
                    for s in SITUATIONS:
                        is_s = (self.h["situation"] == s).to_numpy()
                        add(n * is_s, [before * is_s] + [row * is_s for row in new])
            if scope is None and regions:  # France = sum of the regions with a report that year
                if kind == "jobs":
                    for cond in [{}] + [{"contract": c} for c in CONTRACTS] + [{"role": o} for o in ROLES]:
                        add(self.j_vector(year, None, **cond), [self.j_vector(year, r, **cond) for r in regions])
                else:
                    for cond in [{}] + [{"situation": s} for s in SITUATIONS] + [{"group": g} for g in TRAJECTORIES]:
                        add(self.h_vector(year, None, **cond), [self.h_vector(year, r, **cond) for r in regions])
                    add(self.h_vector(year, None) * in_group, [self.h_vector(year, r) * in_group for r in regions])
                    add(self.h_vector(year, None) * ~in_group, [self.h_vector(year, r) * ~in_group for r in regions])
        return relations

    def _unpublished(self, vector: np.ndarray, where: str) -> np.ndarray:
        """A count no report shows, in the relations all the same: a reader knows it is >= 0."""
        self.cells["holders"].setdefault(
            vector.astype(np.int8).tobytes(),
            {"vector": vector, "truth": int(vector @ self.h_truth), "shown": set(), "labels": set(), "where": [where]},
        )
        return vector

    def _bounds(self, kind: str, cell: dict, labels: bool) -> tuple[float, float]:
        if not cell["shown"] and not cell["labels"]:  # unpublished
            return 0, np.inf
        if cell["shown"]:
            (value,) = cell["shown"]
            return value, value
        if not labels:
            return 0, np.inf
        (label,) = cell["labels"]
        if label.startswith("<"):
            return 0, self.k - 1
        return (self.k if kind == "holders" else 1), np.inf

    def pinned(self, kind: str, labels: bool = True) -> list[str]:
        """Masked figures whose only possible value follows from non-negativity and the relations, and
        (`labels`) from what the labels say: « < k » is 0..k-1, « secret » at least k holders or 1 job."""
        relations = self.relations(kind)  # first: it adds the unpublished counts it goes through
        cells = self.cells[kind]
        lo = {key: self._bounds(kind, c, labels)[0] for key, c in cells.items()}
        hi = {key: self._bounds(kind, c, labels)[1] for key, c in cells.items()}
        for _ in range(200):
            moved = False
            for rel in relations:
                for key, sign in rel:
                    if cells[key]["shown"]:
                        continue
                    others_lo = sum((lo[o] * s if s > 0 else -hi[o] * -s) for o, s in rel if o != key)
                    others_hi = sum((hi[o] * s if s > 0 else -lo[o] * -s) for o, s in rel if o != key)
                    low, high = (
                        (-others_hi / sign, -others_lo / sign) if sign > 0 else (others_lo / -sign, others_hi / -sign)
                    )
                    if low > lo[key]:
                        lo[key], moved = np.ceil(low), True
                    if high < hi[key]:
                        hi[key], moved = np.floor(high), True
            if not moved:
                break
        for key, c in cells.items():
            assert lo[key] <= c["truth"] <= hi[key], f"unsound deduction about {c['where'][0]}"
        return [f"{c['where'][0]} = {c['truth']}" for key, c in cells.items() if c["labels"] and lo[key] == hi[key]]

    def assert_safe(self) -> None:
        """With k = 2, « < 2 » says 0 or 1 and « secret » at least 2: tables of two or three holders can be
        pinned whatever is masked, so only non-negativity is used then (see docs/disclosure.md)."""
        self.consistent()
        for kind in ("holders", "jobs"):
            assert self.linearly_determined(kind) == [], f"{kind}: masked figures computable from shown ones"
            assert self.pinned(kind, labels=False) == [], f"{kind}: masked figures pinned by non-negativity"
            if self.k >= 3:
                assert self.pinned(kind) == [], f"{kind}: masked figures pinned by labels and relations"


def attack(employment: pd.DataFrame, holders: pd.DataFrame, min_count: int = 5) -> Attacker:
    attacker = Attacker(employment, holders, Protection(employment, holders, min_count))
    attacker.assert_safe()
    return attacker
