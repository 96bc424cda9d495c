"""Notebook parameters: papermill passes YAML-typed values; every mistake gets a message that says what to type."""

from pathlib import Path

import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.errors import ParameterError, UsageError
from tlanalysis.report.params import validate_parameters


def test_integer_region_explains_the_lost_leading_zero():
    with pytest.raises(ParameterError) as info:
        validate_parameters(2019, 4)
    message = str(info.value)
    assert "region=4 is a number" in message and "'04'" in message and "-r region 04" in message
    assert "La Réunion" in message


def test_integer_region_without_lost_zero_is_refused_too():
    with pytest.raises(ParameterError, match="-r region 75"):
        validate_parameters(2019, 75)


def test_region_code_as_text():
    params = validate_parameters(2019, "75")
    assert params.region.code == "75" and params.region.name == "Nouvelle-Aquitaine"
    assert params.slug == "75-2019"


def test_year_as_digits_text():
    params = validate_parameters("2019", "Nouvelle-Aquitaine")
    assert params.year == 2019 and isinstance(params.year, int)


@pytest.mark.parametrize("year", [True, 2019.0, "2019.0", "deux mille", None])
def test_year_must_be_a_whole_number(year):
    with pytest.raises(ParameterError, match="year"):
        validate_parameters(year, "75")


@pytest.mark.parametrize("region", [None, True, 75.0, "", ["75"]])
def test_region_must_be_text(region):
    with pytest.raises(ParameterError, match="region"):
        validate_parameters(2019, region)


def test_unknown_year_lists_the_available_ones():
    with pytest.raises(ParameterError) as info:
        validate_parameters(2030, "75")
    assert "available years: 2015, 2016, 2017, 2018, 2019" in str(info.value)
    assert isinstance(info.value, UsageError)


def test_unknown_region_lists_the_valid_ones():
    with pytest.raises(ParameterError, match="Valid regions: France, 01 Guadeloupe"):
        validate_parameters(2019, "Atlantide")


def test_national_report():
    params = validate_parameters(2019, "France")
    assert params.is_national and params.slug == "france-2019"


@pytest.mark.parametrize("data_dir", [None, ""])
def test_no_data_dir_means_the_bundled_example_data(data_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # works from any working directory
    params = validate_parameters(2019, "75", data_dir)
    assert params.data_dir == SAMPLE_DATA_DIR and params.dataset.is_example


def test_missing_data_dir(tmp_path):
    with pytest.raises(ParameterError, match="folder not found"):
        validate_parameters(2019, "75", tmp_path / "nowhere")
    with pytest.raises(ParameterError, match="not a folder path"):
        validate_parameters(2019, "75", 12)


def test_data_dir_as_text(tmp_path):
    params = validate_parameters(2019, "75", str(SAMPLE_DATA_DIR))
    assert isinstance(params.data_dir, Path)


def test_render_and_min_count():
    assert validate_parameters(2019, "75", render="report").render == "report"
    assert validate_parameters(2019, "75", min_count="10").min_count == 10
    with pytest.raises(ParameterError, match="render"):
        validate_parameters(2019, "75", render="html")
    with pytest.raises(ParameterError, match="min_count"):
        validate_parameters(2019, "75", min_count=0)


def test_target_jobs_as_a_list_or_a_comma_separated_text():
    assert validate_parameters(2019, "75").target_jobs == ("facilitation",)
    both = ("facilitation", "autre_coordination")
    assert validate_parameters(2019, "75", target_jobs=["facilitation", "autre_coordination"]).target_jobs == both
    # as `-p target_jobs autre_coordination,facilitation` gives it; the order asked does not matter
    assert validate_parameters(2019, "75", target_jobs="autre_coordination, facilitation").target_jobs == both


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["facilitation", "astronaute"], "unknown target job astronaute; expected one or more of facilitation"),
        ([], r"unknown target job \(none\)"),
        (3, "is not a list of situation codes"),
        (["facilitation", 3], "is not a list of situation codes"),
    ],
)
def test_bad_target_jobs_say_what_to_pass(value, expected):
    with pytest.raises(ParameterError, match=f"target_jobs.*{expected}"):
        validate_parameters(2019, "75", target_jobs=value)
