"""What a reader of the certification reports knows, as one `Unit` of whole-number atoms.

Atoms (the people, as non-negative whole numbers of groups):

* per region and year of certification: its holders by access route (3), by situation class at
  6 months (5) and at 2 years (5) — three partitions of the same people;
* per cohort block (a cohort's holders in one region, as the annual report counts them): by
  situation now (the annual report's columns), and by year of certification (a year ≥ the cohort's,
  among the region's years; "none" when some holders of the data have none) — two partitions of the
  same people, the second summing, over blocks, to the region's holders of each year;
* per cohort with jury results: the presented candidates by set of validated blocs, and the
  candidates validating each competency (between those who validated its bloc and those presented;
  a bloc not validated misses a competency). When the jury certified exactly as many people as the
  cohort has holders, a reader may take them to be the same people: they are tied.

Counts: every figure of every certification report (keys ("promotion", year, scope, measure) and
("cohort", cohort, measure)), and, as *external* counts whose status the annual protection decides,
the holder counts of the annual reports that these atoms add up: each report's holders, by
situation, and each cohort row (total and by situation). So a reader who puts the two reports side
by side is the reader modelled. Not modelled: the annual report's trajectory counts (another
partition of the holders, through counts no report shows), and jobs (other people).

Any set of such margins with the same totals comes from some table of whole numbers of people
(the partitions hang on a tree: route, 6 months and 2 years on the year; situation now on the
block; block and year on their link), so the atoms lose nothing a reader could infer.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..compute.certification import ROUTES, blocs, competency_blocs
from ..compute.indicators import SITUATIONS
from ..schema import EMPLOYED_SITUATIONS, NEUTRALISED_SITUATIONS, NO_ANSWER

if TYPE_CHECKING:
    from scipy import sparse

Key = Hashable

NATIONAL_SCOPE = "FR"
#: Situation classes of a follow-up, disjoint: no answer, neutralised, in the target job, in another
#: job, other respondents (job seeking, other situation).
CLASSES = ("no_answer", "neutralised", "target_job", "other_job", "other")
FOLLOW_UPS = ("6m", "2y")
#: Counts of a year of certification, per territory: (measure, cost tier); lower tiers are masked first.
PROMOTION_MEASURES = (
    ("certified", 3),
    *((f"route_{r}", 0 if r != "vae" else 1) for r in ROUTES),
    *((f"{m}_{s}", tier) for s in FOLLOW_UPS for m, tier in (("base", 2), ("employed", 1), ("target_job", 0))),
)
_MEASURE_CLASSES = {"base": (2, 3, 4), "employed": (2, 3), "target_job": (2,)}  # base: respondents − neutralised
_PATTERNS = list(itertools.product((0, 1), repeat=3))
_EXTERNAL_COST = 1e9  # never a complement (the annual protection decides)
#: National figures of three regions or more are the certifier's key figures: masked last. With one or
#: two, France minus a region gives the other, and France is masked first (as in `tlanalysis.protect.annual`).
NATIONAL_WEIGHT, NATIONAL_MIN_REGIONS = 20.0, 3


@dataclass
class Unit:
    """Published counts over atoms, and the constraints of the tables' meaning."""

    truth: np.ndarray  # the true atoms (one solution)
    keys: list[Key] = field(default_factory=list)
    rows: list[np.ndarray] = field(default_factory=list)  # atoms summed by each count
    costs: list[float] = field(default_factory=list)  # of masking each count as a complement
    #: counts whose status another report decides (key -> reason, None when shown): never complements
    external: dict[Key, str | None] = field(default_factory=dict)
    extra: list[tuple[np.ndarray, np.ndarray, float, float]] = field(default_factory=list)  # idx, coef, lo, hi
    #: the region each atom belongs to (None: several), for questions asked of one region first
    regions: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))

    def matrix(self) -> sparse.csr_matrix:
        from scipy import sparse  # only when protecting: a no-op build never imports scipy

        indptr = np.cumsum([0, *(r.size for r in self.rows)])
        indices = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        return sparse.csr_matrix((np.ones(indices.size), indices, indptr), shape=(len(self.rows), self.truth.size))


