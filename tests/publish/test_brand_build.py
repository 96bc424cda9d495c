"""A branded build from the bundled data: the data folder's _brand.yml puts the network's name, logo,
colours and fonts on the page, the index, the PDF, the workbook and the deck, says which colour it
darkened, and the pages still pass axe-core; a bad brand file stops the build before anything is written.
The deck opens in LibreOffice Impress (converted headless to PDF, its text read back), its charts are
native charts holding the report's numbers, masked figures stay masked."""

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

pytestmark = [pytest.mark.slow, pytest.mark.requires_tool("chromium", "poppler", "libreoffice")]

EXAMPLE = REPO / "docs" / "examples" / "reseau-exemple"
NAME = "Réseau des tiers-lieux de l'exemple"


@pytest.fixture(scope="module")
def branded(tmp_path_factory):
    data = shutil.copytree(SAMPLE_DATA_DIR, tmp_path_factory.mktemp("branded") / "data")
    shutil.copy(EXAMPLE / "_brand.yml", data / "_brand.yml")
    shutil.copy(EXAMPLE / "logo.png", data / "logo.png")
    out = data.parent / "reports"
    result = build(
        out,
        "--year", 2019, "--region", "Nouvelle-Aquitaine", "--formats", "html,pdf,xlsx,pptx,odp",
        notebook=None, data=data, kinds=("annual",),
    )  # fmt: skip
    return out, result


def test_pages_index_pdf_and_workbook_carry_the_brand(branded):
    out, result = branded
    assert "warning: _brand.yml: color.palette.ocre #f2a541" in result.stdout
    page = (out / "2019" / "75-nouvelle-aquitaine.html").read_text(encoding="utf-8")
    assert NAME in page.replace("&#x27;", "'") and 'class="tl-logo" src="data:image/png;base64,' in page
    assert "color:#6a1b5a" in page and '"DejaVu Serif"' in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert NAME in index.replace("&#x27;", "'") and "data:image/png;base64," in index
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


def _deck_text(pptx, tmp_path) -> str:
    from tlanalysis.export.deck import convert_deck

    pdf = convert_deck(pptx, tmp_path / "deck.pdf", "pdf")
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    return re.sub(r"(?<=\w)- (?=[A-Z])", "-", flat)  # « Nouvelle- Aquitaine » broken across two lines


def test_the_deck_opens_in_impress_with_the_report_figures(branded, tmp_path):
    out, _ = branded
    pptx = out / "2019" / "75-nouvelle-aquitaine.pptx"
    text = _deck_text(pptx, tmp_path)
    for expected in (
        "Emploi et certification en Nouvelle-Aquitaine — 2019",  # the title
        "Chiffres clés",
        "54,5 %",  # the seed page's cards
        "13,5 %",
        "36 %",
        "Emplois par type de contrat, 2019",  # a chart's slide
        "Ce que disent les chiffres de 2019",  # the network's text, its figures filled
        "n'est pas diffusée (« secret »)",
        "Sources et méthodes",
    ):
        assert expected in text, expected
    assert NAME.replace("'", "’") in text.replace("'", "’")
    odp = out / "2019" / "75-nouvelle-aquitaine.odp"
    import zipfile

    with zipfile.ZipFile(odp) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.presentation"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="2019/75-nouvelle-aquitaine.pptx"' in index and 'href="2019/75-nouvelle-aquitaine.odp"' in index


def test_the_deck_charts_are_native_with_the_report_numbers(branded):
    from pptx import Presentation

    out, _ = branded
    deck = Presentation(out / "2019" / "75-nouvelle-aquitaine.pptx")
    charts, pictures = {}, []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart:
                title = next(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)
                charts[title] = shape.chart
            elif shape.shape_type == 13:  # a picture: a chart without a native equivalent, described
                descr = shape._element.nvPicPr.cNvPr.get("descr")
                pictures.append(descr)
    contracts = charts["Emplois par type de contrat, 2019"]
    assert list(contracts.plots[0].categories) == ["CDI", "CDD", "Alternance", "Autre contrat"]
    assert list(contracts.plots[0].series[0].values) == [195, 74, 0, 0]
    situations = charts["Situation actuelle des titulaires"]
    # the three situations the report shows; the masked ones (« < 5 ») are not in the data
    assert list(situations.plots[0].series[0].values) == [109, 54, 27]
    assert str(situations.chart_type).startswith("DOUGHNUT")
    trend = charts["Emplois recensés par année d'enquête, en Nouvelle-Aquitaine"]
    assert list(trend.plots[0].series[0].values) == [30, 40, 50, 160, 269]
    # the Sankey has no native equivalent: an image, with the chart's description as alternative text
    assert any(p and p.startswith("Diagramme de flux") and "54 titulaires (36" in p for p in pictures), pictures
    assert deck.core_properties.title.startswith(NAME)


def test_a_brand_given_with_an_option_and_changed_rebuilds_the_reports(tmp_path):
    brand = shutil.copytree(EXAMPLE, tmp_path / "marque")
    out = tmp_path / "reports"
    args = ("--brand", brand / "_brand.yml", "--year", 2019, "--region", "Nouvelle-Aquitaine")
    build(out, *args, notebook=None, kinds=("annual",))
    page = out / "2019" / "75-nouvelle-aquitaine.html"
    assert "color:#6a1b5a" in page.read_text(encoding="utf-8")
    notebook = (out / "2019" / "75-nouvelle-aquitaine.ipynb").read_text(encoding="utf-8")
    assert str(tmp_path) not in notebook  # the brand file is named relative to the kernels' folder
    assert "0 built, 1 up to date" in build(out, *args, notebook=None, kinds=("annual",)).stdout
    (brand / "_brand.yml").write_text(
        (brand / "_brand.yml").read_text(encoding="utf-8").replace("primary: prune", "primary: sapin"),
        encoding="utf-8",
    )
    assert "1 built, 0 up to date" in build(out, *args, notebook=None, kinds=("annual",)).stdout
    assert "color:#17594a" in page.read_text(encoding="utf-8")
