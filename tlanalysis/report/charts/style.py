"""The house style of the charts: plotly template, colours, French separators, and the small
helpers every builder shares (labels with shares, safe text, the withheld remainder)."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from ...compute.indicators import share
from ..formatting import PLOTLY_SEPARATORS, fmt_pct

TEMPLATE_NAME = "tlanalysis"

FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT_COLOUR = "#1f2933"
GRID_COLOUR = "#e4e7eb"

#: The palette, colour-blind safe (Okabe–Ito order, teal first as the house colour).
PALETTE = ("#00798c", "#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#d55e00", "#0072b2", "#7a7a7a")

#: Fixed colours for holders' situations, so that every chart and report agrees.
SITUATION_COLOURS = {
    "facilitation": "#00798c",
    "autre_coordination": "#56b4e9",
    "autre_emploi": "#009e73",
    "recherche_emploi": "#e69f00",
    "autre": "#a0a7b0",
    "inconnu": "#d5d9de",
}
STATUS_COLOURS = {"demandeur_emploi": "#e69f00", "etudiant": "#cc79a7", "actif": "#0072b2"}


def _template() -> go.layout.Template:
    # exponentformat "none": French readers expect « 20 000 », not « 20k »
    axis = {
        "gridcolor": GRID_COLOUR,
        "linecolor": "#9aa5b1",
        "zerolinecolor": "#9aa5b1",
        "ticks": "",
        "exponentformat": "none",
        "automargin": True,
        "title": {"standoff": 12, "font": {"size": 13}},
    }
    return go.layout.Template(
        layout=go.Layout(
            font={"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOUR},
            title={"font": {"size": 16}, "x": 0, "xanchor": "left", "xref": "paper"},
            colorway=list(PALETTE),
            separators=PLOTLY_SEPARATORS,
            paper_bgcolor="white",
            plot_bgcolor="white",
            margin={"l": 16, "r": 16, "t": 56, "b": 16},
            hoverlabel={
                "bgcolor": "white",
                "bordercolor": "#9aa5b1",
                "font": {"family": FONT_FAMILY, "size": 13, "color": TEXT_COLOUR},
                "align": "left",
            },
            legend={
                "orientation": "h",
                "yanchor": "bottom",
                "y": 1.0,
                "xanchor": "left",
                "x": 0,
                "title": {"text": ""},
                "traceorder": "normal",
            },
            xaxis=axis,
            yaxis=axis,
            bargap=0.3,
        )
    )


pio.templates[TEMPLATE_NAME] = _template()


def use_house_style() -> None:
    """Make the house style plotly's default (for exploration notebooks; builders set it anyway)."""
    pio.templates.default = TEMPLATE_NAME


def new_figure(title: str, height: int, **layout) -> go.Figure:
    """An empty figure in the house style; `height` is fixed so the HTML div has a size."""
    fig = go.Figure()
    fig.update_layout(
        template=TEMPLATE_NAME,
        separators=PLOTLY_SEPARATORS,
        title={"text": html.escape(title, quote=False)},
        height=height,
        **layout,
    )
    return fig


def hover_data(lines: list[str]) -> list[list[str]]:
    return [[line] for line in lines]


HOVER_TEMPLATE = "%{customdata[0]}<extra></extra>"

#: `total` default of the builders: the sum of the values given (all of them are published).
AUTO = object()

#: Drawn for the remainder of a published total whose parts are withheld (`wording.WITHHELD_LABEL`).
WITHHELD_COLOUR = "#eceef1"


def share_base(values: Mapping[str, Any] | list, total: Any) -> float | None:
    """The base of the shares in labels: the given total, the sum of the values (AUTO), or None (no share)."""
    if total is AUTO:
        return sum(int(v) for v in (values.values() if isinstance(values, Mapping) else values) if v is not None)
    if total is None or isinstance(total, str):  # a masked total is text: no share
        return None
    return total


def with_share(text: str, n: int, base: float | None, suffix: str = "") -> str:
    """« 12 emplois (4,5 %) », or without the share when there is no base."""
    return f"{text} ({fmt_pct(share(n, base))}{suffix})" if base is not None else text


def safe_text(value: object) -> str:
    """Text from the data, safe for plotly's pseudo-HTML labels."""
    return html.escape(str(value), quote=False)


def rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _rgba_key(text: str) -> tuple[str, str] | None:
    """« rgba(0,121,140,0.5) » → ("#00798c", "0.5")."""
    match = re.match(r"^rgba\((\d+),(\d+),(\d+),([\d.]+)\)$", text.replace(" ", ""))
    if not match:
        return None
    r, g, b, alpha = match.groups()
    return f"#{int(r):02x}{int(g):02x}{int(b):02x}", alpha


def recoloured(fig: go.Figure, colours: Mapping[str, str]) -> go.Figure:
    """The figure with its house colours replaced (`colours`: house #rrggbb → brand #rrggbb), wherever
    they are: markers, lines, Sankey links (rgba), colour scales. Nothing else changes."""
    if not colours:
        return fig
    mapping = {k.lower(): v for k, v in colours.items()}

    def swap(value: Any) -> Any:
        if isinstance(value, str):
            lowered = value.lower()
            if lowered in mapping:
                return mapping[lowered]
            found = _rgba_key(lowered)
            if found is not None and found[0] in mapping:
                return rgba(mapping[found[0]], float(found[1]))
            return value
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [swap(v) for v in value]
        return value

    return go.Figure(swap(fig.to_dict()))
