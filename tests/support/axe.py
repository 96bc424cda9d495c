"""axe-core's WCAG 2.1 A/AA rules run on a page in Chromium (axe-playwright-python ships axe.min.js:
nothing is downloaded at test time)."""

from __future__ import annotations

from pathlib import Path

#: The rules of WCAG 2.0 and 2.1, levels A and AA (what the RGAA follows).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(browser, path: Path) -> list[str]:
    """Every violation of the page, one line each: rule, impact, how many elements, the first targets."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_function(
            "() => !window.Plotly || [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('svg.main-svg'))",
            timeout=30_000,
        )
        results = Axe().run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        )
    finally:
        context.close()
    return [
        f"{path.name}: {v['id']} ({v['impact']}) on {len(v['nodes'])} elements, "
        f"e.g. {[n['target'] for n in v['nodes'][:3]]}: {v['help']}"
        for v in results.response["violations"]
    ]
