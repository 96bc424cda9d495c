"""The regions map (`charts.regions_map`): what it draws, and that it draws offline in Chromium."""

from __future__ import annotations

import pytest

from tlanalysis.protect.masked import Masked
from tlanalysis.reference import regions
from tlanalysis.report import charts
from tlanalysis.report.formatting import fmt_int, plain_spaces

VALUES = {"75": 1234, "53": 120, "76": Masked("secondary"), "04": 12, "11": 300, "06": None}
HOVER = {c: f"Région {c}<br>{fmt_int(v)} emplois" for c, v in VALUES.items()}


@pytest.fixture(scope="module")
def figure():
    return charts.regions_map(VALUES, HOVER, "Emplois par région, 2019", "Emplois", links={"75": "2019/75.html"})


def _traces(fig):
    return [t for t in fig.data if t.type == "choropleth"]


def test_every_region_is_drawn_once_with_only_its_own_boundary(figure):
    seen = [c for t in _traces(figure) for c in t.locations]
    assert sorted(seen) == sorted(regions()["code"])
    for trace in _traces(figure):
        assert [f["properties"]["code"] for f in trace.geojson["features"]] == list(trace.locations)


def test_values_masked_and_missing_regions(figure):
    data, masked, empty = _traces(figure)
    assert dict(zip(data.locations, data.z, strict=True)) == {"04": 12, "11": 300, "53": 120, "75": 1234}
    assert list(masked.locations) == ["76"] and masked.showscale is False
    assert {c for c, _ in masked.colorscale} == {0, 1} and {col for _, col in masked.colorscale} == {
        charts.maps.MASKED_COLOUR
    }
    assert "secret" in masked.customdata[0][0]
    assert "06" in empty.locations and "76" not in empty.locations
    assert [plain_spaces(t) for t in data.colorbar.ticktext] == ["12", "1 234"]  # French, drawn values only
    assert dict(zip(data.locations, (c[1] for c in data.customdata), strict=True))["75"] == "2019/75.html"


def test_no_base_layer_and_the_source_credited(figure):
    assert figure.layout.geo.visible is False and tuple(figure.layout.geo.lonaxis.range) == charts.maps.MAP_LON_RANGE
    assert "IGN Admin Express" in figure.layout.annotations[-1].text
    markup = charts.chart_html(figure, "chart-map")
    assert markup.startswith(charts.display.GEO_OFFLINE_SCRIPT)
    assert "cdn" not in markup.lower() and "https://" not in markup.replace("https://github.com", "")


def test_a_diverging_scale_is_centred_on_zero():
    fig = charts.regions_map({"75": -0.25, "53": 0.5}, {}, "Évolution", "Évolution", diverging=True)
    (data,) = _traces(fig)[:1]
    assert data.zmid == 0 and list(data.colorbar.tickvals) == [-0.25, 0, 0.5]


@pytest.mark.slow
def test_the_map_draws_offline_and_hovers_in_french(browser, figure, tmp_path):
    from tlanalysis.publish.export import plotly_js_path

    from support.browser import normalize_spaces, open_page

    page = tmp_path / "map.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><script src="{plotly_js_path().as_uri()}"></script>'
        f"</head><body>{charts.chart_html(figure, 'chart-map')}</body></html>",
        encoding="utf-8",
    )
    report = open_page(browser, page)
    assert not report.errors, report.errors  # the network is blocked: any request is an error
    context = browser.new_context()
    try:
        p = context.new_page()
        p.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
        p.goto(page.as_uri())
        p.wait_for_selector("#chart-map svg.main-svg path.choroplethlocation")
        assert p.locator("path.choroplethlocation").count() == 18
        fills = p.evaluate(
            "Array.from(document.querySelectorAll('path.choroplethlocation')).map(e => getComputedStyle(e).fill)"
        )
        assert fills.count("rgb(184, 191, 199)") == 1  # the masked region, grey
        box = p.evaluate(
            """() => { const gd = document.getElementById('chart-map');
                 const i = gd.data[0].locations.indexOf('75');
                 const el = document.querySelectorAll('.trace.choropleth')[0].querySelectorAll('path')[i];
                 const r = el.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }"""
        )
        p.mouse.move(*box)
        p.wait_for_selector(".hoverlayer .hovertext")
        assert "1 234 emplois" in normalize_spaces(p.text_content(".hoverlayer"))
    finally:
        context.close()
