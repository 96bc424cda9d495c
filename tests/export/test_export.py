"""Exports for funders: PDF (Chromium), chart images (kaleido), key-figures workbook (openpyxl).

Nothing is mocked: the PDF and image tests drive the system Chromium, once per module (one `PdfPrinter`,
one `ChartImageExporter`). Without Chromium (or poppler's pdftotext/pdfinfo) they are skipped, except
under CI (the CI variable set), where a missing tool is a failure (tests/support/tools.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import openpyxl
import plotly.graph_objects as go
import pytest

from tlanalysis.errors import TLAnalysisError
from tlanalysis.export import ExportError, find_chromium
from tlanalysis.protect.masked import SECONDARY, SMALL_COUNT, Masked
from tlanalysis.report import ReportContext, employment_charts
from tlanalysis.report.formatting import plain_spaces
from tlanalysis.report.params import validate_parameters

from support.tools import require_tool

DATA_DATE = dt.date(2022, 5, 4)
DATE_FR = "4 mai 2022"
A4_POINTS = (595.92, 842.88)


@pytest.fixture(scope="module")
def chromium() -> Path:
    require_tool("chromium")  # tests using this fixture are marked requires_tool("chromium") (conftest.py)
    return find_chromium()


@pytest.fixture(scope="module")
def poppler() -> None:
    require_tool("poppler")


# --- Chromium discovery (no browser started) ------------------------------------------------------


def test_a_missing_browser_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(ExportError, match=r"Chromium not found at .*apt-get install chromium"):
        find_chromium(tmp_path / "no-chromium")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(ExportError, match="BROWSER_PATH="):
        find_chromium()
    assert issubclass(ExportError, TLAnalysisError)  # the CLI turns it into a message, not a traceback


# --- PDF ------------------------------------------------------------------------------------------


def _test_page(folder: Path) -> Path:
    """A small, self-contained report page: plotly.js inlined, French text, a chart wider than A4, a wide
    table, a CDN script (must not be fetched), enough text for two pages."""
    fig = go.Figure(go.Bar(x=["CDI", "CDD", "Alternance", "Autre contrat"], y=[19500, 7400, 100, 300]))
    fig.update_layout(title="Emplois par contrat, 2019", separators=", ", height=360)
    chart = fig.to_html(
        include_plotlyjs=True,
        full_html=False,
        div_id="chart-test-contracts",
        config={"displayModeBar": True, "responsive": True},
    )
    wide = go.Figure(go.Bar(x=[f"R{i}" for i in range(1, 13)] + ["Ultime"], y=list(range(1, 14))))
    wide.update_layout(title="Graphique plus large que la page", width=1400, height=320)
    wide_chart = wide.to_html(
        include_plotlyjs=False, full_html=False, div_id="chart-test-wide", config={"displayModeBar": True}
    )
    headers = "".join(f"<th>Colonne {i}</th>" for i in range(1, 15)) + "<th>Colonnefinale</th>"
    cells = "".join(f"<td>{1000 * i}</td>" for i in range(1, 16))
    paragraph = (
        "<p>Le suivi porte sur les titulaires des promotions commencées avant l'année du rapport ; "
        "la situation est celle du dernier suivi.</p>"
    )
    page = folder / "rapport-test.html"
    page.write_text(
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Titre HTML</title>"
        "<script src='https://cdn.invalid/require.min.js'></script></head><body>"
        "<h1>Rapport de test</h1>"
        "<p>Part des titulaires en poste de facilitateur·rice : 54,5\u00a0%.</p>"
        f"{chart}<table><thead><tr>{headers}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"
        f"{wide_chart}{paragraph * 40}<p>Fin du rapport.</p></body></html>",
        encoding="utf-8",
    )
    return page


@pytest.fixture(scope="module")
def printer(chromium):
    from tlanalysis.export.pdf import PdfPrinter

    with PdfPrinter(chromium=chromium, timeout_s=30) as opened:
        yield opened


@pytest.fixture(scope="module")
def printed(printer, poppler, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    pdf = printer.print(
        _test_page(folder),
        folder / "rapport-test.pdf",
        title="Emploi et certification en Nouvelle-Aquitaine — 2019",
        date_fr=DATE_FR,
    )
    return pdf


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


@pytest.mark.slow
def test_pdf_is_a4_with_the_text_and_a_numbered_footer(printed):
    info = _pdf_info(printed)
    pages = int(info["Pages"])
    assert pages >= 2
    width, height = (float(x) for x in re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups())
    assert (round(width), round(height)) == (596, 843), info["Page size"]
    assert info["Title"] == "Emploi et certification en Nouvelle-Aquitaine — 2019"
    text = plain_spaces(_pdf_text(printed))
    assert "54,5 %" in text and "Rapport de test" in text and "Fin du rapport." in text
    assert "Page 1 / " in text and f"Page {pages} / {pages}" in text
    assert DATE_FR in text and "Emploi et certification en Nouvelle-Aquitaine — 2019" in text
    assert "Emplois par contrat, 2019" in text  # plotly's SVG text stays text in the PDF
    assert "modebar" not in text.lower()
    assert not [p for p in printed.parent.iterdir() if ".tmp-" in p.name]


@pytest.mark.slow
def test_nothing_is_cut_at_the_page_edge(printed):
    """Every word, chart labels included, lies inside the printable width (the footer inside the margins)."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(printed), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox)
    assert words
    margin_pt = 15 / 25.4 * 72
    outside = [w for x0, x1, w in words if float(x0) < margin_pt - 2 or float(x1) > A4_POINTS[0] - margin_pt + 2]
    assert not outside, outside[:10]
    found = {w for _, _, w in words}
    assert {"Ultime", "Colonnefinale"} <= found  # the last tick of the wide chart, the last header


