"""Validated frames built in the tests, and hypothesis strategies of small random data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import strategies as st

from tlanalysis.compute.indicators import CONTRACTS, ROLES, SITUATIONS
from tlanalysis.load.tables import RawTable
from tlanalysis.reference import find_region
from tlanalysis.schema import ASSESSMENTS, EMPLOYMENT, HOLDERS
from tlanalysis.validate.dataset import Dataset
from tlanalysis.validate.table import validate_table

STATUSES = HOLDERS.column("status_at_entry").allowed_values
EMPLOYED = ("facilitation", "autre_coordination", "autre_emploi")
NA, OCC, BRE = (find_region(c) for c in ("75", "76", "53"))


def tidy(table, rows: list[dict]) -> pd.DataFrame:
    columns = [c.name for c in table.columns if not rows or c.name in rows[0]]
    frame = pd.DataFrame(rows, columns=columns).astype("string")
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return validate_table(RawTable(Path("generated.csv"), frame), table)


def employment_of(rows) -> pd.DataFrame:
    """rows: (year, region, contract, role, count[, tiers_lieu or None])."""
    records = []
    for row in rows:
        year, region, contract, role, count = row[:5]
        record = {"year": year, "region": region, "contract": contract, "role": role, "count": count}
        if len(row) > 5:
            record["tiers_lieu"] = "" if row[5] is None else row[5]
        records.append(record)
    return tidy(EMPLOYMENT, records)


def holders_of(rows, certification=None) -> pd.DataFrame:
    """rows: (cohort_year, region, status, situation, created_business, changed_job[, cohort label]);
    `certification`: per row (years after the cohort's until certified or None, access route, situation at 6
    months, at 2 years), taken in turn (the certification columns, `certification_rows`)."""
    records = [
        {
            "holder_id": f"H{i}",
            "cohort": row[6] if len(row) > 6 else f"P{row[0]}-{row[1]}",
            "cohort_year": row[0],
            "region": row[1],
            "status_at_entry": row[2],
            "situation": row[3],
            "created_business": "oui" if row[4] else "non",
            "changed_job": "oui" if row[5] else "non",
        }
        for i, row in enumerate(rows)
    ]
    for i, record in enumerate(records if certification else []):
        after, route, at_6m, at_2y = certification[i % len(certification)]
        record["certification_year"] = None if after is None else record["cohort_year"] + after
        record.update(access_route=route, situation_6m=at_6m, situation_2y=at_2y)
    return tidy(HOLDERS, records)


def assessments_of(rows) -> pd.DataFrame:
    """rows: (candidate, cohort, cohort_year, region, competencies acquired (a bit per competency) or None
    when absent)."""
    codes = ASSESSMENTS.column("competency").allowed_values
    return tidy(
        ASSESSMENTS,
        [
            {
                "candidate_id": f"C{candidate}",
                "cohort": cohort,
                "cohort_year": cohort_year,
                "region": region,
                "competency": code,
                "result": "absent" if acquired is None else "acquis" if acquired >> i & 1 else "non_acquis",
            }
            for candidate, cohort, cohort_year, region, acquired in rows
            for i, code in enumerate(codes)
        ],
    )


def dataset(employment: pd.DataFrame, holders: pd.DataFrame) -> Dataset:
    return Dataset(employment, holders, Path("generated"))


def jobs_for(region: str, years=(2019,), places=("A", "B", "C"), n=10) -> list[tuple]:
    """Plenty of jobs, spread evenly over the places: nothing sensitive under the business rule."""
    return [(y, region, c, o, n, p) for y in years for c in CONTRACTS for o in ROLES for p in places]


def people(
    n: int,
    cohort_year: int,
    region: str,
    status: str = "actif",
    situation: str = "facilitation",
    created: bool = True,
    changed: bool = False,
) -> list[tuple]:
    return [(cohort_year, region, status, situation, created, changed)] * n


CODES = ["75", "76", "53"]
PLACES = ["A", "B", "C", "D", None]

job_rows = st.lists(
    st.tuples(
        st.sampled_from([2018, 2019, 2020]),
        st.sampled_from(CODES),
        st.sampled_from(CONTRACTS),
        st.sampled_from(ROLES),
        st.integers(0, 12),
        st.sampled_from(PLACES),
    ),
    min_size=1,
    max_size=25,
)
# Cohort labels: one or two cohorts per region and year, or one label shared by several regions (the
# national cohort table then adds them up).
holder_rows = st.lists(
    st.tuples(
        st.sampled_from([2016, 2017, 2018, 2019]),
        st.sampled_from(CODES),
        st.sampled_from(STATUSES),
        st.sampled_from(SITUATIONS),
        st.booleans(),
        st.booleans(),
        st.sampled_from(["a", "b", "shared"]),
    ),
    min_size=0,
    max_size=45,
)

FOLLOW_UP_SITUATIONS = HOLDERS.column("situation_6m").allowed_values
#: The certification columns of a holder (`holders_of`): certified 0 to 2 years after the cohort's start or
#: not (yet), access route, situations at 6 months and 2 years.
certification_rows = st.lists(
    st.tuples(
        st.sampled_from([0, 1, 2, None]),
        st.sampled_from(HOLDERS.column("access_route").allowed_values),
        st.sampled_from(FOLLOW_UP_SITUATIONS),
        st.sampled_from(FOLLOW_UP_SITUATIONS),
    ),
    min_size=1,
    max_size=12,
)
#: Jury results: (which holder's cohort, competencies acquired: all, all but one of a bloc, random, absent).
candidate_rows = st.lists(
    st.tuples(st.integers(0, 60), st.sampled_from(["all", "but_one", "random", "absent"]), st.integers(0, 2**18 - 1)),
    max_size=20,
)


def object_rows(table):
    """`table.iterrows()` keeping every cell as it is: `iterrows` builds a Series per row, which pandas
    turns into text when every cell is a `Masked` (with pyarrow installed), losing the masks."""
    import pandas as pd

    for index, values in zip(table.index, table.to_numpy(dtype=object).tolist(), strict=True):
        yield index, pd.Series(values, index=table.columns, dtype=object, name=index)


def trajectory_group(status: str, situation: str, created: bool, changed: bool) -> str | None:
    """A holder's trajectory group, written from the definitions in tlanalysis/compute/indicators.py."""
    employed = situation in EMPLOYED
    if status == "demandeur_emploi":
        return "demandeur_emploi_vers_actif" if employed else None
    if status == "etudiant":
        return "etudiant_vers_actif" if employed else None
    if created:
        return "actif_vers_createur"
    return "changement_de_poste" if changed else None
