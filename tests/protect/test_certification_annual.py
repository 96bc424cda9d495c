"""The certification and annual reports read side by side: they count the same holders, so a reader
who holds both must not pin a count either of them masks. The attacker (`Attacker` of
test_certification_report, whole numbers) is written from the tables' meaning, not from the library's
model: each cohort's holders split by year of certification (a year ≥ the cohort's), the region's
certified of a year are the sum of those splits, and the annual report gives each cohort's holders."""

from __future__ import annotations

import dataclasses

import pytest

from tlanalysis.protect.annual import protect
from tlanalysis.protect.certification import CertificationProtection
from tlanalysis.protect.masked import is_masked
from tlanalysis.reference import FRANCE, find_region
from tlanalysis.validate.dataset import load_dataset

from support.certification_attacker import Attacker, K, promotion_attack

ALL_YEARS = 9999


def joint_attack(dataset, annual, certification: CertificationProtection) -> tuple[Attacker, list[str]]:
    """Every figure of the certification reports of all years and regions, each region's latest annual
    cohort table, and the links between them."""
    holders = dataset.holders
    regions = sorted(holders["region_code"].astype(str).unique())
    attacker, masked = promotion_attack(certification, ALL_YEARS, [FRANCE, *(find_region(r) for r in regions)])
    without_year = bool(holders["certification_year"].isna().any())
    latest = {}
    for year, region in annual.reports:
        if not region.is_national:
            latest[region.code] = max(year, latest.get(region.code, year))
    for r in regions:
        mine = holders[holders["region_code"].astype(str) == r]
        years = sorted(int(y) for y in mine["certification_year"].dropna().unique())
        table = annual.situation_by_cohort(latest[r], r) if r in latest else None
        shown_cohorts = set(table.index) if table is not None else set()
        splits: dict[int, list[str]] = {y: [] for y in years}
        for (cohort_year, cohort), _ in mine.groupby(["cohort_year", "cohort"]):
            parts = []
            for y in (y for y in years if y >= cohort_year):
                name = attacker.var(f"split/{r}/{cohort}/{y}")
                parts.append(name)
                splits[y].append(name)
            if without_year:
                parts.append(attacker.var(f"split/{r}/{cohort}/none"))
            total = f"annual/{r}/{cohort}/total"
            attacker.rel({total: 1, **dict.fromkeys(parts, -1)}, 0, 0)
            if (cohort_year, cohort) in shown_cohorts:
                row = table.loc[(cohort_year, cohort)]
                attacker.published(total, row["total"])
                situations = [c for c in table.columns if c != "total"]
                for s in situations:
                    attacker.published(f"annual/{r}/{cohort}/{s}", row[s])
                attacker.rel({total: 1, **{f"annual/{r}/{cohort}/{s}": -1 for s in situations}}, 0, 0)
                masked += [f"annual/{r}/{cohort}/{c}" for c in table.columns if is_masked(row[c])]
        for y, parts in splits.items():
            attacker.rel({f"{r}/{y}/certified": 1, **dict.fromkeys(parts, -1)}, 0, 0)
    return attacker, masked


@pytest.fixture(scope="module")
def sample():
    dataset = load_dataset()
    return dataset, protect(dataset, K)


def _pinned(attacker: Attacker, names: list[str]) -> list[str]:
    out = []
    for name in names:
        low, high = attacker.range_of(name)
        if high - low < 1:
            out.append(name)
    return out


def test_the_two_reports_together_pin_nothing(sample):
    dataset, annual = sample
    certification = CertificationProtection(dataset.holders, dataset.assessments, K, annual=annual)
    attacker, masked = joint_attack(dataset, annual, certification)
    assert len([m for m in masked if m.startswith("annual/")]) > 5  # masked cohort rows to attack
    assert _pinned(attacker, masked) == []
    assert certification.audit() == []


def test_without_the_annual_report_in_its_model_the_attacker_finds_a_count(sample):
    """Protected alone, the certification report gives away counts that the annual report masks, or
    the reverse: this is what the joint model is for (and what shows this attacker can find a leak). On
    the sample's holders without Occitanie, whose two large cohorts happen to hide the leak."""
    full, _ = sample
    dataset = dataclasses.replace(full, holders=full.holders[full.holders["region_code"].astype(str) != "76"])
    annual = protect(dataset, K)
    alone = CertificationProtection(dataset.holders, dataset.assessments, K)
    attacker, masked = joint_attack(dataset, annual, alone)
    assert _pinned(attacker, masked)


@pytest.mark.slow
def test_national_data_four_regions_together_pin_nothing(tmp_path):
    """The national generator's holders (certification columns, no jury results) in four regions."""
    from tlanalysis.sample import write_national

    write_national(tmp_path, n_regions=4)
    dataset = load_dataset(tmp_path)
    annual = protect(dataset, K)
    certification = CertificationProtection(dataset.holders, dataset.assessments, K, annual=annual)
    attacker, masked = joint_attack(dataset, annual, certification)
    assert len(masked) > 50
    assert _pinned(attacker, masked) == []