@pytest.mark.slow
def test_a_chart_that_never_draws_is_an_error_and_writes_nothing(printer, tmp_path):
    page = tmp_path / "sans-plotly.html"
    page.write_text(
        "<html><body><h1>Sans plotly.js</h1><div id='chart-x-1' class='plotly-graph-div'></div></body></html>",
        encoding="utf-8",
    )
    with pytest.raises(ExportError, match=r"plotly\.js is not loaded.*chart-x-1"):
        printer.print(page, tmp_path / "sans-plotly.pdf", title="T", date_fr=DATE_FR)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sans-plotly.html"]


@pytest.mark.slow
def test_html_to_pdf_escapes_the_footer_and_reuses_a_printer(printer, poppler, tmp_path):
    from tlanalysis.export.pdf import html_to_pdf

    page = tmp_path / "simple.html"
    page.write_text("<html><body><p>Une page sans graphique.</p></body></html>", encoding="utf-8")
    pdf = html_to_pdf(
        page, tmp_path / "out" / "simple.pdf", title="Titre <b>brut</b> & cie", date_fr=DATE_FR, browser=printer
    )
    text = _pdf_text(pdf)
    assert "Titre <b>brut</b> & cie" in text and "Page 1 / 1" in text


# --- chart images -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exporter(chromium):
    from tlanalysis.export.images import ChartImageExporter

    with ChartImageExporter(chromium=chromium, timeout_s=30) as opened:
        yield opened


