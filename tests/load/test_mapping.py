"""tlanalysis.toml / --mapping: surveys in any layout, located by region, département or commune,
read through the real CLI; indicators equal those computed by hand, bad cases named by file, row
and column, input files never modified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tlanalysis.errors import DataError
from tlanalysis.reference import regions
from tlanalysis.reference.geography import commune_departement, departements, find_departement
from tlanalysis.report.params import validate_parameters
from tlanalysis.validate.dataset import load_dataset
from tlanalysis.validate.templates import census_example

from support.cli import run_cli
from support.data import HOLDERS, snapshot


def _folder(tmp_path: Path, files: dict[str, str], holders: bool = True) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if holders:
        (folder / "holders.csv").write_text(HOLDERS, encoding="utf-8")
    return folder


def _cli(*args, folder: Path):
    """The CLI, checking that nothing of the folder is written to and nothing crashes."""
    before = snapshot(folder)
    result = run_cli(*args)
    assert "Traceback" not in result.stderr
    assert snapshot(folder) == before, "input files must never be written to"
    return result


def _jobs(folder: Path, region: str = "France", year: int = 2023, *extra) -> dict:
    result = _cli("indicators", "--year", year, "--region", region, "--json", "--data", folder, *extra, folder=folder)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["jobs"]


def test_reference_departements():
    table = departements()
    assert len(table) == 101 and table["DEP"].is_unique
    assert set(table["REG"]) == set(regions()["code"])  # every département in one of the 18 regions
    assert table.set_index("DEP").loc[["2A", "2B", "971", "972", "973", "974", "976"], "REG"].tolist() == [
        "94",
        "94",
        "01",
        "02",
        "03",
        "04",
        "06",
    ]
    assert find_departement("33 - Gironde").code == "33" and find_departement("Corse du Sud").code == "2A"
    assert [commune_departement(c).code for c in ("33063", "2B050", "97416", "75056")] == ["33", "2B", "974", "75"]
    assert commune_departement("20000") is None and commune_departement("97501") is None


def test_census_example_of_the_docs_wide_layout_joined_on_id_unique(tmp_path):
    folder = _folder(tmp_path, census_example())
    jobs = _jobs(folder)
    # by hand: TL001 3 CDI + 1 CDD, of which 2 facilitation + 1 animation; TL002 2 CDD + 1 alternant,
    # of which 1 facilitation; TL003 1 CDI, no role given
    assert jobs["total"] == 8
    assert jobs["by_contract"] == {"CDI": 4, "CDD": 3, "alternance": 1, "autre": 0}
    assert jobs["by_role"] == {
        "facilitation": 3,
        "animation": 1,
        "administration": 0,
        "technique": 0,
        "autre": 0,
        "non_precise": 4,
    }
    assert jobs["facilitation_share"] == 3 / 8
    nouvelle_aquitaine = _jobs(folder, "75")  # commune 33063 (Gironde)
    assert (nouvelle_aquitaine["total"], nouvelle_aquitaine["by_role"]["non_precise"]) == (4, 1)
    assert _jobs(folder, "Corse")["by_contract"] == {"CDI": 0, "CDD": 2, "alternance": 1, "autre": 0}


def test_census_located_by_departement_name_from_the_identity_file(tmp_path):
    files = census_example()
    files["tlanalysis.toml"] = files["tlanalysis.toml"].replace('commune = "Insee"', 'departement = "DEPARTEMENT_TL"')
    folder = _folder(tmp_path, files)
    data = load_dataset(folder)
    assert data.employment.groupby("region_code", observed=True)["count"].sum().to_dict() == {
        "04": 1,
        "75": 4,
        "94": 3,
    }
    assert set(data.sources) == {"employment", "employment_join", "holders", "mapping"}


def test_long_layout_workbook_with_sheet_header_row_constant_year_and_departement(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    book = Workbook()
    book.active.title = "Lisez-moi"
    sheet = book.create_sheet("Réponses")
    for row in (
        ["Enquête emploi 2024"],
        [],
        ["Nom du tiers-lieu", "Département", "Type de contrat", "Intitulé", "Nb"],
        ["La Fabrique", "33", "CDI", "Coordinatrice", 2],
        ["Le Hangar", "2A", "CDD", "Animateur", 1],
        ["La Case", "974", "CDI", "Fabmanager", 3],
        ["Le Lieu", "Paris", "CDD", "Coordinateur", 1],
    ):
        sheet.append(row)
    book.save(folder / "enquete-2024.xlsx")
    (folder / "holders.csv").write_text(HOLDERS, encoding="utf-8")
    mapping = tmp_path / "elsewhere.toml"  # --mapping: a file outside the data folder
    mapping.write_text(
        '[employment]\nfile = "enquete-2024.xlsx"\nsheet = "Réponses"\nheader_row = 3\nyear = 2024\n'
        '[employment.columns]\nplace = "Nom du tiers-lieu"\ndepartement = "Département"\nrole = "Intitulé"\n'
        'count = "Nb"\n',
        encoding="utf-8",
    )
    jobs = _jobs(folder, "France", 2024, "--mapping", mapping)
    assert (jobs["total"], jobs["by_contract"]["CDI"], jobs["by_contract"]["CDD"]) == (7, 5, 2)
    assert (jobs["facilitation"], jobs["by_role"]["animation"], jobs["by_role"]["technique"]) == (3, 1, 3)
    assert _jobs(folder, "94", 2024, "--mapping", mapping)["total"] == 1  # 2A is in Corse
    assert _jobs(folder, "11", 2024, "--mapping", mapping)["total"] == 1  # Paris is in Île-de-France
    # the notebook gets the same mapping through its papermill parameter
    params = validate_parameters(2024, "75", str(folder), mapping=str(mapping))
    assert params.dataset.employment["count"].sum() == 7
    assert params.dataset.sources["mapping"].path == mapping.resolve()


def test_wide_role_counts_exceeding_the_jobs_and_bad_locations(tmp_path):
    files = census_example()
    files["bdftl-2023-02-emplois.csv"] = files["bdftl-2023-02-emplois.csv"].replace("TL003;1;0;0;;", "TL003;1;0;0;2;1")
    files["bdftl-2023-01-fiche-identite.csv"] = (
        files["bdftl-2023-01-fiche-identite.csv"].replace("2B050", "20050").replace("97416", "7416")
    )
    files["bdftl-2023-02-emplois.csv"] += "TL999;1;;;;\n"
    folder = _folder(tmp_path, files)
    result = _cli("validate", "--data", folder, folder=folder)
    assert result.returncode == 1
    identity = str(folder / "bdftl-2023-01-fiche-identite.csv")
    staff = str(folder / "bdftl-2023-02-emplois.csv")
    assert (
        f"{identity}, row 3, column 'Insee': unknown commune code (found '20050'); expected a five-character "
        'INSEE commune code (e.g. "33063", "2B050", "97416"): Corsican INSEE codes start with 2A or 2B'
    ) in result.stderr
    assert f"{identity}, row 4, column 'Insee': unknown commune code (found '7416')" in result.stderr
    assert 'did you mean "07416"?' in result.stderr
    assert (
        f"{staff}, row 5, column 'ID_UNIQUE': no row of {identity} has this ID_UNIQUE, so 'Insee' is missing"
    ) in result.stderr
    # role counts are compared with the jobs once every cell is valid: the same survey, communes fixed
    files["bdftl-2023-01-fiche-identite.csv"] = census_example()["bdftl-2023-01-fiche-identite.csv"]
    files["bdftl-2023-02-emplois.csv"] = files["bdftl-2023-02-emplois.csv"].replace("TL999;1;;;;\n", "")
    folder = _folder(tmp_path / "again", files)
    result = _cli("validate", "--json", "--data", folder, folder=folder)
    assert result.returncode == 1
    (problem,) = json.loads(result.stdout)["problems"]
    assert problem["file"] == str(folder / "bdftl-2023-02-emplois.csv") and problem["row"] == 4
    assert problem["column"] == "DONT_FACILITATION, DONT_ANIMATION"
    assert problem["message"] == (
        "the role counts exceed the place's jobs: 2 'DONT_FACILITATION' + 1 'DONT_ANIMATION' = 3 "
        "> 1 'NB_CDI' + 0 'NB_CDD' + 0 'NB_ALTERNANTS' = 1"
    )


def test_departement_values_and_hints(tmp_path):
    mapping = '[employment]\nyear = 2023\n[employment.columns]\ndepartement = "Dép."\n'
    employment = "Dép.;Contrat;Fonction\n" + "".join(
        f"{place};CDI;animation\n" for place in ("Gironda", "1", "20", "33063")
    )
    folder = _folder(tmp_path, {"tlanalysis.toml": mapping, "employment.csv": employment})
    result = _cli("validate", "--data", folder, folder=folder)
    assert result.returncode == 1
    err = result.stderr
    assert "employment.csv, row 2, column 'Dép.': unknown département (found 'Gironda')" in err
    assert (
        "row 3, column 'Dép.': unknown département (found '1'); expected a département name or INSEE code "
        '(e.g. "33", "2A", "974" or "Gironde"): département codes are two-character text: did you mean "01" (Ain)?'
    ) in err
    assert "row 4" in err and '"2A" (Corse-du-Sud) and "2B" (Haute-Corse)' in err
    assert "row 5" in err and "33063 looks like a commune code: use a `commune` column" in err


def test_departement_in_a_region_column_gets_a_hint(tmp_path):
    folder = _folder(tmp_path, {"employment.csv": "year;region;contract;role\n2019;33;CDI;animation\n"})
    result = _cli("validate", "--data", folder, folder=folder)
    assert result.returncode == 1
    assert (
        "row 2, column 'region': unknown region (found '33'); expected a region name or a two-character INSEE "
        'region code (e.g. "75" or "04"): 33 is the département Gironde, in Nouvelle-Aquitaine (75): use a '
        '`departement` column (in tlanalysis.toml: departement = "…" under [employment.columns])'
    ) in result.stderr


def test_mistakes_in_the_mapping_file_name_the_file_and_the_key(tmp_path):
    mapping = (
        '[employment]\nfile = "absent.xlsx"\nlayout = "wid"\nyaer = 2023\n'
        '[employment.columns]\nregion = "Région"\ndepartement = "Dép"\nlieu = "Nom"\n'
        "[holder]\n"
    )
    folder = _folder(tmp_path, {"tlanalysis.toml": mapping, "employment.csv": "x\n"})
    result = _cli("validate", "--data", folder, folder=folder)
    assert result.returncode == 1
    toml = str(folder / "tlanalysis.toml")
    for expected in (
        f"{toml}: employment.yaer: unknown key; expected one of file, sheet, header_row, layout, year, columns",
        f"{toml}: employment.file: file not found: {folder / 'absent.xlsx'}; expected a file of {folder}: "
        "employment.csv, holders.csv",
        f'{toml}: employment.layout: unknown layout \'wid\'; expected "long" or "wide"',
        f"{toml}: employment.columns.lieu: unknown field",
        f"{toml}: employment.columns: several locations given: region, departement; expected exactly one of",
        f"{toml}: unknown section [holder]; expected one of [employment], [holders]",
    ):
        assert expected in result.stderr
    broken = _folder(tmp_path / "b", {"tlanalysis.toml": "[employment\n", "employment.csv": "x\n"})
    result = _cli("validate", "--data", broken, folder=broken)
    assert result.returncode == 1 and "tlanalysis.toml: not a valid TOML file" in result.stderr
    missing = run_cli("validate", "--data", broken, "--mapping", tmp_path / "nope.toml")
    assert missing.returncode == 2 and "nope.toml" in missing.stderr and "Traceback" not in missing.stderr


def test_mapped_column_absent_from_the_file(tmp_path):
    mapping = '[employment]\nyear = 2023\n[employment.columns]\ncommune = "Code INSEE"\n'
    employment = "Insee;contract;role\n33063;CDI;animation\n"
    folder = _folder(tmp_path, {"tlanalysis.toml": mapping, "employment.csv": employment})
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.message, problem.column) == ("column not found", "Code INSEE")
    assert "the column named in tlanalysis.toml ([employment.columns] commune); found: Insee, contract" in str(problem)


def test_header_row_beyond_the_file_and_a_missing_mapping_parameter(tmp_path):
    from tlanalysis.errors import ParameterError

    mapping = '[employment]\nheader_row = 9\nyear = 2023\n[employment.columns]\ncommune = "Insee"\n'
    folder = _folder(tmp_path, {"tlanalysis.toml": mapping, "employment.csv": "Insee;contract;role\n33063;CDI;x\n"})
    with pytest.raises(DataError, match=r"employment\.csv: header_row = 9 is beyond the last row \(2\)"):
        load_dataset(folder)
    with pytest.raises(ParameterError, match="mapping: file not found"):
        validate_parameters(2023, "75", str(folder), mapping=str(tmp_path / "nope.toml"))


def test_wide_margins_reach_the_reports_exactly_through_disclosure(tmp_path):
    """The signed pairs of the wide layout keep every published margin exact after disclosure control."""
    from tlanalysis.compute.indicators import key_figures
    from tlanalysis.protect.annual import Protection
    from tlanalysis.reference import resolve_region

    mapping = (
        '[employment]\nlayout = "wide"\nyear = 2023\n[employment.columns]\nplace = "Lieu"\ncommune = "Insee"\n'
        '[employment.contracts]\nCDI = "CDI"\nCDD = "CDD"\n[employment.roles]\nfacilitation = "Dont fac"\n'
        'animation = "Dont anim"\n'
    )
    places = "".join(f"L{i};33{i:03d};{4 + i % 2};4;3;{2 + i % 3}\n" for i in range(1, 9))
    folder = _folder(
        tmp_path, {"tlanalysis.toml": mapping, "employment.csv": "Lieu;Insee;CDI;CDD;Dont fac;Dont anim\n" + places}
    )
    data = load_dataset(folder)
    region = resolve_region("75")
    exact = key_figures(data.employment, data.holders, 2023, region)["jobs"]
    # by hand: 8 places, CDI 4 or 5 (4 × 4 + 4 × 5 = 36), CDD 4 each (32), facilitation 3 each (24)
    assert (exact["total"], exact["by_contract"]["CDI"], exact["by_contract"]["CDD"]) == (68, 36, 32)
    assert (exact["facilitation"], exact["by_role"]["animation"]) == (24, sum(2 + i % 3 for i in range(1, 9)))
    assert exact["by_role"]["non_precise"] == 68 - 24 - exact["by_role"]["animation"]
    shown = Protection(data.employment, data.holders, 1).figures(2023, region)["jobs"]
    assert shown["total"] == exact["total"] and shown["by_contract"] == exact["by_contract"]
    assert shown["by_role"] == exact["by_role"]


@pytest.mark.slow
def test_build_passes_the_mapping_to_the_report_notebook(tmp_path):
    """`tlanalysis build --mapping FILE`: the real annual report reads the census through the same mapping."""
    from support.build import build

    files = census_example()
    mapping = tmp_path / "census.toml"  # outside the data folder: only --mapping says it
    mapping.write_text(files.pop("tlanalysis.toml"), encoding="utf-8")
    folder = _folder(tmp_path, files)
    before = snapshot(folder)
    out = tmp_path / "reports"
    build(out, "--mapping", mapping, "--year", 2023, "--region", "75", notebook=None, data=folder, jobs=1)
    assert snapshot(folder) == before
    (page,) = (out / "2023").glob("75-*.html")
    assert "Fonction non précisée" in page.read_text(encoding="utf-8")
    notebook = json.loads(page.with_suffix(".ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in notebook["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    # the report reads the data as the build validated it (the mapping is part of its key): no path
    source = "".join(injected["source"])
    assert "mapping" not in source and 'state_key = "' in source and str(mapping) not in source


def test_a_mapping_cannot_read_personal_data_as_an_identifier(tmp_path):
    holders = HOLDERS.replace("holder_id,", "Nom,").replace("H1,", "Dupont,").replace("H2,", "Durand,")
    mapping = '[holders]\n[holders.columns]\nholder_id = "Nom"\n'
    folder = _folder(tmp_path, {"tlanalysis.toml": mapping, "holders.csv": holders}, holders=False)
    (folder / "employment.csv").write_text("year;region;contract;role\n2019;75;CDI;animation\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.column, problem.message) == ("Nom", "this column looks like personal data and is refused")