def weight(tier: int, value: int, national_regions: int = 0) -> float:
    """Cost of masking a count as a complement: its tier (detail < rates' bases < totals), its size, and
    for a national count, how many regions make it up."""
    w = 4.0**tier * (1.0 + np.log1p(max(value, 0)))
    if national_regions:
        w *= NATIONAL_WEIGHT if national_regions >= NATIONAL_MIN_REGIONS else 0.5
    return float(w)


def class_of(situations: pd.Series, target_jobs: tuple[str, ...]) -> np.ndarray:
    values = situations.astype(object).to_numpy()
    out = np.full(len(values), 4)
    out[pd.isna(values) | (values == NO_ANSWER)] = 0
    out[np.isin(values, NEUTRALISED_SITUATIONS)] = 1
    out[np.isin(values, [j for j in EMPLOYED_SITUATIONS if j not in target_jobs])] = 3
    out[np.isin(values, target_jobs)] = 2
    return out


class _Builder:
    def __init__(self) -> None:
        self.truth: list[int] = []
        self.unit = Unit(np.zeros(0, dtype=np.int64))
        self._seen: dict[bytes, Hashable] = {}
        self.regions: list[str | None] = []
        self.region: str | None = None

    def atoms(self, values) -> np.ndarray:
        """New atoms with their true values, in the current `region` (None: several or none)."""
        values = [int(v) for v in values]
        start = len(self.truth)
        self.truth.extend(values)
        self.regions.extend([self.region] * len(values))
        return np.arange(start, start + len(values), dtype=np.int64)

    def count(self, key: Hashable, atoms: np.ndarray, cost: float, external: str | bool | None = False) -> None:
        """A published count (`external`: its status as the annual protection decided, reason or None)."""
        atoms = np.unique(np.asarray(atoms, dtype=np.int64))
        if external is not False:
            signature = atoms.tobytes()
            if signature in self._seen or atoms.size == 0:  # the same annual figure in several reports
                return
            self._seen[signature] = key
            self.unit.external[key] = external  # type: ignore[assignment]
        self.unit.keys.append(key)
        self.unit.rows.append(atoms)
        self.unit.costs.append(cost)

    def constrain(self, plus: np.ndarray, minus: np.ndarray, lo: float = 0, hi: float = 0, coefs=None) -> None:
        """sum(plus) - sum(minus) (or coefs · atoms) between lo and hi."""
        index = np.concatenate([np.asarray(plus, dtype=np.int64), np.asarray(minus, dtype=np.int64)])
        values = (
            np.asarray(coefs, dtype=float)
            if coefs is not None
            else np.concatenate([np.ones(len(plus)), -np.ones(len(minus))])
        )
        self.unit.extra.append((index, values, lo, hi))

    def done(self) -> Unit:
        self.unit.truth = np.asarray(self.truth, dtype=np.int64)
        self.unit.regions = np.asarray(self.regions, dtype=object)
        return self.unit


