"""The attacker of published sites: what a reader holding one or several releases can work out.

It reads only what a user can see — the release ledgers of the sites (`releases.json`: every count the
annual and certification reports published, its value or its label) — and the reports' meaning, from which
it writes each published count as a sum of unknowns:

* jobs per (survey year, region, contract, role), for the regions a release shows that year; France's
  jobs are the sum of the regions' (every region with data has its report);
* holders per cohort block (a cohort's holders in one region, as the cohort tables list them) and
  profile (situation, trajectory group: every pair the definitions allow); France's cohort rows also hold
  the holders of regions that list no row of that cohort (one more block per row). A report's counts add
  up the rows its cohort table lists; a region's count shown without its table adds up the blocks of the
  region seen elsewhere and one block of holders no table lists;
* the certification reports' counts (years of certification, cohorts' jury results) over unknowns of their
  own, tied to the annual cohort rows (`tlanalysis.protect.attack_certification`).

What it knows of each count: a shown value is that value; « < k » is 0..k-1; « secret » is at least k
holders (smaller counts are « < k ») or 1 job; every unknown is ≥ 0 (integrality is not used). Releases
computed from the same data (the same fingerprint), or whose common figures never differ, share their
unknowns; otherwise each data version has its own, and a figure no release shows to have changed is one
value in both (a figure-level link). A masked count is *pinned* when all this leaves it one value: its
least and largest values are computed by linear programming (HiGHS), after random objectives have
proved most masked counts free at once.

`pinned_cells([site, earlier_site, ...])` is what `tlanalysis audit` and the release tests run; the
tests keep an attacker of their own too (tests/support), written from the data and the definitions
rather than from this module.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import highspy
import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ..compute.indicators import CONTRACTS, ROLES
from .annual_model import NATIONAL_SCOPE, holder_profiles
from .annual_suppress import _new_highs
from .attack_certification import CertificationUnknowns, Relation
from .ledger import Cell, Ledger, Release, read_sites
from .releases import counts_people, label_range

#: Two values closer than this are one (HiGHS works to about 1e-7 relative).
TOLERANCE = 1e-6
#: An interior point is used only when it breaks no constraint by more than this (else: vertices only).
_INTERIOR_SLACK = 1e-6
#: ...and a figure is free when it lies this far from the vertex (no published range is that narrow).
_INTERIOR_GAP = 1e-3
#: More masked figures than this left at the vertex by the first interior point: ask for one without presolve.
_SETTLED_ONE_BY_ONE = 8
_INF = highspy.kHighsInf
#: Every block not listed in a regional cohort table, as an unknown block of its own.
ELSEWHERE = "*"


@dataclass(frozen=True)
class PinnedCell:
    """A masked count a reader of the releases can work out."""

    release: str  # id of a release that masks it
    date: str
    key: tuple  # ("holders", 2016, "11", "situation", "autre"), as the ledger names it
    label: str  # « < 5 », « secret »
    value: float  # the one value every reading leaves it

    def describe(self) -> str:
        return f"{' '.join(str(p) for p in self.key)} ({self.label}, release of {self.date}) = {self.value:g}"


#: Every (situation, trajectory group or "") a holder can have under the definitions.
PROFILES = holder_profiles()


@dataclass
class _Figure:
    """One count of one data version: its unknowns and what the releases say of it."""

    atoms: np.ndarray
    lo: float = 0.0
    hi: float = math.inf
    shown: bool = False
    masked_in: list[tuple[Release, tuple, str]] = field(default_factory=list)  # (release, key, label)
    keys: dict[tuple, None] = field(default_factory=dict)  # every key it is published under
    version: int = 0


class _Version:
    """The unknowns of one data version (releases computed from data that did not change)."""

    def __init__(self, releases: list[Release], offset: int, certification: bool = True) -> None:
        self.releases = releases
        keys = [key for r in releases for key in r.annual]
        self.regions_of_year: dict[int, set[str]] = {}
        self.tables: dict[tuple[int, str], set[tuple[int, str]]] = {}  # report -> cohort rows listed
        self.blocks_of_row: dict[tuple[int, str], set[str]] = {}  # cohort row -> regions listing it
        for key in keys:
            kind, year, scope = key[0], int(key[1]), str(key[2])
            if kind == "jobs" and scope != NATIONAL_SCOPE:
                self.regions_of_year.setdefault(year, set()).add(scope)
            if kind == "holders" and key[3] == "cohort":
                row = (int(key[4]), str(key[5]))
                self.tables.setdefault((year, scope), set()).add(row)
                if scope != NATIONAL_SCOPE:
                    self.blocks_of_row.setdefault(row, set()).add(scope)
        self.reports = {(int(k[1]), str(k[2])) for k in keys if k[0] == "holders"}
        self.offset = offset
        self.count = 0
        #: (year, region) -> the first of its jobs unknowns (contract × role)
        self.jobs: dict[tuple, int] = {}
        #: cohort block -> the first of its unknowns (one per profile): (region, cohort year, cohort), or
        #: (ELSEWHERE, cohort year, cohort) for the holders of a cohort row no region lists, (region, year,
        #: ELSEWHERE) for a region's holders its reports do not list, (ELSEWHERE, year, "") for France's
        self.blocks: dict[tuple, int] = {}
        self.sums: dict[tuple, int] = {}
        #: what each variable counts ("holders" or "jobs"), and the one region it lies in (None: unknown)
        self.kinds: list[str] = []
        self.homes: list[str | None] = []
        #: variables that stand for a sum of atoms (a block's holders of one filter): (variable, atoms)
        self.definitions: list[tuple[int, np.ndarray]] = []
        #: other relations a reader knows: (variables, coefficients, least, largest)
        self.relations: list[Relation] = []
        #: the certification reports' unknowns (`attack_certification`), None when they are not read
        self.certification = (
            CertificationUnknowns((key for r in releases for key in r.certification), self._new, self.relations)
            if certification
            else None
        )

    def _new(self, n: int, kind: str, home: str | None) -> np.ndarray:
        start = self.offset + self.count
        self.count += n
        self.kinds += [kind] * n
        self.homes += [home] * n
        return np.arange(start, start + n, dtype=np.int64)

    def _job_atoms(self, year: int, region: str) -> int:
        key = (year, region)
        if key not in self.jobs:
            self.jobs[key] = int(self._new(len(CONTRACTS) * len(ROLES), "jobs", region)[0])
        return self.jobs[key]

    def _block(self, block: tuple) -> int:
        if block not in self.blocks:
            home = None if block[0] == ELSEWHERE else str(block[0])
            self.blocks[block] = int(self._new(len(PROFILES), "holders", home)[0])
        return self.blocks[block]

    def _sum(self, block: tuple, chosen: tuple[int, ...]) -> int:
        """One variable for the holders of a block with the chosen profiles (keeps national rows short)."""
        key = (block, chosen)
        if key not in self.sums:
            variable = int(self._new(1, "holders", None if block[0] == ELSEWHERE else str(block[0]))[0])
            first = self._block(block)
            self.definitions.append((variable, np.asarray([first + i for i in chosen], dtype=np.int64)))
            self.sums[key] = variable
        return self.sums[key]

    def atoms(self, key: tuple) -> np.ndarray:
        if key[0] in ("promotion", "cohort"):
            assert self.certification is not None
            return self.certification.atoms(key)
        kind, year, scope = key[0], int(key[1]), str(key[2])
        if kind == "jobs":
            regions = sorted(self.regions_of_year.get(year, ())) if scope == NATIONAL_SCOPE else [scope]
            what = key[3]
            cells = [
                (c, o)
                for c, o in itertools.product(range(len(CONTRACTS)), range(len(ROLES)))
                if what == "total"
                or (what == "contract" and CONTRACTS[c] == key[4])
                or (what == "role" and ROLES[o] == key[4])
            ]
            out = [self._job_atoms(year, r) + c * len(ROLES) + o for r in regions for c, o in cells]
            return np.asarray(sorted(out), dtype=np.int64)
        what = key[3]
        if what == "cohort":
            blocks = self._row_blocks(scope, (int(key[4]), str(key[5])))
            column = key[6]
            chosen = [i for i, (s, _) in enumerate(PROFILES) if column == "total" or s == column]
        else:
            blocks = self._report_blocks(year, scope)
            if what == "n":
                chosen = list(range(len(PROFILES)))
            elif what == "situation":
                chosen = [i for i, (s, _) in enumerate(PROFILES) if s == key[4]]
            elif what == "trajectory":
                chosen = [i for i, (_, g) in enumerate(PROFILES) if g == key[4]]
            else:  # trajectory_n
                chosen = [i for i, (_, g) in enumerate(PROFILES) if g]
        out = [self._sum(b, tuple(chosen)) for b in blocks]
        return np.asarray(sorted(out), dtype=np.int64)

    def _row_blocks(self, scope: str, row: tuple[int, str]) -> list[tuple]:
        if scope != NATIONAL_SCOPE:
            return [(scope, *row)]
        return [(r, *row) for r in sorted(self.blocks_of_row.get(row, ()))] + [(ELSEWHERE, *row)]

    def _report_blocks(self, year: int, scope: str) -> list[tuple]:
        rows = self.tables.get((year, scope))
        if rows is not None:
            return [b for row in sorted(rows) for b in self._row_blocks(scope, row)]
        if scope == NATIONAL_SCOPE:
            known = {row for table in self.tables.values() for row in table if row[0] < year}
            return [b for row in sorted(known) for b in self._row_blocks(scope, row)] + [(ELSEWHERE, year, "")]
        # a region's count shown without its cohort table: its blocks seen elsewhere, and the unlisted ones
        seen = sorted({row for (_, s), table in self.tables.items() if s == scope for row in table if row[0] < year})
        return [(scope, *row) for row in seen] + [(scope, year, ELSEWHERE)]


def _consistent(a: Cell, b: Cell, min_count: tuple[int, int], holders: bool) -> bool:
    """Whether two publications of a figure can be the same count."""
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    lo, hi = 0.0, math.inf
    for value, k in ((a, min_count[0]), (b, min_count[1])):
        x, y = (value, value) if isinstance(value, int) else label_range(value, k, holders)
        lo, hi = max(lo, x), min(hi, y)
    return lo <= hi


def _same_data(earlier: list[Release], release: Release, certification: bool = True) -> bool:
    """Whether a reader may take `release` to come from the data of the `earlier` ones: the same fingerprint,
    or no correction said, no common figure published two ways that cannot be one count and the same cohort rows
    in common reports."""
    if any(r.data == release.data for r in earlier):
        return True
    if release.corrected:  # its build said figures changed since
        return False
    for other in earlier:
        for key, value in _cells(release, certification):
            previous = other.annual.get(key) if key[0] in ("jobs", "holders") else other.certification.get(key)
            if previous is not None and not _consistent(
                previous, value, (other.min_count, release.min_count), counts_people(key)
            ):
                return False
        rows = _rows_by_report(other)
        for report, listed in _rows_by_report(release).items():
            if report in rows and rows[report] != listed:
                return False
    return True


def _cells(release: Release, certification: bool) -> Iterable[tuple[tuple, Cell]]:
    """The counts of a release a reader reads: the annual reports', then (`certification`) the certification's."""
    yield from release.annual.items()
    if certification:
        yield from release.certification.items()


def _part(key: tuple) -> tuple:
    """The part of a report a count belongs to, as corrections name it: (kind, year, scope), a cohort's results."""
    return tuple(key[:2]) if key[0] == "cohort" else tuple(key[:3])


