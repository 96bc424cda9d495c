"""Accessibility of a build from the bundled data, in Chromium: every page (the index, the annual and the
certification reports) passes axe-core's WCAG 2.1 A/AA rules; every chart is named and described; a
table that scrolls on its own scrolls from the keyboard."""

from __future__ import annotations

import pytest

from support.axe import axe_violations

pytestmark = pytest.mark.slow


def test_every_page_of_a_build_passes_axe(browser, real_site):
    pages = sorted(real_site.rglob("*.html"))
    names = {p.name for p in pages}
    assert {"index.html", "france.html", "certification-france.html", "75-nouvelle-aquitaine.html"} <= names
    violations = [line for page in pages for line in axe_violations(browser, page)]
    assert not violations, "\n".join(violations)


def _charts(browser, path):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_selector(".plotly-graph-div svg.main-svg")
        return page.evaluate(
            """() => [...document.querySelectorAll('.plotly-graph-div')].map(d => ({
                id: d.id, role: d.getAttribute('role'), name: d.getAttribute('aria-label'),
                description: (document.getElementById(d.getAttribute('aria-describedby')) || {}).textContent || '',
                drawn: !!d.querySelector('svg.main-svg')}))"""
        )
    finally:
        context.close()


def test_every_chart_has_a_name_and_a_description_from_its_data(browser, real_site):
    for name in ("75-nouvelle-aquitaine.html", "france.html", "certification-france.html"):
        found = _charts(browser, real_site / "2019" / name)
        assert found, name
        for chart in found:
            assert chart["drawn"] and chart["role"] == "img", chart
            assert chart["name"] and chart["description"], chart
    region = {c["id"]: c for c in _charts(browser, real_site / "2019" / "75-nouvelle-aquitaine.html")}
    contracts = region["chart-75-2019-contracts"]
    assert contracts["name"] == "Emplois par type de contrat, 2019"
    # the seed page's figures, read from the chart's own data (French formats)
    assert "195 emplois (72,5\u00a0%)" in contracts["description"]
    assert "74 emplois" in contracts["description"]
    situations = region["chart-75-2019-situations"]["description"]
    assert situations.startswith("Diagramme en anneau") and "54,5\u00a0%" in situations


def test_scrollable_tables_take_the_keyboard(browser, real_site):
    context = browser.new_context(viewport={"width": 420, "height": 800})
    try:
        page = context.new_page()
        page.goto((real_site / "2019" / "certification-france.html").as_uri(), wait_until="load")
        regions = page.locator(".tl-scroll")
        assert regions.count() >= 1
        for i in range(regions.count()):
            region = regions.nth(i)
            assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
            assert region.get_attribute("aria-label")
        first = regions.nth(0)
        assert first.evaluate("e => e.scrollWidth > e.clientWidth"), "the table should overflow at 420 px"
        first.focus()
        assert first.evaluate("e => document.activeElement === e")
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        # Chromium scrolls smoothly: wait for the region to move (it stays still without keyboard access)
        first.evaluate(
            "e => new Promise(r => { let n = 0; "
            "const t = () => (e.scrollLeft > 0 || n++ > 60) ? r() : setTimeout(t, 50); t(); })"
        )
        assert first.evaluate("e => e.scrollLeft") > 0
    finally:
        context.close()
