"""Opening built pages in a real headless browser (Playwright driving Debian's Chromium).

No Playwright browser download is needed: the system `chromium` is launched. Without it the
browser tests are skipped with the reason, except on CI (env CI set) where they fail.
Every request that is not a local file is blocked and counted as an error: the pages must
work offline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

#: Selector for what a drawn plotly chart holds, by trace type (bars, lines and markers, pies, sankey…).
DRAWN = "svg.main-svg .trace, svg.main-svg .slice, svg.main-svg .sankey, svg.main-svg .point, svg.main-svg .hm image"


def find_chromium() -> str | None:
    """The Chromium the exports would use (BROWSER_PATH, /usr/bin/chromium, PATH), or None."""
    from tlanalysis.export import ExportError
    from tlanalysis.export import find_chromium as library_find_chromium

    try:
        return str(library_find_chromium())
    except ExportError:
        return None


def normalize_spaces(text: str) -> str:
    """French typography uses narrow no-break spaces (U+202F) and no-break spaces (U+00A0)."""
    return re.sub(r"[\u202f\u00a0\u2009\u2007]", " ", text)


@dataclass
class PageReport:
    url: str
    errors: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    text: str = ""
    visible_code_inputs: int = 0
    visible_prompts: int = 0
    links: list[str] = field(default_factory=list)
    chart_divs: int = 0


def open_page(browser, path: Path, wait_for_charts: bool = True) -> PageReport:
    """Load a local HTML file; collect JavaScript errors, console errors, blocked requests, charts."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    context = browser.new_context()
    page = context.new_page()
    report = PageReport(path.resolve().as_uri())
    page.on("pageerror", lambda exc: report.errors.append(f"pageerror: {exc}"))
    page.on(
        "console", lambda msg: report.errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
    )
    page.on("requestfailed", lambda request: report.errors.append(f"request failed: {request.url}"))

    def route(route_):
        if route_.request.url.startswith("file://"):
            route_.continue_()
        else:
            report.errors.append(f"network request (pages must work offline): {route_.request.url}")
            route_.abort()

    page.route("**/*", route)
    try:
        page.goto(report.url, wait_until="load")
        if wait_for_charts:
            # newPlot is asynchronous: wait until every chart div has drawn its svg
            try:
                page.wait_for_function(
                    "Array.from(document.querySelectorAll('.js-plotly-plot, [id^=chart-]'))"
                    ".every(d => d.querySelector('svg.main-svg'))",
                    timeout=15_000,
                )
            except PlaywrightTimeoutError:
                report.errors.append("charts not drawn within 15 s")
        report.charts = page.evaluate(
            """(drawn) => Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => ({
                   id: d.id,
                   svgs: d.querySelectorAll('svg.main-svg').length,
                   traces: (d.data || []).length,
                   drawn: d.querySelectorAll(drawn).length,
               }))""",
            DRAWN,
        )
        report.chart_divs = page.evaluate("document.querySelectorAll('[id^=chart-]').length")
        report.visible_code_inputs = page.evaluate(
            """() => Array.from(document.querySelectorAll(
                   '.jp-CodeCell .jp-InputArea, .jp-InputArea-editor, .highlight pre, .cm-editor'))
               .filter(e => e.offsetParent !== null && e.getClientRects().length).length"""
        )
        report.visible_prompts = page.evaluate(
            """() => Array.from(document.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt'))
               .filter(e => e.innerText.trim() && e.offsetParent !== null).length"""
        )
        report.links = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        report.text = normalize_spaces(page.inner_text("body"))
    finally:
        context.close()
    return report


def assert_page_ok(report: PageReport, min_charts: int = 1) -> None:
    assert not report.errors, f"{report.url}: {report.errors}"
    assert len(report.charts) >= min_charts, f"{report.url}: {len(report.charts)} charts drawn"
    assert report.chart_divs == len(report.charts), f"{report.url}: some chart divs were not drawn"
    for chart in report.charts:
        assert chart["svgs"] >= 1, f"{report.url}: chart {chart['id']} has no svg"
        assert chart["traces"] >= 1 and chart["drawn"] >= 1, f"{report.url}: chart {chart['id']} shows no data"
    assert report.visible_code_inputs == 0, f"{report.url}: code inputs are visible"
    assert report.visible_prompts == 0, f"{report.url}: In/Out prompts are visible"
