"""A chart in words, for screen readers and whoever cannot see it: its accessible name (the title) and a
short French description made from the values it draws.

The description is read from the figure, not from the report's data: a chart is drawn from protected,
plottable values (`protect.masked.plottable`), so its description says exactly what the chart shows and
nothing more. The words of each value are the chart's own hover labels (« CDI<br>195 emplois (72,5 %) »,
already written in French by `formatting`); a chart without hover labels is read from its categories
and the text on its bars.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import plotly.graph_objects as go

from ..formatting import fmt_int
from ..wording import CHART, CHART_KINDS, chart_description, heatmap_range

#: How many values a description lists before « etc. » (the table has them all).
MAX_ITEMS = 8

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\n]+")
_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


def plain(label: object) -> str:
    """A plotly pseudo-HTML label as plain text: « <b>Bretagne</b><br>12 emplois » → « Bretagne : 12 emplois »."""
    text = _BREAK.sub(" : ", str(label))
    return _SPACES.sub(" ", html.unescape(_TAGS.sub("", text))).strip()  # keeps French no-break spaces


def chart_title(fig: go.Figure) -> str:
    """The chart's title as plain text (its accessible name), « Graphique » without one."""
    title = fig.layout.title.text if fig.layout.title is not None else None
    return plain(title) if title else CHART


def _hover_items(trace) -> list[str] | None:
    """The values as the hover labels write them; None when the trace has none."""
    if trace.type == "sankey":
        rows = trace.link.customdata
        return [plain(row) for row in rows] if rows is not None else None
    rows = getattr(trace, "customdata", None)
    if rows is None:
        return None
    labels = [row[0] if isinstance(row, list | tuple) else row for row in rows]
    # a label without a value (a region outline, an inset frame) describes nothing
    return [plain(label) for label in labels if label and "<br" in str(label)]


def _fmt(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_int(value) if float(value).is_integer() else str(value).replace(".", ",")
    return plain(value)


def _heatmap_items(trace) -> list[str]:
    """A table of colours: its size and its lowest and highest cells, as its cells write them."""
    z, text = trace.z, trace.text
    if z is None or text is None:
        return []
    cells = [(value, label) for zs, ts in zip(z, text, strict=False) for value, label in zip(zs, ts, strict=False)]
    drawn = [(value, label) for value, label in cells if value is not None]
    if not drawn:
        return []
    low, high = min(drawn, key=lambda cell: cell[0]), max(drawn, key=lambda cell: cell[0])
    return [heatmap_range(len(z), max(len(row) for row in z), plain(low[1]), plain(high[1]))]


def _point_items(trace) -> list[str]:
    """The values read from a trace's categories and texts (charts without hover labels)."""
    horizontal = getattr(trace, "orientation", None) == "h"
    if trace.type == "pie":
        categories, values = trace.labels, trace.values
    elif trace.type in ("bar", "scatter"):
        categories = trace.y if horizontal else trace.x
        values = trace.x if horizontal else trace.y
    elif trace.type == "heatmap":
        return _heatmap_items(trace)
    else:  # a map's markers: the regions' own traces say their values
        return []
    if categories is None or values is None:
        return []
    texts = getattr(trace, "text", None)
    texts = list(texts) if isinstance(texts, list | tuple) else None
    prefix = f"{plain(trace.name)}, " if getattr(trace, "name", None) else ""
    items = []
    for i, (category, value) in enumerate(zip(categories, values, strict=False)):
        if value is None:
            continue
        shown = texts[i] if texts is not None and i < len(texts) and texts[i] not in (None, "") else value
        items.append(f"{prefix}{plain(category)} : {_fmt(shown)}")
    return items


def _items(traces: Iterable) -> list[str]:
    items: list[str] = []
    for trace in traces:
        if getattr(trace, "visible", None) is False:
            continue
        hover = _hover_items(trace)
        found = hover if hover is not None else _point_items(trace)
        # horizontal bars are drawn from the bottom up: read them from the top
        items += found[::-1] if getattr(trace, "orientation", None) == "h" else found
    return items


def describe(fig: go.Figure) -> str:
    """« Diagramme en barres : Contrat à durée indéterminée (CDI) : 195 emplois (72,5 %) ; … »."""
    traces = list(fig.data)
    kinds = [trace.type for trace in traces if trace.type in CHART_KINDS]
    kind = CHART_KINDS[kinds[0]] if kinds else CHART
    items = _items(traces)
    return chart_description(kind, items[:MAX_ITEMS], len(items) > MAX_ITEMS)


__all__ = ["MAX_ITEMS", "chart_title", "describe", "plain"]
