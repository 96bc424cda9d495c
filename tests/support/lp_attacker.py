"""An attacker by linear programming, written independently of `tlanalysis.protect.annual`.

It reads every figure the reports publish, through the public API the reports use
(`Protection.figures`, `Protection.situation_by_cohort`, `Protection.jobs_by_region`): key
figures, shares with their bases, trends, the cohort table, the regions table. Each figure is a
linear function of unknowns — holders per (region, cohort, situation, trajectory group), for
every cohort with holders (cohort lists are public) and every combination the definitions
allow; jobs per (year, region, contract, role) — so every relation a reader can see (parts add
up to totals, regions to France, report Y+1 minus report Y, share × base) holds by
construction, and so does any combination of them. What a reader knows:

* a shown figure is its value; a shown share with a shown base gives its numerator;
* « < k » is between 0 and k - 1; « secret » is at least 0 — or, with `label_floors`, at least
  k holders (smaller counts are « < k ») or 1 job (0 jobs are never sensitive, complements are
  never 0);
* every published count is at least 0. Integrality is not assumed.

`ranges()` computes with `scipy.optimize.linprog` (HiGHS) the least and the largest value of
every masked figure; `pinned()` lists those with a single possible value.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from tlanalysis.compute.indicators import CONTRACTS, ROLES, SITUATIONS
from tlanalysis.protect.masked import is_masked

from .frames import STATUSES, object_rows, trajectory_group

TOLERANCE = 1e-6


#: (situation, group) combinations some holder can have.
PROFILES = sorted(
    {(s, trajectory_group(st, s, c, h)) for st, s, c, h in itertools.product(STATUSES, SITUATIONS, (0, 1), (0, 1))},
    key=str,
)


@dataclass
class Figure:
    kind: str  # "holders" or "jobs"
    columns: np.ndarray  # unknowns it adds up
    truth: int
    shown: set = field(default_factory=set)
    labels: set = field(default_factory=set)
    where: list = field(default_factory=list)
    parts: set = field(default_factory=set)  # (kind, year, scope) of the reports that show it


class LPAttacker:
    def __init__(self, employment: pd.DataFrame, holders: pd.DataFrame, protection, label_floors=True, labels=True):
        self.protection = protection
        self.frames = (employment, holders)
        self.k = protection.min_count
        self.label_floors = label_floors
        self.labels = labels  # False: a masked figure is only known to be at least 0 (k = 2, see docs/disclosure.md)
        cohorts = sorted(
            {
                (str(r), int(y), str(c))
                for r, y, c in zip(holders["region_code"], holders["cohort_year"], holders["cohort"], strict=True)
            }
        )
        atoms = [(*c, s, "" if g is None else g) for c in cohorts for s, g in PROFILES]
        self.h = pd.DataFrame(atoms, columns=["region", "year", "cohort", "situation", "group"])
        index = {a: i for i, a in enumerate(atoms)}
        self.h_truth = np.zeros(len(atoms), dtype=np.int64)
        for row in holders.itertuples():
            group = trajectory_group(
                str(row.status_at_entry), str(row.situation), bool(row.created_business), bool(row.changed_job)
            )
            key = (str(row.region_code), int(row.cohort_year), str(row.cohort), str(row.situation), group or "")
            self.h_truth[index[key]] += 1
        pairs = sorted({(int(y), str(r)) for y, r in zip(employment["year"], employment["region_code"], strict=True)})
        jatoms = [(y, r, c, o) for y, r in pairs for c in CONTRACTS for o in ROLES]
        self.j = pd.DataFrame(jatoms, columns=["year", "region", "contract", "role"])
        jindex = {a: i for i, a in enumerate(jatoms)}
        self.j_truth = np.zeros(len(jatoms), dtype=np.int64)
        grouped = employment.groupby(["year", "region_code", "contract", "role"], observed=True)["count"].sum()
        for (y, r, c, o), n in grouped.items():
            self.j_truth[jindex[(int(y), str(r), str(c), str(o))]] += int(n)
        self._h_cols = {c: self.h[c].to_numpy() for c in self.h.columns}
        self._j_cols = {c: self.j[c].to_numpy() for c in self.j.columns}
        self._masks: dict[tuple, np.ndarray] = {}
        self.figures: dict[tuple, Figure] = {}
        self.problems: list[str] = []
        self._part: tuple = (0, None)
        self.read_reports()

    def read(self, protection) -> None:
        """Read the reports of another release of the same data (its figures join those read so far)."""
        self.protection = protection
        self.read_reports()

    def atom_truths(self, figure: Figure) -> dict[tuple, int]:
        """The unknowns a figure adds up, by what they count, with their true values."""
        frame, truth = (self.h, self.h_truth) if figure.kind == "holders" else (self.j, self.j_truth)
        labels = frame.iloc[figure.columns].itertuples(index=False, name=None)
        return dict(zip(labels, truth[figure.columns].tolist(), strict=True))

    # -- what the reports publish

    def _columns(self, kind: str, **conditions) -> np.ndarray:
        mask = None
        for column, value in conditions.items():
            if value is None:
                continue
            key = (kind, column, value)
            part = self._masks.get(key)
            if part is None:
                cols = self._h_cols if kind == "holders" else self._j_cols
                if column == "before":
                    part = cols["year"] < value
                elif column == "in_group":
                    part = cols["group"] != ""
                else:
                    part = cols[column] == value
                self._masks[key] = part
            mask = part if mask is None else mask & part
        if mask is None:
            return np.arange(len(self.h if kind == "holders" else self.j))
        return np.flatnonzero(mask)

    def note(self, kind: str, columns: np.ndarray, value, where: str) -> None:
        truth = int((self.h_truth if kind == "holders" else self.j_truth)[columns].sum())
        if columns.size == 0:
            if value != 0:
                self.problems.append(f"{where}: a count of nothing shows {value!r}")
            return
        if not is_masked(value) and value != truth:
            self.problems.append(f"{where}: shows {value!r}, the data say {truth}")
        figure = self.figures.setdefault((kind, columns.tobytes()), Figure(kind, columns, truth))
        figure.where.append(where)
        figure.parts.add((kind, *self._part))
        (figure.labels if is_masked(value) else figure.shown).add(str(value) if is_masked(value) else int(value))

    def share(self, share, numerator, base, kind: str, columns: np.ndarray, where: str) -> None:
        """A shown share must have a shown numerator and base; with a shown base it gives the numerator."""
        if share is None or is_masked(share):
            return
        if is_masked(base) or is_masked(numerator):
            self.problems.append(f"{where}: share {share!r} shown with a masked numerator or base")
            return
        value = share * base
        if abs(value - round(value)) > 1e-6:
            self.problems.append(f"{where}: share × base = {value} is no count")
        self.note(kind, columns, round(value), f"{where} (share × base)")

    def read_reports(self) -> None:
        p = self.protection
        for year, region in p.reports:
            scope = None if region.is_national else region.code
            where = f"{region.name} {year}"
            self._part = (year, scope)
            f = p.figures(year, region)
            jobs, hold = f["jobs"], f["holders"]
            total = self._columns("jobs", year=year, region=scope)
            self.note("jobs", total, jobs["total"], f"{where} jobs")
            for c, v in jobs["by_contract"].items():
                self.note("jobs", self._columns("jobs", year=year, region=scope, contract=c), v, f"{where} jobs {c}")
            for o, v in jobs["by_role"].items():
                self.note("jobs", self._columns("jobs", year=year, region=scope, role=o), v, f"{where} jobs {o}")
            facilitation = self._columns("jobs", year=year, region=scope, role="facilitation")
            self.note("jobs", facilitation, jobs["facilitation"], f"{where} facilitation")
            self.share(jobs["facilitation_share"], jobs["facilitation"], jobs["total"], "jobs", facilitation, where)
            for y, v in jobs["trend"].items():
                self.note("jobs", self._columns("jobs", year=int(y), region=scope), v, f"{where} trend {y}")
            growth = jobs["growth_since_first_year"]
            if growth is not None and not is_masked(growth):
                first, last = jobs["trend"][str(jobs["first_year"])], jobs["trend"][str(year)]
                if is_masked(first) or is_masked(last):
                    self.problems.append(f"{where}: growth shown with a masked end of the trend")
                else:  # last = first × (1 + growth)
                    self.share(1 + growth, last, first, "jobs", total, f"{where} growth")
            if region.is_national:
                for code, v in p.jobs_by_region(year).items():
                    self.note("jobs", self._columns("jobs", year=year, region=code), v, f"{where} region {code}")
            seen = {"before": year, "region": scope}
            self.note("holders", self._columns("holders", **seen), hold["n"], f"{where} holders")
            for s, v in hold["situation_counts"].items():
                columns = self._columns("holders", **seen, situation=s)
                self.note("holders", columns, v, f"{where} situation {s}")
                self.share(hold["situation_shares"][s], v, hold["n"], "holders", columns, f"{where} share {s}")
            in_group = self._columns("holders", **seen, in_group=True)
            self.note("holders", in_group, hold["trajectory_n"], f"{where} trajectory_n")
            for g, v in hold["trajectory_counts"].items():
                columns = self._columns("holders", **seen, group=g)
                self.note("holders", columns, v, f"{where} trajectory {g}")
                self.share(hold["trajectory_shares"][g], v, hold["trajectory_n"], "holders", columns, f"{where} {g}")
            table = p.situation_by_cohort(year, region)
            for (cohort_year, cohort), row in object_rows(table):
                for column, v in row.items():
                    situation = None if column == "total" else column
                    cols = self._columns("holders", **seen, year=int(cohort_year), cohort=cohort, situation=situation)
                    self.note("holders", cols, v, f"{where} cohort {cohort} {column}")

    # -- what it deduces

    def consistent(self) -> list[str]:
        """Figures shown in one place and masked in another, or shown with two values."""
        out = list(self.problems)
        for figure in self.figures.values():
            if figure.shown and figure.labels:
                out.append(f"shown {figure.shown} and masked {figure.labels}: {'; '.join(figure.where[:3])}")
            if len(figure.shown) > 1 or len(figure.labels) > 1:
                out.append(f"two values {figure.shown | figure.labels}: {'; '.join(figure.where[:3])}")
        return out

    def _bounds(self, figure: Figure) -> tuple[float, float]:
        if figure.shown:
            (value,) = figure.shown
            return value, value
        (label,) = figure.labels
        if not self.labels:
            return 0.0, np.inf
        if label.startswith("<"):
            return 0.0, self.k - 1.0
        if not self.label_floors:
            return 0.0, np.inf
        return (float(self.k) if figure.kind == "holders" else 1.0), np.inf

    def _blocks(self, kind: str):
        """Per independent block of unknowns: (figures, the LP's equality matrix, variable bounds).

        Variables: the block's unknowns (counts: >= 0), then one per figure (its bounds); rows: figure = its sum."""
        figures = [f for f in self.figures.values() if f.kind == kind]
        n_atoms = len(self.h if kind == "holders" else self.j)
        if not figures or not any(f.labels for f in figures):
            return
        rows = np.concatenate([np.full(f.columns.size, i) for i, f in enumerate(figures)])
        cols = np.concatenate([f.columns for f in figures])
        matrix = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(len(figures), n_atoms))
        bounds = np.array([self._bounds(f) for f in figures])
        links = sparse.bmat([[None, matrix], [matrix.T, None]]).tocsr()
        _, label = connected_components(links, directed=False)
        figure_block, atom_block = label[: len(figures)], label[len(figures) :]
        for block in np.unique(figure_block[[i for i, f in enumerate(figures) if f.labels]]):
            in_block = np.flatnonzero(figure_block == block)
            atoms = np.flatnonzero(atom_block == block)
            sub = matrix[in_block][:, atoms]
            a_eq = sparse.hstack([sub, -sparse.identity(in_block.size)]).tocsr()
            variable_bounds = np.vstack(
                [np.column_stack([np.zeros(atoms.size), np.full(atoms.size, np.inf)]), bounds[in_block]]
            )
            yield [figures[i] for i in in_block], atoms.size, a_eq, variable_bounds

    @staticmethod
    def _solve(objective, a_eq, bounds):
        res = linprog(objective, A_eq=a_eq, b_eq=np.zeros(a_eq.shape[0]), bounds=bounds, method="highs")
        assert res.status in (0, 3), res.message  # 3: unbounded (a « secret » figure with no upper bound)
        return res

    def ranges(self) -> dict[str, tuple[float, float, int]]:
        """The least and largest value of every masked figure (with its true value), by its first place."""
        out: dict[str, tuple[float, float, int]] = {}
        for kind in ("holders", "jobs"):
            for figures, n_atoms, a_eq, bounds in self._blocks(kind):
                for i, figure in enumerate(figures):
                    if not figure.labels:
                        continue
                    objective = np.zeros(a_eq.shape[1])
                    objective[n_atoms + i] = 1.0
                    least, largest = self._solve(objective, a_eq, bounds), self._solve(-objective, a_eq, bounds)
                    out[f"{figure.where[0]} ({kind})"] = (
                        least.fun if least.status == 0 else -np.inf,
                        -largest.fun if largest.status == 0 else np.inf,
                        figure.truth,
                    )
        return out

    def pinned(self, exact: bool = True, seed: int = 0) -> list[str]:
        """Masked figures with a single possible value, each checked to lie in its range.

        `exact`: the least and largest value of every masked figure (`ranges()`). Otherwise a faster
        proof first: any feasible table where a figure differs from its true value shows it is not pinned;
        LPs with random objectives over the figures not yet shown free give such tables for many at once
        (until two give nothing new), and only the others get their least and largest values computed."""
        if exact:
            out = []
            for where, (least, largest, truth) in self.ranges().items():
                assert least - TOLERANCE <= truth <= largest + TOLERANCE, f"unsound: {where} in [{least}, {largest}]"
                if largest - least < TOLERANCE:
                    out.append(f"{where} = {truth}")
            return out
        rng = np.random.default_rng(seed)
        self.exact_lps = 0
        out = []
        for kind in ("holders", "jobs"):
            for figures, n_atoms, a_eq, bounds in self._blocks(kind):
                masked = np.array([bool(f.labels) for f in figures])
                truth = np.array([f.truth for f in figures], dtype=float)
                free = ~masked
                stale = 0
                while not free.all() and stale < 2:  # random objectives over the figures not yet shown free
                    objective = np.zeros(a_eq.shape[1])
                    objective[n_atoms:][~free] = rng.choice([-1.0, 1.0], int((~free).sum()))
                    res = self._solve(objective, a_eq, bounds)
                    before = int(free.sum())
                    if res.status == 0:
                        free |= np.abs(res.x[n_atoms:] - truth) > TOLERANCE
                    stale = stale + 1 if int(free.sum()) == before else 0
                self.exact_lps += 2 * int((~free).sum())
                for i in np.flatnonzero(~free):
                    objective = np.zeros(a_eq.shape[1])
                    objective[n_atoms + i] = 1.0
                    least, largest = self._solve(objective, a_eq, bounds), self._solve(-objective, a_eq, bounds)
                    low = least.fun if least.status == 0 else -np.inf
                    high = -largest.fun if largest.status == 0 else np.inf
                    where = figures[i].where[0]
                    assert low - TOLERANCE <= truth[i] <= high + TOLERANCE, f"unsound: {where} in [{low}, {high}]"
                    if high - low < TOLERANCE:
                        out.append(f"{where} ({kind}) = {figures[i].truth}")
        return out


