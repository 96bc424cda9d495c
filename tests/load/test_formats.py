"""Office exports as users' own software writes them, each read through the real CLI: the indicators
equal those computed by hand, and the files are left untouched."""

from __future__ import annotations

import codecs
import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from support.cli import run_cli
from support.data import snapshot

#: Employment rows as typed by an analyst (French headers), and the holders.
EMPLOYMENT_ROWS = [
    ["Année", "Région", "Tiers-lieu", "Contrat", "Fonction", "Nombre"],
    ["2019", "Nouvelle-Aquitaine", "La Fabrique", "CDI", "Coordinatrice", "3"],
    ["2019", "04", "Case", "CDD", "Médiatrice numérique", "2"],
    ["2019", "75", "L'Atelier", "Contrat d'apprentissage", "Fabmanager", "4"],
]
HOLDERS_ROWS = [
    ["Identifiant", "Promotion", "Année de promotion", "Région", "Statut à l'entrée", "Situation actuelle"],
    ["H1", "P2015", "2015", "75", "demandeur_emploi", "facilitation"],
    ["H2", "P2016", "2016", "04", "actif", "autre_emploi"],
]
#: The same figures computed by hand from the rows above.
BY_HAND = {"total": 9, "CDI": 3, "CDD": 2, "alternance": 4, "facilitation": 3, "animation": 2, "technique": 4}


def _check_by_hand(folder: Path) -> None:
    before = snapshot(folder)
    result = run_cli("indicators", "--year", "2019", "--region", "France", "--json", "--data", folder)
    assert result.returncode == 0, result.stderr
    assert snapshot(folder) == before, "input files must never be written to"
    jobs = json.loads(result.stdout)["jobs"]
    got = {"total": jobs["total"], **jobs["by_contract"], **jobs["by_role"]}
    assert {k: got[k] for k in BY_HAND} == BY_HAND
    assert got["autre"] == 0 and got["non_precise"] == 0
    assert json.loads(result.stdout)["holders"]["n"] == 2


def _text(rows: list[list[str]], sep: str, newline: str) -> str:
    return newline.join(sep.join(row) for row in rows) + newline


def _xlsx(path: Path, sheets: dict[str, list[list]]) -> None:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def _ods(path: Path, sheets: dict[str, list[list]]) -> None:
    """An .ods file written by odfpy (pandas engine "odf"), as LibreOffice writes them."""
    with pd.ExcelWriter(path, engine="odf") as writer:
        for title, rows in sheets.items():
            pd.DataFrame(rows[1:], columns=rows[0]).to_excel(writer, sheet_name=title, index=False)


def test_excel_unicode_text_utf16_tabs(tmp_path):
    """Excel « Enregistrer sous > Texte Unicode »: UTF-16 LE with BOM, tab-separated, CRLF."""
    for name, rows in (("employment.txt", EMPLOYMENT_ROWS), ("holders.txt", HOLDERS_ROWS)):
        (tmp_path / name).write_bytes(codecs.BOM_UTF16_LE + _text(rows, "\t", "\r\n").encode("utf-16-le"))
    _check_by_hand(tmp_path)


def test_sep_line_cp1252_and_old_mac_line_ends(tmp_path):
    employment = "sep=;\r\n" + _text(EMPLOYMENT_ROWS, ";", "\r\n")
    (tmp_path / "employment.csv").write_bytes(employment.encode("cp1252"))
    (tmp_path / "holders.csv").write_bytes(_text(HOLDERS_ROWS, ",", "\r").encode("utf-8"))
    _check_by_hand(tmp_path)


def test_sep_line_rows_are_numbered_as_excel_shows_them(tmp_path):
    rows = [*EMPLOYMENT_ROWS, ["2019", "75", "X", "CDI", "plombier", "1"]]
    (tmp_path / "employment.csv").write_text("sep=,\n" + _text(rows, ",", "\n"), encoding="utf-8")
    (tmp_path / "holders.csv").write_text(_text(HOLDERS_ROWS, ";", "\n"), encoding="utf-8")
    result = run_cli("validate", "--data", tmp_path)
    assert result.returncode == 1
    assert "employment.csv, row 5, column 'Fonction': unknown value (found 'plombier')" in result.stderr


