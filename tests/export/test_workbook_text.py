"""Workbooks hold data, never formulas: every text cell of every XLSX is written as text, whatever it
begins with (a cohort labelled « =HYPERLINK(…) » stays a label in the workbook sent to funders)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.export.workbook import Sheet, workbook_bytes

LABELS = ('=HYPERLINK("http://example.org","OCC")', "=1+1", "+1+1", "-1+1", "@SUM(1,1)", "\t=2+2")


def formulas(path: Path) -> list[str]:
    """Every formula element of every sheet of a workbook."""
    with zipfile.ZipFile(path) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(r"<f[\s>]", archive.read(name).decode("utf-8"))
        ]


def text_cells(path: Path) -> dict[str, object]:
    workbook = openpyxl.load_workbook(path)
    return {
        str(cell.value): cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def test_every_text_is_written_as_text(tmp_path):
    rows = [[label, 3] for label in LABELS]
    sheet = Sheet("Promotions", ["=Promotion", "Titulaires"], ["text", "count"], rows, notes=["=note", "+note"])
    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook_bytes([sheet], data_date=dt.date(2024, 1, 1), title="=titre"))
    assert formulas(path) == []
    cells = text_cells(path)
    for label in (*LABELS, "=Promotion", "=note", "+note"):
        assert cells[label].data_type == "s", label
        assert cells[label].quotePrefix, label  # shown with the apostrophe, kept as text when edited


@pytest.fixture(scope="module")
def formula_data(tmp_path_factory) -> Path:
    """The bundled data with cohorts whose labels begin with =, +, - and @."""
    folder = tmp_path_factory.mktemp("formula") / "data"
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    names = {"NA-2015-1": LABELS[0], "NA-2016-1": "+NA 2016", "NA-2017-1": "-NA 2017", "NA-2017-2": "@NA 2017"}
    for table in ("holders.csv", "assessments.csv"):
        text = (folder / table).read_text(encoding="utf-8")
        for old, new in names.items():
            text = text.replace(f",{old},", f",{_csv(new)},")
        (folder / table).write_text(text, encoding="utf-8")
    return folder


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ',"') else text


def test_report_workbooks_keep_cohort_labels_as_text(formula_data, tmp_path):
    from tlanalysis.export.dossier import write_certification_workbook
    from tlanalysis.export.workbook import key_figures_workbook
    from tlanalysis.report import ReportContext
    from tlanalysis.report.certification import CertificationContext
    from tlanalysis.report.params import validate_parameters

    params = validate_parameters(2021, "75", str(formula_data), render="report")
    annual = ReportContext.from_parameters(params)
    key_figures = key_figures_workbook(
        annual,
        tmp_path / "annual.xlsx",
        data_date=annual.dataset.data_date,
        cohort_table=annual.cohort_table,
        jobs_by_region=annual.jobs_by_region,
    )
    certification = write_certification_workbook(CertificationContext.from_parameters(params), tmp_path / "c.xlsx")
    for path in (key_figures, certification):
        assert formulas(path) == [], path.name
        cells = text_cells(path)
        assert cells[LABELS[0]].data_type == "s" and cells[LABELS[0]].quotePrefix, path.name
        assert {"+NA 2016", "-NA 2017", "@NA 2017"} <= set(cells), path.name


@pytest.mark.slow
@pytest.mark.requires_tool("libreoffice")
def test_libreoffice_reads_the_labels_not_their_results(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice
    sheet = Sheet("Promotions", ["Promotion", "Titulaires"], ["text", "count"], [[label, 3] for label in LABELS])
    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook_bytes([sheet], data_date=dt.date(2024, 1, 1), title="t"))
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "csv",
         "--outdir", str(tmp_path), str(path)],
        capture_output=True,
        timeout=180,
        check=True,
    )  # fmt: skip
    text = (tmp_path / "book.csv").read_text(encoding="utf-8")
    assert "=1+1" in text and "+1+1" in text and "@SUM(1,1)" in text and "HYPERLINK" in text
    assert "\n2," not in text and ",2\n" not in text  # no formula was computed
