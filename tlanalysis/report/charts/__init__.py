"""Charts of the reports: one house style, French text, French numbers.

Builders take plain data (the dicts of `tlanalysis.compute.indicators.key_figures`, or
its frames) and return a `plotly.graph_objects.Figure` with the "tlanalysis"
template. They compute nothing beyond what a label needs.

French numbers: plotly formats numbers with d3, which knows nothing of babel.
Axes use `layout.separators = ", "` (decimal comma, space between thousands);
every number a reader sees in a hover label or on a bar is a string formatted
by `tlanalysis.report.formatting` and passed as `customdata`/`text`, never a d3 format.

Text from the data (cohort labels) is HTML-escaped before it reaches plotly,
which otherwise interprets tags such as <b> or <a> in labels; plotly turns the
entities back into characters on screen.

Disclosure: builders draw what they are given. Reports give them
`tlanalysis.protect.masked.plottable(...)` data, so a masked figure is never drawn
(not even as 0); shares in labels are over the `total` passed (the published
total), never over a sum of what is drawn, and without a total no share is
written. A part that is withheld is drawn only as an unlabelled remainder of a
published total (`withheld`), never as its own value.

Display contract with the build (`chart_html`, `show`): a report shows a chart
as an HTML fragment with a stable id and *without* plotly.js; the build adds
plotly.js once per page. See `chart_html`.
"""

from ..wording import MAP_LEGEND, WITHHELD_LABEL
from .builders import (
    contracts_bar,
    jobs_trend_line,
    regions_bar,
    regions_trend_grid,
    roles_bar,
    situations_by_cohort_bar,
    situations_donut,
    trajectories_sankey,
)
from .display import HTML_CONFIG, RENDERS, chart_html, chart_id, check_chart_id, show
from .maps import MapView, regions_map, regions_maps
from .style import PALETTE, SITUATION_COLOURS, STATUS_COLOURS, TEMPLATE_NAME, recoloured, use_house_style

__all__ = [
    "HTML_CONFIG",
    "MAP_LEGEND",
    "PALETTE",
    "RENDERS",
    "SITUATION_COLOURS",
    "STATUS_COLOURS",
    "TEMPLATE_NAME",
    "WITHHELD_LABEL",
    "MapView",
    "chart_html",
    "chart_id",
    "check_chart_id",
    "contracts_bar",
    "jobs_trend_line",
    "recoloured",
    "regions_bar",
    "regions_map",
    "regions_maps",
    "regions_trend_grid",
    "roles_bar",
    "show",
    "situations_by_cohort_bar",
    "situations_donut",
    "trajectories_sankey",
    "use_house_style",
]