class ReleasesAttacker(LPAttacker):
    """A reader holding several releases, each read as `LPAttacker` reads one: releases of the same data
    share their unknowns; releases of different data (a survey year added, a correction) each have their
    own, and a figure is one unknown in both when its data did not change (every unknown it adds up has the
    same true value in both: the reader is assumed to know which figures a correction touched)."""

    def __init__(self, releases, label_floors=True, labels=True):
        """`releases`: (employment, holders, published reports: a protection or a `support.published` view)."""
        self.versions: list[LPAttacker] = []
        for employment, holders, published in releases:
            for version in self.versions:
                if version.frames[0].equals(employment) and version.frames[1].equals(holders):
                    version.read(published)
                    break
            else:
                self.versions.append(LPAttacker(employment, holders, published, label_floors, labels))
        self.k = self.versions[0].k
        self.label_floors, self.labels = label_floors, labels
        self.problems = [p for v in self.versions for p in v.problems]
        self.figures = {(i, *key): f for i, v in enumerate(self.versions) for key, f in v.figures.items()}

    def links(self, kind: str) -> list[tuple[Figure, Figure]]:
        """Pairs of figures of two data versions that are one count: the same place in the reports, and the
        data of every report that shows them unchanged (a reader is told which reports a correction
        touched, not which of their masked figures: those of a touched report are new unknowns)."""
        out = []
        for a, b in itertools.combinations(self.versions, 2):
            where_b = {w: f for f in b.figures.values() if f.kind == kind for w in f.where}
            for fa in (f for f in a.figures.values() if f.kind == kind):
                fb = next((where_b[w] for w in fa.where if w in where_b), None)
                if fb is None or not all(self._unchanged(a, b, part) for part in fa.parts | fb.parts):
                    continue
                ta, tb = a.atom_truths(fa), b.atom_truths(fb)  # its own data too (a trend's year)
                if all(ta.get(label, 0) == tb.get(label, 0) for label in set(ta) | set(tb)):
                    out.append((fa, fb))
        return out

    def _unchanged(self, a: LPAttacker, b: LPAttacker, part: tuple) -> bool:
        """Whether the data a report counts (its jobs, or its holders seen) is the same in two versions."""
        cache = self.__dict__.setdefault("_parts", {})
        key = (id(a), id(b), part)
        if key not in cache:
            kind, year, scope = part

            def truths(version: LPAttacker) -> dict:
                if kind == "jobs":
                    frame, truth = version.j, version.j_truth
                    mask = (frame["year"] == year).to_numpy().copy()
                else:
                    frame, truth = version.h, version.h_truth
                    mask = (frame["year"] < year).to_numpy().copy()
                if scope is not None:
                    mask &= (frame["region"] == scope).to_numpy()
                rows = frame[mask].itertuples(index=False, name=None)
                return {label: n for label, n in zip(rows, truth[mask].tolist(), strict=True) if n}

            cache[key] = truths(a) == truths(b)
        return cache[key]

    def consistent(self) -> list[str]:
        return [problem for v in self.versions for problem in v.consistent()] + [
            f"shown {a.shown or a.labels} then {b.shown or b.labels} with unchanged data: {a.where[0]}"
            for kind in ("holders", "jobs")
            for a, b in self.links(kind)
            if (a.shown and b.labels) or (a.labels and b.shown) or (a.shown and b.shown and a.shown != b.shown)
        ]

    def _blocks(self, kind: str):
        figures, matrices, offset = [], [], 0
        for version in self.versions:
            mine = [f for f in version.figures.values() if f.kind == kind]
            n_atoms = len(version.h if kind == "holders" else version.j)
            if mine:
                rows = np.concatenate([np.full(f.columns.size, i) for i, f in enumerate(mine)])
                cols = np.concatenate([f.columns for f in mine]) + offset
                matrices.append((len(figures), rows, cols))
                figures += mine
            offset += n_atoms
        if not figures or not any(f.labels for f in figures):
            return
        rows = np.concatenate([r + start for start, r, _ in matrices])
        cols = np.concatenate([c for _, _, c in matrices])
        matrix = sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(len(figures), offset))
        index = {id(f): i for i, f in enumerate(figures)}
        pairs = [(index[id(a)], index[id(b)]) for a, b in self.links(kind)]
        bounds = np.array([self._bounds(f) for f in figures])
        link_graph = sparse.csr_matrix(
            (np.ones(len(pairs)), ([a for a, _ in pairs], [b for _, b in pairs])), shape=(len(figures),) * 2
        )
        graph = sparse.bmat([[link_graph, matrix], [matrix.T, None]]).tocsr()
        _, label = connected_components(graph, directed=False)
        figure_block, atom_block = label[: len(figures)], label[len(figures) :]
        for block in np.unique(figure_block[[i for i, f in enumerate(figures) if f.labels]]):
            in_block = np.flatnonzero(figure_block == block)
            atoms = np.flatnonzero(atom_block == block)
            position = {f: p for p, f in enumerate(in_block.tolist())}
            sub = matrix[in_block][:, atoms]
            mine = [(position[a], position[b]) for a, b in pairs if a in position]
            link_rows = sparse.csr_matrix(
                (
                    np.tile([1.0, -1.0], len(mine)),
                    (np.repeat(np.arange(len(mine)), 2), np.asarray(mine, dtype=np.int64).ravel()),
                ),
                shape=(len(mine), in_block.size),
            )
            a_eq = sparse.vstack(
                [
                    sparse.hstack([sub, -sparse.identity(in_block.size)]),
                    sparse.hstack([sparse.csr_matrix((len(mine), atoms.size)), link_rows]),
                ]
            ).tocsr()
            variable_bounds = np.vstack(
                [np.column_stack([np.zeros(atoms.size), np.full(atoms.size, np.inf)]), bounds[in_block]]
            )
            yield [figures[i] for i in in_block], atoms.size, a_eq, variable_bounds