def test_ods_files_and_one_workbook_with_both_tables(tmp_path):
    ods = tmp_path / "ods"
    ods.mkdir()
    _ods(ods / "Emplois.ods", {"Feuille1": EMPLOYMENT_ROWS})
    _ods(ods / "holders.ods", {"holders": HOLDERS_ROWS})
    _check_by_hand(ods)
    book = tmp_path / "book"
    book.mkdir()
    sheets = {"Lisez-moi": [["notes"]], "Emplois": EMPLOYMENT_ROWS, "Titulaires": HOLDERS_ROWS}
    _xlsx(book / "enquête 2019.xlsx", sheets)
    _check_by_hand(book)


def test_a_table_in_two_places_is_a_clear_error(tmp_path):
    _ods(tmp_path / "suivi.ods", {"Emplois": EMPLOYMENT_ROWS, "Titulaires": HOLDERS_ROWS})
    (tmp_path / "employment.csv").write_text(_text(EMPLOYMENT_ROWS, ";", "\n"), encoding="utf-8")
    result = run_cli("validate", "--data", tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "several files for the employment table: employment.csv, suivi.ods (sheet 'Emplois')" in result.stderr
    assert "holders" not in result.stderr  # the holders sheet is found once


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is needed to write .xls files")
def test_old_xls_written_by_libreoffice(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    _xlsx(source / "employment.xlsx", {"employment": EMPLOYMENT_ROWS})
    _xlsx(source / "holders.xlsx", {"holders": HOLDERS_ROWS})
    data = tmp_path / "data"
    subprocess.run(
        [
            *("soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "xls"),
            *("--outdir", str(data), str(source / "employment.xlsx"), str(source / "holders.xlsx")),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert sorted(p.name for p in data.iterdir()) == ["employment.xls", "holders.xls"]
    _check_by_hand(data)


def test_many_identical_problems_are_grouped_and_json_keeps_them_all(tmp_path):
    rows = "".join(f"2019;75;Lieu {i % 7};XX;facilitation;1\n" for i in range(20_000))
    bad_years = "".join(f"20{i:02d}x;75;Lieu;CDI;facilitation;1\n" for i in range(60))
    (tmp_path / "employment.csv").write_text(
        "year;region;tiers_lieu;contract;role;count\n" + rows + bad_years, encoding="utf-8"
    )
    (tmp_path / "holders.csv").write_text(_text(HOLDERS_ROWS, ";", "\n"), encoding="utf-8")
    result = run_cli("validate", "--data", tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 52, len(lines)
    assert "20060 problems in the input data" in lines[0]
    assert (
        "employment.csv, rows 2–20001 (20,000 rows), column 'contract': unknown value (found 'XX'); "
        "expected one of CDI" in result.stderr
    )
    assert "employment.csv, row 20002, column 'year': not a whole number in range (found '2000x')" in result.stderr
    assert "more problems not shown (`tlanalysis validate --json` lists every problem)" in lines[-1]
    as_json = run_cli("validate", "--json", "--data", tmp_path)
    problems = json.loads(as_json.stdout)["problems"]
    assert len(problems) == 20_060 and {p["row"] for p in problems} == set(range(2, 20_062))


def test_grouped_lines_show_ranges_counts_and_keep_distinct_problems_apart():
    from tlanalysis.errors import Problem, grouped_lines

    same = [Problem("e.csv", "unknown value", row, "role", "x", "one of a") for row in (2, 3, 4, 5, 8, 10, 11)]
    other_value = Problem("e.csv", "unknown value", 6, "role", "y", "one of a")
    file_level = Problem("e.csv", "missing column", None, "year", None, "a column 'year'")
    lines = grouped_lines([file_level, *same, other_value])
    assert lines == [
        "e.csv, column 'year': missing column; expected a column 'year'",
        "e.csv, rows 2–5, 8, 10–11 (7 rows), column 'role': unknown value (found 'x'); expected one of a",
        "e.csv, row 6, column 'role': unknown value (found 'y'); expected one of a",
    ]
    many = [Problem("e.csv", "unknown value", row, "role", f"v{row}", "one of a") for row in range(2, 102)]
    lines = grouped_lines(many)
    assert len(lines) == 50 and lines[-1].startswith("… and 51 more problems not shown")
