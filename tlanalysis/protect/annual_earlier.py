"""Earlier releases whose data changed since (corrections), as unknowns of their own in the annual model.

When the data of published figures changed between releases (a late answer, a fixed row, a cohort row
that appears), an earlier release is no longer a view of the present data: its figures are counts of
the data as it was. A reader who holds it knows its shown figures and its labels, its own relations
(read from the reports' meaning, `tlanalysis.protect.attack.ReaderModel`), and that a figure whose data
did not change is one count in both releases. So the earlier releases get unknowns of their own here:

* the reader's unknowns of each earlier data version (holders per cohort block and profile, jobs per
  region, contract and role) are classes no report shows (≥ 0, never shown nor complements);
* the build does not have the earlier data, only what was published. It takes the smallest change of
  the present data that gives every earlier figure what its release says (a linear program: the least
  total of unknowns that moved). An earlier figure none of whose unknowns moved is one count with the
  present class of its key; the others are classes of their own, known (shown then) or masked within
  their labels' range, and masked ones must stay unpinned like the present ones. Figures of two earlier
  versions whose unknowns moved alike are one count too;
* the suppression then runs on the whole: a present count that would let an earlier masked one be worked
  out (through the difference of the two releases) is masked as a complement.

The smallest change is the reader's best guess too; when the true change was elsewhere, a figure tied
here that a reader could not tie only makes the protection stricter, but one left untied here that did
not change could leave a reader more than the build assumed (docs/disclosure.md, « Releases »).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import highspy
import numpy as np
import pandas as pd
from scipy import sparse

from ..compute.indicators import CONTRACTS, ROLES, trajectory_groups
from .annual_model import NATIONAL_SCOPE, Model
from .annual_suppress import _new_highs
from .attack import ELSEWHERE, PROFILES, ReaderModel
from .ledger import Release
from .releases import consistent

_INF = highspy.kHighsInf
#: Two values closer than this are one.
_TOLERANCE = 1e-6


def add_earlier_releases(
    model: Model,
    releases: Sequence[Release],
    employment: pd.DataFrame,
    holders: pd.DataFrame,
) -> tuple[dict[int, int], dict[int, tuple[float, float]]]:
    """Add the earlier releases' own unknowns and figures to `model` (see the module doc); returns the new
    classes a reader knows (class -> value) and those masked then (class -> their labels' range)."""
    reader = ReaderModel(list(releases), certification=False)  # the annual model's counts only
    present = np.concatenate([_present_values(v, employment, holders) for v in reader.versions])
    is_atom = np.ones(reader.n_atoms, dtype=bool)
    members: dict[int, np.ndarray] = {}
    for version in reader.versions:
        for variable, atoms in version.definitions:
            is_atom[variable] = False
            members[variable] = atoms

    def atoms_of(variables: np.ndarray) -> np.ndarray:
        return np.unique(np.concatenate([members.get(int(v), np.asarray([v])) for v in variables.tolist()]))

    # A figure is one count with the present class of its key when no report showing it changed since its
    # version (as far as the published figures tell): the counts the reports of a correction show are not.
    changed = [_changed_parts(model, reader, v) for v in range(len(reader.versions))]
    tied: dict[int, int] = {}
    for f, figure in enumerate(reader.figures):
        if all(key[:3] not in changed[figure.version] for key in figure.keys):
            cid = next((model.keys[k] for k in figure.keys if model.keys.get(k) is not None), None)
            if cid is not None:
                tied[f] = cid
    links = True
    point = _smallest_change(reader, present, is_atom, {f: float(model.values[c]) for f, c in tied.items()}, links)
    if point is None:  # a change no published figure shows: tie only what the smallest change leaves as it is
        for links in (True, False):
            point = _smallest_change(reader, present, is_atom, {}, links)
            if point is not None:
                break
        if point is None:
            raise ValueError("the earlier releases contradict each other: no table of counts gives every figure")
        moved = np.abs(point - present) > _TOLERANCE
        tied = {f: c for f, c in tied.items() if not moved[atoms_of(reader.figures[f].atoms)].any()}

    # Holders of regions that list no row of a cohort are unknowns here; a reader who knows which regions have
    # holders of which cohorts (tests/support's attacker does) knows there are none where the present data
    # has none: such empty blocks stay empty, unless the smallest change fills them.
    moved = np.abs(point - present) > _TOLERANCE
    fixed = np.zeros(reader.n_atoms, dtype=bool)
    for version in reader.versions:
        for block, first in version.blocks.items():
            profiles = slice(first, first + len(PROFILES))
            if ELSEWHERE in (block[0], block[2]) and not present[profiles].any() and not moved[profiles].any():
                fixed[profiles] = True
    variable_class = np.asarray(
        [
            model.unknown(("earlier-unknown", v), float(point[v]), kind == "holders", home, False)
            for v, (kind, home) in enumerate(zip(reader.kinds(), reader.homes(), strict=True))
        ],
        dtype=np.int64,
    )
    known: dict[int, int] = {}
    carried = {int(variable_class[v]): (float(point[v]), float(point[v])) for v in np.flatnonzero(fixed)}
    figure_class: dict[int, int] = {}
    for f, figure in enumerate(reader.figures):
        cid = tied.get(f)
        if cid is not None:  # what the earlier releases said of it holds now
            if figure.shown:
                known[cid] = round(model.values[cid])
            else:
                lo, hi = carried.get(cid, (0.0, math.inf))
                carried[cid] = (max(lo, figure.lo), min(hi, figure.hi))
        else:
            key = next(iter(figure.keys))
            value = float(point[figure.atoms].sum())
            home = None if key[2] == NATIONAL_SCOPE else str(key[2])
            cid = model.unknown(key, value, key[0] == "holders", home, True)
            if figure.shown:
                known[cid] = round(value)
            else:
                carried[cid] = (figure.lo, figure.hi)
        figure_class[f] = cid
        model.link({cid: 1, **dict.fromkeys(variable_class[figure.atoms].tolist(), -1)})
    for variable, atoms in members.items():  # a variable standing for a sum of atoms
        model.link({int(variable_class[variable]): 1, **dict.fromkeys(variable_class[atoms].tolist(), -1)})
    for a, b in reader.links if links else []:  # one count in two earlier versions
        if figure_class[a] != figure_class[b]:
            model.link({figure_class[a]: 1, figure_class[b]: -1})
    for cid in known:
        carried.pop(cid, None)
    return known, carried


def _changed_parts(model: Model, reader: ReaderModel, v: int) -> set[tuple]:
    """The reports' parts (kind, year, scope) whose data changed between the releases of version `v` and the
    present data, as far as published figures tell: a figure published then that cannot be its present
    value, a count then or now that the other does not have, a correction a later release declared."""
    version = reader.versions[v]
    out: set[tuple] = set()
    published: set[tuple] = set()
    reports: set[tuple] = set()
    for release in version.releases:
        reports |= {(y, s) for kind, y, s in release.reports if kind == "annual"}
        for key, cell in release.annual.items():
            published.add(key)
            if key not in model.keys:
                out.add(key[:3])
                continue
            cid = model.keys[key]
            value = 0 if cid is None else model.values[cid]
            if not consistent(cell, release.min_count, value, key[0] == "holders"):
                out.add(key[:3])
    out |= {k[:3] for k in model.keys if (k[1], k[2]) in reports and k not in published}
    for later in reader.versions[v + 1 :]:
        out |= {key[:3] for release in later.releases for key in release.corrected}
    return out


def _present_values(version, employment: pd.DataFrame, holders: pd.DataFrame) -> np.ndarray:
    """The present data on the unknowns of an earlier version (what they would be had nothing changed)."""
    values = np.zeros(version.count)
    offset = version.offset
    jobs = employment.groupby(["year", "region_code", "contract", "role"], observed=True)["count"].sum()
    contract_of = {c: i for i, c in enumerate(CONTRACTS)}
    role_of = {o: i for i, o in enumerate(ROLES)}
    for (year, region, contract, role), n in jobs.items():
        first = version.jobs.get((int(year), str(region)))
        if first is not None:
            values[first - offset + contract_of[str(contract)] * len(ROLES) + role_of[str(role)]] += int(n)
    groups = trajectory_groups(holders)
    profile_of = {p: i for i, p in enumerate(PROFILES)}
    listed = {b for b in version.blocks if b[0] != ELSEWHERE and b[2] != ELSEWHERE}
    rows_of: dict[str, set] = {}
    for (_, scope), rows in version.tables.items():
        rows_of.setdefault(scope, set()).update(rows)
    frame = zip(
        holders["region_code"].astype(str),
        holders["cohort_year"].astype(int),
        holders["cohort"].astype(str),
        holders["situation"].astype(str),
        groups.astype(object).where(groups.notna(), ""),
        strict=True,
    )
    # the blocks of holders no table lists: a region's (its rows before the year), France's (every row before)
    rests = []
    for block in version.blocks:
        if block[2] == ELSEWHERE:
            rows = {r for r in rows_of.get(block[0], ()) if r[0] < block[1]}
            rests.append((block, block[0], block[1], rows))
        elif block[0] == ELSEWHERE and block[2] == "":
            rows = {r for table in rows_of.values() for r in table if r[0] < block[1]}
            rests.append((block, None, block[1], rows))
    for region, cohort_year, cohort, situation, group in frame:
        profile = profile_of[(situation, str(group))]
        regular = (region, cohort_year, cohort)
        targets = [regular if regular in listed else (ELSEWHERE, cohort_year, cohort)]
        for block, scope, year, rows in rests:
            if scope in (None, region) and cohort_year < year and (cohort_year, cohort) not in rows:
                targets.append(block)
        for block in targets:
            first = version.blocks.get(block)
            if first is not None:
                values[first - offset + profile] += 1
    for (block, chosen), variable in version.sums.items():
        first = version.blocks[block]
        values[variable - offset] = sum(values[first - offset + p] for p in chosen)
    return values


def _smallest_change(
    reader: ReaderModel, present: np.ndarray, is_atom: np.ndarray, fixed: dict[int, float], links: bool
) -> np.ndarray | None:
    """The values of the reader's unknowns closest to the present data (least total of the atoms' moves)
    that give every earlier figure what its release says, and the `fixed` figures their value (None when
    there are none)."""
    matrix, lo, hi = reader.program(links)
    lo, hi = lo.copy(), hi.copy()
    for f, value in fixed.items():
        lo[f] = hi[f] = value
    n_vars = reader.n_atoms
    atoms = np.flatnonzero(is_atom)
    n_moves = atoms.size
    # x - up + down = present on each atom
    identity = sparse.csr_matrix((np.ones(n_moves), (np.arange(n_moves), atoms)), shape=(n_moves, n_vars))
    moves = sparse.identity(n_moves, format="csr")
    full = sparse.vstack(
        [
            sparse.hstack([matrix, sparse.csr_matrix((matrix.shape[0], 2 * n_moves))]),
            sparse.hstack([identity, -moves, moves]),
        ]
    ).tocsc()
    row_lo = np.concatenate([lo, present[atoms]])
    row_hi = np.concatenate([hi, present[atoms]])
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_vars + 2 * n_moves, full.shape[0]
    lp.col_cost_ = np.concatenate([np.zeros(n_vars), np.ones(2 * n_moves)])
    lp.col_lower_ = np.zeros(lp.num_col_)
    lp.col_upper_ = np.full(lp.num_col_, _INF)
    lp.row_lower_ = np.where(np.isfinite(row_lo), row_lo, -_INF)
    lp.row_upper_ = np.where(np.isfinite(row_hi), row_hi, _INF)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = full.indptr.astype(np.int32)
    lp.a_matrix_.index_ = full.indices.astype(np.int32)
    lp.a_matrix_.value_ = full.data.astype(float)
    highs = _new_highs()
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.asarray(highs.getSolution().col_value)[:n_vars]
    whole = np.round(x)
    return np.where(np.abs(x - whole) < _TOLERANCE, whole, x)


__all__ = ["add_earlier_releases"]
