"""Charts of the reports: one house style, French text, French numbers.

Builders take plain data (the dicts of `tlanalysis.indicators.key_figures`, or
its frames) and return a `plotly.graph_objects.Figure` with the "tlanalysis"
template. They compute nothing beyond what a label needs.

French numbers: plotly formats numbers with d3, which knows nothing of babel.
Axes use `layout.separators = ", "` (decimal comma, space between thousands);
every number a reader sees in a hover label or on a bar is a string formatted
by `tlanalysis.formatting` and passed as `customdata`/`text`, never a d3 format.

Text from the data (cohort labels) is HTML-escaped before it reaches plotly,
which otherwise interprets tags such as <b> or <a> in labels; plotly turns the
entities back into characters on screen.

Disclosure: builders draw what they are given. Reports give them
`tlanalysis.disclosure.plottable(...)` data, so a masked figure is never drawn
(not even as 0); shares in labels are over the `total` passed (the published
total), never over a sum of what is drawn, and without a total no share is
written. A part that is withheld is drawn only as an unlabelled remainder of a
published total (`withheld`), never as its own value.

Display contract with the build (`chart_html`, `show`): a report shows a chart
as an HTML fragment with a stable id and *without* plotly.js; the build adds
plotly.js once per page. See `chart_html`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .formatting import (
    CONTRACT_SHORT,
    PLOTLY_SEPARATORS,
    contract_label,
    fmt_int,
    fmt_pct,
    role_label,
    situation_label,
    status_label,
)
from .indicators import share

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

#: What the display modebar / responsiveness should be in reports.
HTML_CONFIG = {"displayModeBar": False, "responsive": True}

RENDERS = ("interactive", "report")

_CHART_ID = re.compile(r"^[a-z][a-z0-9-]*$")


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


def _figure(title: str, height: int, **layout) -> go.Figure:
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


def _hover(lines: list[str]) -> list[list[str]]:
    return [[line] for line in lines]


_HOVER = "%{customdata[0]}<extra></extra>"

#: `total` default of the builders: the sum of the values given (all of them are published).
AUTO = object()

#: Drawn for the remainder of a published total whose parts are withheld (secret statistique).
WITHHELD_LABEL = "Non diffusé (secret statistique)"
WITHHELD_COLOUR = "#eceef1"


def _base(values: Mapping[str, Any] | list, total: Any) -> float | None:
    """The base of the shares in labels: the given total, the sum of the values (AUTO), or None (no share)."""
    if total is AUTO:
        return sum(int(v) for v in (values.values() if isinstance(values, Mapping) else values) if v is not None)
    if total is None or isinstance(total, str):  # a masked total is text: no share
        return None
    return total


def _with_share(text: str, n: int, base: float | None, suffix: str = "") -> str:
    """« 12 emplois (4,5 %) », or without the share when there is no base."""
    return f"{text} ({fmt_pct(share(n, base))}{suffix})" if base is not None else text


def _text(value: object) -> str:
    """Text from the data, safe for plotly's pseudo-HTML labels."""
    return html.escape(str(value), quote=False)


# --- builders -----------------------------------------------------------------------------------


def contracts_bar(
    by_contract: Mapping[str, int], title: str = "Emplois par type de contrat", total: object = AUTO
) -> go.Figure:
    """Jobs per contract (`key_figures(...)["jobs"]["by_contract"]`), every contract given shown; hover
    shares over `total` (default: the sum; None: no share)."""
    total = _base(by_contract, total)
    keys = list(by_contract)
    counts = [int(by_contract[k]) for k in keys]
    fig = _figure(title, height=360, showlegend=False)
    fig.add_bar(
        x=[CONTRACT_SHORT.get(k, _text(k)) for k in keys],
        y=counts,
        text=[fmt_int(n) for n in counts],
        textposition="outside",
        cliponaxis=False,
        marker_color=PALETTE[0],
        customdata=_hover(
            [
                _with_share(f"{_text(contract_label(k))}<br>{fmt_int(n)} emplois", n, total)
                for k, n in zip(keys, counts, strict=True)
            ]
        ),
        hovertemplate=_HOVER,
    )
    fig.update_yaxes(title_text="Nombre d'emplois", rangemode="tozero")
    fig.update_xaxes(title_text="Contrat")
    return fig


def roles_bar(by_role: Mapping[str, int], title: str = "Emplois par fonction", total: object = AUTO) -> go.Figure:
    """Jobs per role, horizontal bars (long French labels), in schema order from the top; shares over `total`."""
    total = _base(by_role, total)
    keys = list(by_role)[::-1]  # plotly draws the first category at the bottom
    counts = [int(by_role[k]) for k in keys]
    fig = _figure(title, height=80 + 48 * len(keys), showlegend=False)
    fig.add_bar(
        y=[_text(role_label(k)) for k in keys],
        x=counts,
        orientation="h",
        text=[_with_share(fmt_int(n), n, total) for n in counts],
        textposition="outside",
        cliponaxis=False,
        marker_color=PALETTE[0],
        customdata=_hover(
            [
                _with_share(f"{_text(role_label(k))}<br>{fmt_int(n)} emplois", n, total)
                for k, n in zip(keys, counts, strict=True)
            ]
        ),
        hovertemplate=_HOVER,
    )
    fig.update_xaxes(title_text="Nombre d'emplois", rangemode="tozero")
    fig.update_yaxes(title_text="")
    fig.update_layout(margin={"r": 96})
    return fig


