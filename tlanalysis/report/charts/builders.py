"""Chart builders: plain data in (the dicts of `key_figures`, protected and made `plottable`), a
plotly figure in the house style out, every number written by `formatting`."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from ...compute.indicators import share
from ..formatting import PLOTLY_SEPARATORS, fmt_int, fmt_pct
from ..wording import (
    AXIS_HOLDERS,
    AXIS_JOBS,
    COHORT,
    CONTRACT,
    CONTRACT_SHORT,
    JOBS_CHANGE,
    OF_NATIONAL_TOTAL,
    REGIONS_TABLE,
    ROLES_TABLE,
    SITUATIONS_TABLE,
    SURVEY_YEAR,
    TRAJECTORY_OUTCOMES,
    WITHHELD_LABEL,
    contract_label,
    role_label,
    situation_label,
    status_label,
)
from .style import (
    AUTO,
    HOVER_TEMPLATE,
    PALETTE,
    SITUATION_COLOURS,
    STATUS_COLOURS,
    TEMPLATE_NAME,
    WITHHELD_COLOUR,
    hover_data,
    new_figure,
    rgba,
    safe_text,
    share_base,
    with_share,
)


def contracts_bar(
    by_contract: Mapping[str, int], title: str = "Emplois par type de contrat", total: object = AUTO
) -> go.Figure:
    """Jobs per contract (`key_figures(...)["jobs"]["by_contract"]`), every contract given shown; hover
    shares over `total` (default: the sum; None: no share)."""
    total = share_base(by_contract, total)
    keys = list(by_contract)
    counts = [int(by_contract[k]) for k in keys]
    fig = new_figure(title, height=360, showlegend=False)
    fig.add_bar(
        x=[CONTRACT_SHORT.get(k, safe_text(k)) for k in keys],
        y=counts,
        text=[fmt_int(n) for n in counts],
        textposition="outside",
        cliponaxis=False,
        marker_color=PALETTE[0],
        customdata=hover_data(
            [
                with_share(f"{safe_text(contract_label(k))}<br>{fmt_int(n)} emplois", n, total)
                for k, n in zip(keys, counts, strict=True)
            ]
        ),
        hovertemplate=HOVER_TEMPLATE,
    )
    fig.update_yaxes(title_text=AXIS_JOBS, rangemode="tozero")
    fig.update_xaxes(title_text=CONTRACT)
    return fig


def roles_bar(by_role: Mapping[str, int], title: str = ROLES_TABLE.title, total: object = AUTO) -> go.Figure:
    """Jobs per role, horizontal bars (long French labels), in schema order from the top; shares over `total`."""
    total = share_base(by_role, total)
    keys = list(by_role)[::-1]  # plotly draws the first category at the bottom
    counts = [int(by_role[k]) for k in keys]
    fig = new_figure(title, height=80 + 48 * len(keys), showlegend=False)
    fig.add_bar(
        y=[safe_text(role_label(k)) for k in keys],
        x=counts,
        orientation="h",
        text=[with_share(fmt_int(n), n, total) for n in counts],
        textposition="outside",
        cliponaxis=False,
        marker_color=PALETTE[0],
        customdata=hover_data(
            [
                with_share(f"{safe_text(role_label(k))}<br>{fmt_int(n)} emplois", n, total)
                for k, n in zip(keys, counts, strict=True)
            ]
        ),
        hovertemplate=HOVER_TEMPLATE,
    )
    fig.update_xaxes(title_text=AXIS_JOBS, rangemode="tozero")
    fig.update_yaxes(title_text="")
    fig.update_layout(margin={"r": 96})
    return fig


def jobs_trend_line(
    trend: Mapping[int | str, int], title: str = JOBS_CHANGE, years: list[int] | None = None
) -> go.Figure:
    """Jobs per survey year (`key_figures(...)["jobs"]["trend"]`); years are categories, not numbers,
    so that 2019 is never written « 2 019 ». `years`: every survey year of the axis; a year without a
    value in `trend` (withheld) is a gap in the line."""
    given = {int(y): int(n) for y, n in trend.items()}
    years = sorted(set(given) | {int(y) for y in (years or [])})
    counts = [given.get(y) for y in years]
    fig = new_figure(title, height=360, showlegend=False)
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
        customdata=hover_data(
            [
                f"Enquête {y}<br>{fmt_int(n)} emplois" if n is not None else f"Enquête {y}"
                for y, n in zip(years, counts, strict=True)
            ]
        ),
        hovertemplate=HOVER_TEMPLATE,
    )
    fig.update_xaxes(title_text=SURVEY_YEAR, type="category")
    fig.update_yaxes(title_text=AXIS_JOBS, rangemode="tozero")
    return fig


def situations_by_cohort_bar(
    table: pd.DataFrame,
    title: str = f"{SITUATIONS_TABLE.title}, par promotion",
    totals: list | None = None,
    withheld: list | None = None,
) -> go.Figure:
    """Stacked bars of holders per cohort and situation (`indicators.situation_by_cohort`: rows
    (cohort_year, cohort), one column per situation). Hover gives the count and the cohort's share.

    A cell that is None or NaN (withheld) is not drawn. `totals`: each cohort's size for the shares
    (default: the row sums; None for a cohort: no share); `withheld`: per cohort, the remainder of its
    published size whose situations are withheld, drawn as one unlabelled grey segment."""
    cohorts = [safe_text(idx[-1] if isinstance(idx, tuple) else idx) for idx in table.index]
    if totals is None:
        totals = table.sum(axis=1).tolist()
    totals = [None if t is None or isinstance(t, str) else t for t in totals]
    fig = new_figure(title, height=max(320, 140 + 40 * len(cohorts)), barmode="stack")
    for situation in table.columns:
        counts = [None if n is None or pd.isna(n) else int(n) for n in table[situation]]
        if all(n is None for n in counts):
            continue
        label = safe_text(situation_label(str(situation)))
        fig.add_bar(
            name=label,
            y=cohorts,
            x=counts,
            orientation="h",
            marker_color=SITUATION_COLOURS.get(str(situation)),
            customdata=hover_data(
                [
                    with_share(
                        f"{c} — {label}<br>{fmt_int(n)} titulaire{'s' if n > 1 else ''}", n, t, " de la promotion"
                    )
                    if n is not None
                    else ""
                    for c, n, t in zip(cohorts, counts, totals, strict=True)
                ]
            ),
            hovertemplate=HOVER_TEMPLATE,
        )
    if withheld and any(withheld):
        fig.add_bar(
            name=WITHHELD_LABEL,
            y=cohorts,
            x=[w if w else None for w in withheld],
            orientation="h",
            marker={"color": WITHHELD_COLOUR, "line": {"color": "#9aa5b1", "width": 1}},
            customdata=hover_data([f"{c} — {WITHHELD_LABEL}" for c in cohorts]),
            hovertemplate=HOVER_TEMPLATE,
        )
    fig.update_xaxes(title_text=AXIS_HOLDERS)
    fig.update_yaxes(title_text=COHORT, autorange="reversed", type="category")
    fig.update_layout(margin={"t": 110}, title={"y": 0.98, "yanchor": "top", "yref": "container"})
    return fig


def situations_donut(
    situation_counts: Mapping[str, int],
    title: str = SITUATIONS_TABLE.title,
    total: object = AUTO,
    withheld: int = 0,
) -> go.Figure:
    """Share of holders in each situation; empty situations are left out of the ring.

    `total`: the base of the shares (default: the sum); `withheld`: holders of the published total whose
    situations are withheld, drawn as one grey slice « Non diffusé » without any number, so that the
    ring's slices keep their true proportions."""
    keys = [k for k, n in situation_counts.items() if n]
    total = share_base(situation_counts, total)
    counts = [int(situation_counts[k]) for k in keys]
    labels = [safe_text(situation_label(k)) for k in keys]
    colours = [SITUATION_COLOURS.get(k) for k in keys]
    hover = [with_share(f"{lab}<br>{fmt_int(n)} titulaires", n, total) for lab, n in zip(labels, counts, strict=True)]
    text = [fmt_pct(share(n, total)) if total is not None else fmt_int(n) for n in counts]
    if withheld:
        labels, counts = [*labels, WITHHELD_LABEL], [*counts, int(withheld)]
        colours, hover, text = [*colours, WITHHELD_COLOUR], [*hover, WITHHELD_LABEL], [*text, ""]
    fig = new_figure(title, height=420)
    fig.add_pie(
        labels=labels,
        values=counts,
        hole=0.55,
        sort=False,
        direction="clockwise",
        marker={"colors": colours, "line": {"color": "white", "width": 2}},
        customdata=hover_data(hover),
        text=text,
        textinfo="text",
        hovertemplate=HOVER_TEMPLATE,
    )
    fig.update_layout(legend={"orientation": "v", "y": 0.5, "yanchor": "middle", "x": 1.02})
    return fig


