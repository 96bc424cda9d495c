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
from tlanalysis.validate.dataset import load_dataset

from support.certification_attacker import K, joint_attack, pinned


@pytest.fixture(scope="module")
def sample():
    dataset = load_dataset()
    return dataset, protect(dataset, K)


def test_the_two_reports_together_pin_nothing(sample):
    dataset, annual = sample
    certification = CertificationProtection(dataset.holders, dataset.assessments, K, annual=annual)
    attacker, masked = joint_attack(dataset, annual, certification)
    assert len([m for m in masked if m.startswith("annual/")]) > 5  # masked cohort rows to attack
    assert pinned(attacker, masked) == []
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
    assert pinned(attacker, masked)


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
    assert pinned(attacker, masked) == []
