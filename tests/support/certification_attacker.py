"""An attacker of the certification figures by integer programming, written from the tables' meaning
(relations, not the library's atoms)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tlanalysis.protect.masked import SECONDARY, SMALL_COUNT, Masked, is_masked
from tlanalysis.reference import FRANCE, find_region

K = 5
ROUTES = ("formation", "vae", "candidat_libre")


class Attacker:
    """What a reader can work out from published figures: whole numbers ≥ 0, the labels (« < 5 »: 0..4,
    « secret »: ≥ 5), the values shown, and relations between the figures that the tables' meaning
    implies. Written independently of the library's model (relations, not atoms)."""

    def __init__(self) -> None:
        self.names: dict[str, int] = {}
        self.rows: list[tuple[dict[str, float], float, float]] = []

    def var(self, name: str) -> str:
        self.names.setdefault(name, len(self.names))
        return name

    def rel(self, terms: dict[str, float], lo: float, hi: float) -> None:
        for name in terms:
            self.var(name)
        self.rows.append((terms, lo, hi))

    def le(self, small: str, big: str) -> None:
        self.rel({small: 1, big: -1}, -np.inf, 0)

    def published(self, name: str, value: object) -> None:
        self.var(name)
        if isinstance(value, Masked):
            assert value.reason in (SMALL_COUNT, SECONDARY)
            self.rel({name: 1}, *((0, K - 1) if value.reason == SMALL_COUNT else (K, np.inf)))
        elif value is not None:
            self.rel({name: 1}, value, value)

    def range_of(self, name: str) -> tuple[float, float]:
        n = len(self.names)
        matrix = np.zeros((len(self.rows), n))
        for i, (terms, _, _) in enumerate(self.rows):
            for term, coef in terms.items():
                matrix[i, self.names[term]] = coef
        constraints = LinearConstraint(matrix, [r[1] for r in self.rows], [r[2] for r in self.rows])
        objective = np.zeros(n)
        objective[self.names[name]] = 1
        out = []
        for sign in (1, -1):
            result = milp(sign * objective, constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, np.inf))
            if result.status not in (0, 3):  # HiGHS may not tell unbounded from infeasible: ask for any table
                anything = milp(np.zeros(n), constraints=constraints, integrality=np.ones(n), bounds=Bounds(0, np.inf))
                assert anything.status == 0, f"the published figures are inconsistent ({result.message})"
                result.status = 3
            out.append(np.inf * -sign if result.status == 3 else float(result.x[self.names[name]]))
        return out[0], out[1]


def _rate_numerator(attacker: Attacker, numerator: str, rate: object, base: object, base_name: str) -> None:
    """A shown rate with a shown base gives its numerator back."""
    if rate is not None and not is_masked(rate) and not is_masked(base):
        attacker.rel({numerator: 1, base_name: -rate}, -1e-6, 1e-6)