#: The Sankey's flows: trajectory group → (status at entry, outcome node).
_TRAJECTORY_FLOWS = {
    group: (status, TRAJECTORY_OUTCOMES[group])
    for group, status in (
        ("demandeur_emploi_vers_actif", "demandeur_emploi"),
        ("etudiant_vers_actif", "etudiant"),
        ("actif_vers_createur", "actif"),
        ("changement_de_poste", "actif"),
    )
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
    total = share_base(trajectory_counts, total)
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
            with_share(f"{safe_text(status_label(status))} → {safe_text(outcome)}<br>{fmt_int(n)} titulaires", n, total)
        )
    keys = statuses + outcomes
    complete = [key not in incomplete for key in keys]
    node_hover = [
        with_share(f"{safe_text(label)}<br>{fmt_int(n)} titulaires", n, total) if ok else safe_text(label)
        for label, n, ok in zip(nodes, node_count, complete, strict=True)
    ]
    colours = [STATUS_COLOURS[s] for s in statuses] + [PALETTE[0], PALETTE[3], PALETTE[2]][: len(outcomes)]
    link_colours = [rgba(colours[s], 0.5) for s in source]
    fig = new_figure(title, height=380)
    fig.add_trace(
        go.Sankey(
            arrangement="fixed",
            valueformat="d",
            node={
                "label": [
                    f"{safe_text(label)} ({fmt_int(n)})" if ok else safe_text(label)
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


def regions_bar(jobs_by_name: Mapping[str, int], title: str = REGIONS_TABLE.title, total: object = None) -> go.Figure:
    """Horizontal bars of jobs per region, in the order given (from the top); hover shares over `total`
    (the published national total; None: no share)."""
    total = share_base(jobs_by_name, total)
    names = list(jobs_by_name)[::-1]  # plotly draws the first category at the bottom
    counts = [int(jobs_by_name[k]) for k in names]
    fig = new_figure(title, height=100 + 34 * len(names), showlegend=False)
    fig.add_bar(
        y=[safe_text(k) for k in names],
        x=counts,
        orientation="h",
        text=[fmt_int(n) for n in counts],
        textposition="outside",
        cliponaxis=False,
        marker_color=PALETTE[0],
        customdata=hover_data(
            [
                with_share(f"{safe_text(k)}<br>{fmt_int(n)} emplois", n, total, OF_NATIONAL_TOTAL)
                for k, n in zip(names, counts, strict=True)
            ]
        ),
        hovertemplate=HOVER_TEMPLATE,
    )
    fig.update_xaxes(title_text=AXIS_JOBS, rangemode="tozero")
    fig.update_yaxes(title_text="", type="category")
    fig.update_layout(margin={"r": 64})
    return fig


def regions_trend_grid(
    trends: Mapping[str, Mapping[int, int]],
    years: list[int],
    title: str = "Emplois par année d'enquête et par région",
    columns: int = 3,
) -> go.Figure:
    """Small multiples: one line of jobs per survey year for each region (name -> {year: jobs}), on a
    common y scale so that regions compare at a glance; a year without a value (withheld or not
    surveyed) is a gap."""
    from plotly.subplots import make_subplots

    names = list(trends)
    rows = max(1, -(-len(names) // columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[safe_text(n) for n in names],
        vertical_spacing=0.16 if rows > 1 else 0.2,
        horizontal_spacing=0.04,
    )
    axis_years = [str(y) for y in sorted(years)]
    for i, name in enumerate(names):
        values = [trends[name].get(int(y)) for y in axis_years]
        fig.add_scatter(
            x=axis_years,
            y=values,
            mode="lines+markers",
            connectgaps=False,
            line={"color": PALETTE[0], "width": 2},
            marker={"size": 6},
            customdata=hover_data(
                [
                    f"{safe_text(name)} — enquête {y}<br>{fmt_int(n)} emplois"
                    if n is not None
                    else f"{safe_text(name)} — {y}"
                    for y, n in zip(axis_years, values, strict=True)
                ]
            ),
            hovertemplate=HOVER_TEMPLATE,
            row=i // columns + 1,
            col=i % columns + 1,
        )
    fig.update_layout(
        template=TEMPLATE_NAME,
        separators=PLOTLY_SEPARATORS,
        title={"text": safe_text(title)},
        height=120 + 170 * rows,
        showlegend=False,
        margin={"t": 80},
    )
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=axis_years, tickfont={"size": 10})
    fig.update_yaxes(rangemode="tozero", tickfont={"size": 10}, matches="y")  # one scale for every region
    for annotation in fig.layout.annotations:
        annotation.font = {"size": 12}
    return fig
