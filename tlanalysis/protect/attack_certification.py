"""The certification reports' counts in the reader model of `tlanalysis.protect.attack`.

What a reader of a release's ledger (`release.certification`) knows of them, written from the reports'
meaning (as `tlanalysis.protect.certification_model` states it):

* per year of certification and region: the holders by access route (3), by situation class at 6 months
  (5) and at 2 years (5), three partitions of the same people. A region's counts are sums of its classes
  (certified: the routes; base: the respondents not neutralised; employed; in the target job); France's
  add up the regions its release shows that year, and one block more for the holders of regions it does
  not show (a region without a report that year);
* per cohort with jury results: the presented candidates by set of validated blocs (8 patterns), and the
  candidates validating each competency: at least those who validated its bloc, at most the presented, and
  a bloc not validated misses one of its competencies;
* the link with the annual reports' holders: each cohort row a region's annual table lists holds the
  region's holders of that cohort, split by year of certification (a year ≥ the cohort's); the region's
  certified of a year are at least the sum of those splits, and exactly that sum when an annual table of
  the region of a later year lists every cohort they can come from. A cohort row holds at least its splits
  (holders without a year of certification, or of a year no report shows).

Not modelled (as in the protection's model): a cohort's jury results beside the years of certification of
its holders, and the tie of a jury's certified with the cohort's holders when they happen to be equal.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

import numpy as np

from ..compute.certification import ROUTES, blocs, competency_blocs

#: France's promotion block of the holders of the regions its release does not show that year.
ELSEWHERE = "*"
NATIONAL_SCOPE = "FR"
#: Classes of a follow-up (`certification_model.CLASSES`): no answer, neutralised, target job, other job, other.
N_CLASSES = 5
#: Class positions a follow-up measure adds up (`certification_model._MEASURE_CLASSES`).
MEASURE_CLASSES = {"base": (2, 3, 4), "employed": (2, 3), "target_job": (2,)}
#: Atoms of a (year, region): routes, then the classes at 6 months, then at 2 years.
_OFFSETS = {"route": 0, "6m": len(ROUTES), "2y": len(ROUTES) + N_CLASSES}
_PROMOTION_SIZE = len(ROUTES) + 2 * N_CLASSES
#: Validated blocs of a presented candidate (one atom each), then one atom per competency.
_PATTERNS = list(itertools.product((0, 1), repeat=3))

New = Callable[[int, str, "str | None"], np.ndarray]
Relation = tuple[np.ndarray, np.ndarray, float, float]


def _promotion_offsets(measure: str) -> list[int]:
    if measure == "certified":
        return list(range(len(ROUTES)))
    if measure.startswith("route_"):
        return [ROUTES.index(measure[len("route_") :])]
    name, follow_up = measure.rsplit("_", 1)
    return [_OFFSETS[follow_up] + c for c in MEASURE_CLASSES[name]]


class CertificationUnknowns:
    """The unknowns of one data version's certification counts, and their relations (`relations`:
    (variables, coefficients, least, largest) rows a reader knows)."""

    def __init__(self, keys: Iterable[tuple], new: New, relations: list[Relation]) -> None:
        self._new = new
        self.relations = relations
        #: year of certification -> the regions some release of the version shows it for
        self.regions_of_year: dict[int, set[str]] = {}
        for key in keys:
            if key[0] == "promotion" and str(key[2]) != NATIONAL_SCOPE:
                self.regions_of_year.setdefault(int(key[1]), set()).add(str(key[2]))
        #: (year, region or ELSEWHERE) -> its first atom; cohort -> its first atom
        self.promotions: dict[tuple[int, str], int] = {}
        self.cohorts: dict[str, int] = {}
        self._codes = list(competency_blocs())
        self._blocs = blocs()

    def _relate(self, plus: Iterable[int], minus: Iterable[int], lo: float = 0.0, hi: float = 0.0) -> None:
        plus, minus = list(plus), list(minus)
        index = np.asarray([*plus, *minus], dtype=np.int64)
        coefs = np.concatenate([np.ones(len(plus)), -np.ones(len(minus))])
        self.relations.append((index, coefs, lo, hi))

    def _promotion(self, year: int, scope: str) -> int:
        key = (year, scope)
        if key not in self.promotions:
            first = int(self._new(_PROMOTION_SIZE, "certification", None if scope == ELSEWHERE else scope)[0])
            self.promotions[key] = first
            routes = range(first, first + len(ROUTES))
            for follow_up in ("6m", "2y"):  # three partitions of the same people
                start = first + _OFFSETS[follow_up]
                self._relate(routes, range(start, start + N_CLASSES))
        return self.promotions[key]

    def _cohort(self, cohort: str) -> int:
        if cohort not in self.cohorts:
            first = int(self._new(len(_PATTERNS) + len(self._codes), "certification", None)[0])
            self.cohorts[cohort] = first
            patterns = np.arange(first, first + len(_PATTERNS))
            competency_of = competency_blocs()
            for i, code in enumerate(self._codes):
                atom = first + len(_PATTERNS) + i
                j = self._blocs.index(competency_of[code])
                with_bloc = [int(a) for a, p in zip(patterns, _PATTERNS, strict=True) if p[j]]
                self._relate([atom], with_bloc, 0.0, np.inf)  # validated its bloc → validated the competency
                self._relate([atom], patterns.tolist(), -np.inf, 0.0)  # at most the presented
            for j, bloc in enumerate(self._blocs):  # a bloc not validated misses one of its competencies
                members = [first + len(_PATTERNS) + i for i, c in enumerate(self._codes) if competency_of[c] == bloc]
                size = len(members)
                index = [*members, *patterns.tolist()]
                coefs = [1.0] * size + [-float(size) if p[j] else -float(size - 1) for p in _PATTERNS]
                self.relations.append((np.asarray(index, dtype=np.int64), np.asarray(coefs), -np.inf, 0.0))
        return self.cohorts[cohort]

    def atoms(self, key: tuple) -> np.ndarray:
        """The unknowns a certification count adds up: ("promotion", year, scope, measure) or ("cohort",
        cohort, measure)."""
        if key[0] == "promotion":
            year, scope, measure = int(key[1]), str(key[2]), str(key[3])
            scopes = [*sorted(self.regions_of_year.get(year, ())), ELSEWHERE] if scope == NATIONAL_SCOPE else [scope]
            offsets = _promotion_offsets(measure)
            out = [self._promotion(year, s) + o for s in scopes for o in offsets]
            return np.asarray(sorted(out), dtype=np.int64)
        first, measure = self._cohort(str(key[1])), str(key[2])
        if measure.startswith("competency_"):
            return np.asarray([first + len(_PATTERNS) + self._codes.index(measure[len("competency_") :])])
        if measure == "presented":
            chosen = [i for i, _ in enumerate(_PATTERNS)]
        elif measure == "certified":
            chosen = [i for i, p in enumerate(_PATTERNS) if sum(p) == len(p)]
        elif measure == "partial":
            chosen = [i for i, p in enumerate(_PATTERNS) if 0 < sum(p) < len(p)]
        else:  # bloc_<b>
            j = self._blocs.index(measure[len("bloc_") :])
            chosen = [i for i, p in enumerate(_PATTERNS) if p[j]]
        return np.asarray([first + i for i in chosen], dtype=np.int64)

    def link_annual(
        self, tables: dict[tuple[int, str], set[tuple[int, str]]], block: Callable[[tuple], int], n_profiles: int
    ) -> None:
        """Tie the regions' certified of each year to the cohort rows of their annual tables (`tables`: (year,
        scope) -> the cohort rows listed; `block`: the first of a cohort block's holder unknowns, one per
        profile, `n_profiles` of them)."""
        rows_of: dict[str, set[tuple[int, str]]] = {}
        last_table: dict[str, int] = {}
        for (year, scope), rows in tables.items():
            if scope != NATIONAL_SCOPE:
                rows_of.setdefault(scope, set()).update(rows)
                last_table[scope] = max(year, last_table.get(scope, year))
        splits: dict[tuple[str, int, str], list[int]] = {}
        for (year, scope), first in sorted(self.promotions.items()):
            if scope == ELSEWHERE or scope not in rows_of:
                continue
            listed = sorted(r for r in rows_of[scope] if r[0] <= year)
            parts = self._new(len(listed), "holders", scope).tolist()
            for (cohort_year, cohort), part in zip(listed, parts, strict=True):
                splits.setdefault((scope, cohort_year, cohort), []).append(part)
            # every holder certified that year is in a row of a later table of the region (it lists every cohort)
            complete = last_table[scope] > year
            self._relate(range(first, first + len(ROUTES)), parts, 0.0, 0.0 if complete else np.inf)
        for (scope, cohort_year, cohort), parts in splits.items():  # a row holds at least its splits
            first = block((scope, cohort_year, cohort))
            self._relate(range(first, first + n_profiles), parts, 0.0, np.inf)


__all__ = ["CertificationUnknowns"]