def promotion_attack(protection, before: int, scopes: list) -> tuple[Attacker, list[str]]:
    attacker, masked = Attacker(), []
    rows = {
        scope.code or "FR": {r["certification_year"]: r for r in protection.promotions(before, scope)}
        for scope in scopes
    }
    for scope, by_year in rows.items():
        for year, r in by_year.items():
            v = lambda m, y=year, s=scope: f"{s}/{y}/{m}"  # noqa: E731
            attacker.published(v("certified"), r["certified"])
            for route in ROUTES:
                attacker.published(v(route), r["certified_by_route"][route])
            attacker.rel({v("certified"): 1, **{v(route): -1 for route in ROUTES}}, 0, 0)
            for s in ("6m", "2y"):
                attacker.published(v(f"base_{s}"), r[f"base_{s}"])
                for name, rate in (("employed", "insertion_global"), ("target_job", "insertion_target_job")):
                    numerator = attacker.var(v(f"{name}_{s}"))
                    if is_masked(r[f"{rate}_{s}"]):
                        attacker.published(numerator, r[f"{name}_{s}"])  # the count behind a masked rate is masked
                    _rate_numerator(attacker, numerator, r[f"{rate}_{s}"], r[f"base_{s}"], v(f"base_{s}"))
                attacker.le(v(f"target_job_{s}"), v(f"employed_{s}"))
                attacker.le(v(f"employed_{s}"), v(f"base_{s}"))
                attacker.le(v(f"base_{s}"), v("certified"))
            masked += [
                v(m)
                for m, value in [("certified", r["certified"]), *((x, r["certified_by_route"][x]) for x in ROUTES)]
                + [(f"base_{s}", r[f"base_{s}"]) for s in ("6m", "2y")]
                if is_masked(value)
            ]
    regions = [s for s in rows if s != "FR"]
    # A release read from a site's ledger (`support.published.CertificationView`, `partial`) shows a region's
    # year only when one of its reports does: France is then at least the sum of the regions shown.
    partial = getattr(protection, "partial", False)
    for year in rows["FR"]:  # France is the sum of the regions
        for m in ("certified", *ROUTES, "base_6m", "base_2y", "employed_6m", "target_job_6m"):
            terms = {f"FR/{year}/{m}": 1.0}
            for region in regions:
                if year in rows[region]:
                    terms[f"{region}/{year}/{m}"] = -1.0
            attacker.rel(terms, 0, np.inf if partial else 0)
    return attacker, masked


ALL_YEARS = 9999


def joint_attack(dataset, annual, certification) -> tuple[Attacker, list[str]]:
    """Every figure of the certification reports of all years and regions, each region's latest annual
    cohort table, and the links between them."""
    holders = dataset.holders
    regions = sorted(holders["region_code"].astype(str).unique())
    attacker, masked = promotion_attack(certification, ALL_YEARS, [FRANCE, *(find_region(r) for r in regions)])
    without_year = bool(holders["certification_year"].isna().any())
    latest = {}
    for year, region in annual.reports:
        if not region.is_national:
            latest[region.code] = max(year, latest.get(region.code, year))
    for r in regions:
        mine = holders[holders["region_code"].astype(str) == r]
        years = sorted(int(y) for y in mine["certification_year"].dropna().unique())
        table = annual.situation_by_cohort(latest[r], r) if r in latest else None
        shown_cohorts = set(table.index) if table is not None else set()
        splits: dict[int, list[str]] = {y: [] for y in years}
        for (cohort_year, cohort), _ in mine.groupby(["cohort_year", "cohort"]):
            parts = []
            for y in (y for y in years if y >= cohort_year):
                name = attacker.var(f"split/{r}/{cohort}/{y}")
                parts.append(name)
                splits[y].append(name)
            if without_year:
                parts.append(attacker.var(f"split/{r}/{cohort}/none"))
            total = f"annual/{r}/{cohort}/total"
            attacker.rel({total: 1, **dict.fromkeys(parts, -1)}, 0, 0)
            if (cohort_year, cohort) in shown_cohorts:
                row = table.loc[(cohort_year, cohort)]
                attacker.published(total, row["total"])
                situations = [c for c in table.columns if c != "total"]
                for s in situations:
                    attacker.published(f"annual/{r}/{cohort}/{s}", row[s])
                attacker.rel({total: 1, **{f"annual/{r}/{cohort}/{s}": -1 for s in situations}}, 0, 0)
                masked += [f"annual/{r}/{cohort}/{c}" for c in table.columns if is_masked(row[c])]
        for y, parts in splits.items():
            attacker.rel({f"{r}/{y}/certified": 1, **dict.fromkeys(parts, -1)}, 0, 0)
    return attacker, masked


def pinned(attacker: Attacker, names: list[str]) -> list[str]:
    out = []
    for name in names:
        low, high = attacker.range_of(name)
        if high - low < 1:
            out.append(name)
    return out
