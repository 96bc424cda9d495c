"""Certification follow-up through the real command line: hand-computed cases of every definition
(neutralised out of the base, non-respondents out, VAE counted, resits, partial blocs), the exact JSON
contract, the France Compétences dossier, and the input errors located by file, row and column."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tlanalysis.reference import certification

from support.cli import run_cli

CODES = list(certification()["competency_code"])
EMPLOYMENT = "year;region;tiers_lieu;contract;role;count\n2021;75;A;CDI;facilitation;3\n2021;75;B;CDD;animation;2\n"
HOLDERS_HEAD = (
    "holder_id,cohort,cohort_year,region,status_at_entry,situation,created_business,changed_job,"
    "Année d'obtention de la certification,Voie d'accès,Situation à 6 mois,Situation à 2 ans\n"
)
HOLDERS = HOLDERS_HEAD + (
    # promotion 2020: 6 certified, 1 by VAE
    "H1,P2019,2019,75,actif,facilitation,non,non,2020,formation,facilitation,facilitation\n"
    "H2,P2019,2019,75,actif,autre_emploi,non,non,2020,VAE,autre_coordination,autre_emploi\n"
    "H3,P2019,2019,75,etudiant,facilitation,non,non,2020,,poursuite d'études,facilitation\n"
    "H4,P2019,2019,75,actif,autre,non,non,2020,candidat libre,inconnu,inapte\n"
    "H5,P2019,2019,75,actif,autre,non,non,2020,formation,recherche_emploi,hors_marche_francais\n"
    "H6,P2019,2019,75,actif,recherche_emploi,non,non,2020,formation,,recherche_emploi\n"
    # promotion 2021: the only respondent is neutralised -> no base
    "H7,P2020,2020,75,actif,autre,non,non,2021,formation,inapte,\n"
    # no certification year: in no promotion
    "H8,P2020,2020,75,actif,autre,non,non,,,,\n"
)


def assessment_rows(candidate: str, cohort: str, year: int, results: dict[str, list[tuple[str, int]]]) -> list[str]:
    rows = []
    for code in CODES:
        for result, session in results.get(code, [("acquis", year + 1)]):
            rows.append(f"{candidate};{cohort};{year};75;{code};{result};{session}")
    return rows


def assessments_text() -> str:
    bloc3 = [c for c in CODES if c.startswith("3.")]
    rows = ["Identifiant;Promotion;Année de promotion;Région;Compétence;Résultat;Année de session"]
    rows += assessment_rows("H1", "P2019", 2019, {})  # certified at once
    # C1: blocs 1 and 2 (2.1 at the resit), bloc 3 missed (3.6 failed twice): partial
    rows += assessment_rows(
        "C1",
        "P2019",
        2019,
        {"2.1": [("non_acquis", 2020), ("acquis", 2021)], "3.6": [("non_acquis", 2020), ("non_acquis", 2021)]},
    )
    rows += assessment_rows("C2", "P2019", 2019, {c: [("absent", 2020)] for c in CODES})  # not presented
    # C3: presented, nothing validated (absent on 1.1, failed the rest)
    rows += assessment_rows("C3", "P2019", 2019, {c: [("absent" if c == "1.1" else "non_acquis", 2020)] for c in CODES})
    rows += assessment_rows(
        "C4", "P2019", 2019, {"1.1": [("absent", 2020), ("acquis", 2021)]}
    )  # certified at the resit
    rows += assessment_rows(
        "C5", "P2020", 2020, {c: [("absent", 2021)] for c in CODES}
    )  # a cohort with nobody presented
    assert len(bloc3) == 6
    return "\n".join(rows) + "\n"


def make_folder(folder: Path, holders: str = HOLDERS, assessments: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "employment.csv").write_text(EMPLOYMENT, encoding="utf-8")
    (folder / "holders.csv").write_text(holders, encoding="utf-8")
    if assessments is not None:
        (folder / "assessments.csv").write_text(assessments, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return make_folder(tmp_path_factory.mktemp("certif") / "data", assessments=assessments_text())


def certification_json(*args) -> dict:
    result = run_cli("certification", *args, "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def default_output(folder) -> dict:
    return certification_json("--data", folder)


def test_insertion_rates_by_year_of_certification(default_output):
    out = default_output
    assert out["region"] == "France"
    by_year = {p["certification_year"]: p for p in out["promotions"]}
    assert sorted(by_year) == [2020, 2021]  # H8 has no certification year
    p = by_year[2020]
    # 6 certified, H2 by VAE; 6 months: H4 (inconnu) and H6 (empty) do not answer, H3 continues studies
    assert (p["certified"], p["certified_vae"]) == (6, 1)
    assert (p["respondents_6m"], p["neutralised_6m"], p["employed_6m"], p["target_job_6m"]) == (4, 1, 2, 1)
    assert p["insertion_global_6m"] == pytest.approx(2 / 3, abs=0, rel=1e-15)
    assert p["insertion_target_job_6m"] == pytest.approx(1 / 3, abs=0, rel=1e-15)
    # 2 years: all answer, H4 unable to work and H5 abroad are neutralised; H1, H2, H3 employed, H1, H3 facilitation
    assert (p["respondents_2y"], p["neutralised_2y"]) == (6, 2)
    assert (p["insertion_global_2y"], p["insertion_target_job_2y"]) == (3 / 4, 2 / 4)
    empty = by_year[2021]  # one respondent, neutralised: the base is 0
    assert (empty["respondents_6m"], empty["neutralised_6m"], empty["respondents_2y"]) == (1, 1, 0)
    assert empty["insertion_global_6m"] is None and empty["insertion_target_job_2y"] is None
    assert list(p) == [
        "certification_year",
        "certified",
        "certified_vae",
        "respondents_6m",
        "neutralised_6m",
        "employed_6m",
        "target_job_6m",
        "insertion_global_6m",
        "insertion_target_job_6m",
        "respondents_2y",
        "neutralised_2y",
        "insertion_global_2y",
        "insertion_target_job_2y",
        "employed_2y",
        "target_job_2y",
    ]
    assert (p["employed_2y"], p["target_job_2y"]) == (3, 2)
    assert set(out) == {"region", "target_jobs", "promotions", "assessments"}
    assert out["target_jobs"] == ["facilitation"]


def test_target_jobs_and_region(folder):
    out = certification_json("--data", folder, "--target-job", "facilitation,autre_coordination", "--region", "75")
    assert out["region"] == "Nouvelle-Aquitaine"
    p = out["promotions"][0]
    assert (p["target_job_6m"], p["insertion_target_job_6m"]) == (2, 2 / 3)
    assert certification_json("--data", folder, "--region", "Bretagne")["promotions"] == []
    bad = run_cli("certification", "--data", folder, "--target-job", "facilitation,astronaute")
    assert bad.returncode == 2 and "astronaute" in bad.stderr and "Traceback" not in bad.stderr


def test_assessments_presented_certified_partial_blocs(default_output):
    out = default_output["assessments"]
    first, second = out["cohorts"]
    assert list(first) == ["cohort", "presented", "certified", "partial", "success_rate", "blocs"]
    # presented: H1, C1, C3, C4 (C2 absent everywhere); certified: H1 and C4 (resit); partial: C1
    assert (first["cohort"], first["presented"], first["certified"], first["partial"]) == ("P2019", 4, 2, 1)
    assert first["success_rate"] == 0.5
    assert first["blocs"] == {"1": 3 / 4, "2": 3 / 4, "3": 2 / 4}
    assert (second["cohort"], second["presented"], second["success_rate"]) == ("P2020", 0, None)
    assert second["blocs"] == {"1": None, "2": None, "3": None}
    comp = out["competencies"]  # over the 4 presented candidates of both cohorts
    assert list(comp) == CODES
    assert (comp["1.1"], comp["1.2"], comp["2.1"], comp["3.6"], comp["3.1"]) == (3 / 4, 3 / 4, 3 / 4, 2 / 4, 3 / 4)


def test_folder_without_certification_data_still_works(tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "employment.csv").write_text(EMPLOYMENT, encoding="utf-8")
    (plain / "holders.csv").write_text(
        "holder_id,cohort,cohort_year,region,status_at_entry,situation\nH1,P,2019,75,actif,facilitation\n",
        encoding="utf-8",
    )
    out = certification_json("--data", plain)
    assert out["promotions"] == [] and out["assessments"]["cohorts"] == []


def test_dossier_has_the_france_competences_labels_and_exact_figures(folder, tmp_path):
    target = tmp_path / "dossier.xlsx"
    target.write_bytes(b"an older version")
    result = run_cli("certification", "--data", folder, "--dossier", target, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["promotions"][0]["certified"] == 6  # stdout stays JSON
    assert [p.name for p in tmp_path.iterdir()] == ["dossier.xlsx"]  # written in place, atomically
    book = load_workbook(target)
    assert book.sheetnames == ["France Compétences", "Détail", "Sources"]
    sheet = book["France Compétences"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Année d'obtention de la certification",
        "Nombre de certifiés",
        "Nombre de certifiés à la suite d'un parcours VAE",
        "Taux d'insertion global à 6 mois (en %)",
        "Taux d'insertion dans le métier visé à 6 mois (en %)",
        "Taux d'insertion dans le métier visé à 2 ans (en %)",
    )
    assert rows[1] == (2020, 6, 1, 2 / 3, 1 / 3, 0.5)
    assert rows[2] == (2021, 1, 0, "n.d.", "n.d.", "n.d.")
    assert sheet["D2"].number_format == "0.0%"
    notes = " ".join(str(r[0]) for r in rows[3:] if r and r[0])
    assert "Document de travail" in notes and "ne pas publier" in notes
    assert "Document de travail" in book.properties.title
    bad = run_cli("certification", "--data", folder, "--dossier", tmp_path)  # a folder, not a workbook
    assert bad.returncode == 2 and "xlsx" in bad.stderr and "Traceback" not in bad.stderr


def test_dossier_sources_sheet_names_the_files_definitions_target_jobs_and_status(folder, tmp_path):
    paths = [tmp_path / "first.xlsx", tmp_path / "second.xlsx"]
    for path in paths:
        result = run_cli(
            "certification", "--data", folder, "--target-job", "autre_coordination,facilitation", "--dossier", path
        )
        assert result.returncode == 0, result.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()  # same data, same bytes
    rows = list(load_workbook(paths[0])["Sources"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Élément", "Valeur", "Détail")
    by_label = {row[0]: row[1:] for row in rows if row[0]}
    status = by_label["Statut"][0]
    assert "Document de travail" in status and "ne pas publier" in status and "chiffres exacts" in status
    assert "Secret statistique" not in by_label  # exact figures: no disclosure rule to state
    assert by_label["Champ"][1] == "France"
    # where the figures come from: every data file with its SHA-256, and the date of the data
    for name in ("employment.csv", "holders.csv", "assessments.csv"):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert by_label[name][:3] == (digest[:12], digest, name.removesuffix(".csv")), name
    assert isinstance(by_label["Date des données"][0], datetime.datetime)
    # the definitions, and what « le métier visé » meant for these figures
    insertion = by_label["Taux d'insertion (France Compétences)"][0]
    assert "÷ (répondants − neutralisés)" in insertion
    assert by_label["Neutralisés"][1] == "poursuite_etudes, inapte, hors_marche_francais"
    assert "« Poursuite d'études (alternance comprise) »" in by_label["Neutralisés"][0]
    target = by_label["Métier visé"]
    assert target[0] == "« En poste de facilitateur·rice » et « Autre poste de chargé·e de projet / coordinateur·rice »"
    assert target[1].startswith("facilitation, autre_coordination ")
    default = tmp_path / "default.xlsx"
    assert run_cli("certification", "--data", folder, "--dossier", default).returncode == 0
    rows = list(load_workbook(default)["Sources"].iter_rows(values_only=True))
    assert {row[0]: row[1] for row in rows if row[0]}["Métier visé"] == "« En poste de facilitateur·rice »"


def problems_of(folder: Path) -> dict:
    result = run_cli("validate", "--data", folder, "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    return {
        (Path(p["file"]).name, p["row"], p["column"], p["message"]): p for p in json.loads(result.stdout)["problems"]
    }


ASSESSMENTS_HEAD = "Identifiant;Promotion;Année de promotion;Région;Compétence;Résultat;Année de session\n"


def test_cell_errors_name_file_row_and_column(tmp_path):
    holders = HOLDERS_HEAD + (
        "H1,P2019,2019,75,actif,facilitation,non,non,2O20,formation,facilitation,facilitation\n"  # row 2: not a year
        "H2,P2019,2019,75,actif,facilitation,non,non,2020,formation,facilitation,\n"
        "H3,P2019,2019,75,actif,facilitation,non,non,2020,par correspondance,,\n"  # row 4: unknown route
    )
    assessments = ASSESSMENTS_HEAD + (
        "C1;P2019;2019;75;1.1;acquis;2020\n"
        "C1;P2019;2019;75;4.1;acquis;2020\n"  # row 3: no competency 4.1
        "C2;P2019;2019;75;1.1;peut-être;2021\n"  # row 4: unknown result
    )
    found = problems_of(make_folder(tmp_path / "bad", holders, assessments))
    assert set(found) == {
        ("holders.csv", 2, "Année d'obtention de la certification", "not a whole number"),
        ("holders.csv", 4, "Voie d'accès", "unknown value"),
        ("assessments.csv", 3, "Compétence", "unknown value"),
        ("assessments.csv", 4, "Résultat", "unknown value"),
    }
    unknown = found[("assessments.csv", 3, "Compétence", "unknown value")]
    assert unknown["value"] == "4.1" and unknown["expected"].startswith("one of 1.1, 1.2")


def test_cross_row_errors_name_file_row_and_column(tmp_path):
    holders = HOLDERS_HEAD + (
        "H1,P2019,2019,75,actif,facilitation,non,non,2020,formation,facilitation,facilitation\n"
        "H2,P2019,2019,75,actif,facilitation,non,non,2018,formation,facilitation,\n"  # row 3: before the cohort
        "H3,P2019,2019,75,actif,facilitation,non,non,,formation,facilitation,\n"  # row 4: answer without a year
    )
    assessments = ASSESSMENTS_HEAD + (
        "C1;P2019;2019;75;1.1;acquis;2020\n"
        "C1;P2019;2019;75;1.2;acquis;2020\n"
        "C1;P2020;2020;75;1.3;acquis;2021\n"  # row 4: C1 in two cohorts
        "C1;P2019;2019;75;1.1;non acquis;2020\n"  # row 5: 1.1 twice in the 2020 session
        "H1;P2020;2020;75;1.1;acquis;2021\n"  # row 6: the holder H1 is of cohort P2019
        "C3;P2019;2018;75;1.1;acquis;2019\n"  # row 7: cohort P2019 started in 2019
    )
    found = problems_of(make_folder(tmp_path / "bad", holders, assessments))
    assert set(found) == {
        ("holders.csv", 3, "Année d'obtention de la certification", "certification obtained before the cohort started"),
        ("holders.csv", 4, "Situation à 6 mois", "a follow-up situation without a certification year"),
        ("assessments.csv", 4, "Promotion", "candidate 'C1' is in two cohorts"),
        ("assessments.csv", 4, "Année de promotion", "candidate 'C1' has two different cohort_year values"),
        ("assessments.csv", 5, "Compétence", "the same competency assessed twice in one session"),
        ("assessments.csv", 6, "Promotion", "candidate 'H1' is a holder of another cohort"),
        ("assessments.csv", 7, "Année de promotion", "cohort 'P2019' has two different cohort_year values"),
    }
    two = found[("assessments.csv", 4, "Promotion", "candidate 'C1' is in two cohorts")]
    assert two["value"] == "P2020" and "row 2: 'P2019'" in two["expected"]
    other = found[("assessments.csv", 6, "Promotion", "candidate 'H1' is a holder of another cohort")]
    assert "'P2019'" in other["expected"] and "holders.csv, row 2" in other["expected"]


def test_sample_assessments_agree_with_the_holders():
    """The bundled NA cohorts: every training holder is certified by the jury in their certification year
    (resits included), and the jury certified nobody else."""
    from tlanalysis.compute.certification import candidate_results
    from tlanalysis.validate.dataset import load_dataset

    data = load_dataset()
    candidates = candidate_results(data.assessments).set_index("candidate_id")
    holders = data.holders.set_index("holder_id")
    trained = holders[(holders["region_code"] == "75") & (holders["access_route"] == "formation")]
    assert candidates.loc[trained.index, "certified"].all()
    assert set(candidates.index[candidates["certified"]]) == set(trained.index)
    last_pass = data.assessments[data.assessments["result"] == "acquis"].groupby("candidate_id")["session_year"].max()
    assert (last_pass[trained.index] == trained["certification_year"]).all()
    assert candidates["partial"].sum() == 2 * candidates["cohort"].nunique()  # two partial candidates per cohort
    assert (~candidates["presented"]).sum() == candidates["cohort"].nunique()  # one absent per cohort


def test_which_certification_reports_exist_matches_their_figures():
    """`has_certification_data` (each region's first year, computed once) says yes exactly where the report
    has certified holders or jury results before its year, for every region and year, and follows a table
    replaced afterwards."""
    from tlanalysis import load_dataset
    from tlanalysis.compute.certification import assessments_in, certified_holders, has_certification_data
    from tlanalysis.reference import FRANCE, resolve_region

    dataset = load_dataset()
    regions = [FRANCE, *(resolve_region(code) for code in sorted(dataset.region_years()))]
    answers = []
    for region in regions:
        for year in range(2010, 2027):
            expected = bool(len(certified_holders(dataset.holders, region, year))) or (
                dataset.assessments is not None and bool(len(assessments_in(dataset.assessments, region, year)))
            )
            assert has_certification_data(dataset, year, region) == expected, (region.code, year)
            answers.append(expected)
    assert any(answers) and not all(answers)
    dataset.holders = dataset.holders.iloc[:0]
    dataset.assessments = None
    assert not has_certification_data(dataset, 2030, FRANCE)