def _rows_by_report(release: Release) -> dict[tuple, set]:
    out: dict[tuple, set] = {}
    for key in release.annual:
        if key[0] == "holders" and key[3] == "cohort":
            out.setdefault((key[1], key[2]), set()).add((key[4], key[5]))
    return out


class ReaderModel:
    """Every release's counts over the unknowns of their data versions (see the module doc): the annual
    reports', and the certification reports' unless `certification` is False."""

    def __init__(self, releases: Sequence[Release], certification: bool = True) -> None:
        releases = sorted(releases, key=lambda r: r.date)
        groups: list[list[Release]] = []
        for release in releases:
            if groups and _same_data(groups[-1], release, certification):
                groups[-1].append(release)
            else:
                groups.append([release])
        self.versions: list[_Version] = []
        offset = 0
        for group in groups:
            version = _Version(group, offset, certification)
            self.versions.append(version)
            offset += 0  # atoms are numbered as they are met: offsets are fixed below
        self.figures: list[_Figure] = []
        self.links: list[tuple[int, int]] = []
        by_version: list[dict[tuple, int]] = []
        total = 0
        for version in self.versions:
            version.offset = total
            index: dict[bytes, int] = {}
            of_key: dict[tuple, int] = {}
            for release in version.releases:
                for key, value in _cells(release, certification):
                    atoms = version.atoms(key)
                    if atoms.size == 0:
                        continue
                    signature = atoms.tobytes()
                    f = index.get(signature)
                    if f is None:
                        f = index[signature] = len(self.figures)
                        self.figures.append(_Figure(atoms))
                    figure = self.figures[f]
                    figure.keys[key] = None
                    figure.version = len(by_version)
                    of_key[key] = f
                    if isinstance(value, int):
                        lo = hi = float(value)
                        figure.shown = True
                    else:
                        lo, hi = label_range(value, release.min_count, counts_people(key))
                        figure.masked_in.append((release, key, value))
                    figure.lo, figure.hi = max(figure.lo, lo), min(figure.hi, hi)
            if version.certification is not None:
                version.certification.link_annual(version.tables, version._block, len(PROFILES))
            total += version.count
            by_version.append(of_key)
        self.n_atoms = total
        # A figure published in two data versions in ways that can be one count is taken to be one, unless a
        # release in between says a report showing it changed (a correction: `Release.corrected`).
        touched = [{_part(key) for r in v.releases for key in r.corrected} for v in self.versions]
        for earlier, later in itertools.combinations(range(len(self.versions)), 2):
            changed = set().union(*touched[earlier + 1 : later + 1])
            for key, f in by_version[later].items():
                g = by_version[earlier].get(key)
                if g is None or g == f:
                    continue
                a, b = self.figures[g], self.figures[f]
                parts = {_part(k) for k in (*a.keys, *b.keys)}
                if max(a.lo, b.lo) <= min(a.hi, b.hi) and not parts & changed:
                    self.links.append((g, f))

    # -- the linear program

    def kinds(self) -> list[str]:
        """What each unknown counts: "holders" or "jobs"."""
        return [kind for version in self.versions for kind in version.kinds]

    def homes(self) -> list[str | None]:
        """The region each unknown lies in (None: several, or not known)."""
        return [home for version in self.versions for home in version.homes]

    def program(self, links: bool = True) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        """The reader's linear program: figures (first rows), sums standing for atoms and (`links`) figures of
        two versions taken to be one (= 0) over the unknowns (≥ 0), with the rows' bounds."""
        return self._matrix(links)

    def _matrix(self, links: bool) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
        """Figures (rows) then links (rows, = 0) over the atoms, with the rows' bounds."""
        rows, cols, vals = [], [], []
        for i, figure in enumerate(self.figures):
            rows += [i] * figure.atoms.size
            cols += figure.atoms.tolist()
            vals += [1.0] * figure.atoms.size
        lo = [f.lo for f in self.figures]
        hi = [f.hi for f in self.figures]
        r = len(self.figures)
        for version in self.versions:  # a variable standing for a sum = that sum
            for variable, atoms in version.definitions:
                rows += [r] * (atoms.size + 1)
                cols += [variable, *atoms.tolist()]
                vals += [1.0] + [-1.0] * atoms.size
                lo.append(0.0)
                hi.append(0.0)
                r += 1
        for version in self.versions:  # what the reports' meaning says of their unknowns
            for index, coefs, least, largest in version.relations:
                rows += [r] * index.size
                cols += index.tolist()
                vals += coefs.tolist()
                lo.append(least)
                hi.append(largest)
                r += 1
        for a, b in self.links if links else []:
            for f, sign in ((a, 1.0), (b, -1.0)):
                atoms = self.figures[f].atoms
                rows += [r] * atoms.size
                cols += atoms.tolist()
                vals += [sign] * atoms.size
            lo.append(0.0)
            hi.append(0.0)
            r += 1
        matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(r, self.n_atoms))
        return matrix, np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)

    def _blocks(self, links: bool):
        """Independent parts of the program: (figure rows, their matrix over merged atoms, all rows' bounds).

        Atoms that every row counts together are one (only their sum is ever seen), and figures that share
        no atom, directly or through others, are separate programs."""
        matrix, lo, hi = self._matrix(links)
        columns = matrix.tocsc()
        signature: dict[bytes, int] = {}
        merged = np.empty(self.n_atoms, dtype=np.int64)
        for atom in range(self.n_atoms):
            rows = columns.indices[columns.indptr[atom] : columns.indptr[atom + 1]]
            signs = columns.data[columns.indptr[atom] : columns.indptr[atom + 1]]
            merged[atom] = signature.setdefault(rows.tobytes() + signs.tobytes(), len(signature))
        used = np.diff(columns.indptr) > 0
        size = np.bincount(merged[used], minlength=len(signature))
        reduce = sparse.csr_matrix(  # merged atoms have one column: each row counts their sum with its coefficient
            (1.0 / size[merged[used]], (np.flatnonzero(used), merged[used])), shape=(self.n_atoms, len(signature))
        )
        matrix = (matrix @ reduce).tocsr()
        links_graph = sparse.bmat([[None, abs(matrix)], [abs(matrix).T, None]]).tocsr()
        _, label = connected_components(links_graph, directed=False)
        n_rows = matrix.shape[0]
        row_label, atom_label = label[:n_rows], label[n_rows:]
        for block in np.unique(row_label[: len(self.figures)]):
            rows = np.flatnonzero(row_label == block)
            atoms = np.flatnonzero(atom_label == block)
            if atoms.size == 0:
                continue
            yield rows, matrix[rows][:, atoms], lo[rows], hi[rows]

    def pinned(self, seed: int = 0) -> list[PinnedCell]:
        """The masked counts every reading leaves one value (should be [])."""
        out = []
        for figure in self.figures:  # masked in one release, shown in another of the same data: given away
            if figure.masked_in and figure.shown:
                for release, key, label in figure.masked_in[:1]:
                    out.append(PinnedCell(release.id, release.date, key, label, figure.lo))
        masked = np.array([bool(f.masked_in) and not f.shown for f in self.figures])
        if not masked.any():
            return out
        try:
            blocks = [_Block(*b) for b in self._blocks(links=True)]
            for block in blocks:
                block.check()
        except _Infeasible:
            if not self.links:
                raise ValueError(
                    "the releases contradict each other: no table of counts gives every published figure"
                ) from None
            # some figure no release shows to have changed did change: read the data versions unlinked
            blocks = [_Block(*b) for b in self._blocks(links=False)]
        rng = np.random.default_rng(seed)
        for block in blocks:
            n = len(self.figures)
            figures = block.rows[block.rows < n]
            for i in block.pinned(masked[figures], rng):
                for release, key, label in self.figures[figures[i]].masked_in[:1]:
                    out.append(PinnedCell(release.id, release.date, key, label, round(block.first[i], 6)))
        return out


