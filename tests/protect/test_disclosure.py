"""Statistical disclosure control (tlanalysis.protect.annual).

Unit tests of each rule, and an ATTACKER written independently of the implementation:
it reads every number the protected reports show (`Protection.figures`,
`Protection.situation_by_cohort`, `Protection.jobs_by_region`), writes each as a linear
equation over the unknowns (counts of holders per region, cohort and full profile; jobs
per year, region, contract and role), and checks that

* no masked figure is a linear combination of shown ones (exact rank test over the
  integers modulo two large primes);
* no masked figure is pinned to one value by the labels (« < k » is 0..k-1, « secret »
  is at least k holders or 1 job), the non-negativity of counts and the additive
  relations of the reports (totals = sums of parts, France = sum of regions, year Y+1 =
  year Y + new cohorts) — which covers masked parts of a shown total adding up to 0;
* a figure is never shown in one place and masked in another, and every share shown
  has a shown numerator and base.
"""

from __future__ import annotations

import copy
import itertools
import json
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlanalysis import load_dataset
from tlanalysis.compute.indicators import CONTRACTS, ROLES, SITUATIONS, TRAJECTORIES, key_figures
from tlanalysis.errors import UsageError
from tlanalysis.protect.annual import Protection, protect
from tlanalysis.protect.masked import Masked, is_masked, masked_label, plottable
from tlanalysis.reference import FRANCE

from support.frames import (
    BRE,
    EMPLOYED,
    NA,
    OCC,
    STATUSES,
    dataset,
    employment_of,
    holder_rows,
    holders_of,
    job_rows,
    jobs_for,
    people,
)

# --- the attacker ------------------------------------------------------------------------------------

PRIMES = (2_147_483_647, 2_147_483_629)


def _is_prime(p: int) -> bool:
    return p > 1 and all(p % d for d in range(2, int(p**0.5) + 1))


def _group(status: str, situation: str, created: bool, changed: bool) -> str | None:
    """Trajectory group, from the definitions in tlanalysis/compute/indicators.py's docstring."""
    employed = situation in EMPLOYED
    if status == "demandeur_emploi":
        return "demandeur_emploi_vers_actif" if employed else None
    if status == "etudiant":
        return "etudiant_vers_actif" if employed else None
    if created:
        return "actif_vers_createur"
    return "changement_de_poste" if changed else None


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
        self.h["group"] = [_group(*a[3:]) for a in atoms]
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
            for (cohort_year, cohort), row in table.iterrows():
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
        return relations

    def _bounds(self, kind: str, cell: dict, labels: bool) -> tuple[float, float]:
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
        cells = self.cells[kind]
        lo = {key: self._bounds(kind, c, labels)[0] for key, c in cells.items()}
        hi = {key: self._bounds(kind, c, labels)[1] for key, c in cells.items()}
        relations = self.relations(kind)
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
        return [f"{c['where'][0]} = {c['truth']}" for key, c in cells.items() if not c["shown"] and lo[key] == hi[key]]

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