def jobs_trend_line(
    trend: Mapping[int | str, int], title: str = "Évolution du nombre d'emplois", years: list[int] | None = None
) -> go.Figure:
    """Jobs per survey year (`key_figures(...)["jobs"]["trend"]`); years are categories, not numbers,
    so that 2019 is never written « 2 019 ». `years`: every survey year of the axis; a year without a
    value in `trend` (withheld) is a gap in the line."""
    given = {int(y): int(n) for y, n in trend.items()}
    years = sorted(set(given) | {int(y) for y in (years or [])})
    counts = [given.get(y) for y in years]
    fig = _figure(title, height=360, showlegend=False)
    fig.add_scatter(
        x=[str(y) for y in years],
        y=counts,
        mode="lines+markers+text",
        connectgaps=False,
        text=[fmt_int(n) if n is not None else "" for n in counts],
        textposition="top center",
        cliponaxis=False,
        line={"color": PALETTE[0], "width": 3},
        marker={"size": 8},
        customdata=_hover(
            [
                f"Enquête {y}<br>{fmt_int(n)} emplois" if n is not None else f"Enquête {y}"
                for y, n in zip(years, counts, strict=True)
            ]
        ),
        hovertemplate=_HOVER,
    )
    fig.update_xaxes(title_text="Année d'enquête", type="category")
    fig.update_yaxes(title_text="Nombre d'emplois", rangemode="tozero")
    return fig


def situations_by_cohort_bar(
    table: pd.DataFrame,
    title: str = "Situation actuelle des titulaires, par promotion",
    totals: list | None = None,
    withheld: list | None = None,
) -> go.Figure:
    """Stacked bars of holders per cohort and situation (`indicators.situation_by_cohort`: rows
    (cohort_year, cohort), one column per situation). Hover gives the count and the cohort's share.

    A cell that is None or NaN (withheld) is not drawn. `totals`: each cohort's size for the shares
    (default: the row sums; None for a cohort: no share); `withheld`: per cohort, the remainder of its
    published size whose situations are withheld, drawn as one unlabelled grey segment."""
    cohorts = [_text(idx[-1] if isinstance(idx, tuple) else idx) for idx in table.index]
    if totals is None:
        totals = table.sum(axis=1).tolist()
    totals = [None if t is None or isinstance(t, str) else t for t in totals]
    fig = _figure(title, height=max(320, 140 + 40 * len(cohorts)), barmode="stack")
    for situation in table.columns:
        counts = [None if n is None or pd.isna(n) else int(n) for n in table[situation]]
        if all(n is None for n in counts):
            continue
        label = _text(situation_label(str(situation)))
        fig.add_bar(
            name=label,
            y=cohorts,
            x=counts,
            orientation="h",
            marker_color=SITUATION_COLOURS.get(str(situation)),
            customdata=_hover(
                [
                    _with_share(
                        f"{c} — {label}<br>{fmt_int(n)} titulaire{'s' if n > 1 else ''}", n, t, " de la promotion"
                    )
                    if n is not None
                    else ""
                    for c, n, t in zip(cohorts, counts, totals, strict=True)
                ]
            ),
            hovertemplate=_HOVER,
        )
    if withheld and any(withheld):
        fig.add_bar(
            name=WITHHELD_LABEL,
            y=cohorts,
            x=[w if w else None for w in withheld],
            orientation="h",
            marker={"color": WITHHELD_COLOUR, "line": {"color": "#9aa5b1", "width": 1}},
            customdata=_hover([f"{c} — {WITHHELD_LABEL}" for c in cohorts]),
            hovertemplate=_HOVER,
        )
    fig.update_xaxes(title_text="Nombre de titulaires")
    fig.update_yaxes(title_text="Promotion", autorange="reversed", type="category")
    fig.update_layout(margin={"t": 110}, title={"y": 0.98, "yanchor": "top", "yref": "container"})
    return fig


