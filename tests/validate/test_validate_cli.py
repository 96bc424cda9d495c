"""Bad input through the real command line: every problem named by file, row, column, value and
expectation, the right exit code, no traceback, and the input files left untouched."""

from pathlib import Path

import pytest

from support.cli import run_cli
from support.data import EMPLOYMENT, HOLDERS, make_data, snapshot


def validate(folder: Path):
    before = snapshot(folder) if folder.is_dir() else None
    result = run_cli("validate", "--data", folder)
    assert "Traceback" not in result.stderr
    if before is not None:
        assert snapshot(folder) == before, "input files must never be written to"
    return result


def test_valid_folder(tmp_path):
    result = validate(make_data(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_missing_folder_is_a_usage_error(tmp_path):
    result = validate(tmp_path / "nowhere")
    assert result.returncode == 2
    assert "nowhere" in result.stderr


def test_bad_option_is_a_usage_error(tmp_path):
    result = run_cli("validate", "--no-such-option")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_missing_file(tmp_path):
    result = validate(make_data(tmp_path, holders=None))
    assert result.returncode == 1
    assert "holders.csv" in result.stderr and "missing file" in result.stderr


def test_missing_column(tmp_path):
    result = validate(make_data(tmp_path, employment="year;region;role\n2019;75;facilitation\n"))
    assert result.returncode == 1
    assert "employment.csv, column 'contract': missing column" in result.stderr


def test_unknown_category(tmp_path):
    data = EMPLOYMENT + "2019;75;Lieu C;CDI;plombier;1\n"
    result = validate(make_data(tmp_path, employment=data))
    assert result.returncode == 1
    assert (
        "employment.csv, row 4, column 'role': unknown value (found 'plombier'); expected one of facilitation"
        in result.stderr
    )


def test_negative_count(tmp_path):
    result = validate(
        make_data(tmp_path, employment=EMPLOYMENT.replace("Lieu B;CDD;animation;2", "Lieu B;CDD;animation;-2"))
    )
    assert result.returncode == 1
    assert "row 3, column 'count': negative number (found '-2'); expected a whole number ≥ 0" in result.stderr


@pytest.mark.parametrize("year", ["2019.5", "deux mille", "19x9"])
def test_non_integer_year(tmp_path, year):
    result = validate(make_data(tmp_path, employment=EMPLOYMENT.replace("2019;75", f"{year};75")))
    assert result.returncode == 1
    assert f"row 3, column 'year': not a whole number in range (found '{year}')" in result.stderr


def test_unknown_region(tmp_path):
    data = (
        EMPLOYMENT
        + "2019;Atlantide;Lieu C;CDI;facilitation;1\n2019;4;Lieu D;CDI;facilitation;1\n"
        + "2019;54;Lieu E;CDI;facilitation;1\n"
    )
    result = validate(make_data(tmp_path, employment=data))
    assert result.returncode == 1
    assert "row 4, column 'region': unknown region (found 'Atlantide')" in result.stderr
    assert (
        "row 5, column 'region': unknown region (found '4')" in result.stderr and '"04" (La Réunion)' in result.stderr
    )
    assert "row 6" in result.stderr and "Poitou-Charentes" in result.stderr


def test_duplicate_holder_id(tmp_path):
    data = HOLDERS + "H1,P2016,2016,75,etudiant,facilitation,non,non\n"
    result = validate(make_data(tmp_path, holders=data))
    assert result.returncode == 1
    assert "holders.csv, row 4, column 'holder_id': duplicate value (found 'H1')" in result.stderr
    assert "already on row 2" in result.stderr


def test_empty_file(tmp_path):
    result = validate(make_data(tmp_path, employment=""))
    assert result.returncode == 1
    assert "employment.csv: the file is empty" in result.stderr


def test_non_tabular_file(tmp_path):
    folder = make_data(tmp_path)
    (folder / "employment.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = validate(folder)
    assert result.returncode == 1
    assert "employment.csv" in result.stderr and "not a text table" in result.stderr


def test_text_that_is_not_the_table(tmp_path):
    result = validate(make_data(tmp_path, employment="Bonjour,\nvoici le fichier demandé.\n"))
    assert result.returncode == 1
    assert "does not look like the employment table" in result.stderr


def test_every_problem_is_reported_at_once(tmp_path):
    employment = EMPLOYMENT + "20x9;75;Lieu C;CDI;plombier;-1\n"
    holders = HOLDERS + "H1,P2016,2016,Atlantide,etudiant,facilitation,peut-être,non\n"
    result = validate(make_data(tmp_path, employment=employment, holders=holders))
    assert result.returncode == 1
    for expected in (
        "row 4, column 'year'",
        "row 4, column 'role'",
        "row 4, column 'count'",
        "holders.csv, row 4, column 'holder_id'",
        "row 4, column 'region'",
        "row 4, column 'created_business': not a yes/no value",
    ):
        assert expected in result.stderr
    assert "6 problems" in result.stderr


def test_json_report(tmp_path):
    import json

    result = run_cli(
        "validate", "--json", "--data", make_data(tmp_path, employment=EMPLOYMENT + "2019;75;C;XX;facilitation;1\n")
    )
    assert result.returncode == 1
    problem = json.loads(result.stdout)["problems"][0]
    assert problem["row"] == 4 and problem["column"] == "contract" and problem["value"] == "XX"


def test_personal_data_columns_refused_or_dropped(tmp_path):
    holders = HOLDERS.replace("changed_job\n", "changed_job,Nom,E-mail\n").replace(",non\n", ",non,Dupont,a@b.fr\n")
    folder = make_data(tmp_path, holders=holders)
    refused = validate(folder)
    assert refused.returncode == 1
    assert "column 'Nom'" in refused.stderr and "column 'E-mail'" in refused.stderr
    assert "Dupont" not in refused.stderr and "a@b.fr" not in refused.stderr
    dropped = run_cli(
        "indicators", "--year", "2019", "--region", "75", "--json", "--drop-personal-columns", "--data", folder
    )
    assert dropped.returncode == 0, dropped.stderr
    assert "Dupont" not in dropped.stdout


def test_indicators_usage_errors(tmp_path):
    folder = make_data(tmp_path)
    unknown = run_cli("indicators", "--year", "2019", "--region", "Atlantide", "--data", folder)
    assert unknown.returncode == 2 and "Nouvelle-Aquitaine" in unknown.stderr
    missing_year = run_cli("indicators", "--year", "2031", "--region", "75", "--data", folder)
    assert missing_year.returncode == 2 and "available years: 2019" in missing_year.stderr
    assert "Traceback" not in unknown.stderr + missing_year.stderr
