"""The published page « Certification et chiffres clés », figure by figure, from the bundled data.

Each figure is compared at the precision the page publishes it with.
"""

import json

import pytest

from support.cli import run_cli


@pytest.fixture(scope="module")
def na_2019():
    result = run_cli("indicators", "--year", "2019", "--region", "Nouvelle-Aquitaine", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_about_fifty_jobs_in_2017():
    result = run_cli("indicators", "--year", "2017", "--region", "75", "--json")
    assert result.returncode == 0, result.stderr
    assert 45 <= json.loads(result.stdout)["jobs"]["total"] < 55  # « une cinquantaine »


def test_jobs_2019(na_2019):
    assert na_2019["region"] == "Nouvelle-Aquitaine" and na_2019["region_code"] == "75"
    assert na_2019["jobs"]["by_contract"]["CDI"] == 195
    assert na_2019["jobs"]["by_contract"]["CDD"] == 74
    assert 0.56 < na_2019["jobs"]["facilitation_share"] < 0.57  # « plus de 56 % »


def test_holders_of_the_six_cohorts_2015_2018(na_2019):
    holders = na_2019["holders"]
    assert holders["cohorts"] == 6 and holders["cohort_years"] == [2015, 2016, 2017, 2018]
    shares = holders["situation_shares"]
    assert round(100 * shares["facilitation"], 1) == 54.5
    assert round(100 * shares["autre_coordination"]) == 27
    assert round(100 * shares["recherche_emploi"], 1) == 13.5
    assert sum(shares.values()) == pytest.approx(1)


def test_trajectories(na_2019):
    shares = na_2019["holders"]["trajectory_shares"]
    assert {k: round(100 * v) for k, v in shares.items()} == {
        "demandeur_emploi_vers_actif": 36,
        "etudiant_vers_actif": 10,
        "actif_vers_createur": 50,
        "changement_de_poste": 4,
    }


def test_example_data_is_flagged(na_2019):
    assert na_2019["example_data"] is True
