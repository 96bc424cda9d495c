"""Tidy tables for exploration notebooks (not for publication)."""

from __future__ import annotations

import pandas as pd

from ..compute.indicators import key_figures
from ..reference import FRANCE, Region, regions
from ..validate.dataset import Dataset


def indicator_overview(dataset: Dataset) -> pd.DataFrame:
    """One row per (survey year, territory) with the main indicators, France included: a tidy table to
    explore or plot. Shares are fractions of 1.

    These are the raw figures, *without* disclosure control: for analysts who may see the data, never
    for a published report (reports take their figures from `tlanalysis.protect.annual.protect`)."""
    records = []
    territories = [FRANCE] + [
        Region(r.code, r.name, r.iso_3166_2) for r in regions().itertuples() if r.code in dataset.region_years()
    ]
    for region in territories:
        years = dataset.years if region.is_national else dataset.region_years()[region.code]
        for year in years:
            f = key_figures(dataset.employment, dataset.holders, year, region)
            records.append(
                {
                    "year": year,
                    "region_code": region.code or "",
                    "region": region.name,
                    "jobs": f["jobs"]["total"],
                    "jobs_cdi": f["jobs"]["by_contract"]["CDI"],
                    "jobs_cdd": f["jobs"]["by_contract"]["CDD"],
                    "facilitation_share": f["jobs"]["facilitation_share"],
                    "holders": f["holders"]["n"],
                    "cohorts": f["holders"]["cohorts"],
                    "holders_facilitation_share": f["holders"]["situation_shares"]["facilitation"],
                    "holders_job_seeking_share": f["holders"]["situation_shares"]["recherche_emploi"],
                    "trajectory_n": f["holders"]["trajectory_n"],
                }
            )
    return pd.DataFrame.from_records(records)


__all__ = ["indicator_overview"]
