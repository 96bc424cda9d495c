"""Secondary suppression of the certification figures, checked with integer programming.

A `Unit` is what a reader knows as linear constraints on whole numbers ≥ 0 (atoms, see
`tlanalysis.protect.certification_model`): each published count is a sum of atoms whose value is either
shown (an equality) or masked (its label's range: « < k » is 0..k-1, « secret » is ≥ k), and the
meaning of the tables adds further constraints. A masked count is *pinned* when every whole-number
solution gives it its true value; it is safe when some solution gives it another value.

The search is `Unit`-wide MILP with HiGHS (one model, whose row bounds change as counts are masked),
made cheap by **witnesses**: each solution the solver returns is a table of whole numbers consistent
with what a reader knows, and every masked count whose value differs there is safe; masking more
counts only loosens the constraints, so a witness stays valid for the rest of the suppression.
Only the masked counts no witness moves need their own solve (the largest value, then the least).

**Each region first, then France** (HiTaS's order, as `tlanalysis.protect.annual_suppress` does): the
regions are linked only through national figures (France's counts and the annual reports' national
holder counts), so a regional count's question is asked first of a small problem of its own — its
region's atoms free, every other atom held at its true value, every row touching them bounded by its
range less what the held atoms give it (a solution there is a solution of the whole) —; then, for whole
numbers, of the regions that the least movement of the linear relaxation (fewest people moved) touches
(a shown national figure moves only if another region's part moves with it; that movement is often whole
already); the whole model only when both fail. The cheapest complements of a regional count are looked
for the same way, within its region and a partner region whose same figure is cheapest to mask, before
the whole unit. Every whole-number witness is checked against every row before it is believed.
"""

from __future__ import annotations

from collections.abc import Hashable

import highspy
import numpy as np
from scipy import sparse

from .annual_suppress import _new_highs
from .certification_model import Unit

SMALL_COUNT, SECONDARY = "small_count", "secondary"
Key = Hashable
_INF = highspy.kHighsInf
_MOVE = 1e-6  # a slack below this is 0 (HiGHS works to about 1e-7)
REGIONAL_PARTNERS = 2  # partner regions tried for a regional count's complements before the whole unit


