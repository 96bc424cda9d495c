"""The « Titulaires de la certification » section: situations, cohorts and trajectories of the holders.

Holders are people: every count of them comes from `Protection` (« < 5 » below k, « secret » for the
complements), tables write masked cells as their label with a legend, and charts draw only the shown
counts. A published total whose parts are partly withheld is drawn with one grey « Non diffusé »
remainder, so that the drawing keeps its proportions without drawing any masked value on its own.
"""

from __future__ import annotations

import pandas as pd

from ..compute.indicators import TRAJECTORIES
from ..protect.masked import is_masked, plottable
from . import charts
from .context import ReportContext
from .formatting import fmt_int, fmt_pct
from .headline import withheld_note
from .html import Chart, Html, esc, join, p, scroll, section, table_html
from .masking import any_masked, chart_note, cohorts_phrase, legend, share_of, shown
from .wording import (
    COHORTS_TABLE,
    HOLDERS_WITH_KNOWN_PATH,
    SITUATIONS_TABLE,
    TOTAL,
    TRAJECTORIES_TABLE,
    cohort_headers,
    situation_label,
    trajectory_label,
)


def _positive(values) -> list:
    return [v for v in values if shown(v) and v > 0]


def _cohorts_phrase(ctx: ReportContext) -> str:
    """« des 6 promotions commencées en Nouvelle-Aquitaine de 2015 à 2018 »."""
    return cohorts_phrase(ctx.holder_figures, ctx.place)


def holders_intro_html(ctx: ReportContext) -> Html:
    hold = ctx.holder_figures
    n = hold["n"]
    if n == 0:
        return section(
            p(
                f"Aucune promotion de la certification n'a commencé avant {ctx.year} {ctx.place} : "
                "le suivi de cette année ne porte sur aucun titulaire."
            )
        )
    rule = "(une promotion est suivie à partir de l'année qui suit son début). La situation est celle du dernier suivi."
    if is_masked(n):
        size = (
            f"moins de {fmt_int(ctx.min_count)} personnes"
            if n.label.startswith("<")
            else "un nombre de personnes qui n'est pas diffusé"
        )
        return section(
            p(f"Le suivi {ctx.year} porte sur les titulaires {_cohorts_phrase(ctx)} {rule}"),
            p(
                f"Ils sont {size} : leurs situations et leurs parcours ne sont pas diffusés (secret statistique).",
                "tl-note",
            ),
        )
    return section(p(f"Le suivi {ctx.year} porte sur les {fmt_int(n)} titulaires {_cohorts_phrase(ctx)} {rule}"))


# --- tables --------------------------------------------------------------------------------------


def situations_table_html(ctx: ReportContext) -> Html:
    hold = ctx.holder_figures
    counts, shares, n = hold["situation_counts"], hold["situation_shares"], hold["n"]
    rows = [[situation_label(k), fmt_int(v), fmt_pct(shares[k])] for k, v in counts.items()]
    return section(
        table_html(
            list(SITUATIONS_TABLE.headers),
            rows,
            SITUATIONS_TABLE.caption(),
            {1, 2},
            [TOTAL, fmt_int(n), fmt_pct(share_of(n, n))],
        ),
        legend([*counts.values(), n], ctx.min_count),
    )


def cohorts_table_html(ctx: ReportContext) -> Html:
    table = ctx.cohort_table
    situations = [str(c) for c in table.columns if str(c) != "total"]
    # the cells themselves, not `iterrows` (a row of masks only may become plain text, see `_cohort_rows`)
    records = [dict(zip(table.columns, v, strict=True)) for v in table.to_numpy(dtype=object).tolist()]
    rows = [
        [Html(f'<span class="tl-nowrap">{esc(cohort)}</span>'), year]
        + [fmt_int(row[s]) for s in situations]
        + [fmt_int(row["total"])]
        for (year, cohort), row in zip(table.index, records, strict=True)
    ]
    headers = cohort_headers(situations)
    markup = table_html(headers, rows, COHORTS_TABLE.caption(), set(range(2, len(headers))))
    return section(scroll(markup), legend(table.to_numpy().ravel().tolist(), ctx.min_count))


def trajectories_table_html(ctx: ReportContext) -> Html:
    hold = ctx.holder_figures
    counts, shares, tn = hold["trajectory_counts"], hold["trajectory_shares"], hold["trajectory_n"]
    rows = [[trajectory_label(k), fmt_int(counts[k]), fmt_pct(shares[k])] for k in TRAJECTORIES]
    return section(
        table_html(
            list(TRAJECTORIES_TABLE.headers),
            rows,
            TRAJECTORIES_TABLE.caption(),
            {1, 2},
            [TOTAL, fmt_int(tn), fmt_pct(share_of(tn, tn))],
        ),
        legend([*counts.values(), tn], ctx.min_count),
    )