class _Infeasible(Exception):
    pass


class _Block:
    """One independent linear program: its figures' least and largest values."""

    def __init__(self, rows: np.ndarray, matrix: sparse.csr_matrix, lo: np.ndarray, hi: np.ndarray) -> None:
        self.rows = rows
        n_rows, n_atoms = matrix.shape
        csc = matrix.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_atoms, n_rows
        lp.col_cost_ = np.zeros(n_atoms)
        lp.col_lower_ = np.zeros(n_atoms)
        lp.col_upper_ = np.full(n_atoms, _INF)
        lp.row_lower_ = np.where(np.isfinite(lo), lo, -_INF)
        lp.row_upper_ = np.where(np.isfinite(hi), hi, _INF)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
        lp.a_matrix_.index_ = csc.indices.astype(np.int32)
        lp.a_matrix_.value_ = csc.data.astype(float)
        self.highs = _new_highs()
        self.highs.passModel(lp)
        self.matrix = matrix
        self.lo, self.hi = lo, hi
        self.first = np.zeros(0)

    def check(self) -> None:
        if _solve(self.highs) != highspy.HighsModelStatus.kOptimal:
            raise _Infeasible
        self.first = self.matrix @ np.asarray(self.highs.getSolution().col_value)

    def _values(self, weights: np.ndarray) -> np.ndarray | None:
        """The rows' values at a solution minimising weights · rows (None when unbounded)."""
        costs = np.asarray(self.matrix.T @ weights).ravel()
        self.highs.changeColsCost(costs.size, np.arange(costs.size, dtype=np.int32), costs)
        if _solve(self.highs) != highspy.HighsModelStatus.kOptimal:
            return None
        return self.matrix @ np.asarray(self.highs.getSolution().col_value)

    def _interior(self, presolve: bool = True) -> np.ndarray | None:
        """The rows' values at an interior point of the feasible set, None when it is not accurate enough.
        With `presolve`, faster, but the columns presolve removes come back at a vertex."""
        highs = self.highs
        n_atoms = self.matrix.shape[1]
        highs.changeColsCost(n_atoms, np.arange(n_atoms, dtype=np.int32), np.zeros(n_atoms))
        for option, value in (
            ("solver", "ipm"),
            ("run_crossover", "off"),
            ("presolve", "choose" if presolve else "off"),
        ):
            highs.setOptionValue(option, value)
        highs.clearSolver()
        highs.run()
        ok = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        x = np.asarray(highs.getSolution().col_value)
        for option, value in (("solver", "choose"), ("run_crossover", "on"), ("presolve", "choose")):
            highs.setOptionValue(option, value)
        highs.clearSolver()
        if not ok:
            return None
        values = self.matrix @ x
        lo, hi = self.lo, self.hi
        violation = max(
            float(np.max(lo - values, initial=0.0)),
            float(np.max(values - hi, initial=0.0)),
            float(np.max(-x, initial=0.0)),
        )
        return values if violation < _INTERIOR_SLACK else None

    def pinned(self, masked: np.ndarray, rng: np.random.Generator) -> list[int]:
        """Positions (among the block's figure rows) of the masked figures with one possible value."""
        if not self.first.size:
            self.check()
        n = masked.size
        first = self.first
        free = ~np.concatenate([masked, np.zeros(self.matrix.shape[0] - n, dtype=bool)])

        def moved(values: np.ndarray | None, gap: float = TOLERANCE) -> None:
            if values is not None:
                free[:] |= np.abs(values - first) > gap * np.maximum(1.0, np.abs(first))

        # An interior point (IPM, no crossover): every figure a reader cannot pin lies strictly inside its range
        # there, so it differs from the vertex found first; the few that do not are settled one by one.
        moved(self._interior(), _INTERIOR_GAP)
        if int((~free[:n]).sum()) > _SETTLED_ONE_BY_ONE:  # many left at a vertex by presolve (certification rows)
            moved(self._interior(presolve=False), _INTERIOR_GAP)
        stale = 0
        while not free[:n].all() and stale < 2:  # random objectives over the masked figures not yet free
            weights = np.zeros(free.size)
            todo = ~free
            weights[todo] = rng.choice([-1.0, 1.0], int(todo.sum()))
            weights[todo & np.isinf(self.hi)] = 1.0  # « secret »: no largest value
            before = int(free.sum())
            moved(self._values(weights))
            stale = stale + 1 if int(free.sum()) == before else 0
        out = []
        for i in range(n):
            if free[i]:
                continue
            for sign in (1.0, -1.0):  # the least, then the largest value (each solution frees others too)
                weights = np.zeros(free.size)
                weights[i] = sign
                values = self._values(weights)
                if values is None:  # unbounded: not pinned
                    free[i] = True
                moved(values)
                if free[i]:
                    break
            if not free[i]:
                out.append(i)
        return out


def _solve(highs: highspy.Highs) -> highspy.HighsModelStatus:
    highs.run()
    status = highs.getModelStatus()
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible):
        highs.clearSolver()
        highs.run()
        status = highs.getModelStatus()
    return status


def pinned_in(releases: Iterable[Release]) -> list[PinnedCell]:
    """The masked counts of the annual and certification reports a reader holding these releases pins (should
    be [])."""
    return ReaderModel(list(releases)).pinned()


def pinned_cells(sites: Sequence[Path]) -> list[PinnedCell]:
    """The masked counts of the annual and certification reports that a reader holding every release of these
    sites (folders holding `releases.json`, or the ledger files themselves) can work out; [] when none."""
    ledger: Ledger = read_sites(sites)
    return pinned_in(ledger.releases)


__all__ = ["PROFILES", "PinnedCell", "ReaderModel", "pinned_cells", "pinned_in"]