def build_unit(
    holders: pd.DataFrame,
    candidates: pd.DataFrame | None,
    target_jobs: tuple[str, ...],
    annual_cells: dict[tuple, object] | None = None,
) -> Unit:
    """The unit of every certification report of the data (`holders`: every holder; `candidates`:
    `certification.candidate_results`; `annual_cells`: the annual protection's published cells)."""
    from .masked import is_masked

    b = _Builder()
    region = holders["region_code"].astype(str).to_numpy()
    cohort_year = holders["cohort_year"].astype(int).to_numpy()
    cohort = holders["cohort"].astype(str).to_numpy()
    situation = holders["situation"].astype(str).to_numpy()
    cert_year = holders["certification_year"]
    has_year = cert_year.notna().to_numpy()
    year = np.where(has_year, cert_year.fillna(0).astype(int).to_numpy(), 0)

    # -- years of certification: route, 6-month and 2-year classes of each (region, year)
    promotion_atoms: dict[tuple[str, int], dict[str, np.ndarray]] = {}
    certified = holders[has_year]
    classes = {s: class_of(certified[f"situation_{s}"], target_jobs) for s in FOLLOW_UPS}
    routes = certified["access_route"].astype(object).map({r: i for i, r in enumerate(ROUTES)}).to_numpy(int)
    c_region, c_year = region[has_year], year[has_year]
    for r, y in sorted(set(zip(c_region.tolist(), c_year.tolist(), strict=True))):
        mine = (c_region == r) & (c_year == y)
        b.region = r
        parts = {"route": b.atoms(np.bincount(routes[mine], minlength=len(ROUTES)))}
        for s in FOLLOW_UPS:
            parts[s] = b.atoms(np.bincount(classes[s][mine], minlength=len(CLASSES)))
        for s in FOLLOW_UPS:
            b.constrain(parts["route"], parts[s])
        promotion_atoms[(r, y)] = parts

    # -- cohort blocks: situation now, and year of certification
    some_without_year = not has_year.all()
    block_situation: dict[tuple[str, int, str], np.ndarray] = {}
    year_links: dict[tuple[str, int], list[int]] = {}
    blocks = sorted(set(zip(region.tolist(), cohort_year.tolist(), cohort.tolist(), strict=True)))
    for block in blocks:
        r, cy, c = block
        mine = (region == r) & (cohort_year == cy) & (cohort == c)
        b.region = r
        by_situation = b.atoms([(situation[mine] == s).sum() for s in SITUATIONS])
        block_situation[block] = by_situation
        years = [y for (rr, y) in promotion_atoms if rr == r and y >= cy]
        links = b.atoms([(mine & has_year & (year == y)).sum() for y in years])
        for y, atom in zip(years, links.tolist(), strict=True):
            year_links.setdefault((r, y), []).append(atom)
        linked = list(links)
        if some_without_year:
            linked += list(b.atoms([(mine & ~has_year).sum()]))
        b.constrain(by_situation, np.asarray(linked, dtype=np.int64))
    for (r, y), parts in promotion_atoms.items():
        b.constrain(np.asarray(year_links.get((r, y), []), dtype=np.int64), parts["route"])

    # -- the counts of the years of certification
    regions = sorted({r for r, _ in promotion_atoms})
    for scope in [NATIONAL_SCOPE, *regions]:
        for y in sorted({y for _, y in promotion_atoms}):
            members = [p for (r, yy), p in promotion_atoms.items() if yy == y and scope in (NATIONAL_SCOPE, r)]
            if not members:
                continue
            for measure, tier in PROMOTION_MEASURES:
                atoms = np.concatenate([_select(p, measure) for p in members])
                value = int(np.asarray(b.truth)[atoms].sum())
                cost = weight(tier, value, len(members) if scope == NATIONAL_SCOPE else 0)
                b.count(("promotion", y, scope, measure), atoms, cost)

    # -- jury results per cohort
    if candidates is not None and len(candidates):
        holders_of = pd.Series(cohort).value_counts().to_dict()
        for c, group in candidates.groupby("cohort", sort=True):
            _cohort_counts(b, str(c), group, holders_of.get(str(c), -1), block_situation)

    # -- the annual report's holder counts over these atoms
    if annual_cells:
        index = _BlockIndex(block_situation)
        for key, published in sorted(annual_cells.items(), key=lambda item: str(item[0])):
            annual_atoms = index.atoms(key)
            if annual_atoms is not None:
                reason = published.reason if is_masked(published) else None
                b.count(("annual", *key), annual_atoms, _EXTERNAL_COST, external=reason)
    return b.done()


def _select(parts: dict[str, np.ndarray], measure: str) -> np.ndarray:
    if measure == "certified":
        return parts["route"]
    if measure.startswith("route_"):
        return parts["route"][[ROUTES.index(measure[len("route_") :])]]
    name, suffix = measure.rsplit("_", 1)
    return parts[suffix][list(_MEASURE_CLASSES[name])]


