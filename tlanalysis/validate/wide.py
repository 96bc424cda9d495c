"""The "wide" survey layout: one row per tiers-lieu, job counts per contract, "of which" counts per role.

Such a survey gives two margins of the same jobs — how many per contract, and, of those,
how many per role — but not the contract × role split; none is invented here. A place's
jobs are the sum of its contract counts; jobs its role counts leave out have the role
`non_precise` (« Fonction non précisée »).

The tidy employment table keeps both margins exact for every indicator that sums `count`
by contract or by role (`indicators.key_figures`, disclosure, exports). Each place becomes:

* one row per contract with jobs: (contract, role `non_precise`, count = its jobs);
* one pair of rows per role given: (C, role, +n) and (C, `non_precise`, −n), where C is the
  place's first contract with jobs, in schema order.

Each pair adds 0 to every contract and to the total, and moves n jobs from `non_precise` to
the role, so that jobs by contract, by role and in total are those of the survey, and
`non_precise` is the jobs minus the role counts (never negative: a place whose role counts
exceed its jobs is refused). The contract C of a pair carries no information: a contract ×
role cross-table of wide data is meaningless, only its margins are (and only margins are
published).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError, Problem
from ..load.mapping import TableMapping
from ..load.tables import RawTable
from ..schema import ColumnSpec, TableSpec
from .columns import _parse_integers, _tidy, check_schema, constant_columns, map_headers, mapped_header, normalize

UNSPECIFIED_ROLE = "non_precise"


def _count_spec(kind: str, value: str, header: str) -> ColumnSpec:
    return ColumnSpec(f"{kind}:{value}", "count", True, f"Jobs with {kind} {value} at the place.", header, minimum=0)


def validate_wide(raw: RawTable, table: TableSpec, mapping: TableMapping) -> pd.DataFrame:
    """Validated tidy employment frame from a one-row-per-place survey (see the module docstring)."""
    problems: list[Problem] = []
    columns = {
        k: v for k, v in map_headers(raw, table, problems, mapping).items() if k in ("year", "region", "tiers_lieu")
    }
    constants = constant_columns(table, mapping, problems)
    counts: dict[tuple[str, str], str] = {}
    for kind, given in (("contract", mapping.contracts), ("role", mapping.roles)):
        for value, header in given.items():
            found = mapped_header(raw, header, f"[{table.name}.{kind}s] {value}", mapping, problems)
            if found is not None:
                counts[(kind, value)] = found
    for name, key in (("year", "year"), ("region", "region, departement or commune")):
        if name not in columns and name not in constants:
            problems.append(
                Problem(
                    raw.label,
                    "missing column",
                    column=name,
                    expected=f"a column for the {name} of each place, named in {mapping.source.name} "
                    f'([{table.name}.columns] {key} = "…")' + (" or year = 2024" if name == "year" else ""),
                )
            )
    if problems:
        raise DataError(problems)

    specs = [table.column(n) for n in ("year", "region", "tiers_lieu") if n in columns]
    specs += [_count_spec(kind, value, header) for (kind, value), header in counts.items()]
    checked = TableSpec(table.name, table.label, table.description, tuple(specs))
    normalized = pd.DataFrame(index=raw.frame.index)
    all_columns = dict(columns)
    for spec in specs:
        if spec.name in columns:
            normalized[spec.name] = normalize(raw.frame[columns[spec.name]], spec, mapping.location_kind)
        else:
            header = counts[tuple(spec.name.split(":", 1))]  # type: ignore[index]
            cells = raw.frame[header]
            normalized[spec.name] = _parse_integers(cells).mask(cells.isna(), 0)  # a blank count is none
            all_columns[spec.name] = header
    problems += check_schema(normalized, raw, checked, all_columns, mapping.location_kind)
    if problems:
        raise DataError(problems)

    contract_names = [c for c in table.column("contract").allowed_values if ("contract", c) in counts]
    role_names = [r for r in table.column("role").allowed_values if ("role", r) in counts]
    jobs = np.column_stack([normalized[f"contract:{c}"].to_numpy(dtype=np.int64) for c in contract_names])
    roles = (
        np.column_stack([normalized[f"role:{r}"].to_numpy(dtype=np.int64) for r in role_names])
        if role_names
        else np.zeros((len(normalized), 0), dtype=np.int64)
    )
    over = roles.sum(axis=1) > jobs.sum(axis=1)
    for row in normalized.index[over]:
        i = normalized.index.get_loc(row)
        role_text = " + ".join(f"{roles[i, j]} '{counts[('role', r)]}'" for j, r in enumerate(role_names))
        job_text = " + ".join(f"{jobs[i, j]} '{counts[('contract', c)]}'" for j, c in enumerate(contract_names))
        problems.append(
            Problem(
                raw.label,
                f"the role counts exceed the place's jobs: {role_text} = {roles[i].sum()} "
                f"> {job_text} = {jobs[i].sum()}",
                row,
                ", ".join(counts[("role", r)] for r in role_names),
                None,
                "role counts (« dont … ») that add up to at most the jobs of the place",
            )
        )
    if problems:
        raise DataError(problems)
    return _tidy(_long_rows(normalized, columns, constants, contract_names, role_names, jobs, roles), table)


def _long_rows(
    normalized: pd.DataFrame,
    columns: dict[str, str],
    constants: dict[str, int],
    contract_names: list[str],
    role_names: list[str],
    jobs: np.ndarray,
    roles: np.ndarray,
) -> pd.DataFrame:
    """The tidy rows of every place: contract rows, then one +n / −n pair per role given."""
    rows = normalized.index.to_numpy()
    year = normalized["year"] if "year" in columns else pd.Series(constants["year"], index=normalized.index)
    place = (
        normalized["tiers_lieu"]
        if "tiers_lieu" in columns
        else pd.Series([f"ligne {r}" for r in rows], index=normalized.index, dtype="string")  # each row is a place
    )
    first_contract = np.asarray(contract_names, dtype=object)[np.argmax(jobs > 0, axis=1)]
    parts = []

    def part(mask: np.ndarray, contract, role: str, count: np.ndarray, order: int) -> None:
        parts.append(
            pd.DataFrame(
                {
                    "row": rows[mask],
                    "order": order,
                    "year": year.to_numpy()[mask],
                    "region": normalized["region"].to_numpy()[mask],
                    "tiers_lieu": place.to_numpy()[mask],
                    "contract": contract[mask] if isinstance(contract, np.ndarray) else contract,
                    "role": role,
                    "count": count[mask],
                }
            )
        )

    for j, contract in enumerate(contract_names):
        part(jobs[:, j] > 0, contract, UNSPECIFIED_ROLE, jobs[:, j], j)
    for j, role in enumerate(role_names):
        given = roles[:, j] > 0
        part(given, first_contract, role, roles[:, j], len(contract_names) + 2 * j)
        part(given, first_contract, UNSPECIFIED_ROLE, -roles[:, j], len(contract_names) + 2 * j + 1)
    long = pd.concat(parts, ignore_index=True).sort_values(["row", "order"], kind="stable")
    long = long.set_index("row").drop(columns="order")
    long["year"] = long["year"].astype("Int64")
    long["count"] = long["count"].astype("Int64")
    for name in ("region", "tiers_lieu", "contract", "role"):
        long[name] = long[name].astype("string")
    return long
