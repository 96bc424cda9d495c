"""`tlanalysis build`: selection rules and usage errors (no notebook is executed here)."""

from __future__ import annotations

import pytest

from tlanalysis import load_dataset
from tlanalysis.errors import UsageError
from tlanalysis.publish.plan import Report, plan_reports, slugify

from support.build import FIXTURE_NOTEBOOK, run_tlanalysis


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


def keys(reports):
    return [r.key for r in reports]


def test_slugs_are_ascii():
    assert slugify("La Réunion") == "la-reunion"
    assert slugify("Provence-Alpes-Côte d'Azur") == "provence-alpes-cote-d-azur"
    assert Report.make(2019, "75", "Nouvelle-Aquitaine").slug == "75-nouvelle-aquitaine"
    assert Report.make(2019, None, "France").slug == "france"
    assert Report.make(2019, "75", "Nouvelle-Aquitaine").key == "2019/75-nouvelle-aquitaine"


def test_default_plan_is_every_year_region_pair_plus_france(dataset):
    reports = plan_reports(dataset)
    expected = {(year, code) for code, years in dataset.region_years().items() for year in years}
    expected |= {(year, None) for year in dataset.years}
    assert {(r.year, r.region_code) for r in reports} == expected
    assert len(reports) == len(set(keys(reports)))
    # national report first within a year
    assert reports[0].key == f"{dataset.years[0]}/france"


def test_year_only_and_region_only(dataset):
    assert keys(plan_reports(dataset, years=[2019])) == [
        "2019/france",
        "2019/75-nouvelle-aquitaine",
        "2019/76-occitanie",
    ]
    assert keys(plan_reports(dataset, regions=["04"])) == [
        "2021/04-la-reunion",
        "2022/04-la-reunion",
        "2023/04-la-reunion",
    ]
    assert keys(plan_reports(dataset, years=[2019], regions=["nouvelle aquitaine", "75", "FR"])) == [
        "2019/france",
        "2019/75-nouvelle-aquitaine",
    ]


def test_plan_usage_errors(dataset):
    with pytest.raises(UsageError, match="available years: 2015, 2016"):
        plan_reports(dataset, years=[2030])
    with pytest.raises(UsageError, match="Valid regions: France, 01 Guadeloupe"):
        plan_reports(dataset, regions=["Atlantide"])
    with pytest.raises(UsageError, match="regions with data: France, 04 La Réunion"):
        plan_reports(dataset, regions=["Corse"])
    with pytest.raises(UsageError, match="year 2015 is not in the data for La Réunion"):
        plan_reports(dataset, years=[2015], regions=["La Réunion"])


def usage_error(*args, tmp_path):
    result = run_tlanalysis("build", "--out", tmp_path / "out", "--notebook", FIXTURE_NOTEBOOK, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stderr


def test_unknown_region_lists_valid_regions(tmp_path):
    stderr = usage_error("--region", "Atlantide", tmp_path=tmp_path)
    assert not (tmp_path / "out").exists()
    assert "unknown region 'Atlantide'" in stderr and "Nouvelle-Aquitaine" in stderr and "France" in stderr


def test_year_not_in_data_lists_valid_years(tmp_path):
    stderr = usage_error("--year", "1999", tmp_path=tmp_path)
    assert "year 1999 is not in the data" in stderr and "2015" in stderr and "2023" in stderr


def test_region_year_pair_not_in_data(tmp_path):
    stderr = usage_error("--year", "2016", "--region", "Occitanie", tmp_path=tmp_path)
    assert "available years: 2019, 2020, 2021, 2022, 2023" in stderr


@pytest.mark.parametrize("jobs", ["0", "-3", "many"])
def test_bad_jobs(tmp_path, jobs):
    stderr = usage_error("--jobs", jobs, tmp_path=tmp_path)
    assert "--jobs" in stderr


def test_unknown_target_job_names_it_and_the_valid_ones(tmp_path):
    stderr = usage_error("--target-job", "facilitation,astronaute", tmp_path=tmp_path)
    assert not (tmp_path / "out").exists()
    assert "--target-job facilitation,astronaute: unknown target job astronaute" in stderr
    assert "facilitation, autre_coordination, autre_emploi" in stderr
    assert "unknown target job (none)" in usage_error("--target-job", ",", tmp_path=tmp_path)


def test_missing_data_folder(tmp_path):
    stderr = usage_error("--data", tmp_path / "nowhere", tmp_path=tmp_path)
    assert "data folder not found" in stderr and "nowhere" in stderr


def test_missing_notebook(tmp_path):
    result = run_tlanalysis("build", "--out", tmp_path / "out", "--notebook", tmp_path / "none.ipynb")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "none.ipynb" in result.stderr


def test_out_is_a_file(tmp_path):
    (tmp_path / "out").write_text("not a folder")
    result = run_tlanalysis("build", "--out", tmp_path / "out", "--notebook", FIXTURE_NOTEBOOK)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_foreign_index_is_not_overwritten(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("<p>someone else's site</p>")
    stderr = usage_error(tmp_path=tmp_path)
    assert "index.html" in stderr
    assert (tmp_path / "out" / "index.html").read_text() == "<p>someone else's site</p>"


def test_invalid_data_is_exit_1_before_anything_is_written(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "employment.csv").write_text("year;region;contract\n2019;75;CDI\n", encoding="utf-8")
    result = run_tlanalysis("build", "--out", tmp_path / "out", "--data", data, "--notebook", FIXTURE_NOTEBOOK)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "holders" in result.stderr
    assert not (tmp_path / "out").exists()


def test_help_lists_the_command():
    result = run_tlanalysis("--help")
    assert result.returncode == 0 and "build" in result.stdout
    result = run_tlanalysis("build", "--help")
    assert result.returncode == 0 and "--standalone" in result.stdout and "--force" in result.stdout
    flat = " ".join(result.stdout.split())
    assert "--target-job LIST" in flat and "autre_coordination" in flat and "rebuilds the certification reports" in flat
    assert "--kind KIND" in flat and "annual, certification" in flat
    assert "--notebook FILE" in flat and "the other kinds of report (certification) keep theirs" in flat
