"""Indicators: pure functions from validated tidy frames to plain numbers.

Definitions (they are those of the Coopérative des Tiers-Lieux' published page):

* **Jobs of year Y in region R**: the sum of `count` over the employment rows of
  survey year Y in R (all regions for the national view). A row without `count`
  is one position.
* **Facilitation share**: jobs whose role is `facilitation` (facilitators and
  coordinators of the place) over all jobs of the selection.
* **Trend**: jobs of every survey year up to Y; **growth since the first year**:
  jobs(Y) / jobs(first year with data) - 1.
* **Holders seen in year Y**: holders of region R whose `cohort_year` is before Y
  (a cohort is followed up from the year after it starts). The 2019 report
  therefore covers the 6 cohorts of 2015–2018.
* **Situation shares**: holders in each `situation` over all holders seen,
  `inconnu` included, so the shares add up to 1.
* **Trajectories** (between entry in training and the latest follow-up), four
  disjoint groups; "employed" means a situation of `facilitation`,
  `autre_coordination` or `autre_emploi`:
  - `demandeur_emploi_vers_actif`: job seeker at entry, employed now;
  - `etudiant_vers_actif`: student at entry, employed now;
  - `actif_vers_createur`: employed at entry, has created a business;
  - `changement_de_poste`: employed at entry, no business created, changed job.
  Shares are over the holders in one of the four groups (`trajectory_n`).

All shares are unrounded fractions of 1, or None when their base is zero.
"""

from __future__ import annotations

import pandas as pd

from ..reference import FRANCE, Region
from ..schema import EMPLOYED_SITUATIONS, EMPLOYMENT, HOLDERS

CONTRACTS = EMPLOYMENT.column("contract").allowed_values
ROLES = EMPLOYMENT.column("role").allowed_values
SITUATIONS = HOLDERS.column("situation").allowed_values
TRAJECTORIES = ("demandeur_emploi_vers_actif", "etudiant_vers_actif", "actif_vers_createur", "changement_de_poste")


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide by."""
    return float(part) / float(whole) if whole else None


def in_region(frame: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Rows of one region; the national view keeps them all."""
    if region.is_national:
        return frame
    return frame[frame["region_code"] == region.code]


def jobs_of_year(employment: pd.DataFrame, year: int, region: Region = FRANCE) -> pd.DataFrame:
    selected = in_region(employment, region)
    return selected[selected["year"] == year]


def jobs_by(jobs: pd.DataFrame, column: str) -> dict[str, int]:
    """Job counts per value of a categorical column, every allowed value present (0 if none)."""
    counts = jobs.groupby(column, observed=False)["count"].sum()
    return {str(k): int(v) for k, v in counts.items()}


def jobs_trend(employment: pd.DataFrame, up_to: int, region: Region = FRANCE) -> dict[int, int]:
    """Jobs of every survey year with data in the selection, up to and including `up_to`."""
    selected = in_region(employment, region)
    selected = selected[selected["year"] <= up_to]
    return {int(y): int(n) for y, n in selected.groupby("year")["count"].sum().sort_index().items()}


def growth_since_first(trend: dict[int, int]) -> float | None:
    """Relative growth from the first year of the trend to the last (0.5 means +50 %)."""
    if len(trend) < 2:
        return None
    years = sorted(trend)
    return share(trend[years[-1]] - trend[years[0]], trend[years[0]])


def holders_seen(holders: pd.DataFrame, year: int, region: Region = FRANCE) -> pd.DataFrame:
    """Holders whose cohort started before `year`: those the year-Y follow-up can speak about."""
    selected = in_region(holders, region)
    return selected[selected["cohort_year"] < year]


def situation_counts(holders: pd.DataFrame) -> dict[str, int]:
    counts = holders["situation"].value_counts().reindex(SITUATIONS, fill_value=0)
    return {str(k): int(v) for k, v in counts.items()}


def trajectory_groups(holders: pd.DataFrame) -> pd.Series:
    """The trajectory group of each holder (one of TRAJECTORIES), or NA when in none."""
    employed = holders["situation"].isin(EMPLOYED_SITUATIONS)
    status = holders["status_at_entry"]
    group = pd.Series(pd.NA, index=holders.index, dtype="object")
    group[(status == "demandeur_emploi") & employed] = "demandeur_emploi_vers_actif"
    group[(status == "etudiant") & employed] = "etudiant_vers_actif"
    group[(status == "actif") & holders["created_business"]] = "actif_vers_createur"
    group[(status == "actif") & ~holders["created_business"] & holders["changed_job"]] = "changement_de_poste"
    return group


def trajectory_counts(holders: pd.DataFrame) -> dict[str, int]:
    counts = trajectory_groups(holders).value_counts().reindex(TRAJECTORIES, fill_value=0)
    return {str(k): int(v) for k, v in counts.items()}


def situation_by_cohort(holders: pd.DataFrame) -> pd.DataFrame:
    """Holders per cohort (rows, in start order) and situation (columns)."""
    table = pd.crosstab([holders["cohort_year"], holders["cohort"]], holders["situation"])
    return table.reindex(columns=SITUATIONS, fill_value=0).sort_index()


def key_figures(employment: pd.DataFrame, holders: pd.DataFrame, year: int, region: Region = FRANCE) -> dict:
    """Every indicator of a (year, region) report, as JSON-ready plain data."""
    jobs = jobs_of_year(employment, year, region)
    total = int(jobs["count"].sum())
    by_role = jobs_by(jobs, "role")
    trend = jobs_trend(employment, year, region)
    seen = holders_seen(holders, year, region)
    situations = situation_counts(seen)
    trajectories = trajectory_counts(seen)
    trajectory_n = sum(trajectories.values())
    return {
        "year": int(year),
        "region": region.name,
        "region_code": region.code,
        "jobs": {
            "total": total,
            "by_contract": jobs_by(jobs, "contract"),
            "facilitation": by_role["facilitation"],
            "facilitation_share": share(by_role["facilitation"], total),
            "by_role": by_role,
            "trend": {str(y): n for y, n in trend.items()},
            "first_year": min(trend) if trend else None,
            "growth_since_first_year": growth_since_first(trend),
        },
        "holders": {
            "n": len(seen),
            "cohorts": int(seen["cohort"].nunique()),
            "cohort_years": sorted(int(y) for y in seen["cohort_year"].unique()),
            "situation_counts": situations,
            "situation_shares": {k: share(v, len(seen)) for k, v in situations.items()},
            "trajectory_counts": trajectories,
            "trajectory_shares": {k: share(v, trajectory_n) for k, v in trajectories.items()},
            "trajectory_n": trajectory_n,
        },
    }