class _BlockIndex:
    """The situation atoms of the cohort blocks, by scope and by cohort, to find the atoms of each annual
    holder count without a pass over every block (thousands of counts nationally)."""

    def __init__(self, block_situation: dict[tuple[str, int, str], np.ndarray]) -> None:
        self.by_scope: dict[str, list[tuple[int, np.ndarray]]] = {}
        self.by_cohort: dict[tuple[str, int, str], list[np.ndarray]] = {}
        for (r, cy, c), atoms in block_situation.items():
            for scope in (NATIONAL_SCOPE, r):
                self.by_scope.setdefault(scope, []).append((cy, atoms))
                self.by_cohort.setdefault((scope, cy, c), []).append(atoms)

    def atoms(self, key: tuple) -> np.ndarray | None:
        """The atoms of one annual holder count ("holders", year, scope, what, ...), None for other counts."""
        if key[0] != "holders" or key[3] not in ("n", "situation", "cohort"):
            return None
        year, scope, what = int(key[1]), str(key[2]), key[3]
        column = None
        if what == "situation":
            column = SITUATIONS.index(key[4])
        elif what == "cohort" and key[-1] != "total":
            column = SITUATIONS.index(key[-1])
        if what == "cohort":
            blocks = self.by_cohort.get((scope, int(key[4]), str(key[5])), [])
        else:
            blocks = [atoms for cy, atoms in self.by_scope.get(scope, []) if cy < year]
        parts = [atoms if column is None else atoms[[column]] for atoms in blocks]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _cohort_counts(b: _Builder, cohort: str, candidates: pd.DataFrame, n_holders: int, block_situation: dict) -> None:
    """The presented candidates of one cohort by set of validated blocs; one count per competency."""
    bloc_ids = blocs()
    codes = list(competency_blocs())
    presented = candidates[candidates["presented"]]
    home = {r for (r, _, c) in block_situation if c == cohort}
    b.region = next(iter(home)) if len(home) == 1 else None
    pattern_of = [tuple(row) for row in presented[[f"bloc_{x}" for x in bloc_ids]].astype(int).to_numpy()]
    patterns = b.atoms([pattern_of.count(p) for p in _PATTERNS])
    competencies = b.atoms([int(presented[code].sum()) for code in codes])

    def having(test) -> np.ndarray:
        return patterns[[i for i, p in enumerate(_PATTERNS) if test(p)]]

    def count(measure: str, atoms: np.ndarray, tier: int) -> None:
        value = int(np.asarray(b.truth)[atoms].sum())
        b.count(("cohort", cohort, measure), atoms, weight(tier, value))

    count("presented", patterns, 3)
    count("certified", having(lambda p: sum(p) == 3), 2)
    count("partial", having(lambda p: 0 < sum(p) < 3), 1)
    for i, bloc in enumerate(bloc_ids):
        count(f"bloc_{bloc}", having(lambda p, i=i: p[i] == 1), 1)
    for i, code in enumerate(codes):
        atom = competencies[[i]]
        count(f"competency_{code}", atom, 0)
        j = bloc_ids.index(competency_blocs()[code])
        b.constrain(atom, having(lambda p, j=j: p[j] == 1), 0, np.inf)  # validated its bloc → the competency
        b.constrain(atom, patterns, -np.inf, 0)  # at most the presented
    for j, bloc in enumerate(bloc_ids):  # a bloc not validated misses one of its competencies
        members = competencies[[i for i, c in enumerate(codes) if competency_blocs()[c] == bloc]]
        size = members.size
        with_bloc, without = having(lambda p, j=j: p[j] == 1), having(lambda p, j=j: p[j] == 0)
        index = np.concatenate([members, with_bloc, without])
        coefs = np.concatenate([np.ones(size), -size * np.ones(with_bloc.size), -(size - 1) * np.ones(without.size)])
        b.constrain(index, np.zeros(0, dtype=np.int64), -np.inf, 0, coefs=coefs)
    certified = having(lambda p: sum(p) == 3)
    holder_atoms = [a for (r, cy, c), a in block_situation.items() if c == cohort]
    if holder_atoms and int(np.asarray(b.truth)[certified].sum()) == n_holders:
        b.constrain(certified, np.concatenate(holder_atoms))