def test_the_attacker_finds_a_leak_when_there_is_one():
    """Without secondary suppression, n minus the shown situations gives the masked one back."""
    employment = employment_of(jobs_for("75"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(3, 2017, "75", situation="autre", created=False)
        + [(2017, "75", "actif", s, True, False) for s in SITUATIONS if s not in ("facilitation", "autre")] * 6
    )
    protection = Protection(employment, holders, 5)
    attacker = Attacker(employment, holders, protection)
    leaky = dict(attacker.cells["holders"].items())
    for cell in leaky.values():  # show every complement
        if "secret" in cell["labels"]:
            cell["labels"], cell["shown"] = set(), {cell["truth"]}
    assert attacker.linearly_determined("holders")


def test_the_attacker_finds_masked_parts_adding_up_to_zero():
    """20 + 9 of 29 holders shown: the four masked situations add up to 0, so they are all 0."""
    employment = employment_of(jobs_for("75"))
    holders = holders_of(people(20, 2017, "75") + people(9, 2017, "75", situation="recherche_emploi", created=False))
    protection = Protection(employment, holders, 5)
    counts = protection.figures(2019, NA)["holders"]["situation_counts"]
    assert is_masked(counts["recherche_emploi"]) or is_masked(counts["facilitation"])  # the library's complement
    attacker = Attacker(employment, holders, protection)
    assert attacker.pinned("holders", labels=False) == []
    for cell in attacker.cells["holders"].values():  # without the complements
        if "secret" in cell["labels"]:
            cell["labels"], cell["shown"] = set(), {cell["truth"]}
    assert "Nouvelle-Aquitaine 2019 situation autre = 0" in attacker.pinned("holders", labels=False)


# --- Masked values -----------------------------------------------------------------------------------


def test_masked_values_are_their_label_and_cannot_be_summed():
    small, secondary, rule = Masked("small_count", 5), Masked("secondary", 5), Masked("business_rule", 5)
    assert (str(small), str(secondary), str(rule)) == ("< 5", "secret", "secret")
    assert str(Masked("small_count", 11)) == "< 11"
    assert str(Masked("small_count", 5, share=True)) == "secret"
    assert small.reason == "small_count" and small.min_count == 5 and not small.share
    assert is_masked(small) and not is_masked(3) and not is_masked("< 5")
    assert masked_label(small) == "< 5" and masked_label(small, 11) == "< 11" and masked_label(rule, 3) == "secret"
    with pytest.raises(TypeError):
        masked_label(3)
    with pytest.raises(TypeError):
        sum([1, small])
    with pytest.raises(AttributeError):
        small.reason = "secondary"
    with pytest.raises(ValueError):
        Masked("because")
    assert json.dumps({"n": small}) == '{"n": "< 5"}'
    for clone in (pickle.loads(pickle.dumps(small)), copy.deepcopy(small)):
        assert is_masked(clone) and clone.reason == "small_count" and str(clone) == "< 5"
    assert plottable({"a": 3, "b": small, "c": 0}) == {"a": 3, "c": 0}


# --- primary suppression --------------------------------------------------------------------------------


def _two_regions() -> tuple[pd.DataFrame, pd.DataFrame]:
    employment = employment_of(jobs_for("75") + jobs_for("76"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(9, 2017, "75", situation="recherche_emploi", created=False)
        + people(3, 2017, "75", situation="autre", created=False)
        + people(12, 2017, "76")
        + people(8, 2017, "76", situation="recherche_emploi", created=False)
        + people(6, 2017, "76", situation="autre", created=False)
        + people(2, 2017, "76", situation="inconnu", created=False)
        + people(2, 2017, "76", situation="autre_emploi", status="demandeur_emploi")
    )
    return employment, holders


def test_a_count_below_k_is_shown_as_less_than_k():
    employment, holders = _two_regions()
    f = Protection(employment, holders, 5).figures(2019, NA)
    value = f["holders"]["situation_counts"]["autre"]
    assert is_masked(value) and value.reason == "small_count" and str(value) == "< 5"
    assert f["holders"]["n"] == 32 and f["holders"]["situation_counts"]["facilitation"] == 20
    k11 = Protection(employment, holders, 11).figures(2019, NA)["holders"]["situation_counts"]
    assert str(k11["recherche_emploi"]) == "< 11"
    attack(employment, holders)


def test_a_share_with_a_small_numerator_is_masked_and_a_zero_count_too():
    employment, holders = _two_regions()
    f = Protection(employment, holders, 5).figures(2019, NA)["holders"]
    assert is_masked(f["situation_shares"]["autre"]) and f["situation_shares"]["autre"].share
    assert is_masked(f["situation_counts"]["inconnu"])  # 0 is below k too
    assert f["situation_shares"]["facilitation"] == pytest.approx(20 / 32)


def test_a_small_base_masks_every_share():
    employment = employment_of(jobs_for("75"))
    holders = holders_of(people(3, 2017, "75"))
    f = Protection(employment, holders, 5).figures(2019, NA)["holders"]
    assert is_masked(f["n"]) and str(f["n"]) == "< 5"
    assert all(is_masked(v) for v in f["situation_shares"].values())
    assert all(is_masked(v) for v in f["trajectory_shares"].values())
    assert f["cohorts"] == 1  # the number of cohorts is not a count of people
    attack(employment, holders)


def test_a_count_of_nothing_at_all_is_public():
    employment = employment_of(jobs_for("75", years=(2016, 2019)))
    holders = holders_of(people(30, 2017, "75"))
    f = Protection(employment, holders, 5).figures(2016, NA)["holders"]
    assert f["n"] == 0 and f["situation_counts"]["facilitation"] == 0 and f["situation_shares"]["facilitation"] is None


# --- secondary suppression ------------------------------------------------------------------------------


def test_one_masked_part_of_a_shown_total_gets_a_complement():
    employment = employment_of(jobs_for("75"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(9, 2017, "75", situation="recherche_emploi", created=False)
        + people(6, 2017, "75", situation="autre_emploi", created=False)
        + people(3, 2017, "75", situation="autre", created=False)
        + people(7, 2017, "75", situation="inconnu", created=False)
        + people(8, 2017, "75", situation="autre_coordination")
    )
    p = Protection(employment, holders, 5)
    f = p.figures(2019, NA)["holders"]
    counts = f["situation_counts"]
    assert f["n"] == 53
    masked = {s for s, v in counts.items() if is_masked(v)}
    assert {"autre"} < masked, "3 is masked, and n minus the other situations must not give it back"
    assert any(counts[s].reason == "secondary" for s in masked)
    assert counts["facilitation"] == 20, "the complement is a cheap cell, not a headline one"
    attack(employment, holders)


def test_france_minus_the_other_regions_does_not_give_a_masked_regional_cell():
    employment, holders = _two_regions()
    p = Protection(employment, holders, 5)
    na = p.figures(2019, NA)["holders"]["situation_counts"]
    occ = p.figures(2019, OCC)["holders"]["situation_counts"]
    fr = p.figures(2019, FRANCE)["holders"]["situation_counts"]
    assert is_masked(na["autre"]) and not is_masked(occ["autre"])  # 3 and 6
    assert is_masked(fr["autre"]), "France (9) minus Occitanie (6) would give Nouvelle-Aquitaine's 3"
    attack(employment, holders)


def test_next_year_minus_this_year_does_not_give_a_masked_cohort_cell():
    # Report 2018 covers the 2016 cohort, report 2019 the 2016 and 2017 cohorts: their difference is the
    # 2017 cohort, whose « autre » cell is 2.
    employment = employment_of(jobs_for("75", years=(2018, 2019)))
    holders = holders_of(
        people(15, 2016, "75")
        + people(10, 2016, "75", situation="autre", created=False)
        + people(12, 2017, "75")
        + people(2, 2017, "75", situation="autre", created=False)
        + people(8, 2017, "75", situation="recherche_emploi", created=False)
    )
    p = Protection(employment, holders, 5)
    assert is_masked(p.situation_by_cohort(2019, NA).loc[(2017, "P2017-75"), "autre"])
    autre_2018 = p.figures(2018, NA)["holders"]["situation_counts"]["autre"]
    autre_2019 = p.figures(2019, NA)["holders"]["situation_counts"]["autre"]
    assert autre_2018 == 10 or is_masked(autre_2018)
    assert is_masked(autre_2018) or is_masked(autre_2019)
    attack(employment, holders)


# --- business rule for jobs --------------------------------------------------------------------------------


def _jobs(rows) -> Protection:
    return Protection(employment_of(rows), holders_of([]), 5)


def test_jobs_of_two_tiers_lieux_are_secret():
    rows = [
        *jobs_for("75", places=("A", "B", "C")),
        (2019, "76", "CDI", "facilitation", 4, "X"),
        (2019, "76", "CDI", "animation", 4, "Y"),
    ]
    p = _jobs(rows)
    total = p.figures(2019, OCC)["jobs"]["total"]
    assert is_masked(total) and total.reason == "business_rule" and str(total) == "secret"
    assert is_masked(p.jobs_by_region(2019)["76"])
    assert is_masked(p.figures(2019, FRANCE)["jobs"]["total"]) or is_masked(p.figures(2019, NA)["jobs"]["total"])
    attack(employment_of(rows), holders_of([]))


def test_jobs_dominated_by_one_tiers_lieu_are_secret():
    rows = [
        *jobs_for("75"),
        (2019, "76", "CDI", "facilitation", 90, "X"),
        (2019, "76", "CDI", "animation", 5, "Y"),
        (2019, "76", "CDD", "animation", 5, "Z"),
    ]
    f = _jobs(rows).figures(2019, OCC)["jobs"]
    assert f["total"].reason == "business_rule"  # X holds 90 % of the jobs
    assert f["by_contract"]["CDI"].reason == "business_rule"
    assert is_masked(f["facilitation_share"])
    attack(employment_of(rows), holders_of([]))


def test_business_rule_needs_the_tiers_lieu_column():
    rows = [(2019, "76", "CDI", "facilitation", 90), (2019, "76", "CDI", "animation", 5)]
    p = _jobs(rows)
    f = p.figures(2019, OCC)["jobs"]
    assert f["total"] == 95 and f["by_contract"]["CDI"] == 95 and f["by_contract"]["CDD"] == 0
    assert p.summary()["business_rule"] == 0


def test_jobs_without_a_tiers_lieu_count_as_one_unidentified_place():
    rows = [
        (2019, "76", "CDI", "facilitation", 5, "X"),
        (2019, "76", "CDI", "facilitation", 5, None),
        (2019, "76", "CDI", "animation", 5, None),
    ]
    assert _jobs(rows).figures(2019, OCC)["jobs"]["total"].reason == "business_rule"  # 2 places
    rows.append((2019, "76", "CDI", "animation", 5, "Y"))
    assert _jobs(rows).figures(2019, OCC)["jobs"]["total"] == 20


def test_a_cell_of_no_jobs_is_not_sensitive():
    rows = [(2019, "76", "CDI", o, 5, p) for o in ROLES for p in "XYZ"]
    f = _jobs(rows).figures(2019, OCC)["jobs"]
    assert f["by_contract"]["CDD"] == 0 and f["total"] == 5 * 3 * len(ROLES)


def test_k_equal_to_one_masks_only_the_business_rule_and_its_complements():
    employment, holders = _two_regions()
    p = Protection(employment, holders, 1)
    summary = p.summary()
    assert summary["small_count"] == summary["secondary"] == summary["business_rule"] == 0
    assert p.figures(2019, NA)["holders"]["situation_counts"]["inconnu"] == 0
    rows = [*jobs_for("75"), (2019, "76", "CDI", "facilitation", 4, "X"), (2019, "76", "CDI", "animation", 4, "Y")]
    p = Protection(employment_of(rows), holders, 1)
    figures = [p.figures(2019, r) for r in (NA, OCC, FRANCE)]
    reasons = {
        v.reason
        for f in figures
        for v in (f["jobs"]["total"], *f["jobs"]["by_contract"].values(), *f["jobs"]["by_role"].values())
        if is_masked(v)
    }
    assert reasons == {"business_rule", "secondary"}
    assert not any(is_masked(v) for f in figures for v in f["holders"]["situation_counts"].values())
    attack(employment_of(rows), holders, 1)


# --- API --------------------------------------------------------------------------------------------------


def test_protect_is_computed_once_per_dataset_and_k():
    employment, holders = _two_regions()
    ds = dataset(employment, holders)
    assert protect(ds) is protect(ds, 5)
    assert protect(ds, 3) is not protect(ds, 5) and protect(ds, 3).min_count == 3
    assert protect(dataset(employment, holders)) is not protect(ds)


def test_unknown_reports_and_bad_k_are_usage_errors():
    employment, holders = _two_regions()
    p = Protection(employment, holders)
    with pytest.raises(UsageError):
        p.figures(2019, BRE)
    with pytest.raises(UsageError):
        p.figures(2020, NA)
    assert p.figures(2019, "Nouvelle-Aquitaine")["holders"]["n"] == 32
    for bad in (0, -1, 2.5, True):
        with pytest.raises(UsageError):
            Protection(employment, holders, bad)


def test_cohort_table_has_a_total_column_and_object_values():
    employment, holders = _two_regions()
    table = Protection(employment, holders).situation_by_cohort(2019, NA)
    assert table.dtypes.eq(object).all()
    assert list(table.columns) == [*SITUATIONS, "total"]
    assert table.loc[(2017, "P2017-75"), "total"] == 32 and table.loc[(2017, "P2017-75"), "facilitation"] == 20


# --- the bundled sample -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_dataset()


@pytest.fixture(scope="module")
def sample_protection(sample):
    return Protection(sample.employment, sample.holders, 5)


def test_published_page_figures_stay_visible(sample_protection):
    f = sample_protection.figures(2019, NA)
    jobs, hold = f["jobs"], f["holders"]
    assert (jobs["total"], jobs["by_contract"]["CDI"], jobs["by_contract"]["CDD"], jobs["facilitation"]) == (
        269,
        195,
        74,
        151,
    )
    assert jobs["facilitation_share"] == pytest.approx(151 / 269)
    assert hold["n"] == 200
    assert {s: hold["situation_shares"][s] for s in ("facilitation", "autre_coordination", "recherche_emploi")} == (
        {"facilitation": 0.545, "autre_coordination": 0.27, "recherche_emploi": 0.135}
    )
    assert hold["trajectory_n"] == 150
    assert hold["trajectory_counts"] == {
        "demandeur_emploi_vers_actif": 54,
        "etudiant_vers_actif": 15,
        "actif_vers_createur": 75,
        "changement_de_poste": 6,
    }
    assert list(hold["trajectory_shares"].values()) == pytest.approx([0.36, 0.10, 0.50, 0.04])
    assert str(hold["situation_counts"]["autre"]) == "< 5"  # 3


def test_sample_reports_resist_the_attacker(sample, sample_protection):
    Attacker(sample.employment, sample.holders, sample_protection).assert_safe()
    assert sample_protection.summary()["business_rule"] > 0  # e.g. La Réunion: 3 tiers-lieux for 6 jobs


# --- property: random small datasets -------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(job_rows, holder_rows, st.sampled_from([2, 3, 5]), st.booleans())
def test_no_report_reveals_a_masked_figure(jobs, holders, k, with_places):
    if not with_places:
        jobs = [row[:5] for row in jobs]
    holders = [(*row[:6], f"S{row[0]}" if row[6] == "shared" else f"P{row[0]}-{row[1]}-{row[6]}") for row in holders]
    attack(employment_of(jobs), holders_of(holders), k)


def test_france_minus_france_does_not_pin_a_regional_trajectory_base():
    """Found by the attacker: France 2019 − France 2018 gives the 2018 cohorts' trajectory base, and
    Nouvelle-Aquitaine 2019 minus that gives Nouvelle-Aquitaine 2018's. The two France counts are linked
    through counts no report shows (a cohort's holders per trajectory group), which the model must know."""
    jobs = [(2018, "75", "CDI", "facilitation", 0, "A")] * 6 + [(2019, "75", "CDI", "facilitation", 0, "A")]
    seeker = ("demandeur_emploi", "facilitation", False, False, "a")
    holders = [(2016, "75", *seeker)] * 2 + [(2016, "76", *seeker)] * 2 + [(2018, "75", *seeker)]
    attack(employment_of(jobs), holders_of(holders), 2)


def test_a_region_without_a_report_that_year_is_read_through_its_other_years():
    """Found by the attacker (hypothesis): Bretagne's 2018 trajectory base, with k = 3. A cohort shared by
    regions is one row of the national table; a region's part of it is the same count in every report of
    that region, whatever its year, so France's row is the sum of the regions' rows found in any year (here
    Occitanie's in 2020, Nouvelle-Aquitaine's in 2018): the model must know it."""
    jobs = [(2018, "75", "CDI", "facilitation", 0, "A")] * 7 + [(2018, "53", "CDI", "facilitation", 0, "A")]
    jobs += [(2020, "76", "CDI", "facilitation", 0, "A")]
    holders = [
        (2016, "75", "demandeur_emploi", "facilitation", False, True, "P2016-75-a"),
        (2016, "75", "demandeur_emploi", "facilitation", True, False, "S2016"),
        (2016, "75", "etudiant", "facilitation", True, True, "P2016-75-a"),
        (2018, "76", "etudiant", "autre_emploi", False, False, "P2018-76-a"),
        (2017, "53", "actif", "recherche_emploi", True, True, "P2017-53-a"),
        (2016, "76", "demandeur_emploi", "facilitation", False, True, "S2016"),
        (2017, "53", "actif", "recherche_emploi", True, True, "P2017-53-a"),
        (2017, "76", "actif", "autre", True, True, "S2017"),
    ]
    attack(employment_of(jobs), holders_of(holders), 3)
