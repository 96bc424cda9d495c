"""A branded build from the bundled data: the data folder's _brand.yml puts the network's name, logo,
colours and fonts on the page, the index, the PDF and the workbook, says which colour it darkened, and
the pages still pass axe-core; a bad brand file stops the build before anything is written."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.report.brand import mixed

from support.axe import axe_violations
from support.build import build
from support.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.requires_tool("chromium", "poppler")]

EXAMPLE = REPO / "docs" / "examples" / "reseau-exemple"
NAME = "Réseau des tiers-lieux de l'exemple"


@pytest.fixture(scope="module")
def branded(tmp_path_factory):
    data = shutil.copytree(SAMPLE_DATA_DIR, tmp_path_factory.mktemp("branded") / "data")
    shutil.copy(EXAMPLE / "_brand.yml", data / "_brand.yml")
    shutil.copy(EXAMPLE / "logo.svg", data / "logo.svg")
    out = data.parent / "reports"
    result = build(
        out,
        "--year", 2019, "--region", "Nouvelle-Aquitaine", "--formats", "html,pdf,xlsx",
        notebook=None, data=data, kinds=("annual",),
    )  # fmt: skip
    return out, result


def test_pages_index_pdf_and_workbook_carry_the_brand(branded):
    out, result = branded
    assert "warning: _brand.yml: color.palette.ocre #f2a541" in result.stdout
    page = (out / "2019" / "75-nouvelle-aquitaine.html").read_text(encoding="utf-8")
    assert NAME in page.replace("&#x27;", "'") and 'class="tl-logo" src="data:image/svg+xml;base64,' in page
    assert "color:#6a1b5a" in page and '"DejaVu Serif"' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert NAME in index.replace("&#x27;", "'") and "data:image/svg+xml;base64," in index
    pdf = out / "2019" / "75-nouvelle-aquitaine.pdf"
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert NAME.replace("'", "’") in text.replace("'", "’")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)  # the PDF stays tagged
    from openpyxl import load_workbook

    workbook = load_workbook(out / "2019" / "75-nouvelle-aquitaine.xlsx")
    assert workbook.properties.title.startswith(NAME)
    first = workbook.worksheets[0]["A1"]
    tint = mixed("#6a1b5a", "#ffffff", 0.88)[1:].upper()  # a pale tint of the network's colour
    assert first.fill.fgColor.rgb.endswith(tint)
    sources = workbook["Sources"]
    assert any(row[0] == "Réseau" and row[1] == NAME for row in sources.iter_rows(values_only=True))


def test_branded_pages_pass_axe(branded, browser):
    out, _ = branded
    for page in (out / "index.html", out / "2019" / "75-nouvelle-aquitaine.html"):
        assert axe_violations(browser, page) == []


def test_a_bad_brand_file_stops_the_build(tmp_path):
    bad = tmp_path / "marque.yml"
    bad.write_text("color:\n  primary: bleu canard\n", encoding="utf-8")
    result = build(tmp_path / "reports", "--brand", bad, "--year", 2019, notebook=None, expect=2)
    assert "marque.yml: color.primary: 'bleu canard' is not a colour" in result.stderr
    assert not (tmp_path / "reports").exists()
