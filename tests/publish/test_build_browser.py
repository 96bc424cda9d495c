"""Built pages in a real headless Chromium, opened from disk (file://) with the network blocked:
no JavaScript error, every plotly chart drawn, no code visible, index links working, and — for the
real annual report — the key figures on screen."""

from __future__ import annotations

import re
import shutil

import pytest

from support.browser import assert_page_ok, normalize_spaces, open_page
from support.build import build

pytestmark = pytest.mark.slow


def test_index_links_open_reports_that_render(browser, fixture_site):
    index = open_page(browser, fixture_site / "index.html", wait_for_charts=False)
    assert not index.errors, index.errors
    assert "Rapports annuels des tiers-lieux" in index.text
    pages = sorted({link for link in index.links if link.endswith(".html")})
    assert len(pages) == 5
    for link in pages:
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
        page.click("#rapports >> text=2021 >> nth=1")  # the row after France
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
    pages = {link.rsplit("/", 2)[-2] + "/" + link.rsplit("/", 1)[-1] for link in index.links if link.endswith(".html")}
    assert sorted(pages) == [
        "2019/75-nouvelle-aquitaine.html",
        "2019/certification-75-nouvelle-aquitaine.html",
        "2019/certification-france.html",
        "2019/france.html",
    ]


#: Centre of the (largest) drawn path of a region on a map: plotly binds each path to its location.
_REGION_CENTRE = """([chart, code, panel]) => {
    const paths = Array.from(document.querySelectorAll(`#${chart} path.choroplethlocation`))
        .filter(p => p.__data__ && p.__data__.loc === code);
    if (!paths[panel]) { return null; }
    const r = paths[panel].getBoundingClientRect();
    return [r.x + r.width / 2, r.y + r.height / 2];
}"""
_VISIBLE_ROWS = (
    "Array.from(document.querySelectorAll('#rapports tbody tr')).filter(r => !r.hidden).map(r => r.dataset.region)"
)
_SCALED = "d => d.type === 'choropleth' && d.showscale !== false"


def _centre(page, chart: str, code: str, panel: int = 0) -> list[float]:
    page.locator(f"#{chart}").scroll_into_view_if_needed()
    point = page.evaluate(_REGION_CENTRE, [chart, code, panel])
    assert point, f"{code} is not drawn on {chart}"
    return point


def _hover(page, chart: str, code: str, panel: int = 0) -> str:
    """The hover label's text (ordinary spaces) with the mouse over a region of a map."""
    page.mouse.move(*_centre(page, chart, code, panel))
    page.wait_for_selector(f"#{chart} .hoverlayer .hovertext")
    return normalize_spaces(page.text_content(f"#{chart} .hoverlayer"))


def _offline_page(browser):
    """A page whose every request that is not a local file is refused and recorded."""
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []

    def route(route_):
        if route_.request.url.startswith("file://"):
            route_.continue_()
        else:
            requests.append(route_.request.url)
            route_.abort()

    page.route("**/*", route)
    return context, page, requests


def test_index_map_hover_click_and_filter(browser, fixture_site):
    """The landing page: every region with a report drawn, a French hover, a click on a region opening its
    latest report, and the filter by region (accents ignored); nothing requested from the network."""
    context, page, requests = _offline_page(browser)
    try:
        page.goto((fixture_site / "index.html").as_uri())
        page.wait_for_selector("#chart-index-map path.choroplethlocation")
        assert page.locator("#chart-index-map path.choroplethlocation").count() == 18
        drawn = page.evaluate(
            f"document.getElementById('chart-index-map').data.filter({_SCALED}).flatMap(d => d.locations)"
        )
        assert sorted(drawn) == ["04", "53", "75", "76"]
        text = _hover(page, "chart-index-map", "53")
        assert "Bretagne" in text and "Cliquer pour ouvrir le rapport 2021" in text
        assert re.search(r"\d+ emplois en 2021", text)
        page.mouse.click(*_centre(page, "chart-index-map", "53"))
        page.wait_for_url("**/2021/53-bretagne.html")
        page.go_back()
        page.wait_for_selector("#filtre")
        page.fill("#filtre", "bret")
        assert page.evaluate(_VISIBLE_ROWS) == ["Bretagne (53)"]
        page.fill("#filtre", "reunion")
        assert page.evaluate(_VISIBLE_ROWS) == ["La Réunion (04)"]
        page.fill("#filtre", "zzz")
        assert page.evaluate(_VISIBLE_ROWS) == [] and page.is_visible("#aucun")
        page.fill("#filtre", "")
        assert len(page.evaluate(_VISIBLE_ROWS)) == 5 and not page.is_visible("#aucun")
    finally:
        context.close()
    assert not requests, requests


def test_national_report_maps_offline(browser, real_site):
    """« Les régions » of the real national report: drawn offline, the regions with data coloured, the
    hover in French."""
    context, page, requests = _offline_page(browser)
    try:
        page.goto((real_site / "2019" / "france.html").as_uri())
        for chart in ("regions-map", "regions-views", "regions-bar", "regions-trends"):
            page.wait_for_selector(f"#chart-france-2019-{chart} svg.main-svg")
        assert page.locator("#chart-france-2019-regions-map path.choroplethlocation").count() == 18
        assert page.locator("#chart-france-2019-regions-views path.choroplethlocation").count() == 36  # 2 panels
        drawn = page.evaluate(
            f"document.getElementById('chart-france-2019-regions-map').data.filter({_SCALED}).flatMap(d => d.locations)"
        )
        assert sorted(drawn) == ["75", "76"]
        text = _hover(page, "chart-france-2019-regions-map", "75")
        assert "269 emplois en 2019" in text and "du total national" in text
        assert "56,1 % des emplois en facilitation" in _hover(page, "chart-france-2019-regions-views", "75", panel=1)
        assert "Les régions comparées, 2019" in page.inner_text("body")
    finally:
        context.close()
    assert not requests, requests


def test_index_filter_covers_every_kind_of_report(browser, real_site):
    """The region filter filters the table of each kind of report (annual, certification)."""
    context, page, requests = _offline_page(browser)
    visible = (
        "Array.from(document.querySelectorAll('#rapports-certification tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.dataset.region)"
    )
    try:
        page.goto((real_site / "index.html").as_uri())
        page.wait_for_selector("#filtre")
        assert page.evaluate(visible) == ["France", "Nouvelle-Aquitaine (75)"]
        page.fill("#filtre", "aquitaine")
        assert page.evaluate(_VISIBLE_ROWS) == ["Nouvelle-Aquitaine (75)"]
        assert page.evaluate(visible) == ["Nouvelle-Aquitaine (75)"]
        page.fill("#filtre", "zzz")
        assert page.evaluate(visible) == [] and page.is_visible("#aucun")
    finally:
        context.close()
    assert not requests, requests
