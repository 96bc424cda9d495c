"""Secondary suppression by linear programming, for `tlanalysis.protect.annual`.

A masked count is safe when a reader who knows every shown count, every additive relation
between counts and what each label says (« < k »: 0..k-1; « secret »: at least k holders or
1 job) cannot pin it to one value. Near the true table that is a question about *directions*:
the masked count is free when some change δ of the counts keeps every relation
(A δ = 0), keeps every shown count (δ = 0 there), moves it (δ ≠ 0) and does not push a masked
count past the bound it sits on (a « < 5 » of 0 can only go up, one of 4 only down, a
« secret » of exactly k holders only up). Those directions form a convex cone, so:

* for a masked count that no direction found so far moves, one LP finds the cheapest direction
  that does, letting shown counts move at their cost (Fischetti & Salazar's attacker
  subproblem, as τ-ARGUS's optimal method and sdcTable use): the shown counts it moves become
  complements. The direction then protects every count it moves, and masking more counts later
  never takes it away (a count masked later was 0 in it), so each count is settled once.

The LP of a count is first solved on its region's counts (and the national ones, which then
move with them; HiTaS's modular idea), and on all the counts of its table (every region and
year) when that would mask more than cohort cells, or fails. Counts are processed top-down:
national, then regional counts, then cohort cells. The solver is HiGHS through `highspy`, one
model per scope re-solved from its last basis (see `_ScopeLP`).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .annual_model import DETAIL_WEIGHT as _DETAIL_WEIGHT
from .annual_model import Model

SMALL_COUNT, SECONDARY = "small_count", "secondary"
#: Cost of moving an already masked count (free, but a little, so that directions stay small).
_MASKED_COST = 1e-3
_INF = highspy.kHighsInf
#: A direction component smaller than this is 0 (HiGHS works to about 1e-7 relative).
_MOVE = 1e-6


@dataclass
class _Direction:
    support: np.ndarray  # classes moved
    cost: float  # of the shown counts moved
    heaviest: float  # largest weight among them (0 if none)


class Suppressor:
    """Secondary suppression over a `Model`: `run()` returns the masked classes with their reasons."""

    def __init__(
        self,
        model: Model,
        min_count: int,
        known: dict[int, int] | None = None,
        carried: dict[int, tuple[float, float]] | None = None,
    ) -> None:
        """`known`: classes an earlier release showed (class -> value): a reader knows them, they stay shown;
        `carried`: classes an earlier release masked (class -> the range its labels gave): they stay masked,
        within that range too."""
        self.k = min_count
        self.values = np.asarray(model.values, dtype=float)
        self.is_holders = np.asarray(model.holders, dtype=bool)
        self.cost = model.costs()
        self.weights = np.asarray(model.weights, dtype=float)
        self.relations = model.relation_matrix().tocsc()
        n = model.n_classes
        self.masked: dict[int, str] = dict(sorted(model.sensitive.items()))
        self.is_masked = np.zeros(n, dtype=bool)
        self.is_masked[list(self.masked)] = True
        # Counts no report shows are unknowns to a reader, never shown nor complements: only >= 0.
        self.hidden = ~np.asarray(model.published, dtype=bool)
        self.is_masked[self.hidden] = True
        self.reason_small = np.zeros(n, dtype=bool)
        self.reason_small[[c for c, r in self.masked.items() if r == SMALL_COUNT]] = True
        #: the least value a reader gives a « secret » count: k holders (smaller ones are « < k »), 1 job
        self.floor = np.where(self.is_holders, float(max(min_count, 1)), 1.0)
        self.floor[self.hidden] = 0.0
        self.known = np.zeros(n, dtype=bool)
        self.earlier_lo = np.zeros(n)
        self.earlier_hi = np.full(n, np.inf)
        for c in known or {}:
            self.known[c] = True
        for c, (lo, hi) in (carried or {}).items():
            if self.known[c]:
                continue
            self.earlier_lo[c], self.earlier_hi[c] = lo, hi
            if not self.is_masked[c]:  # « < k » then is a small count now too (a count of an earlier release)
                self.masked[c] = SMALL_COUNT if hi < self.floor[c] else SECONDARY
                self.is_masked[c] = True
                self.reason_small[c] = self.masked[c] == SMALL_COUNT
        for c in np.flatnonzero(self.known & self.is_masked & ~self.hidden).tolist():
            del self.masked[c]  # shown before: public, whatever its rule says now
            self.is_masked[c] = False
            self.reason_small[c] = False
        self.unresolved: list[int] = []
        self.lp_count = 0
        # Tables: classes linked by relations; within a table, the classes of each region.
        links = abs(self.relations).T @ abs(self.relations)
        _, self.table = connected_components(links, directed=False)
        self.home = np.array([h if h is not None else "" for h in model.home], dtype=object)
        by_table: dict[int, list[int]] = {}
        for c, t in enumerate(self.table.tolist()):
            by_table.setdefault(t, []).append(c)
        self.members = {t: np.asarray(cs, dtype=np.int64) for t, cs in by_table.items()}
        self._lps: dict[tuple[int, str, bool], _ScopeLP] = {}
        keys = model.representative
        # HiTaS order: counts of several regions (national) first, then regional counts, then cohort cells.
        self.level = np.array(
            [
                0 if model.home[c] is None else (2 if len(keys[c]) > 3 and keys[c][3] == "cohort" else 1)
                for c in range(n)
            ],
            dtype=np.int64,
        )

    # -- what a reader knows of the masked counts

    def _bounds(self, classes: np.ndarray, labels: bool) -> tuple[np.ndarray, np.ndarray]:
        lo = np.zeros(classes.size)
        hi = np.full(classes.size, np.inf)
        if labels:
            small = self.reason_small[classes]
            hi[small] = self.k - 1
            lo[~small] = self.floor[classes][~small]
            lo = np.maximum(lo, self.earlier_lo[classes])
            hi = np.minimum(hi, self.earlier_hi[classes])
        return lo, hi

    # -- the LPs

    def _sub(self, classes: np.ndarray) -> sparse.csr_matrix:
        """The relations touching `classes`, restricted to them (the other counts held still)."""
        sub = self.relations[:, classes]
        rows = np.unique(sub.indices)
        return sub.tocsr()[rows]

    def _direction(self, i: int, scope: _ScopeLP, sign: float) -> _Direction | None:
        """The cheapest direction over the scope's classes that moves class i by at least 1 in `sign`."""
        self.lp_count += 1
        delta = scope.solve(i, sign)
        if delta is None:
            return None
        support = scope.classes[np.abs(delta) > _MOVE]
        complements = support[~self.is_masked[support]]
        heaviest = float(self.weights[complements].max()) if complements.size else 0.0
        return _Direction(support, float(self.cost[complements].sum()), heaviest)

    def _scopes(self, i: int, labels: bool) -> list[_ScopeLP]:
        """Where to look for a direction for class i, smallest first: its region's counts with the national
        ones (which then move with the region's), then its whole table."""
        table = int(self.table[i])
        home = self.home[i] if labels else ""
        keys = [(table, home, labels), (table, "", labels)] if home else [(table, "", labels)]
        out = []
        for key in keys:
            scope = self._lps.get(key)
            if scope is None:
                members = self.members[table]
                if key[1]:
                    homes = self.home[members]
                    members = members[(homes == key[1]) | (homes == "")]
                scope = self._lps[key] = _ScopeLP(self, members, labels)
            out.append(scope)
        return out

    def _signs(self, i: int) -> list[float]:
        lo, hi = self._bounds(np.array([i]), True)
        if self.values[i] <= lo[0]:
            return [1.0]
        if self.values[i] >= hi[0]:
            return [-1.0]
        return [1.0, -1.0]

    def _protect(self, i: int, covered: np.ndarray) -> None:
        for labels in (True, False):
            best: _Direction | None = None
            for scope in self._scopes(i, labels):
                for sign in self._signs(i) if labels else (1.0, -1.0):
                    found = self._direction(i, scope, sign)
                    if found is not None and (best is None or found.cost < best.cost):
                        best = found
                # Within the region, a pattern of cohort cells only is taken as it is (HiTaS: the regional
                # table is protected on its own when it can be); otherwise the whole table decides.
                if best is not None and best.heaviest <= _DETAIL_WEIGHT:
                    break
            if best is not None:
                for j in best.support.tolist():
                    if not self.is_masked[j]:
                        self.masked[j] = SECONDARY
                        self.is_masked[j] = True
                if labels:
                    covered[best.support] = True
                    return
                break
        # No direction against a reader of the labels: protected (if at all) only by non-negativity.
        self.unresolved.append(i)
        covered[i] = True

    def run(self) -> dict[int, str]:
        covered = np.zeros(self.is_masked.size, dtype=bool)
        todo = sorted(self.masked, key=lambda c: (self.level[c], -self.cost[c], c))
        for i in todo:
            if not covered[i]:
                self._protect(i, covered)
        return self.masked