class Audit:
    """One HiGHS model of a unit under a masking; answers whether a masked count is pinned."""

    def __init__(self, unit: Unit, masked: dict[Key, str], k: int, integer: bool = True) -> None:
        self.unit, self.k, self.integer = unit, k, integer
        self.index = {key: i for i, key in enumerate(unit.keys)}
        self.counts = unit.matrix()
        self.values = self.counts @ unit.truth.astype(float)
        n_cells, n_vars = self.counts.shape
        extra = sparse.csr_matrix(
            (
                np.concatenate([c for _, c, _, _ in unit.extra]) if unit.extra else np.zeros(0),
                np.concatenate([i for i, _, _, _ in unit.extra]) if unit.extra else np.zeros(0, dtype=np.int64),
                np.cumsum([0, *(i.size for i, _, _, _ in unit.extra)]),
            ),
            shape=(len(unit.extra), n_vars),
        )
        self.extra = extra
        matrix = sparse.vstack([self.counts, extra]).tocsc()
        self._matrix = matrix  # every row, for the regional problems (`_local`)
        self._base = matrix @ unit.truth.astype(float)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_vars, matrix.shape[0]
        lp.col_cost_ = np.zeros(n_vars)
        lp.col_lower_ = np.zeros(n_vars)
        lp.col_upper_ = np.full(n_vars, _INF)
        self.masked: dict[Key, str] = {}
        lower, upper = self.values.copy(), self.values.copy()
        row_lower = np.concatenate([lower, [lo for _, _, lo, _ in unit.extra]]).astype(float)
        row_upper = np.concatenate([upper, [hi for _, _, _, hi in unit.extra]]).astype(float)
        #: the rows' current bounds, as HiGHS has them (for the regional problems)
        self.row_lower = np.where(np.isfinite(row_lower), row_lower, -_INF)
        self.row_upper = np.where(np.isfinite(row_upper), row_upper, _INF)
        lp.row_lower_, lp.row_upper_ = self.row_lower.copy(), self.row_upper.copy()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        if integer:
            lp.integrality_ = [highspy.HighsVarType.kInteger] * n_vars
        self._local_highs: highspy.Highs | None = None
        self._local_parts: dict[tuple, tuple] = {}
        self._region_atoms: dict[str, np.ndarray] = {}
        self._nearest: highspy.Highs | None = None
        self.highs = _new_highs()
        self.highs.passModel(lp)
        self.highs.setOptionValue("mip_rel_gap", 0.0)
        self.highs.setOptionValue("mip_abs_gap", 0.5)  # the objectives are whole numbers: exact optimum
        self.moved = np.zeros(n_cells, dtype=bool)  # some witness gives the count another value
        self._n, self._objective = n_vars, False
        self.witnesses: list[np.ndarray] = []
        self.solves = 0
        self.set_masked(masked)

    # -- state

    def _label(self, reason: str | None, value: float) -> tuple[float, float]:
        if reason is None:
            return value, value
        return (0.0, self.k - 1.0) if reason == SMALL_COUNT else (float(self.k), _INF)

    def set_masked(self, masked: dict[Key, str]) -> None:
        """Mask (or show again, for a trial) counts: their rows get their label's range."""
        changed = [key for key in set(masked) | set(self.masked) if masked.get(key) != self.masked.get(key)]
        for key in changed:
            i = self.index[key]
            low, high = self._label(masked.get(key), self.values[i])
            self._bound(i, low, high)
        self.masked = dict(masked)

    def _bound(self, i: int, low: float, high: float) -> None:
        self.highs.changeRowBounds(i, low, high)
        self.row_lower[i], self.row_upper[i] = low, high

    def _solution(self) -> np.ndarray:
        x = np.asarray(self.highs.getSolution().col_value)
        return np.round(x) if self.integer else x  # a MIP solution is whole up to HiGHS's tolerance

    def add_witness(self, x: np.ndarray) -> None:
        self.moved |= np.abs(self.counts @ x - self.values) > 0.5
        self.witnesses.append(x)

    def adopt(self, solutions: list[np.ndarray]) -> None:
        """Take the whole-number ones among another audit's solutions (those of the linear relaxation are
        often whole, its vertices; found under less masking, they hold under this one)."""
        for x in solutions:
            whole = np.round(x)
            if np.abs(x - whole).max() < 1e-6 and whole.min() >= 0:
                self.add_witness(whole)

    # -- questions

    def _extreme(self, key: Key, sign: float) -> tuple[bool, np.ndarray | None]:
        """(whether some solution gives the count a value past its true one in `sign`, that solution).

        A feasibility question, not an optimisation: the count's row is held one unit past its value
        (within its label's range) and any solution will do, which HiGHS answers far sooner."""
        i = self.index[key]
        low, high = self._label(self.masked.get(key), self.values[i])
        bound = (self.values[i] + 1, high) if sign > 0 else (low, self.values[i] - 1)
        if bound[0] > bound[1]:
            return False, None
        highs = self.highs
        if self._objective:
            highs.changeColsCost(self._n, np.arange(self._n, dtype=np.int32), np.zeros(self._n))
            self._objective = False
        region = self._region_of(i)
        if region is not None and not self.integer:
            x = self._local((region,), i, bound)  # the linear relaxation: its region first, then the whole
            if x is not None:
                return True, x
        elif region is not None:
            # First within the count's region, every other atom held at its true value (a small problem of
            # its own: a solution there is a solution of the whole); then within the regions that the
            # least movement of the linear relaxation moves (a shown national figure moves only if
            # another region's part does); only when neither answers, the whole model.
            x = self._local((region,), i, bound)
            if x is not None:
                return True, x
            near, x = self._nearest_regions(i, bound)
            if near is None:  # not even in the linear relaxation
                return False, None
            if x is not None:  # that movement is in whole numbers already
                return True, x
            if len(near) < len(self._regions()):
                x = self._local(near, i, bound)
                if x is not None:
                    return True, x
        status, x = self._solve_with(i, bound, (low, high))
        if status == highspy.HighsModelStatus.kInfeasible:
            return False, None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"certification disclosure audit: HiGHS ended with {highs.modelStatusToString(status)}")
        return True, x

    def _solve_with(
        self, i: int, bound: tuple[float, float], restore: tuple[float, float]
    ) -> tuple[highspy.HighsModelStatus, np.ndarray | None]:
        """Solve with count i held within `bound`, then give it back its range: (status, the solution)."""
        self._bound(i, *bound)
        status = self._run()
        x = self._solution() if status == highspy.HighsModelStatus.kOptimal else None  # read before any change
        self._bound(i, *restore)
        return status, x

    def _region_of(self, i: int) -> str | None:
        """The one region count i lies in (None when it spans several, or the unit has no regions)."""
        regions = self.unit.regions
        if regions.size == 0:
            return None
        mine = {r for r in regions[self.counts.indices[self.counts.indptr[i] : self.counts.indptr[i + 1]]] if r}
        return next(iter(mine)) if len(mine) == 1 else None

    def _nearest_regions(self, i: int, bound: tuple[float, float]) -> tuple[tuple[str, ...] | None, np.ndarray | None]:
        """The regions whose atoms the least movement from the truth (in sum of people moved, whole
        numbers or not) that takes count i within `bound` moves (None if there is none), and that
        movement's solution when it is in whole numbers (a vertex often is)."""
        n_rows, n = self._matrix.shape
        if self._nearest is None:
            lp = highspy.HighsLp()
            both = sparse.hstack([self._matrix, -self._matrix]).tocsc()  # x = truth + up - down
            lp.num_col_, lp.num_row_ = 2 * n, n_rows
            lp.col_cost_ = np.ones(2 * n)
            lp.col_lower_ = np.zeros(2 * n)
            lp.col_upper_ = np.concatenate([np.full(n, _INF), self.unit.truth.astype(float)])
            lp.row_lower_, lp.row_upper_ = np.zeros(n_rows), np.zeros(n_rows)
            lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
            lp.a_matrix_.start_ = both.indptr.astype(np.int32)
            lp.a_matrix_.index_ = both.indices.astype(np.int32)
            lp.a_matrix_.value_ = both.data.astype(float)
            self._nearest = _new_highs()
            self._nearest.passModel(lp)
        low, high = self.row_lower - self._base, self.row_upper - self._base
        low[i], high[i] = bound[0] - self._base[i], bound[1] - self._base[i]
        self._nearest.changeRowsBounds(n_rows, np.arange(n_rows, dtype=np.int32), low, high)  # type: ignore[attr-defined]
        self.solves += 1
        self._nearest.run()
        if self._nearest.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None, None
        x = np.asarray(self._nearest.getSolution().col_value)
        moved = (x[:n] + x[n:]) > _MOVE
        regions = tuple(sorted({r for r in self.unit.regions[moved].tolist() if r}))
        return regions, self._whole(self.unit.truth + x[:n] - x[n:], i, bound)

    def _whole(self, x: np.ndarray, i: int, bound: tuple[float, float]) -> np.ndarray | None:
        """`x` rounded if it is a whole-number solution with count i within `bound`, else None (checked
        against every row: the solver's tolerance must not let a reader's impossible table through)."""
        whole = np.round(x)
        if np.abs(x - whole).max() > _MOVE or whole.min() < 0:
            return None
        values = self._matrix @ whole
        low, high = self.row_lower.copy(), self.row_upper.copy()
        low[i], high[i] = bound
        return whole if ((values >= low - 1e-9) & (values <= high + 1e-9)).all() else None

    def _regions(self) -> list[str]:
        if not self._region_atoms:
            regions = self.unit.regions
            for region in sorted({r for r in regions.tolist() if r}):
                self._region_atoms[region] = np.flatnonzero(regions == region)
            self._region_atoms["*"] = np.flatnonzero(regions == None)  # noqa: E711  # atoms of several regions
        return [r for r in self._region_atoms if r != "*"]

    def _atoms_of(self, regions: tuple[str, ...]) -> np.ndarray:
        """The atoms of these regions and those of no one region."""
        self._regions()
        return np.sort(np.concatenate([self._region_atoms[r] for r in (*regions, "*")]))

    def _local(self, regions: tuple[str, ...], i: int, bound: tuple[float, float]) -> np.ndarray | None:
        """A whole-number solution with count i within `bound` in which only the atoms of `regions` (and
        those of no one region) differ from the truth, or None: the problem restricted to those atoms,
        every row touching them bounded by its current range less what the held atoms give it. (In a
        linear audit, a solution of the relaxation.) Each part's linear model is kept, only its bounds
        change from one question to the next."""
        if regions not in self._local_parts:
            free = self._atoms_of(regions)
            part = self._matrix[:, free]
            rows = np.unique(part.indices)
            part = part[rows].tocsc()
            held = self._base[rows] - part @ self.unit.truth[free].astype(float)
            self._local_parts[regions] = (free, rows, part, held, None)
        free, rows, part, held, linear = self._local_parts[regions]
        at = np.searchsorted(rows, i)
        if at == rows.size or rows[at] != i:
            return None
        low, high = self.row_lower[rows] - held, self.row_upper[rows] - held
        low[at], high[at] = bound[0] - held[at], bound[1] - held[at]
        if linear is None:
            linear = _new_highs()
            linear.passModel(_lp(part, low, high))
            self._local_parts[regions] = (free, rows, part, held, linear)
        else:
            linear.changeRowsBounds(rows.size, np.arange(rows.size, dtype=np.int32), low, high)
        for integer in (False, True):  # the linear relaxation first: its vertex is often whole already
            if integer:
                if self._local_highs is None:
                    self._local_highs = _new_highs()
                highs = self._local_highs
                highs.passModel(_lp(part, low, high, integer=True))
            else:
                highs = linear
            self.solves += 1
            highs.run()
            status = highs.getModelStatus()
            if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
                highs.clearSolver()  # a warm start that left no status: once more from scratch
                highs.run()
                status = highs.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                return None
            x = self.unit.truth.astype(float)
            x[free] = np.asarray(highs.getSolution().col_value)
            if not self.integer:
                return x
            whole = self._whole(x, i, bound)
            if whole is not None:
                return whole
        return None

    def _run(self) -> highspy.HighsModelStatus:
        """Solve; once more from scratch when a warm start leaves no status (seen with the dual simplex)."""
        self.solves += 1
        self.highs.run()
        status = self.highs.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
            self.highs.clearSolver()
            self.highs.run()
            status = self.highs.getModelStatus()
        return status

    def pinned(self, key: Key, keep: bool = True) -> tuple[bool, list[np.ndarray]]:
        """Whether the masked count `key` is pinned, and the witnesses found (kept in the pool if `keep`)."""
        found: list[np.ndarray] = []
        if self.moved[self.index[key]]:
            return False, found
        for sign in (1.0, -1.0):
            free, x = self._extreme(key, sign)
            if x is not None:
                found.append(x)
                if keep:
                    self.add_witness(x)
            if free:
                return False, found
        return True, found

    def spread(self, keys: list[Key], rounds: int = 4) -> None:
        """Seed the pool with solutions pushing the masked counts every which way (each moves many):
        the first round all up, the second all down, then random signs (a fixed seed: same masking)."""
        if not keys:
            return
        rows = self.counts[[self.index[key] for key in keys]]
        rng = np.random.default_rng(0)
        self.highs.setOptionValue("mip_rel_gap", 1.0)  # any good solution will do
        for r in range(rounds):
            signs = (
                np.ones(len(keys)) if r == 0 else -np.ones(len(keys)) if r == 1 else rng.choice([-1.0, 1.0], len(keys))
            )
            costs = np.asarray(rows.T @ signs).ravel()
            self.highs.changeColsCost(costs.size, np.arange(costs.size, dtype=np.int32), costs)
            self.highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
            self._objective = True
            bounded = self._cap(True)
            if self._run() == highspy.HighsModelStatus.kOptimal:
                self.add_witness(self._solution())
            self._cap(False, bounded)
        self.highs.setOptionValue("mip_rel_gap", 0.0)

    def _cap(self, on: bool, rows: list[int] | None = None) -> list[int]:
        """Give « secret » counts a finite ceiling while spreading (10 × their value), so that pushing them
        up has an optimum; the rows capped are returned to be freed again."""
        if on:
            rows = [self.index[key] for key, reason in self.masked.items() if reason != SMALL_COUNT]
            for i in rows:
                self._bound(i, float(self.k), float(max(10 * self.values[i], 10 * self.k)))
            return rows
        for i in rows or []:
            self._bound(i, float(self.k), _INF)
        return []


class Elastic:
    """The cheapest shown counts to mask so that a pinned count can move (Fischetti & Salazar's attacker
    subproblem, as in `tlanalysis.protect.annual_suppress`, here on the linear relaxation of the unit):
    shown counts may leave their value at their cost; the count is pushed one unit past its value.

    With `regions`, only their atoms (and those of no one region) move, the others held at their true
    values: the question of a regional count asked within a few regions first, a problem about as small
    as they are; the rows it keeps are those touching these atoms (national figures included, less what
    the held atoms give them)."""

    def __init__(self, audit: Audit, locked: set[Key], regions: tuple[str, ...] | None = None) -> None:
        self.audit = audit
        unit = audit.unit
        n_counts = audit.counts.shape[0]
        if regions is None:
            columns = np.arange(audit.counts.shape[1])
            counts, extra = audit.counts, audit.extra
            self.rows, extra_rows = np.arange(n_counts), np.arange(audit.extra.shape[0])
            held, extra_held = np.zeros(self.rows.size), np.zeros(extra_rows.size)
        else:
            columns = audit._atoms_of(regions)
            part = audit._matrix[:, columns]  # every row, these atoms
            touched = np.unique(part.indices)
            self.rows, extra_rows = touched[touched < n_counts], touched[touched >= n_counts] - n_counts
            part = part.tocsr()
            counts, extra = part[self.rows], part[extra_rows + n_counts]
            truth = audit.unit.truth[columns].astype(float)
            held = audit._base[self.rows] - counts @ truth
            extra_held = audit._base[extra_rows + n_counts] - extra @ truth
        self.held = held
        self.local = {int(i): j for j, i in enumerate(self.rows)}
        n_cells, n_vars = self.rows.size, columns.size
        self.n_cells, self.n_vars = n_cells, n_vars
        slack = sparse.identity(n_cells, format="csr")
        zero = sparse.csr_matrix((extra.shape[0], n_cells))
        matrix = sparse.vstack([sparse.hstack([counts, -slack, slack]), sparse.hstack([extra, zero, zero])]).tocsc()
        self.frozen = np.array([unit.keys[i] in locked or unit.keys[i] in unit.external for i in self.rows])
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_vars + 2 * n_cells, matrix.shape[0]
        costs = np.asarray(unit.costs, dtype=float)[self.rows]
        lp.col_cost_ = np.concatenate([np.zeros(n_vars), costs, costs])
        lp.col_lower_ = np.zeros(lp.num_col_)
        # every count shown to begin with (`_sync` follows the masking): a slack up freely, down to k at
        # most (once masked, « secret » says at least k); none for frozen counts
        values = audit.values[self.rows]
        up = np.where(self.frozen, 0.0, _INF)
        down = np.where(self.frozen, 0.0, np.maximum(values - audit.k, 0.0))
        lp.col_upper_ = np.concatenate([np.full(n_vars, _INF), up, down])
        extra_lo = np.array([lo for _, _, lo, _ in unit.extra], dtype=float)[extra_rows] - extra_held
        extra_hi = np.array([hi for _, _, _, hi in unit.extra], dtype=float)[extra_rows] - extra_held
        extra_lo, extra_hi = (
            np.where(np.isfinite(extra_lo), extra_lo, -_INF),
            np.where(np.isfinite(extra_hi), extra_hi, _INF),
        )
        lp.row_lower_ = np.concatenate([audit.values[self.rows] - held, extra_lo]).astype(float)
        lp.row_upper_ = np.concatenate([audit.values[self.rows] - held, extra_hi]).astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = matrix.data.astype(float)
        self.highs = _new_highs()
        self.highs.passModel(lp)
        self.state: dict[Key, str] = {}

    def _sync(self, masked: dict[Key, str]) -> None:
        """Masked and frozen counts have no slack; masked ones keep their label's range."""
        audit, index = self.audit, self.audit.index
        changed = [key for key in set(masked) | set(self.state) if masked.get(key) != self.state.get(key)]
        rows = [(self.local[index[key]], index[key], key) for key in changed if index[key] in self.local]
        self.state = dict(masked)
        if not rows:
            return
        j = np.array([r[0] for r in rows], dtype=np.int32)
        labels = np.array([audit._label(masked.get(key), audit.values[i]) for _, i, key in rows], dtype=float)
        free = np.array([key not in masked for _, _, key in rows]) & ~self.frozen[j]
        values = audit.values[[i for _, i, _ in rows]]
        zeros = np.zeros(j.size)
        self.highs.changeRowsBounds(j.size, j, labels[:, 0] - self.held[j], labels[:, 1] - self.held[j])  # type: ignore[attr-defined]
        self.highs.changeColsBounds(j.size, self.n_vars + j, zeros, np.where(free, _INF, 0.0))
        down = np.where(free, np.maximum(values - audit.k, 0.0), 0.0)
        self.highs.changeColsBounds(j.size, self.n_vars + self.n_cells + j, zeros, down)

    def complements(self, target: Key, masked: dict[Key, str]) -> list[Key]:
        """Shown counts whose masking lets `target` move up or down (the cheaper way), [] if none does."""
        return self.cheapest(target, masked)[1]

    def cheapest(self, target: Key, masked: dict[Key, str]) -> tuple[float, list[Key]]:
        """(cost, complements) of `complements`; (inf, []) if none."""
        self._sync(masked)
        audit, i = self.audit, self.audit.index[target]
        j = self.local[i]
        low, high = audit._label(masked[target], audit.values[i])
        best: tuple[float, list[Key]] | None = None
        for bound in ((audit.values[i] + 1, high), (low, audit.values[i] - 1)):
            if bound[0] > bound[1]:
                continue
            self.highs.changeRowBounds(j, bound[0] - self.held[j], bound[1] - self.held[j])
            self.highs.run()
            audit.solves += 1
            if self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                x = np.asarray(self.highs.getSolution().col_value)
                moved = (x[self.n_vars : self.n_vars + self.n_cells] + x[self.n_vars + self.n_cells :]) > _MOVE
                cost = float(self.highs.getInfo().objective_function_value)
                if best is None or cost < best[0]:
                    best = (cost, [audit.unit.keys[self.rows[m]] for m in np.flatnonzero(moved)])
        self.highs.changeRowBounds(j, low - self.held[j], high - self.held[j])
        return best if best else (np.inf, [])


def _lp(matrix: sparse.csc_matrix, low: np.ndarray, high: np.ndarray, integer: bool = False) -> highspy.HighsLp:
    """A feasibility model over columns ≥ 0 (whole numbers if `integer`) with rows between low and high."""
    n_rows, n_cols = matrix.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, n_rows
    lp.col_cost_ = np.zeros(n_cols)
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.full(n_cols, _INF)
    lp.row_lower_, lp.row_upper_ = low, high
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    return lp


def _same_counts(unit: Unit) -> dict[Key, list[Key]]:
    """Counts over the same atoms are one figure (France = its only region): masked together."""
    groups: dict[bytes, list[Key]] = {}
    for key, row in zip(unit.keys, unit.rows, strict=True):
        groups.setdefault(np.sort(row).tobytes(), []).append(key)
    return {key: members for members in groups.values() for key in members}


def suppress(unit: Unit, k: int) -> tuple[dict[Key, str], int]:
    """Primary then secondary suppression of a unit: (key -> reason, the number of solves).

    Primary: every count below k that no other report decides. Secondary: while some masked count is
    pinned (the most important first), mask the closest, cheapest shown count that frees it (or that
    count, and look again); external counts keep their status. The search runs first on the linear
    relaxation (ten times faster, and what is pinned there is pinned), then again with whole numbers
    from where it stopped, which only adds what the relaxation missed."""
    values = unit.matrix() @ unit.truth
    same = _same_counts(unit)
    masked: dict[Key, str] = {}
    for key, value in zip(unit.keys, values, strict=True):
        if key in unit.external:
            reason = unit.external[key]
            if reason is not None:
                masked[key] = reason
        elif k > 1 and value < k:
            masked[key] = SMALL_COUNT
    for key in list(masked):  # the same figure elsewhere is masked as well
        for other in same[key]:
            masked.setdefault(other, masked[key])
    if not masked:
        return masked, 0
    locked = {key for key in unit.keys if any(m in unit.external for m in same[key])}
    solves = 0
    earlier: list[np.ndarray] = []
    for integer in (False, True):
        audit = Audit(unit, masked, k, integer=integer)
        if integer:
            audit.adopt(_valid(unit, audit, masked, earlier))
        masked, resolved = _search(unit, audit, masked, same, locked)
        earlier = audit.witnesses
        solves += audit.solves
        if not resolved:  # could not be protected otherwise: nothing of the certification reports is shown
            for key, value in zip(unit.keys, values, strict=True):
                if key not in locked:
                    masked.setdefault(key, SECONDARY if value >= k else SMALL_COUNT)
            break
    return masked, solves


def _search(
    unit: Unit, audit: Audit, masked: dict[Key, str], same: dict[Key, list[Key]], locked: set[Key]
) -> tuple[dict[Key, str], bool]:
    """Secondary suppression with one audit (linear or whole numbers): the masking, and whether every
    masked count was freed."""
    if not audit.integer or not audit.witnesses:  # the relaxation's whole solutions are spread enough
        audit.spread(list(masked))
    index = audit.index
    distance = _distances(unit, audit)
    elastic = Elastic(audit, locked) if not audit.integer else None
    regional: dict[tuple[str, ...], Elastic] = {}
    by_importance = sorted(range(len(unit.keys)), key=lambda i: unit.costs[i], reverse=True)
    unresolved: set[Key] = set()

    def with_mask(current: dict, key: Key) -> dict:
        return {**current, **dict.fromkeys(same[key], SECONDARY)}

    for _ in range(len(unit.keys) + 1):
        target = next(
            (
                unit.keys[i]
                for i in by_importance
                if unit.keys[i] in masked and unit.keys[i] not in unresolved and audit.pinned(unit.keys[i])[0]
            ),
            None,
        )
        if target is None:
            break
        if elastic is not None:
            group = _regional_complements(audit, elastic, regional, locked, target, masked)
            if group:
                trial = masked
                for key in group:
                    trial = with_mask(trial, key)
                audit.set_masked(trial)
                still, found = audit.pinned(target, keep=False)
                if not still:
                    masked = trial
                    for x in found:
                        audit.add_witness(x)
                    continue
                audit.set_masked(masked)
        far = distance(index[target])
        near = sorted(
            (i for i in range(len(unit.keys)) if np.isfinite(far[i]) and unit.keys[i] not in masked),
            key=lambda i: (far[i], unit.costs[i]),
        )
        candidates = [unit.keys[i] for i in near if unit.keys[i] not in locked]
        chosen, witnesses = None, []
        for key in candidates:
            audit.set_masked(with_mask(masked, key))
            still, found = audit.pinned(target, keep=False)
            if still:
                continue
            if chosen is None:  # frees the target; better still if a reader cannot work it out either
                chosen, witnesses = key, found
            itself, more = audit.pinned(key, keep=False)
            if not itself:
                chosen, witnesses = key, found + more
                break
        audit.set_masked(masked)
        if chosen is None and candidates:  # no single count frees it: the closest, cheapest one, and look again
            chosen = candidates[0]
        if chosen is None:
            unresolved.add(target)
            continue
        masked = with_mask(masked, chosen)
        audit.set_masked(masked)
        for x in witnesses:
            audit.add_witness(x)
    return masked, not unresolved


def _regional_complements(
    audit: Audit,
    elastic: Elastic,
    regional: dict[tuple[str, ...], Elastic],
    locked: set[Key],
    target: Key,
    masked: dict,
) -> list[Key]:
    """The complements that free `target`. For a regional count, first within its region and one partner
    region (a shown national figure moves only if two regions' parts move), each a small problem: the
    partners are the regions whose same figure is cheapest to mask (masked already: free), and their
    answer is kept when it masks only those two regions' counts. Otherwise, those of the whole unit."""
    i = audit.index[target]
    region = audit._region_of(i)
    if region is not None and isinstance(target, tuple):
        partners = []
        for other in audit._regions():
            mirror = tuple(other if part == region else part for part in target)
            j = audit.index.get(mirror)
            if other != region and j is not None:
                partners.append((0.0 if mirror in masked else audit.unit.costs[j], other))
        best: tuple[float, list[Key]] | None = None
        for _, other in sorted(partners)[:REGIONAL_PARTNERS]:
            pair = tuple(sorted((region, other)))
            if pair not in regional:
                regional[pair] = Elastic(audit, locked, pair)
            cost, group = regional[pair].cheapest(target, masked)
            own = group and all(audit._region_of(audit.index[key]) in pair for key in group)
            if own and (best is None or cost < best[0]):
                best = (cost, group)
        if best is not None:
            return best[1]
    return elastic.complements(target, masked)


