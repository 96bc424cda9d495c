"""The published counts of every report of a dataset, for `tlanalysis.protect.annual`.

Each published count (a cell key such as ("holders", 2019, "75", "situation", "autre") or
("jobs", 2019, "FR", "contract", "CDI")) is a sum of atoms: holders per (region, cohort,
situation, trajectory group), jobs per (year, region, contract, role). Counts over the same atoms
are one *class* (the same figure in several reports), identified by a canonical description —
(what is counted, which cohort blocks or regions) — rather than by a dense atom vector, so that
building the model is linear in the number of cells. The additive relations a reader sees
(totals = parts, France = regions, report Y = report Y' + the cohorts in between, and every count of
holders = the sum of its (region, cohort) blocks' counts, whichever reports show them) are kept as a
sparse matrix over classes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from scipy import sparse

from ..compute.indicators import CONTRACTS, ROLES, SITUATIONS, TRAJECTORIES, trajectory_groups
from ..schema import HOLDERS

#: Scope of the national report in cell keys.
NATIONAL_SCOPE = "FR"
#: Business rule (INSEE, enterprise statistics): at least this many tiers-lieux per cell...
MIN_PLACES = 3
#: ...and no tiers-lieu holding more than this share of the cell's jobs.
MAX_PLACE_SHARE = 0.85

#: Weight of a complementary cell by its place in the hierarchy (multiplied by 1 + log(1 + value)).
#: National key figures are masked as complements only when no other pattern exists...
NATIONAL_KEY = 1e5
#: ...when at least this many regions make them up. With one or two, France minus one region gives the
#: other: the national figure protects nothing the regional ones do not, and is masked first (the
#: regional reports are what a regional network publishes).
NATIONAL_MIN_REGIONS = 3
_W_COHORT_CELL, _W_COHORT_TOTAL = 1.0, 2.0
#: Complements up to this weight are cohort cells (a national one of a cohort shared by regions included).
DETAIL_WEIGHT = 3 * _W_COHORT_TOTAL
_W_MINOR, _W_HEADLINE, _W_TOTAL = 6.0, 20.0, 50.0
_W_NATIONAL_MINOR = 150.0
_HEADLINE_SITUATIONS = ("facilitation", "autre_coordination", "recherche_emploi")
_HEADLINE_CONTRACTS = ("CDI", "CDD")


def key_weight(key: tuple, n_regions: int = 1) -> float:
    """How much masking this published count costs: detail < minor < headline < totals < national key figures
    (`n_regions`: how many regions the count adds up)."""
    kind, scope, what = key[0], key[2], key[3]
    national = scope == NATIONAL_SCOPE
    if national and n_regions < NATIONAL_MIN_REGIONS and what != "cohort":
        return 0.5 * key_weight((kind, key[1], "", *key[3:]))
    if kind == "holders":
        if what == "cohort":
            weight = _W_COHORT_TOTAL if key[-1] == "total" else _W_COHORT_CELL
            return 3 * weight if national else weight
        if national:  # n, situation counts, trajectory counts and base: the national report's key figures
            return NATIONAL_KEY
        if what == "situation":
            return _W_HEADLINE if key[4] in _HEADLINE_SITUATIONS else _W_MINOR
        return _W_HEADLINE if what == "trajectory" else _W_TOTAL
    headline = (
        what == "total"
        or (what == "contract" and key[4] in _HEADLINE_CONTRACTS)
        or (what == "role" and key[4] == "facilitation")
    )
    if national:
        return NATIONAL_KEY if headline else _W_NATIONAL_MINOR
    if what == "total":
        return _W_TOTAL
    return _W_HEADLINE if headline else _W_MINOR


@dataclass
class Model:
    """Classes of equal published counts, their values and costs, and the relations between them."""

    keys: dict[tuple, int | None] = field(default_factory=dict)  # cell key -> class (None: 0 by construction)
    representative: list[tuple] = field(default_factory=list)  # class -> its smallest key (by str)
    values: list[int] = field(default_factory=list)
    holders: list[bool] = field(default_factory=list)  # class counts holders (else jobs)
    weights: list[float] = field(default_factory=list)
    home: list[str | None] = field(default_factory=list)  # the one region a class lies in, or None
    sensitive: dict[int, str] = field(default_factory=dict)  # class -> primary reason
    #: class -> whether some report shows it; the others are counts no report shows (a cohort's holders per
    #: trajectory group) that link shown counts all the same: a reader knows they exist and are >= 0.
    published: list[bool] = field(default_factory=list)
    hidden_keys: dict[tuple, int | None] = field(default_factory=dict)
    _ids: dict[tuple, int] = field(default_factory=dict)
    _relations: set[tuple[tuple[int, int], ...]] = field(default_factory=set)

    def cell(
        self, key: tuple, identity: tuple | None, value: int, home: str | None, n_regions: int = 1, hidden: bool = False
    ) -> int | None:
        """Register a published count (or, `hidden`, one no report shows but relations go through);
        `identity` is its canonical description (None: a count of nothing)."""
        keys = self.hidden_keys if hidden else self.keys
        if identity is None:
            keys[key] = None
            return None
        cid = self._ids.get(identity)
        if cid is None:
            cid = len(self.values)
            self._ids[identity] = cid
            self.values.append(int(value))
            self.holders.append("holders" in key[:2])  # ("holders", ...) or ("hidden", "holders", ...)
            self.weights.append(key_weight(key, n_regions))
            self.representative.append(key)
            self.home.append(home)
            self.published.append(not hidden)
        elif not hidden:
            if not self.published[cid]:  # shown after all: what it counts and costs come from the shown key
                self.holders[cid] = key[0] == "holders"
                self.weights[cid] = key_weight(key, n_regions)
                self.representative[cid] = key
                self.published[cid] = True
            else:
                self.weights[cid] = max(self.weights[cid], key_weight(key, n_regions))
                if str(key) < str(self.representative[cid]):
                    self.representative[cid] = key
        keys[key] = cid
        return cid

    def relation(self, total: tuple, parts: list[tuple]) -> None:
        """total = sum(parts) (the caller has made sure it holds); counts of nothing drop out."""
        coefficients: dict[int, int] = {}
        for key, sign in [(total, -1)] + [(p, 1) for p in parts]:
            cid = self.keys[key] if key in self.keys else self.hidden_keys[key]
            if cid is not None:
                coefficients[cid] = coefficients.get(cid, 0) + sign
        relation = tuple(sorted((c, s) for c, s in coefficients.items() if s))
        if len(relation) >= 2:
            self._relations.add(relation)

    def unknown(self, key: tuple, value: float, holders: bool, home: str | None, published: bool) -> int:
        """A class no report of this data publishes (a count of an earlier release, one of its unknowns): in
        relations and in the suppression, never under a key of `keys`."""
        cid = len(self.values)
        self.values.append(value)  # type: ignore[arg-type]  # a base value, possibly not whole
        self.holders.append(holders)
        self.weights.append(0.0)
        self.representative.append(key)
        self.home.append(home)
        self.published.append(published)
        return cid

    def link(self, coefficients: dict[int, int]) -> None:
        """A relation between classes given by their ids: sum of coefficient × class = 0."""
        relation = tuple(sorted((c, s) for c, s in coefficients.items() if s))
        if len(relation) >= 2:
            self._relations.add(relation)

    def compact(self) -> None:
        """Drop what only building needed (a Protection is pickled into build caches)."""
        self._ids = {}
        self._relations = set()
        self.hidden_keys = {}

    # -- arrays for the solver

    @property
    def n_classes(self) -> int:
        return len(self.values)

    def relation_matrix(self) -> sparse.csr_matrix:
        """Relations (rows) over classes (columns): each row sums to 0 with the true values."""
        from scipy import sparse  # only when protecting: a no-op build never imports scipy

        rows, cols, coefs = [], [], []
        for r, relation in enumerate(sorted(self._relations)):
            for c, s in relation:
                rows.append(r)
                cols.append(c)
                coefs.append(s)
        return sparse.csr_matrix(
            (np.asarray(coefs, dtype=float), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
            shape=(len(self._relations), self.n_classes),
        )

    def costs(self) -> np.ndarray:
        """Cost of masking each class as a complement: its weight times 1 + log(1 + value)."""
        values = np.asarray(self.values, dtype=float)
        return np.asarray(self.weights, dtype=float) * (1.0 + np.log1p(np.maximum(values, 0.0)))


def report_list(employment: pd.DataFrame) -> list[tuple[int, str]]:
    """Every report: (year, region code) with employment data, and (year, "FR") for each survey year."""
    pairs = employment[["region_code", "year"]].drop_duplicates()
    regional = sorted((int(y), str(c)) for c, y in zip(pairs["region_code"], pairs["year"], strict=True))
    national = [(y, NATIONAL_SCOPE) for y in sorted({int(y) for y in employment["year"].unique()})]
    return regional + national


# --- holders -------------------------------------------------------------------------------------


def holder_profiles() -> list[tuple[str, str]]:
    """Every (situation, trajectory group or "") a holder can have under the definitions."""
    statuses = HOLDERS.column("status_at_entry").allowed_values
    rows = list(itertools.product(statuses, SITUATIONS, (False, True), (False, True)))
    frame = pd.DataFrame(rows, columns=["status_at_entry", "situation", "created_business", "changed_job"])
    groups = trajectory_groups(frame)
    return sorted({(s, "" if pd.isna(g) else str(g)) for s, g in zip(frame["situation"], groups, strict=True)})


def profile_bounds() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """What a reader knows of a block's counts per situation and per group beyond their sums: each holder has
    one profile of `holder_profiles()` and a block's holders per profile are >= 0. Counts per situation and
    per group (with "", no group) admit such a split exactly when, for every set of groups, its holders are
    at most those of the situations its groups allow (Gale's supply-demand theorem). A set allowing every
    situation gives nothing beyond the totals and "no group" >= 0; each other one is returned once, as
    (the situations, every group allowed only in them): under the definitions, (the employed situations,
    the two trajectories into a job)."""
    allowed: dict[str, set[str]] = {}
    for situation, group in holder_profiles():
        allowed.setdefault(group, set()).add(situation)
    groups = sorted(allowed)
    bounds: dict[frozenset[str], tuple[str, ...]] = {}
    for size in range(1, len(groups) + 1):
        for chosen in itertools.combinations(groups, size):
            situations = frozenset().union(*(allowed[g] for g in chosen))
            if len(situations) < len(SITUATIONS):
                bounds[situations] = tuple(g for g in TRAJECTORIES if g in allowed and allowed[g] <= situations)
    return [(tuple(s for s in SITUATIONS if s in situations), bounds[situations]) for situations in bounds]


#: (situations, groups) of `profile_bounds()`: a block's holders of these groups are at most those of these
#: situations (a hidden count per block, the difference, is >= 0).
PROFILE_BOUNDS = profile_bounds()


def _block_counts(holders: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per (region, cohort_year, cohort) with holders, and its counts per filter column:
    all, each situation, each trajectory group, in a group, in none, then one per `PROFILE_BOUNDS`."""
    groups = trajectory_groups(holders)
    frame = pd.DataFrame(
        {
            "region": holders["region_code"].astype(str).to_numpy(),
            "cohort_year": holders["cohort_year"].astype(int).to_numpy(),
            "cohort": holders["cohort"].astype(str).to_numpy(),
            "situation": holders["situation"].astype(str).to_numpy(),
            "group": groups.astype("object").where(groups.notna(), "").to_numpy(),
        }
    )
    block_keys = ["region", "cohort_year", "cohort"]
    blocks = frame[block_keys].drop_duplicates().sort_values(block_keys).reset_index(drop=True)
    index = pd.MultiIndex.from_frame(blocks)
    columns = [np.ones(len(frame), dtype=np.int64)]
    columns += [(frame["situation"] == s).to_numpy(np.int64) for s in SITUATIONS]
    columns += [(frame["group"] == g).to_numpy(np.int64) for g in TRAJECTORIES]
    columns.append((frame["group"] != "").to_numpy(np.int64))
    columns.append((frame["group"] == "").to_numpy(np.int64))
    for situations, groups_in in PROFILE_BOUNDS:  # holders of these situations, not of these groups
        columns.append((frame["situation"].isin(situations) & ~frame["group"].isin(groups_in)).to_numpy(np.int64))
    indicator = pd.DataFrame(np.column_stack(columns) if len(frame) else np.zeros((0, len(columns)), np.int64))
    indicator.index = pd.MultiIndex.from_frame(frame[block_keys])
    counts = indicator.groupby(level=[0, 1, 2]).sum().reindex(index, fill_value=0).to_numpy(np.int64)
    return blocks, counts.reshape(len(blocks), len(columns))


_F_ALL = 0
_F_SITUATION = {s: 1 + i for i, s in enumerate(SITUATIONS)}
_F_GROUP = {g: 1 + len(SITUATIONS) + i for i, g in enumerate(TRAJECTORIES)}
_F_IN_GROUP = 1 + len(SITUATIONS) + len(TRAJECTORIES)
_F_OUTSIDE = _F_IN_GROUP + 1
_F_BOUND = [_F_OUTSIDE + 1 + i for i in range(len(PROFILE_BOUNDS))]


def holder_cells(holders: pd.DataFrame, reports: list[tuple[int, str]], model: Model) -> None:
    blocks, counts = _block_counts(holders)
    b_region = blocks["region"].to_numpy(dtype=object)
    b_year = blocks["cohort_year"].to_numpy(dtype=np.int64)
    b_cohort = blocks["cohort"].to_numpy(dtype=object)
    home_of_block = b_region
    over_blocks: dict[tuple, tuple[int, np.ndarray]] = {}  # key of a count of several blocks -> its column, blocks

    def add(key: tuple, column: int, members: np.ndarray, hidden: bool = False) -> None:
        if members.size == 0:
            model.cell(key, None, 0, None, hidden=hidden)
            return
        regions = set(home_of_block[members].tolist())
        home = next(iter(regions)) if len(regions) == 1 else None
        identity = ("h", column, np.asarray(members, dtype=np.int64).tobytes())
        model.cell(key, identity, int(counts[members, column].sum()), home, len(regions), hidden=hidden)
        if members.size > 1:
            over_blocks[key] = (column, members)

    by_scope: dict[str, list[int]] = {}
    for year, scope in reports:
        by_scope.setdefault(scope, []).append(year)
    regional_scopes = sorted(s for s in by_scope if s != NATIONAL_SCOPE)
    all_blocks = np.arange(len(blocks))
    in_region = {r: b_region == r for r in set(b_region.tolist()) | set(regional_scopes)}
    tables: dict[tuple[int, str], dict[tuple[int, str], np.ndarray]] = {}
    for year, scope in reports:
        seen_mask = b_year < year
        if scope != NATIONAL_SCOPE:
            seen_mask = seen_mask & in_region[scope]
        seen = all_blocks[seen_mask]
        base = ("holders", year, scope)
        add((*base, "n"), _F_ALL, seen)
        for s in SITUATIONS:
            add((*base, "situation", s), _F_SITUATION[s], seen)
        for g in TRAJECTORIES:
            add((*base, "trajectory", g), _F_GROUP[g], seen)
        add((*base, "trajectory_n"), _F_IN_GROUP, seen)
        rows: dict[tuple[int, str], list[int]] = {}
        for b in seen.tolist():
            rows.setdefault((int(b_year[b]), str(b_cohort[b])), []).append(b)
        table = {row: np.asarray(members, dtype=np.int64) for row, members in sorted(rows.items())}
        tables[(year, scope)] = table
        for (y, c), members in table.items():
            add((*base, "cohort", y, c, "total"), _F_ALL, members)
            for s in SITUATIONS:
                add((*base, "cohort", y, c, s), _F_SITUATION[s], members)
            # No report shows a cohort's holders by trajectory group, but every trajectory count is a sum of
            # them: without these, France Y+1 minus France Y (the new cohorts) could pin a region's count.
            for g in TRAJECTORIES:
                add(("hidden", *base, "cohort", y, c, "trajectory", g), _F_GROUP[g], members, hidden=True)
            add(("hidden", *base, "cohort", y, c, "trajectory_n"), _F_IN_GROUP, members, hidden=True)

    # the first regional report listing each block (region, cohort year, cohort)
    listing: dict[tuple[str, int, str], tuple[int, str]] = {}
    for year, scope in reports:
        if scope != NATIONAL_SCOPE:
            for y, c in tables[(year, scope)]:
                listing.setdefault((scope, y, c), (year, scope))
    for year, scope in reports:
        base = ("holders", year, scope)
        table = tables[(year, scope)]
        model.relation((*base, "n"), [(*base, "situation", s) for s in SITUATIONS])
        model.relation((*base, "trajectory_n"), [(*base, "trajectory", g) for g in TRAJECTORIES])
        if table:
            model.relation((*base, "n"), [(*base, "cohort", y, c, "total") for y, c in table])
            for s in SITUATIONS:
                model.relation((*base, "situation", s), [(*base, "cohort", y, c, s) for y, c in table])
        for y, c in table:
            model.relation((*base, "cohort", y, c, "total"), [(*base, "cohort", y, c, s) for s in SITUATIONS])
            hidden = ("hidden", *base, "cohort", y, c)
            model.relation((*hidden, "trajectory_n"), [(*hidden, "trajectory", g) for g in TRAJECTORIES])
        if table:
            for g in TRAJECTORIES:
                model.relation(
                    (*base, "trajectory", g), [("hidden", *base, "cohort", y, c, "trajectory", g) for y, c in table]
                )
            model.relation(
                (*base, "trajectory_n"), [("hidden", *base, "cohort", y, c, "trajectory_n") for y, c in table]
            )
        # Later report of the same territory = earlier report + the cohorts that started in between.
        years = by_scope[scope]
        i = years.index(year)
        if i:
            previous = ("holders", years[i - 1], scope)
            new = [(y, c) for y, c in table if y >= years[i - 1]]
            model.relation((*base, "n"), [(*previous, "n")] + [(*base, "cohort", y, c, "total") for y, c in new])
            for s in SITUATIONS:
                earlier = [(*previous, "situation", s)] + [(*base, "cohort", y, c, s) for y, c in new]
                model.relation((*base, "situation", s), earlier)
        # National report = sum of the regional reports of the year, when they cover every holder seen.
        if scope == NATIONAL_SCOPE:
            parts = [r for r in regional_scopes if year in by_scope[r]]
            covered = sum(int(np.count_nonzero((b_year < year) & in_region[r])) for r in parts)
            if covered == int(np.count_nonzero(b_year < year)):
                suffixes = (
                    [("n",), ("trajectory_n",)]
                    + [("situation", s) for s in SITUATIONS]
                    + [("trajectory", g) for g in TRAJECTORIES]
                )
                for suffix in suffixes:
                    model.relation(base + suffix, [("holders", year, r, *suffix) for r in parts])
            # A national cohort row = the region's rows of that cohort, wherever a reader finds them: a region's
            # block is the same count in every report of the region that lists it, whatever its year (France
            # 2019 minus the regions of 2019 reports gives a region without one, through its 2018 report).
            for (y, c), members in table.items():
                found = [listing.get((r, y, c)) for r in sorted(set(b_region[members].tolist()))]
                listed = [report for report in found if report is not None]
                if len(listed) < len(found):
                    continue
                for last in (*SITUATIONS, "total"):
                    rows_of_regions = [("holders", ry, r, "cohort", y, c, last) for ry, r in listed]
                    model.relation((*base, "cohort", y, c, last), rows_of_regions)
                unseen: list[tuple] = [("trajectory", g) for g in TRAJECTORIES] + [("trajectory_n",)]
                for part in unseen:
                    rows_of_regions = [("hidden", "holders", ry, r, "cohort", y, c, *part) for ry, r in listed]
                    model.relation(("hidden", *base, "cohort", y, c, *part), rows_of_regions)

    # A reader adds and subtracts (region, cohort) blocks through any reports, not only along the relations
    # above: France's row of a cohort shared by two regions is their rows even in a year when one of them
    # has no report, France Y is its regions' reports of other years when they had no newer cohort. So each
    # block's count of each column is a cell (a report's count of that block alone, else hidden), and every
    # count of several blocks is the sum of its blocks: no relation through blocks is missing.
    def block_key(b: int, column: int) -> tuple:
        return ("hidden", "holders", "block", str(b_region[b]), int(b_year[b]), str(b_cohort[b]), column)

    for b in all_blocks.tolist():
        for column in range(counts.shape[1]):
            add(block_key(b, column), column, np.asarray([b], dtype=np.int64), hidden=True)
        model.relation(block_key(b, _F_ALL), [block_key(b, _F_SITUATION[s]) for s in SITUATIONS])
        model.relation(block_key(b, _F_IN_GROUP), [block_key(b, _F_GROUP[g]) for g in TRAJECTORIES])
        # Holders per profile are >= 0 (`profile_bounds`): a block's holders in a group are at most its holders
        # (else 3 holders shown in a region, 1 outside the groups in France, and « < 3 » in the region's
        # trajectory base give that base: 2), those of the groups into a job at most its employed holders.
        model.relation(block_key(b, _F_ALL), [block_key(b, _F_IN_GROUP), block_key(b, _F_OUTSIDE)])
        for (situations, groups_in), column in zip(PROFILE_BOUNDS, _F_BOUND, strict=True):
            others = [block_key(b, _F_SITUATION[s]) for s in SITUATIONS if s not in situations]
            in_groups = [block_key(b, _F_GROUP[g]) for g in groups_in]
            model.relation(block_key(b, _F_ALL), [*others, *in_groups, block_key(b, column)])
    for key, (column, members) in over_blocks.items():
        model.relation(key, [block_key(b, column) for b in members.tolist()])


# --- jobs ----------------------------------------------------------------------------------------


def _place_codes(employment: pd.DataFrame) -> np.ndarray | None:
    """Integer code of each row's tiers-lieu (missing ones together as one place), or None if none is given."""
    if "tiers_lieu" not in employment.columns:
        return None
    places = employment["tiers_lieu"].astype("object")
    missing = places.isna().to_numpy() | (places.fillna("").astype(str).str.strip() == "").to_numpy()
    if missing.all():
        return None
    codes, _ = pd.factorize(places.where(~missing, "\x00unidentified").astype(str), sort=True)
    return codes.astype(np.int64)


def _sensitive_groups(frame: pd.DataFrame, by: list[str]) -> set[tuple]:
    """Groups of `by` whose jobs come from fewer than 3 tiers-lieux or have one over 85 % (0 jobs: not sensitive)."""
    per_place = frame.groupby([*by, "place"], observed=True, sort=False)["count"].sum()
    per_place = per_place[per_place > 0]
    if per_place.empty:
        return set()
    stats = per_place.groupby(level=list(range(len(by))), observed=True, sort=False).agg(["size", "max", "sum"])
    rule = (stats["size"] < MIN_PLACES) | (stats["max"] > MAX_PLACE_SHARE * stats["sum"])
    return {k if isinstance(k, tuple) else (k,) for k in stats.index[rule.to_numpy()]}


def job_cells(employment: pd.DataFrame, reports: list[tuple[int, str]], model: Model) -> None:
    frame = pd.DataFrame(
        {
            "year": employment["year"].astype(int).to_numpy(),
            "region": employment["region_code"].astype(str).to_numpy(),
            "contract": employment["contract"].astype(str).to_numpy(),
            "role": employment["role"].astype(str).to_numpy(),
            "count": employment["count"].astype(np.int64).to_numpy(),
        }
    )
    totals = frame.groupby(["year", "region"])["count"].sum().to_dict()
    by_contract = frame.groupby(["year", "region", "contract"])["count"].sum().to_dict()
    by_role = frame.groupby(["year", "region", "role"])["count"].sum().to_dict()
    place = _place_codes(employment)
    sensitive: set[tuple] = set()
    if place is not None:
        frame["place"] = place
        national = frame.assign(region=NATIONAL_SCOPE)
        for data in (frame, national):
            sensitive |= {(y, r, "total") for y, r in _sensitive_groups(data, ["year", "region"])}
            sensitive |= {(y, r, "contract", c) for y, r, c in _sensitive_groups(data, ["year", "region", "contract"])}
            sensitive |= {(y, r, "role", o) for y, r, o in _sensitive_groups(data, ["year", "region", "role"])}

    by_year: dict[int, list[str]] = {}
    for year, scope in reports:
        by_year.setdefault(year, []).append(scope)
    for year, scopes in by_year.items():
        codes = sorted(s for s in scopes if s != NATIONAL_SCOPE)
        for scope in scopes:
            members = codes if scope == NATIONAL_SCOPE else [scope]
            home = members[0] if len(members) == 1 else None
            region_set = tuple(members)
            base = ("jobs", year, scope)
            cells: list[tuple[tuple, tuple, int]] = [
                ((*base, "total"), ("total",), sum(totals.get((year, r), 0) for r in members))
            ]
            cells += [
                ((*base, "contract", c), ("contract", c), sum(by_contract.get((year, r, c), 0) for r in members))
                for c in CONTRACTS
            ]
            cells += [
                ((*base, "role", o), ("role", o), sum(by_role.get((year, r, o), 0) for r in members)) for o in ROLES
            ]
            for key, what, value in cells:
                cid = model.cell(key, ("j", year, what, region_set), value, home, len(members))
                if cid is not None and (year, scope, *key[3:]) in sensitive:
                    model.sensitive[cid] = "business_rule"
            model.relation((*base, "total"), [(*base, "contract", c) for c in CONTRACTS])
            model.relation((*base, "total"), [(*base, "role", o) for o in ROLES])
        suffixes = [("total",)] + [("contract", c) for c in CONTRACTS] + [("role", o) for o in ROLES]
        for suffix in suffixes:
            model.relation(("jobs", year, NATIONAL_SCOPE, *suffix), [("jobs", year, r, *suffix) for r in codes])


def build_model(employment: pd.DataFrame, holders: pd.DataFrame, min_count: int) -> tuple[Model, list]:
    """The model of every report of the data, with primary suppression marked in `sensitive`."""
    reports = report_list(employment)
    model = Model()
    job_cells(employment, reports, model)
    holder_cells(holders, reports, model)
    if min_count > 1:
        for cid, (value, is_holders, shown) in enumerate(
            zip(model.values, model.holders, model.published, strict=True)
        ):
            if is_holders and shown and value < min_count:
                model.sensitive[cid] = "small_count"
    return model, reports


__all__ = ["NATIONAL_KEY", "NATIONAL_SCOPE", "PROFILE_BOUNDS", "Model", "build_model", "holder_profiles", "key_weight"]