def situations_donut(
    situation_counts: Mapping[str, int],
    title: str = "Situation actuelle des titulaires",
    total: object = AUTO,
    withheld: int = 0,
) -> go.Figure:
    """Share of holders in each situation; empty situations are left out of the ring.

    `total`: the base of the shares (default: the sum); `withheld`: holders of the published total whose
    situations are withheld, drawn as one grey slice « Non diffusé » without any number, so that the
    ring's slices keep their true proportions."""
    keys = [k for k, n in situation_counts.items() if n]
    total = _base(situation_counts, total)
    counts = [int(situation_counts[k]) for k in keys]
    labels = [_text(situation_label(k)) for k in keys]
    colours = [SITUATION_COLOURS.get(k) for k in keys]
    hover = [_with_share(f"{lab}<br>{fmt_int(n)} titulaires", n, total) for lab, n in zip(labels, counts, strict=True)]
    text = [fmt_pct(share(n, total)) if total is not None else fmt_int(n) for n in counts]
    if withheld:
        labels, counts = [*labels, WITHHELD_LABEL], [*counts, int(withheld)]
        colours, hover, text = [*colours, WITHHELD_COLOUR], [*hover, WITHHELD_LABEL], [*text, ""]
    fig = _figure(title, height=420)
    fig.add_pie(
        labels=labels,
        values=counts,
        hole=0.55,
        sort=False,
        direction="clockwise",
        marker={"colors": colours, "line": {"color": "white", "width": 2}},
        customdata=_hover(hover),
        text=text,
        textinfo="text",
        hovertemplate=_HOVER,
    )
    fig.update_layout(legend={"orientation": "v", "y": 0.5, "yanchor": "middle", "x": 1.02})
    return fig


#: The Sankey's flows: trajectory group → (status at entry, outcome node).
_TRAJECTORY_FLOWS = {
    "demandeur_emploi_vers_actif": ("demandeur_emploi", "En emploi"),
    "etudiant_vers_actif": ("etudiant", "En emploi"),
    "actif_vers_createur": ("actif", "Création d'entreprise"),
    "changement_de_poste": ("actif", "Changement de poste"),
}


def trajectories_sankey(
    trajectory_counts: Mapping[str, int],
    title: str = "Parcours des titulaires : de l'entrée en formation à aujourd'hui",
    total: object = AUTO,
    withheld: tuple[str, ...] | list[str] = (),
) -> go.Figure:
    """Status at entry (left) → situation today (right), one flow per trajectory group
    (`key_figures(...)["holders"]["trajectory_counts"]`); shares are over the four groups (`total`).

    `withheld`: groups whose count is withheld. They are not drawn, and a node one of them flows
    through is labelled without a count (its drawn flows would understate it)."""
    total = _base(trajectory_counts, total)
    incomplete = {node for group in withheld for node in _TRAJECTORY_FLOWS.get(group, ())}
    statuses = list(dict.fromkeys(status for status, _ in _TRAJECTORY_FLOWS.values()))
    outcomes = list(dict.fromkeys(outcome for _, outcome in _TRAJECTORY_FLOWS.values()))
    nodes = [status_label(s) for s in statuses] + outcomes
    node_count = [0] * len(nodes)
    source, target, value, link_hover = [], [], [], []
    for group, (status, outcome) in _TRAJECTORY_FLOWS.items():
        n = int(trajectory_counts.get(group, 0))
        if not n:
            continue
        s, t = statuses.index(status), len(statuses) + outcomes.index(outcome)
        node_count[s] += n
        node_count[t] += n
        source.append(s)
        target.append(t)
        value.append(n)
        link_hover.append(
            _with_share(f"{_text(status_label(status))} → {_text(outcome)}<br>{fmt_int(n)} titulaires", n, total)
        )
    keys = statuses + outcomes
    complete = [key not in incomplete for key in keys]
    node_hover = [
        _with_share(f"{_text(label)}<br>{fmt_int(n)} titulaires", n, total) if ok else _text(label)
        for label, n, ok in zip(nodes, node_count, complete, strict=True)
    ]
    colours = [STATUS_COLOURS[s] for s in statuses] + [PALETTE[0], PALETTE[3], PALETTE[2]][: len(outcomes)]
    link_colours = [_rgba(colours[s], 0.5) for s in source]
    fig = _figure(title, height=380)
    fig.add_trace(
        go.Sankey(
            arrangement="fixed",
            valueformat="d",
            node={
                "label": [
                    f"{_text(label)} ({fmt_int(n)})" if ok else _text(label)
                    for label, n, ok in zip(nodes, node_count, complete, strict=True)
                ],
                "color": colours,
                "pad": 24,
                "thickness": 18,
                "line": {"width": 0},
                "customdata": node_hover,
                "hovertemplate": "%{customdata}<extra></extra>",
            },
            link={
                "source": source,
                "target": target,
                "value": value,
                "color": link_colours,
                "customdata": link_hover,
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# --- display contract ---------------------------------------------------------------------------


def chart_id(slug: str, name: str) -> str:
    """The stable id of a chart in a report: chart_id("75-2019", "contracts") → "chart-75-2019-contracts"."""
    return check_chart_id(f"chart-{slug}-{name}".lower())


def check_chart_id(value: str) -> str:
    if not isinstance(value, str) or not _CHART_ID.match(value):
        raise ValueError(f"chart id {value!r} must be lower-case letters, digits and hyphens, starting with a letter")
    return value


def chart_html(fig: go.Figure, chart_id: str) -> str:
    """The chart as an HTML fragment: a div with id `chart_id` and the script that draws it.

    plotly.js is not included: the page must load it once, before the first chart
    (the build injects it). The output depends only on the figure and the id (no
    random div id), so a report rebuilt from the same data is byte-identical.
    """
    return fig.to_html(
        include_plotlyjs=False, full_html=False, div_id=check_chart_id(chart_id), config=dict(HTML_CONFIG)
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
