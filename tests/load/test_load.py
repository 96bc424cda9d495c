"""Exports as analysts really have them: separators, encodings, blank lines, workbooks, French headers."""

import codecs
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from tlanalysis.errors import DataError
from tlanalysis.validate.dataset import load_dataset

from support.data import EMPLOYMENT, HOLDERS, make_data

FRENCH = (
    "Année;Région;Tiers-lieu;Type de contrat;Intitulé du poste;Nombre\r\n"
    "2019;Nouvelle-Aquitaine;La Fabrique;CDI;Coordinatrice du tiers-lieu;1\r\n"
    "2019;PROVENCE ALPES COTE D’AZUR;L’Atelier;Contrat d’apprentissage;Fabmanager;2\r\n"
    "2019;04;Case;C.D.D.;Médiateur·rice numérique;1 000\r\n\r\n;;;;;\r\n\r\n"
)


def write(folder: Path, name: str, text: str, encoding: str) -> None:
    (folder / name).write_bytes(text.encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_french_excel_csv(tmp_path, encoding):
    folder = make_data(tmp_path)
    write(folder, "employment.csv", FRENCH, encoding)
    jobs = load_dataset(folder).employment
    assert list(jobs["region_code"]) == ["75", "93", "04"]
    assert list(jobs["contract"]) == ["CDI", "alternance", "CDD"]
    assert list(jobs["role"]) == ["facilitation", "technique", "animation"]
    assert list(jobs["count"]) == [1, 2, 1000]
    assert list(jobs["tiers_lieu"]) == ["La Fabrique", "L’Atelier", "Case"]


def test_comma_separated_and_defaults(tmp_path):
    folder = make_data(tmp_path, employment="year,region,contract,role\n2020,bretagne,cdi,animation\n")
    data = load_dataset(folder)
    assert data.employment["count"].tolist() == [1]
    assert data.holders["created_business"].tolist() == [False, True]
    assert data.holders["changed_job"].tolist() == [False, False]


def test_rows_are_numbered_as_in_the_spreadsheet_despite_blank_lines(tmp_path):
    text = EMPLOYMENT + "\n\n2019;75;Lieu C;CDI;plombier;1\n"
    with pytest.raises(DataError) as caught:
        load_dataset(make_data(tmp_path, employment=text))
    (problem,) = caught.value.problems
    assert problem.row == 6 and problem.column == "role"


def test_region_codes_stay_text(tmp_path):
    folder = make_data(
        tmp_path, employment="year;region;contract;role\n2021;04;CDI;animation\n2021;La Réunion;CDD;animation\n"
    )
    assert load_dataset(folder).employment["region_code"].tolist() == ["04", "04"]


def _workbook(path: Path, sheets: dict[str, list[list]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_xlsx_first_sheet_and_named_sheet(tmp_path):
    folder = make_data(tmp_path, employment=None)
    rows = [
        ["Année", "Région", "Contrat", "Fonction", "Nombre"],
        [2019, "Nouvelle-Aquitaine", "CDI", "facilitation", 3.0],
        [None, None, None, None, None],
        [2019, "04", "CDD", "animation", 2],
    ]
    _workbook(folder / "employment.xlsx", {"Notes": [["à lire"]], "Emplois": rows})
    jobs = load_dataset(folder).employment
    assert jobs["count"].tolist() == [3, 2] and jobs["region_code"].tolist() == ["75", "04"]
    assert jobs.index.tolist() == [2, 4]


def test_xlsx_errors_name_sheet_row_and_column(tmp_path):
    folder = make_data(tmp_path, employment=None)
    _workbook(
        folder / "employment.xlsx",
        {
            "employment": [
                ["year", "region", "contract", "role"],
                [2019, 75, "CDI", "facilitation"],
                [2019, 4, "CDI", "facilitation"],
            ]
        },
    )
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "region", "4")
    assert "employment.xlsx" in problem.file


def test_ambiguous_files(tmp_path):
    folder = make_data(tmp_path)
    _workbook(folder / "employment.xlsx", {"employment": [["year"]]})
    with pytest.raises(DataError, match="several files for the employment table"):
        load_dataset(folder)


def test_damaged_xls_is_refused_clearly(tmp_path):
    folder = make_data(tmp_path, employment=None)
    (folder / "employment.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(DataError, match=r"employment\.xls: not a readable workbook .*expected an \.xls workbook"):
        load_dataset(folder)


def test_ragged_rows_are_a_clear_error(tmp_path):
    text = "year;region;contract;role\n2019;75;CDI;facilitation;extra;cells\n"
    with pytest.raises(DataError, match="not a readable table"):
        load_dataset(make_data(tmp_path, employment=text))


def test_tidy_frames_keep_only_declared_columns(tmp_path):
    folder = make_data(
        tmp_path, holders=HOLDERS.replace("changed_job\n", "changed_job,commentaire\n").replace(",non\n", ",non,rien\n")
    )
    holders = load_dataset(folder).holders
    assert "commentaire" not in holders.columns
    assert isinstance(holders["situation"].dtype, pd.CategoricalDtype)


def test_title_lines_above_the_header_are_skipped_and_rows_keep_their_numbers(tmp_path):
    text = (
        "Enquête emploi 2019 – Coopérative\nExport du 12/03/2020\n\n" + EMPLOYMENT + "2019;75;Lieu C;CDI;plombier;1\n"
    )
    with pytest.raises(DataError) as caught:
        load_dataset(make_data(tmp_path, employment=text))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (7, "role", "plombier")


def test_xlsx_title_rows_above_the_header(tmp_path):
    folder = make_data(tmp_path, employment=None)
    _workbook(
        folder / "employment.xlsx",
        {
            "employment": [
                ["Enquête 2019"],
                [],
                ["year", "region", "contract", "role"],
                [2019, "75", "CDI", "facilitation"],
                [2019, "Atlantide", "CDI", "facilitation"],
            ]
        },
    )
    with pytest.raises(DataError) as caught:
        load_dataset(folder)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "region", "Atlantide")


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
        lambda text: text.encode("utf-16-le"),  # no BOM: told apart by its zero bytes
        lambda text: codecs.BOM_UTF8 + ("sep=;\r" + text.replace("\n", "\r")).encode("utf-8"),
    ],
    ids=["utf-16-be-bom", "utf-16-le-no-bom", "utf-8-sep-line-cr"],
)
def test_other_unicode_exports(tmp_path, encode):
    folder = make_data(tmp_path, employment=None)
    (folder / "employment.csv").write_bytes(encode(FRENCH.replace("\r\n", "\n").replace("Case;C.D.D.", "Case;CDD")))
    jobs = load_dataset(folder).employment
    assert list(jobs["region_code"]) == ["75", "93", "04"] and list(jobs["count"]) == [1, 2, 1000]
    assert list(jobs["tiers_lieu"]) == ["La Fabrique", "L’Atelier", "Case"]