def _distances(unit: Unit, audit: Audit):
    """For a count: how many constraint steps separate each count from it (inf: unrelated), the
    complements to try first being the closest."""
    extra = audit.extra.tocsc()
    atom_links = (abs(extra).T @ abs(extra)).tocsr()  # atoms sharing a constraint
    counts = audit.counts.tocsr()

    def distance(i: int) -> np.ndarray:
        n_atoms = counts.shape[1]
        atom_distance = np.full(n_atoms, np.inf)
        frontier = counts.getrow(i).indices
        atom_distance[frontier] = 0
        step = 0
        while frontier.size:
            step += 1
            reached = np.unique(atom_links[frontier].indices)
            frontier = reached[~np.isfinite(atom_distance[reached])]
            atom_distance[frontier] = step
        out = np.full(counts.shape[0], np.inf)
        filled = np.diff(counts.indptr) > 0
        out[filled] = np.minimum.reduceat(atom_distance[counts.indices], counts.indptr[:-1][filled])
        return out

    return distance


def audit_pinned(unit: Unit, masked: dict[Key, str], k: int) -> list[Key]:
    """Masked counts a reader can work out exactly (should be []), from a fresh whole-number model
    (seeded with the whole solutions of the linear relaxation, each checked against every constraint)."""
    if not masked:
        return []
    relaxed = Audit(unit, masked, k, integer=False)
    relaxed.spread(list(masked))
    for key in masked:
        relaxed.pinned(key)
    audit = Audit(unit, masked, k, integer=True)
    audit.adopt(_valid(unit, audit, masked, relaxed.witnesses))
    audit.spread(list(masked))
    return [key for key in masked if audit.pinned(key)[0]]


def _valid(unit: Unit, audit: Audit, masked: dict[Key, str], solutions: list[np.ndarray]) -> list[np.ndarray]:
    """Those of the (rounded) `solutions` that are tables a reader could hold: every shown count, label and
    constraint (checked all at once, as one product: hundreds of candidates nationally)."""
    if not solutions:
        return []
    X = np.round(np.column_stack(solutions))
    low, high = audit.values.copy(), audit.values.copy()
    for key, reason in masked.items():
        low[audit.index[key]], high[audit.index[key]] = audit._label(reason, 0.0)
    tol = 1e-9
    values = audit.counts @ X
    ok = (X.min(axis=0) >= 0) & (values >= low[:, None] - tol).all(axis=0) & (values <= high[:, None] + tol).all(axis=0)
    if unit.extra:
        extra = audit.extra @ X
        extra_low = np.array([lo for _, _, lo, _ in unit.extra], dtype=float)
        extra_high = np.array([hi for _, _, _, hi in unit.extra], dtype=float)
        ok &= (extra >= extra_low[:, None] - tol).all(axis=0) & (extra <= extra_high[:, None] + tol).all(axis=0)
    return [X[:, j] for j in np.flatnonzero(ok)]
