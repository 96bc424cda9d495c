"""Templates written from the schema are valid (empty) inputs and document the allowed values."""

from openpyxl import load_workbook

from tlanalysis.schema import TABLES
from tlanalysis.validate.dataset import load_dataset

from support.cli import run_cli


def test_templates_are_readable_inputs_with_allowed_values(tmp_path):
    result = run_cli("template", tmp_path / "modeles")
    assert result.returncode == 0, result.stderr
    for layout in ("csv", "xlsx"):
        data = load_dataset(tmp_path / "modeles" / layout)
        assert data.employment.empty and data.holders.empty
    book = load_workbook(tmp_path / "modeles" / "xlsx" / "holders.xlsx")
    assert [c.value for c in book["holders"][1]] == [c.name for c in TABLES["holders"].columns]
    allowed = {row[0].value: row[5].value for row in book["valeurs_autorisees"].iter_rows(min_row=2)}
    assert "recherche_emploi" in allowed["situation"] and "inconnu" in allowed["situation"]
    header = (tmp_path / "modeles" / "csv" / "employment.csv").read_text(encoding="utf-8-sig").strip()
    assert header == "year;region;tiers_lieu;contract;role;count"


def test_templates_never_overwrite_without_force(tmp_path):
    assert run_cli("template", tmp_path).returncode == 0
    again = run_cli("template", tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    assert run_cli("template", tmp_path, "--force").returncode == 0


def test_template_mapping_file_changes_nothing_and_documents_every_key(tmp_path):
    import re
    import tomllib

    from tlanalysis.load.mapping import _TABLE_KEYS

    assert run_cli("template", tmp_path).returncode == 0
    text = (tmp_path / "tlanalysis.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == {}  # all commented out: the folder reads as without it
    assert load_dataset(tmp_path / "csv").employment.empty
    uncommented = "\n".join(m.group(1) for m in re.finditer(r"^# (\[.*|[a-zA-Z_]+ = .*)$", text, re.MULTILINE))
    document = tomllib.loads(uncommented)
    assert set(document["employment"]) == set(_TABLE_KEYS)
    assert set(document["employment"]["join"]) == {"file", "on"}
    assert document["employment"]["columns"]["departement"] == "Département"
    assert set(document["holders"]) == {"file", "columns"}
