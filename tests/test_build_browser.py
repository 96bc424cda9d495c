"""Built pages in a real headless Chromium, opened from disk (file://) with the network blocked:
no JavaScript error, every plotly chart drawn, no code visible, index links working, and — for the
real annual report — the key figures on screen."""

from __future__ import annotations

import shutil

import pytest
from browser import assert_page_ok, open_page
from conftest import build

pytestmark = pytest.mark.slow


def test_index_links_open_reports_that_render(browser, fixture_site):
    index = open_page(browser, fixture_site / "index.html", wait_for_charts=False)
    assert not index.errors, index.errors
    assert "Rapports annuels des tiers-lieux" in index.text
    assert len(index.links) == 5
    for link in index.links:
        assert link.startswith("file://")
        target = fixture_site / link.split("/reports/", 1)[1]
        assert target.is_file(), link
        report = open_page(browser, target)
        assert_page_ok(report, min_charts=2)
        assert "FIXTURE" in report.text and "Rapport de test (fixture)" in report.text


def test_clicking_an_index_link_navigates_to_the_report(browser, fixture_site):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((fixture_site / "index.html").as_uri())
        page.click("text=2021 >> nth=1")  # the row after France
        page.wait_for_load_state("load")
        assert page.url.endswith(".html") and "/2021/" in page.url
        page.wait_for_selector("#chart-contracts svg.main-svg")
    finally:
        context.close()


def test_standalone_page_works_alone(browser, tmp_path):
    out = tmp_path / "reports"
    build(out, "--standalone", "--year", 2021, "--region", "Occitanie", jobs=1)
    alone = tmp_path / "elsewhere"
    alone.mkdir()
    page = shutil.copy(out / "2021" / "76-occitanie.html", alone / "rapport.html")  # as if e-mailed
    report = open_page(browser, page)
    assert_page_ok(report, min_charts=2)
    assert "FIXTURE Occitanie 2021" in report.text


def test_real_report_pages(browser, real_site):
    # the certification reports built beside them are tested in test_certification_report.py
    pages = sorted(p for p in (real_site / "2019").glob("*.html") if not p.name.startswith("certification-"))
    assert [p.name for p in pages] == ["75-nouvelle-aquitaine.html", "france.html"]
    for page in pages:
        report = open_page(browser, page)
        assert_page_ok(report, min_charts=3)
        assert "Données d'exemple fictives" in report.text
    region = open_page(browser, real_site / "2019" / "75-nouvelle-aquitaine.html")
    text = region.text
    # the published key figures for Nouvelle-Aquitaine 2019 (the example data is calibrated on them)
    for figure in ("195", "74", "54,5 %", "27 %", "13,5 %", "36 %", "10 %", "50 %", "4 %", "plus de 56 %"):
        assert figure in text, figure
    assert "Nouvelle-Aquitaine" in text and "2019" in text
    index = open_page(browser, real_site / "index.html", wait_for_charts=False)
    assert not index.errors
    assert sorted(link.rsplit("/", 2)[-2] + "/" + link.rsplit("/", 1)[-1] for link in index.links) == [
        "2019/75-nouvelle-aquitaine.html",
        "2019/certification-75-nouvelle-aquitaine.html",
        "2019/certification-france.html",
        "2019/france.html",
    ]