def _png_header(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def _png_pixels(data: bytes) -> bytes:
    """The decompressed image data (filter bytes included) of a PNG."""
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(idat)


def _chart() -> go.Figure:
    fig = go.Figure(go.Bar(x=["CDI", "CDD", "Alternance"], y=[12500, 24000, 800]))
    fig.update_layout(title="Part des titulaires en poste : 54,5\u00a0%", separators=", ")
    fig.update_yaxes(tickformat=",d")  # d3 thousands, written with the French separator
    return fig


@pytest.mark.slow
def test_png_and_svg_of_every_chart(exporter, tmp_path):
    from tlanalysis.export.images import export_chart_images

    written = export_chart_images(
        [(_chart(), "chart-75-2019-contracts"), (_chart(), "parts")],
        tmp_path,
        "75-2019",
        width=600,
        height=400,
        scale=2,
        exporter=exporter,
    )
    assert [p.name for p in written] == [
        "75-2019-contracts.png",
        "75-2019-contracts.svg",
        "75-2019-parts.png",
        "75-2019-parts.svg",
    ]
    png = (tmp_path / "75-2019-contracts.png").read_bytes()
    assert _png_header(png) == (1200, 800)
    pixels = _png_pixels(png)
    assert len(set(pixels)) > 32, "the PNG looks blank"
    assert pixels.count(255) < 0.97 * len(pixels)
    svg = (tmp_path / "75-2019-contracts.svg").read_text(encoding="utf-8")
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("width") == "600"
    texts = [plain_spaces(t.text or "") for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Part des titulaires en poste : 54,5 %" in texts
    assert "20 000" in texts  # French thousands separator on the axis
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


@pytest.mark.slow
def test_report_charts_keep_their_own_height(exporter, tmp_path):
    from tlanalysis.export.images import export_chart_images

    ctx = ReportContext.from_parameters(validate_parameters(2019, "75", render="report"))
    charts = employment_charts(ctx)[:2]
    written = export_chart_images(charts, tmp_path, ctx.slug, formats=("png",), width=800, scale=1, exporter=exporter)
    assert [p.name for p in written] == ["75-2019-contracts.png", "75-2019-roles.png"]
    for (fig, _), path in zip(charts, written, strict=True):
        assert _png_header(path.read_bytes()) == (800, fig.layout.height)


def test_chart_file_names():
    from tlanalysis.export.images import chart_file_stem

    assert chart_file_stem("france-2019", "chart-france-2019-trend") == "france-2019-trend"
    assert chart_file_stem("75-2019", "roles") == "75-2019-roles"
    with pytest.raises(ValueError, match="file name"):
        chart_file_stem("75-2019", "../../etc/passwd")


# --- workbook ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def na_2019():
    return ReportContext.from_parameters(validate_parameters(2019, "Nouvelle-Aquitaine"))


@pytest.fixture(scope="module")
def workbook_path(na_2019, tmp_path_factory):
    from tlanalysis.export.workbook import key_figures_workbook

    return key_figures_workbook(na_2019, tmp_path_factory.mktemp("xlsx") / "75-2019.xlsx", data_date=DATA_DATE)


def _rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


def _by_label(ws) -> dict[str, object]:
    return {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}


def test_workbook_has_one_sheet_per_table_with_french_headers(workbook_path):
    wb = openpyxl.load_workbook(workbook_path)
    assert wb.sheetnames == [
        "Chiffres clés",
        "Contrats",
        "Fonctions",
        "Évolution",
        "Situations",
        "Promotions",
        "Trajectoires",
        "Sources",
    ]
    assert _rows(wb["Contrats"])[0] == ("Contrat", "Emplois", "Part")
    assert _rows(wb["Situations"])[0] == ("Situation actuelle", "Titulaires", "Part")
    assert _rows(wb["Évolution"])[0] == ("Année d'enquête", "Emplois")
    assert _rows(wb["Promotions"])[0][:3] == ("Promotion", "Début", "Facilitation")


def test_workbook_numbers_are_numbers_with_french_friendly_formats(workbook_path):
    wb = openpyxl.load_workbook(workbook_path)
    key = _by_label(wb["Chiffres clés"])
    assert key["Emplois recensés en 2019"] == 269
    assert (key["Emplois en CDI"], key["Emplois en CDD"]) == (195, 74)
    assert key["Part des emplois de facilitation ou de coordination du lieu"] == pytest.approx(151 / 269)
    assert key["Part des titulaires aujourd'hui en poste de facilitateur·rice"] == pytest.approx(0.545)
    contracts = wb["Contrats"]
    cdi = contracts["B2"], contracts["C2"]
    assert cdi[0].value == 195 and cdi[0].number_format == "#,##0"
    assert cdi[1].value == pytest.approx(195 / 269) and cdi[1].number_format == "0.0%"
    assert _rows(contracts)[5][:2] == ("Total", 269)
    trend = wb["Évolution"]
    assert trend["A2"].value == 2015 and trend["A2"].number_format == "0"  # a year, never « 2 015 »
    situations = _by_label(wb["Situations"])
    assert situations["En poste de facilitateur·rice"] == 109 and situations["Total"] == 200


def test_workbook_sources_and_example_data(workbook_path, na_2019):
    wb = openpyxl.load_workbook(workbook_path)
    sources = [c for row in _rows(wb["Sources"]) for c in row if c is not None]
    for _name, source in na_2019.dataset.sources.items():
        assert source.path.name in sources and source.short_hash in sources
    assert any("La Tribune Objectif Aquitaine" in str(c) for c in sources)
    assert "4 mai 2022" in sources and dt.datetime(2022, 5, 4) in sources
    for ws in wb:
        text = " ".join(str(c) for row in _rows(ws) for c in row if c)
        assert "Données d'exemple fictives" in text, ws.title
    assert wb.properties.created == wb.properties.modified == dt.datetime(2022, 5, 4)
    assert "données d'exemple fictives" in wb.properties.title


def test_workbook_is_deterministic(na_2019, workbook_path, tmp_path):
    from tlanalysis.export.workbook import key_figures_workbook

    again = key_figures_workbook(na_2019, tmp_path / "again.xlsx", data_date=DATA_DATE)
    assert again.read_bytes() == workbook_path.read_bytes()
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_workbook_keeps_the_secret_of_small_groups(tmp_path):
    from tlanalysis.export.workbook import key_figures_workbook

    # La Réunion 2021: 4 holders, under the minimum of 5
    ctx = ReportContext.from_parameters(validate_parameters(2021, "04"))
    wb = openpyxl.load_workbook(key_figures_workbook(ctx, tmp_path / "04-2021.xlsx", data_date=DATA_DATE))
    key = _by_label(wb["Chiffres clés"])
    assert key["Titulaires de la certification suivis"] == "< 5"  # protected: the 4 holders are not written
    assert key["Part des titulaires aujourd'hui en poste de facilitateur·rice"] == "secret"
    situations = _rows(wb["Situations"])[1:8]
    assert {row[1] for row in situations[:-1]} == {"< 5"} and situations[-1][:2] == ("Total", "< 5")
    cohort = _rows(wb["Promotions"])[1]
    assert cohort[-1] == "< 5" and set(cohort[2:-1]) == {"< 5"}
    assert "secret" in {row[1] for row in _rows(wb["Contrats"])[1:]}  # 6 jobs of 3 tiers-lieux: business rule
    national = ReportContext.from_parameters(validate_parameters(2019, "France"))
    wb = openpyxl.load_workbook(key_figures_workbook(national, tmp_path / "france-2019.xlsx", data_date=DATA_DATE))
    assert "Régions" in wb.sheetnames and _rows(wb["Régions"])[0] == ("Région", "Code INSEE", "Emplois", "Part")


def test_workbook_writes_masked_values_as_their_label(tmp_path):
    """A masked figure (`tlanalysis.protect.masked.Masked`) is written as its text, never as a number."""
    from tlanalysis.export import workbook

    small, secret = Masked(SMALL_COUNT), Masked(SECONDARY)
    sheet = workbook.Sheet(
        "Test",
        ["Libellé", "Nombre", "Part"],
        ["text", "count", "share"],
        [["a", small, 0.5], ["b", 12, Masked(SECONDARY, share=True)], ["c", secret, None]],
    )
    data = workbook.workbook_bytes([sheet], data_date=DATA_DATE, title="test")
    (tmp_path / "t.xlsx").write_bytes(data)
    rows = _rows(openpyxl.load_workbook(tmp_path / "t.xlsx")["Test"])
    assert rows[1] == ("a", "< 5", 0.5) and rows[2] == ("b", 12, "secret") and rows[3][:2] == ("c", "secret")


def test_workbook_takes_masked_figures_as_they_come(na_2019, tmp_path):
    """Figures protected by `tlanalysis.protect.annual` hold masked text anywhere: nothing derived from one
    (a share on a masked base, a total) is computed, and no masked figure becomes a number."""
    # Raw figures and cohort table of the report, masked here by hand with the fake module's marker.
    from tlanalysis.compute.indicators import holders_seen, key_figures, situation_by_cohort
    from tlanalysis.export import workbook

    ds = na_2019.dataset
    figures = key_figures(ds.employment, ds.holders, 2019, na_2019.region)
    raw_cohorts = situation_by_cohort(holders_seen(ds.holders, 2019, na_2019.region))
    jobs, hold = figures["jobs"], figures["holders"]
    jobs["total"] = jobs["trend"]["2019"] = jobs["facilitation_share"] = Masked(SECONDARY)
    jobs["growth_since_first_year"] = Masked(SECONDARY)
    jobs["by_contract"]["CDD"] = Masked(SECONDARY)
    hold["n"] = Masked(SMALL_COUNT)
    hold["situation_counts"]["autre"] = Masked(SMALL_COUNT)
    cohorts = raw_cohorts.astype(object)  # as `Protection.situation_by_cohort` gives it
    cohorts["total"] = raw_cohorts.sum(axis=1).astype(object)
    cohorts.iloc[0, 0] = Masked(SECONDARY)
    cohorts.iloc[1, -1] = Masked(SMALL_COUNT)
    ctx = ReportContext(na_2019.params, figures)
    wb = openpyxl.load_workbook(
        workbook.key_figures_workbook(ctx, tmp_path / "m.xlsx", data_date=DATA_DATE, cohort_table=cohorts)
    )
    key = _by_label(wb["Chiffres clés"])
    assert key["Emplois recensés en 2019"] == "secret" and key["Emplois en CDI"] == 195
    assert key["Titulaires de la certification suivis"] == "< 5"
    assert key["Part des titulaires aujourd'hui en poste de facilitateur·rice"] == "secret"
    contracts = _rows(wb["Contrats"])
    assert contracts[1][1:] == (195, "secret") and contracts[2][1:] == ("secret", "secret")
    assert contracts[5] == ("Total", "secret", "secret")
    assert _by_label(wb["Évolution"])[2019] == "secret"
    situations = _rows(wb["Situations"])
    assert situations[7] == ("Total", "< 5", "secret") and {r[2] for r in situations[1:7]} == {"secret"}
    promotions = _rows(wb["Promotions"])
    assert promotions[1][:3] == ("NA-2015-1", 2015, "secret") and promotions[1][-1] == 28
    assert promotions[2][-1] == "< 5" and set(promotions[2][2:-1]) == {"secret"}  # no detail for a hidden size


# --- the certification workbooks -----------------------------------------------------------------

TWO_JOBS = ["facilitation", "autre_coordination"]
TWO_JOBS_FR = "« En poste de facilitateur·rice » et « Autre poste de chargé·e de projet / coordinateur·rice »"


@pytest.fixture(scope="module")
def certification_na_2019():
    from tlanalysis.report.certification import CertificationContext

    return CertificationContext.from_parameters(validate_parameters(2019, "Nouvelle-Aquitaine", target_jobs=TWO_JOBS))


@pytest.fixture(scope="module")
def certification_workbook(certification_na_2019, tmp_path_factory):
    from tlanalysis.export.dossier import write_certification_workbook

    folder = tmp_path_factory.mktemp("certification-xlsx")
    return write_certification_workbook(certification_na_2019, folder / "certification-75-2019.xlsx")


@pytest.fixture(scope="module")
def dossier_workbook(tmp_path_factory):
    from tlanalysis.compute.certification import certification_figures
    from tlanalysis.export.dossier import write_dossier
    from tlanalysis.reference import FRANCE
    from tlanalysis.validate.dataset import load_dataset

    ds = load_dataset()
    figures = certification_figures(ds.holders, ds.assessments, FRANCE, TWO_JOBS)
    return write_dossier(figures, tmp_path_factory.mktemp("dossier") / "dossier.xlsx", ds)


def _sources_by_label(path: Path) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in _rows(openpyxl.load_workbook(path)["Sources"]) if row and row[0]}


def test_certification_workbook_sources_sheet(certification_workbook, certification_na_2019, tmp_path):
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.export.dossier import write_certification_workbook

    wb = openpyxl.load_workbook(certification_workbook)
    assert wb.sheetnames == ["Années de certification", "Promotions", "Sources"]
    sources = _sources_by_label(certification_workbook)
    title = "Certification et insertion en Nouvelle-Aquitaine — 2019"
    assert sources["Rapport"][:2] == (title, "certification-75-2019")
    assert sources["Champ"][1] == "Nouvelle-Aquitaine"
    assert sources["Date des données"][:2] == (dt.datetime(2024, 3, 1), "1er mars 2024")
    for name in ("employment.csv", "holders.csv", "assessments.csv"):  # hashed here, not by the library
        digest = hashlib.sha256((SAMPLE_DATA_DIR / name).read_bytes()).hexdigest()
        assert sources[name][:2] == (digest[:12], digest), name
    rule = sources["Secret statistique"][0]
    assert rule.startswith("k = 5 : ") and "« < 5 »" in rule and "« secret »" in rule
    assert "--min-count" in sources["Secret statistique"][1]
    assert "÷ (répondants − neutralisés)" in sources["Taux d'insertion (France Compétences)"][0]
    assert sources["Neutralisés"][1] == "poursuite_etudes, inapte, hors_marche_francais"
    assert "certifiés (les 3 blocs validés) ÷ présentés" in sources["Taux de réussite (Qualiopi, indicateur 3)"][0]
    assert sources["Métier visé"][0] == TWO_JOBS_FR
    assert sources["Métier visé"][1].startswith("facilitation, autre_coordination ")
    assert "Données d'exemple fictives" in sources["Avertissement"][0]
    notes = " ".join(str(r[0]) for r in _rows(wb["Années de certification"]) if r[0])
    assert f"Métier visé : {TWO_JOBS_FR}" in notes and "feuille « Sources »" in notes
    again = write_certification_workbook(certification_na_2019, tmp_path / "again.xlsx")
    assert again.read_bytes() == certification_workbook.read_bytes()  # same data, same bytes


def test_dossier_sources_sheet_states_its_status(dossier_workbook):
    from tlanalysis.export.dossier import WORKING_DOCUMENT

    assert openpyxl.load_workbook(dossier_workbook).sheetnames == ["France Compétences", "Détail", "Sources"]
    sources = _sources_by_label(dossier_workbook)
    assert sources["Statut"][0] == WORKING_DOCUMENT and "ne pas publier" in WORKING_DOCUMENT
    assert "Secret statistique" not in sources and sources["Métier visé"][0] == TWO_JOBS_FR
    assert "Taux de réussite (Qualiopi, indicateur 3)" not in sources  # the dossier shows no jury results


def _libreoffice_sheets(path: Path, tmp_path: Path) -> dict[str, str]:
    """Every sheet of a workbook as LibreOffice reads it (sheet name -> CSV text)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice
    out = tmp_path / path.stem
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            # UTF-8 CSV, every sheet to its own file (token 12: -1), <name>-<sheet>.csv
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    sheets = {p.stem.removeprefix(f"{path.stem}-"): p.read_text(encoding="utf-8") for p in out.glob("*.csv")}
    assert list(sheets) and set(sheets) == set(openpyxl.load_workbook(path).sheetnames)
    return sheets


@pytest.mark.slow
@pytest.mark.requires_tool("libreoffice")
def test_workbooks_open_in_libreoffice(workbook_path, certification_workbook, dossier_workbook, tmp_path):
    """LibreOffice reads the files too, every sheet, « Sources » included (CI installs it; skipped
    elsewhere when it is not installed)."""
    from tlanalysis.config import SAMPLE_DATA_DIR

    holders_hash = hashlib.sha256((SAMPLE_DATA_DIR / "holders.csv").read_bytes()).hexdigest()
    annual = _libreoffice_sheets(workbook_path, tmp_path)
    assert "Indicateur" in annual["Chiffres clés"] and "269" in annual["Chiffres clés"]
    assert holders_hash in annual["Sources"] and "La Tribune Objectif Aquitaine" in annual["Sources"]
    certification = _libreoffice_sheets(certification_workbook, tmp_path)
    dossier = _libreoffice_sheets(dossier_workbook, tmp_path)
    assert "Année d'obtention de la certification" in certification["Années de certification"]
    assert "Nombre de certifiés à la suite d'un parcours VAE" in dossier["France Compétences"]
    for name, sources in (("certification", certification["Sources"]), ("dossier", dossier["Sources"])):
        assert holders_hash in sources and "Taux d'insertion (France Compétences)" in sources, name
        assert TWO_JOBS_FR in sources, name
    assert "k = 5" in certification["Sources"] and "Document de travail" in dossier["Sources"]