def _has_situations(ctx: ReportContext) -> bool:
    hold = ctx.holder_figures
    return bool(_positive([hold["n"], *hold["situation_counts"].values()]))


def _has_trajectories(ctx: ReportContext) -> bool:
    hold = ctx.holder_figures
    return bool(_positive([hold["trajectory_n"], *hold["trajectory_counts"].values()]))


def holders_tables_html(ctx: ReportContext) -> Html:
    """The tables there is something to show in (none when every count of holders is masked)."""
    parts = []
    if _has_situations(ctx):
        parts += [situations_table_html(ctx), cohorts_table_html(ctx)]
    if _has_trajectories(ctx):
        parts.append(trajectories_table_html(ctx))
    return join(parts)


# --- charts --------------------------------------------------------------------------------------


def situations_chart(ctx: ReportContext) -> Chart | None:
    """The donut of situations, when at least two situations are shown (one alone would fill the ring); the
    withheld ones as one remainder."""
    hold = ctx.holder_figures
    counts, n = plottable(hold["situation_counts"]), hold["n"]
    if not shown(n) or len(_positive(counts.values())) < 2:
        return None
    withheld = n - sum(counts.values()) if any_masked(hold["situation_counts"].values()) else 0
    return Chart(charts.situations_donut(counts, total=n, withheld=withheld), ctx.chart_id("situations"))


def cohorts_chart(ctx: ReportContext) -> Chart | None:
    table = ctx.cohort_table
    situations = [c for c in table.columns if str(c) != "total"]
    cells = table[situations].apply(lambda column: column.map(lambda v: None if is_masked(v) else int(v)))
    if not _positive(cells.to_numpy().ravel().tolist()):
        return None
    totals = [t if shown(t) else None for t in table["total"]]
    withheld = []
    for (_, row), total in zip(cells.iterrows(), totals, strict=True):
        drawn = sum(int(v) for v in row if v is not None and not pd.isna(v))
        withheld.append(total - drawn if total is not None and row.isna().any() else None)
    return Chart(
        charts.situations_by_cohort_bar(cells.astype(object), totals=totals, withheld=withheld), ctx.chart_id("cohorts")
    )


def trajectories_chart(ctx: ReportContext) -> Chart | None:
    hold = ctx.holder_figures
    counts, tn = hold["trajectory_counts"], hold["trajectory_n"]
    if len(_positive(counts.values())) < 2:  # one flow alone would fill the chart: the table says it better
        return None
    return Chart(
        charts.trajectories_sankey(
            plottable(counts), total=tn if shown(tn) else None, withheld=[g for g, v in counts.items() if is_masked(v)]
        ),
        ctx.chart_id("trajectories"),
    )


def holders_charts(ctx: ReportContext) -> list[tuple[object, str]]:
    """(figure, chart id) of every holders' chart there is something to draw for."""
    return [(c.figure, c.chart_id) for c in (situations_chart(ctx), cohorts_chart(ctx), trajectories_chart(ctx)) if c]


def _charted(chart: Chart | None, values) -> list[Html | Chart]:
    """The chart, and the note under it when it leaves out masked values."""
    if chart is None:
        return []
    return [chart, section(chart_note(True))] if any_masked(values) else [chart]


def holders_parts(ctx: ReportContext) -> list[Html | Chart]:
    """The section in reading order: text, then each chart (with its note) and its table."""
    hold = ctx.holder_figures
    parts: list[Html | Chart] = [holders_intro_html(ctx)]
    if hold["n"] == 0 or not (_has_situations(ctx) or _has_trajectories(ctx)):
        return parts
    if _has_situations(ctx):
        parts += _charted(situations_chart(ctx), hold["situation_counts"].values())
        parts.append(situations_table_html(ctx))
        parts += _charted(cohorts_chart(ctx), ctx.cohort_table.to_numpy().ravel().tolist())
        parts.append(cohorts_table_html(ctx))
    if _has_trajectories(ctx):
        parts += _charted(trajectories_chart(ctx), hold["trajectory_counts"].values())
        parts.append(trajectories_table_html(ctx))
    elif hold["trajectory_n"] != 0:
        parts.append(section(withheld_note(hold["trajectory_n"], ctx.min_count, HOLDERS_WITH_KNOWN_PATH)))
    return parts


__all__ = [
    "cohorts_table_html",
    "holders_charts",
    "holders_intro_html",
    "holders_parts",
    "holders_tables_html",
    "situations_table_html",
    "trajectories_table_html",
]
