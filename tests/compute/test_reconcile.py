"""`tlanalysis check`: computed figures against the published ones, at the published precision."""

from support.cli import run_cli
from support.data import HOLDERS, make_data


def test_bundled_data_gives_back_every_published_figure():
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "13 published figures compared, 0 mismatch(es)" in result.stdout


def test_mismatch_is_listed_and_fails(tmp_path):
    employment = "year;region;contract;role;count\n2019;75;CDI;facilitation;190\n2019;75;CDD;animation;74\n"
    result = run_cli("check", "--data", make_data(tmp_path, employment=employment, holders=HOLDERS))
    assert result.returncode == 1
    assert "MISMATCH jobs_cdi 2019 Nouvelle-Aquitaine: computed 190, published more_than 195" in result.stdout
    assert "ok       jobs_cdd 2019" in result.stdout
