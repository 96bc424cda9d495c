"""What goes to funders, through the real `tlanalysis build`: personal data never reaches an output,
data text is escaped in the browser, every export format opens, the same data gives the same
bytes, and `diff` tells what moved."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tlanalysis.config import SAMPLE_DATA_DIR

from support.browser import assert_page_ok, open_page
from support.build import build, run_tlanalysis

#: The module's build writes PDFs and chart images: without Chromium nothing here can run.
pytestmark = [pytest.mark.slow, pytest.mark.requires_tool("chromium")]

HOSTILE = "<script>alert(1)</script>"
PERSONAL = ("Dupont-Confidentiel", "jean.confidentiel@example.org")
REPORT = "2019/75-nouvelle-aquitaine"


def _data_with_hostile_text_and_personal_columns(folder: Path) -> Path:
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    holders = pd.read_csv(folder / "holders.csv", dtype=str, keep_default_na=False)
    first = holders.loc[holders["region"] == "75", "cohort"].iloc[0]
    holders.loc[holders["cohort"] == first, "cohort"] = HOSTILE
    holders["Nom"], holders["E-mail"] = PERSONAL
    holders.to_csv(folder / "holders.csv", index=False)
    assessments = pd.read_csv(folder / "assessments.csv", dtype=str, keep_default_na=False)  # the same cohort
    assessments.loc[assessments["cohort"] == first, "cohort"] = HOSTILE
    assessments.to_csv(folder / "assessments.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def funder_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("funder")
    data = _data_with_hostile_text_and_personal_columns(root / "data")
    refused = build(root / "refused", "--year", 2019, "--region", "75", notebook=None, data=data, expect=1)
    out = root / "reports"
    build(
        out,
        "--year",
        2019,
        "--region",
        "75",
        "--formats",
        "html,pdf,png,svg,xlsx",
        "--drop-personal-columns",
        notebook=None,
        data=data,
    )
    return root, data, out, refused


def test_personal_columns_are_refused_by_name_without_their_values(funder_build):
    _, _, _, refused = funder_build
    assert "column 'Nom'" in refused.stderr and "column 'E-mail'" in refused.stderr
    assert not any(value in refused.stdout + refused.stderr for value in PERSONAL)


@pytest.mark.requires_tool("poppler")
def test_no_personal_value_reaches_any_output(funder_build):
    _, _, out, _ = funder_build
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pdf" for p in files) and any(p.suffix == ".ipynb" for p in files)
    texts = [p.read_bytes() for p in files]
    texts += [
        subprocess.run(["pdftotext", str(p), "-"], capture_output=True).stdout for p in files if p.suffix == ".pdf"
    ]
    for value in PERSONAL:
        assert not any(value.encode() in blob for blob in texts), value


def test_data_text_is_shown_as_text_in_the_browser(funder_build, browser):
    _, _, out, _ = funder_build
    page = open_page(browser, out / f"{REPORT}.html")
    assert_page_ok(page, min_charts=4)
    assert HOSTILE in page.text
    certification = open_page(browser, out / "2019" / "certification-75-nouvelle-aquitaine.html")
    assert_page_ok(certification, min_charts=3)
    assert HOSTILE in certification.text  # the cohort label, in the jury results table
    context = browser.new_context()
    dialogs = []
    try:
        tab = context.new_page()
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.goto((out / f"{REPORT}.html").as_uri(), wait_until="load")
        tab.wait_for_timeout(500)
    finally:
        context.close()
    assert dialogs == []


@pytest.mark.requires_tool("poppler")
def test_pdf_is_a4_with_page_numbers_and_the_figures(funder_build):
    _, _, out, _ = funder_build
    pdf = out / f"{REPORT}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    for figure in ("195", "74", "54,5 %", "13,5 %", "36 %", "Page 1 /"):
        assert figure in flat, figure
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert ("595.2" in info and "841.9" in info) or "A4" in info


def test_chart_images_open(funder_build):
    _, _, out, _ = funder_build
    pngs = sorted((out / "2019" / "charts").glob("75-2019-*.png"))
    svgs = sorted((out / "2019" / "charts").glob("75-2019-*.svg"))
    assert len(pngs) >= 4 and len(svgs) == len(pngs)
    for png in pngs:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width >= 600 and height >= 300
        assert len(data) > 10_000  # a drawn chart, not an empty canvas
    assert ET.parse(svgs[0]).getroot().tag.endswith("svg")


def test_workbook_opens_with_french_sheets_and_sources(funder_build):
    _, _, out, _ = funder_build
    book = load_workbook(out / f"{REPORT}.xlsx")
    assert "Chiffres clés" in book.sheetnames and "Sources" in book.sheetnames
    values = [cell.value for row in book["Contrats"].iter_rows() for cell in row]
    assert 195 in values and 74 in values


def test_key_figures_json(funder_build):
    _, _, out, _ = funder_build
    figures = json.loads((out / f"{REPORT}.json").read_text(encoding="utf-8"))
    assert figures["example_data"] is True and figures["region_code"] == "75"
    assert figures["figures"]["jobs"]["by_contract"]["CDI"] == 195


def test_same_data_gives_the_same_bytes_and_diff_tells_what_moved(funder_build):
    root, data, out, _ = funder_build
    again = root / "again"
    build(again, "--year", 2019, "--region", "75", "--drop-personal-columns", notebook=None, data=data)
    for suffix in (".html", ".json"):
        assert (again / f"{REPORT}{suffix}").read_bytes() == (out / f"{REPORT}{suffix}").read_bytes(), suffix
    same = run_tlanalysis("diff", out, again)
    # the annual report and the certification report beside it, both byte-identical
    assert same.returncode == 0 and same.stdout.startswith("0 changed, 0 added, 0 removed, 2 unchanged")

    changed_data = root / "data-2"
    shutil.copytree(data, changed_data)
    with (changed_data / "employment.csv").open("a", encoding="utf-8") as handle:
        handle.write("2019,75,Tiers-lieu fictif 999,CDI,animation,1\n")
    newer = root / "newer"
    result = build(
        newer,
        "--year",
        2019,
        "--region",
        "75",
        "--drop-personal-columns",
        "--diff",
        out,
        notebook=None,
        data=changed_data,
    )
    assert "changed  2019/75-nouvelle-aquitaine" in result.stdout
    assert "jobs.by_contract.CDI: 195 → 196" in result.stdout
