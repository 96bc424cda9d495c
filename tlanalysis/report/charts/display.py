"""How a report shows a chart (the display contract with the build): an HTML fragment with a stable
id and without plotly.js, which the build adds once per page; offline maps need no topojson fetch."""

from __future__ import annotations

import re

import plotly.graph_objects as go

from ..html import esc
from .describe import chart_title, describe

#: What the display modebar / responsiveness should be in reports.
HTML_CONFIG = {"displayModeBar": False, "responsive": True}

RENDERS = ("interactive", "report")

_CHART_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def chart_id(slug: str, name: str) -> str:
    """The stable id of a chart in a report: chart_id("75-2019", "contracts") → "chart-75-2019-contracts"."""
    return check_chart_id(f"chart-{slug}-{name}".lower())


def check_chart_id(value: str) -> str:
    if not isinstance(value, str) or not _CHART_ID.match(value):
        raise ValueError(f"chart id {value!r} must be lower-case letters, digits and hyphens, starting with a letter")
    return value


_GEO_TRACES = {"choropleth", "scattergeo"}

#: Maps draw their own GeoJSON with every base layer off, but plotly.js still asks for its world
#: topojson whenever a geo trace has a `locationmode` (a choropleth always has one, "geojson-id"),
#: from a CDN. `PlotlyGeoAssets.topojson` is plotly.js's own cache of topojson files (what its
#: `plotly-geo-assets.js` bundle fills for offline use): an empty topology under the name the maps
#: use (scope "world", resolution 110) tells plotly.js there is nothing to fetch. Placed before a
#: map's `newPlot`, after plotly.js is loaded.
GEO_OFFLINE_SCRIPT = (
    "<script>(function(){var a=window.PlotlyGeoAssets=window.PlotlyGeoAssets||{};a.topojson=a.topojson||{};"
    'if(!a.topojson.world_110m){a.topojson.world_110m={"type":"Topology","objects":{},"arcs":[]};}})();</script>'
)


def chart_html(fig: go.Figure, chart_id: str) -> str:
    """The chart as an HTML fragment: a div with id `chart_id` and the script that draws it.

    plotly.js is not included: the page must load it once, before the first chart
    (the build injects it). The output depends only on the figure and the id (no
    random div id), so a report rebuilt from the same data is byte-identical.
    """
    markup = fig.to_html(
        include_plotlyjs=False, full_html=False, div_id=check_chart_id(chart_id), config=dict(HTML_CONFIG)
    )
    markup = accessible(markup, fig, chart_id)
    if any(trace.type in _GEO_TRACES for trace in fig.data):
        markup = GEO_OFFLINE_SCRIPT + markup
    return markup


#: Under a chart, its description (the page's style sheet is scoped to the report's own blocks).
_CAPTION_STYLE = "font-size:.9rem;color:#52606d;margin:.3rem 0 1rem;max-width:60rem"


def accessible(markup: str, fig: go.Figure, chart_id: str) -> str:
    """The chart's markup as a figure with an accessible name and a description.

    The plot's div is an image to assistive technologies (`role="img"`: plotly's SVG is not meant to
    be read) named by the chart's title, and described by a caption under it that says what the chart
    draws, value by value (`describe`), before the data table that follows it in the report."""
    opening = f'<div id="{chart_id}" class="plotly-graph-div"'
    if opening not in markup:
        raise ValueError(f"plotly's markup changed: {opening!r} not found")
    # not "chart-…": ids starting so are the charts' own
    described = f"description-{chart_id}"
    markup = markup.replace(
        opening,
        f'{opening} role="img" aria-label="{esc(chart_title(fig))}" aria-describedby="{described}"',
        1,
    )
    return (
        f'<figure class="tl-figure" style="margin:0">{markup}'
        f'<figcaption id="{described}" class="tl-chart-description" style="{_CAPTION_STYLE}">'
        f"{esc(describe(fig))}</figcaption></figure>"
    )


def show(fig: go.Figure, chart_id: str, render: str = "interactive") -> None:
    """Display a chart from a notebook.

    render="report" (papermill, for the build): as HTML from `chart_html`, which
    nbconvert keeps. Plotly's own renderer would emit only a plotly mimetype in a
    papermill kernel, which nbconvert's HTML export drops.
    render="interactive" (JupyterLab): `fig.show()`, with plotly's renderer.
    """
    if render == "report":
        from IPython.display import HTML, display

        display(HTML(chart_html(fig, chart_id)))
    elif render == "interactive":
        fig.show()
    else:
        raise ValueError(f"render must be one of {', '.join(RENDERS)}, got {render!r}")
