"""Invariants of the indicators on random small datasets (hypothesis)."""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlanalysis.compute.indicators import CONTRACTS, ROLES, SITUATIONS, key_figures, trajectory_groups
from tlanalysis.load.tables import RawTable
from tlanalysis.reference import FRANCE, find_region, regions
from tlanalysis.schema import EMPLOYMENT, HOLDERS
from tlanalysis.validate.table import validate_table

CODES = ["75", "76", "04", "53"]
STATUSES = HOLDERS.column("status_at_entry").allowed_values

job_rows = st.lists(
    st.tuples(
        st.sampled_from([2018, 2019, 2020]),
        st.sampled_from(CODES),
        st.sampled_from(CONTRACTS),
        st.sampled_from(ROLES),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=30,
)
holder_rows = st.lists(
    st.tuples(
        st.sampled_from([2015, 2016, 2017, 2018, 2019]),
        st.sampled_from(CODES),
        st.sampled_from(STATUSES),
        st.sampled_from(SITUATIONS),
        st.booleans(),
        st.booleans(),
    ),
    min_size=0,
    max_size=40,
)


def tidy(table, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows,
        columns=[c.name for c in table.columns if c.name in (rows[0] if rows else {})]
        or [c.name for c in table.columns],
    ).astype("string")
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return validate_table(RawTable(Path("generated.csv"), frame), table)


def employment_of(rows) -> pd.DataFrame:
    return tidy(EMPLOYMENT, [{"year": y, "region": r, "contract": c, "role": o, "count": n} for y, r, c, o, n in rows])


def holders_of(rows) -> pd.DataFrame:
    return tidy(
        HOLDERS,
        [
            {
                "holder_id": f"H{i}",
                "cohort": f"P{y}-{r}",
                "cohort_year": y,
                "region": r,
                "status_at_entry": s,
                "situation": t,
                "created_business": "oui" if b else "non",
                "changed_job": "oui" if c else "non",
            }
            for i, (y, r, s, t, b, c) in enumerate(rows)
        ],
    )


settings.register_profile("tl", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tl")


@given(job_rows, holder_rows, st.sampled_from([2019, 2020]))
def test_shares_add_to_one_and_totals_to_parts(jobs, holders, year):
    employment, holder_frame = employment_of(jobs), holders_of(holders)
    figures = key_figures(employment, holder_frame, year, FRANCE)
    assert sum(figures["jobs"]["by_contract"].values()) == figures["jobs"]["total"]
    assert sum(figures["jobs"]["by_role"].values()) == figures["jobs"]["total"]
    h = figures["holders"]
    if h["n"]:
        assert sum(h["situation_shares"].values()) == pytest.approx(1)
    else:
        assert all(v is None for v in h["situation_shares"].values())
    if h["trajectory_n"]:
        assert sum(h["trajectory_shares"].values()) == pytest.approx(1)
    assert sum(h["situation_counts"].values()) == h["n"]


@given(job_rows, holder_rows, st.sampled_from([2018, 2019, 2020]))
def test_regions_add_up_to_the_national_figures(jobs, holders, year):
    employment, holder_frame = employment_of(jobs), holders_of(holders)
    national = key_figures(employment, holder_frame, year, FRANCE)
    parts = [key_figures(employment, holder_frame, year, find_region(code)) for code in regions()["code"]]
    assert sum(p["jobs"]["total"] for p in parts) == national["jobs"]["total"]
    for contract in CONTRACTS:
        assert sum(p["jobs"]["by_contract"][contract] for p in parts) == national["jobs"]["by_contract"][contract]
    assert sum(p["holders"]["n"] for p in parts) == national["holders"]["n"]
    assert sum(p["holders"]["trajectory_n"] for p in parts) == national["holders"]["trajectory_n"]
    for y, n in national["jobs"]["trend"].items():
        assert sum(p["jobs"]["trend"].get(y, 0) for p in parts) == n


@given(job_rows.map(lambda rows: [(y, r, c, o, max(n, 1)) for y, r, c, o, n in rows]), st.sampled_from(CODES))
def test_count_rows_equal_the_same_rows_expanded(jobs, code):
    grouped = employment_of(jobs)
    expanded = employment_of([(y, r, c, o, 1) for y, r, c, o, n in jobs for _ in range(n)])
    holders = holders_of([])
    for year in (2018, 2019, 2020):
        for region in (FRANCE, find_region(code)):
            a = key_figures(grouped, holders, year, region)["jobs"]
            b = key_figures(expanded, holders, year, region)["jobs"]
            assert a == b


@given(holder_rows)
def test_trajectory_groups_are_disjoint_and_follow_the_definitions(holders):
    frame = holders_of(holders)
    groups = trajectory_groups(frame)
    employed = frame["situation"].isin(["facilitation", "autre_coordination", "autre_emploi"])
    for index, group in groups.items():
        row = frame.loc[index]
        if row["status_at_entry"] == "actif":
            expected = (
                "actif_vers_createur"
                if row["created_business"]
                else "changement_de_poste"
                if row["changed_job"]
                else None
            )
        else:
            expected = f"{row['status_at_entry']}_vers_actif" if employed[index] else None
        assert (None if pd.isna(group) else group) == expected