class _ScopeLP:
    """The direction LP over a fixed set of classes, kept in one HiGHS model: between two cells only the
    bounds and costs of the classes masked since change, and HiGHS re-solves from the last basis.

    Columns: δ⁺ then δ⁻ of each class (δ = δ⁺ - δ⁻); rows: the relations touching the classes (the other
    classes held still); cost: a shown class's cost per unit moved, `_MASKED_COST` for a masked one."""

    def __init__(self, owner: Suppressor, classes: np.ndarray, labels: bool) -> None:
        self.owner, self.classes, self.labels = owner, classes, labels
        m = classes.size
        sub = owner._sub(classes)
        matrix = sparse.hstack([sub, -sub]).tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = 2 * m, matrix.shape[0]
        self.masked = owner.is_masked[classes].copy()
        cost, upper = self._state(np.arange(m))
        lp.col_cost_ = cost
        lp.col_lower_ = np.zeros(2 * m)
        lp.col_upper_ = upper
        lp.row_lower_ = np.zeros(matrix.shape[0])
        lp.row_upper_ = np.zeros(matrix.shape[0])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data
        self.highs = _new_highs()
        self.highs.passModel(lp)
        self.upper = upper

    def _state(self, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Costs and upper bounds of the δ⁺ and δ⁻ columns of these positions (in that order)."""
        owner, classes = self.owner, self.classes[positions]
        masked = owner.is_masked[classes]
        values = owner.values[classes]
        lo, hi = owner._bounds(classes, self.labels)
        up = np.full(positions.size, _INF)
        down = np.full(positions.size, _INF)
        down[masked & (values <= lo)] = 0.0  # a masked count on its reader's lower bound can only go up...
        up[masked & (values >= hi)] = 0.0  # ...on its upper bound, only down
        shown = ~masked
        known = owner.known[classes] & shown
        up[known] = 0.0  # shown in an earlier release: a reader knows it
        down[known] = 0.0
        up[shown & (values <= 0)] = 0.0  # a count of 0 is never a complement
        down[shown & (values <= 0)] = 0.0
        if self.labels:  # a complement at the reader's least value (k holders, 1 job) could only go up
            down[shown & (values <= owner.floor[classes])] = 0.0
        unit = np.where(masked, _MASKED_COST, owner.cost[classes])
        return np.concatenate([unit, unit]), np.concatenate([up, down])

    def _sync(self) -> None:
        now = self.owner.is_masked[self.classes]
        changed = np.flatnonzero(now != self.masked)
        if changed.size == 0:
            return
        self.masked = now.copy()
        cost, upper = self._state(changed)
        columns = np.concatenate([changed, changed + self.classes.size]).astype(np.int32)
        self.highs.changeColsCost(columns.size, columns, cost)
        self.highs.changeColsBounds(columns.size, columns, np.zeros(columns.size), upper)
        self.upper[columns] = upper

    def solve(self, i: int, sign: float) -> np.ndarray | None:
        """δ of the cheapest direction moving class i by at least 1 in `sign` (None: there is none)."""
        self._sync()
        m = self.classes.size
        position = int(np.searchsorted(self.classes, i))
        along, against = (position, m + position) if sign > 0 else (m + position, position)
        if self.upper[along] == 0.0:
            return None
        highs = self.highs
        highs.changeColBounds(along, 1.0, self.upper[along])
        highs.changeColBounds(against, 0.0, 0.0)
        highs.run()
        ok = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        x = np.asarray(highs.getSolution().col_value) if ok else None
        highs.changeColBounds(along, 0.0, self.upper[along])
        highs.changeColBounds(against, 0.0, self.upper[against])
        if x is None:
            return None
        return x[:m] - x[m:]


_quiet = False


def _new_highs() -> highspy.Highs:
    """A silent HiGHS instance. The first one of a process prints a banner to the C-level stdout, which a
    Jupyter kernel would copy into the report's cell: it is made with stdout pointed at /dev/null."""
    global _quiet
    if not _quiet:
        sys.stdout.flush()
        saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            highs = highspy.Highs()
            with contextlib.suppress(OSError, AttributeError):  # no C library to flush (not Linux/macOS)
                ctypes.CDLL(None).fflush(None)
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _quiet = True
    else:
        highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs
