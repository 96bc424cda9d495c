"""The fictitious sample: deterministic, up to date on disk, and calibrated on the published figures."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tlanalysis.config import REFERENCE_DIR, SAMPLE_DATA_DIR
from tlanalysis.sample import (
    NATIONAL_REGIONS,
    make_large_employment,
    make_national,
    make_sample,
    write_national,
    write_sample,
)
from tlanalysis.schema import ASSESSMENTS, EMPLOYED_SITUATIONS, EMPLOYMENT, HOLDERS

FILES = ("employment.csv", "holders.csv", "assessments.csv", "README.md", "datapackage.json")


@pytest.fixture(scope="module")
def sample():
    return make_sample()


def test_generator_is_deterministic(sample):
    again = make_sample()
    pd.testing.assert_frame_equal(sample[0], again[0])
    pd.testing.assert_frame_equal(sample[1], again[1])


def test_bundled_files_are_up_to_date(tmp_path):
    write_sample(tmp_path)
    for name in FILES:
        assert (SAMPLE_DATA_DIR / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"data/sample/{name} is stale: run `python -m tlanalysis.sample`"
        )


def test_datapackage_flags_example_data():
    package = json.loads((SAMPLE_DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    assert package["tlanalysis"] == {"example_data": True}
    fields = {r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"]}
    assert fields == {t.name: [c.name for c in t.columns] for t in (EMPLOYMENT, HOLDERS, ASSESSMENTS)}


def test_frames_follow_the_schema(sample):
    employment, holders = sample
    for frame, table in ((employment, EMPLOYMENT), (holders, HOLDERS)):
        assert list(frame.columns) == [c.name for c in table.columns]
        for col in table.columns:
            if col.kind == "category":
                assert set(frame[col.name]) <= set(col.allowed_values), col.name
            if col.kind == "boolean":
                assert set(frame[col.name]) <= {"oui", "non"}, col.name
    assert set(employment["region"]) == set(holders["region"]) == {"75", "76", "53", "04"}
    assert holders["holder_id"].is_unique
    on_disk = pd.read_csv(SAMPLE_DATA_DIR / "holders.csv", dtype=str)
    assert "04" in set(on_disk["region"])


def test_every_year_respects_the_disclosure_rule(sample):
    jobs = sample[0].groupby(["region", "year", "tiers_lieu"])["count"].sum()
    by_year = jobs.groupby(level=["region", "year"])
    assert (by_year.size() >= 3).all()
    assert (by_year.max() <= 0.85 * by_year.sum()).all()


def test_employment_calibration(sample):
    na = sample[0].query("region == '75'")
    totals = na.groupby("year")["count"].sum()
    assert list(totals.index) == list(range(2015, 2024))
    assert totals[2017] == 50
    y2019 = na[na["year"] == 2019]
    assert y2019.groupby("contract")["count"].sum().to_dict() == {"CDD": 74, "CDI": 195}
    facilitation = y2019.loc[y2019["role"] == "facilitation", "count"].sum()
    assert (facilitation, round(100 * facilitation / 269, 2)) == (151, 56.13)
    other_years = na[na["year"] != 2019]
    assert set(other_years["contract"]) == set(EMPLOYMENT.column("contract").allowed_values)
    # every job of the example has a function: « non précisée » is for surveys that do not give it
    assert set(other_years["role"]) == set(EMPLOYMENT.column("role").allowed_values) - {"non_precise"}


def test_holders_calibration(sample):
    holders = sample[1]
    early = holders[(holders["region"] == "75") & holders["cohort_year"].between(2015, 2018)]
    assert early["cohort"].nunique() == 6 and len(early) == 200
    assert early.groupby("cohort").size().between(25, 40).all()
    situations = early["situation"].value_counts()
    assert (situations["facilitation"], situations["autre_coordination"], situations["recherche_emploi"]) == (
        109,
        54,
        27,
    )

    employed = early["situation"].isin(EMPLOYED_SITUATIONS)
    status, created, changed = early["status_at_entry"], early["created_business"], early["changed_job"]
    groups = pd.DataFrame(
        {
            "G1": (status == "demandeur_emploi") & employed,
            "G2": (status == "etudiant") & employed,
            "G3": (status == "actif") & (created == "oui"),
            "G4": (status == "actif") & (created == "non") & (changed == "oui"),
        }
    )
    assert groups.sum().to_dict() == {"G1": 54, "G2": 15, "G3": 75, "G4": 6}
    assert groups.sum(axis=1).max() == 1 and groups.any(axis=1).sum() == 150
    assert (holders[holders["region"] == "75"]["cohort_year"] >= 2019).any()


def test_large_employment_is_valid_input():
    regions = pd.read_csv(REFERENCE_DIR / "regions.csv", dtype=str, keep_default_na=False)
    big = make_large_employment(10_000, seed=3)
    assert len(big) == 10_000
    assert list(big.columns) == [c.name for c in EMPLOYMENT.columns]
    assert set(big["region"]) <= set(regions["code"]) | set(regions["name"])
    assert set(big["region"]) & set(regions["code"]) and set(big["region"]) & set(regions["name"])
    assert set(big["contract"]) <= set(EMPLOYMENT.column("contract").allowed_values)
    assert set(big["role"]) <= set(EMPLOYMENT.column("role").allowed_values)
    assert big["year"].between(2015, 2023).all() and (big["count"] >= 1).all()
    pd.testing.assert_frame_equal(big, make_large_employment(10_000, seed=3))


# --- the national-size generator -----------------------------------------------------------------


@pytest.fixture(scope="module")
def national():
    return make_national()


def test_national_has_the_size_of_a_national_network(national):
    employment, holders = national
    assert set(employment["region"]) == set(holders["region"]) == set(NATIONAL_REGIONS)
    assert sorted(employment["year"].unique()) == list(range(2015, 2025))
    assert 45_000 <= len(employment) <= 60_000
    assert 3_000 <= employment.groupby("region")["tiers_lieu"].nunique().sum() <= 4_000
    assert 3_400 <= len(holders) <= 4_000 and 240 <= holders["cohort"].nunique() <= 280
    assert holders["holder_id"].is_unique
    # Small cells occur: Mayotte's one cohort is below k, Corse has few places.
    assert holders.groupby("region").size()["06"] < 5
    assert employment[employment["region"] == "94"].groupby("year")["tiers_lieu"].nunique().min() < 10


def test_national_frames_follow_the_schema(national):
    for frame, table in zip(national, (EMPLOYMENT, HOLDERS), strict=True):
        assert list(frame.columns) == [c.name for c in table.columns]
        for col in table.columns:
            if col.kind == "category":
                assert set(frame[col.name]) <= set(col.allowed_values), col.name
    assert (national[0]["count"] >= 1).all()


def test_national_subset_is_the_full_data_restricted(national):
    employment, holders = make_national(n_regions=4)
    codes = set(NATIONAL_REGIONS[:4])
    assert {"94", "06"} <= codes
    full_employment, full_holders = national
    keep = full_employment["region"].isin(codes)
    pd.testing.assert_frame_equal(employment, full_employment[keep].reset_index(drop=True))
    pd.testing.assert_frame_equal(holders, full_holders[full_holders["region"].isin(codes)].reset_index(drop=True))
    with pytest.raises(ValueError, match="n_regions"):
        make_national(n_regions=19)


def test_national_folder_is_valid_input(tmp_path):
    from tlanalysis.validate.dataset import load_dataset

    write_national(tmp_path / "national", n_regions=2)
    dataset = load_dataset(tmp_path / "national")
    assert set(dataset.employment["region_code"].astype(str)) == set(NATIONAL_REGIONS[:2])
    assert dataset.is_example
    again = tmp_path / "again"
    write_national(again, n_regions=2)
    for name in ("employment.csv", "holders.csv", "datapackage.json"):
        assert (again / name).read_bytes() == (tmp_path / "national" / name).read_bytes()
