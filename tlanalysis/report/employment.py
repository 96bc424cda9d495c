"""The « Emploi » section: jobs of the year by contract and role, the trend, and (France) the regions.

Figures are the protected ones of the context: a masked count is written as its label, a share of
it is « secret », and charts draw only what is shown (`plottable`), shares over the published total.
"""

from __future__ import annotations

from ..protect.masked import plottable
from . import charts
from .context import ReportContext
from .formatting import Figure, fmt_int, fmt_pct
from .html import Chart, Html, join, p, section, table_html
from .masking import any_masked, chart_note, legend, share_of, shown
from .wording import (
    CONTRACTS_TABLE,
    REGIONS_TABLE,
    ROLES_TABLE,
    TOTAL,
    TREND_TABLE,
    Table,
    and_list,
    contract_label,
    role_label,
    trend_qualifier,
)


def employment_intro_html(ctx: ReportContext) -> Html:
    jobs = ctx.jobs
    total, contracts = jobs["total"], jobs["by_contract"]
    if shown(total):
        text = f"En {ctx.year}, l'enquête recense {fmt_int(total)} emplois dans les tiers-lieux {ctx.place}"
        parts = [f"{fmt_int(contracts[c])} en {c}" for c in ("CDI", "CDD") if c in contracts and shown(contracts[c])]
        text += f", dont {and_list(parts)}." if parts else "."
    else:
        text = (
            f"En {ctx.year}, le nombre d'emplois recensés par l'enquête dans les tiers-lieux {ctx.place} n'est "
            "pas diffusé (secret statistique)."
        )
    if shown(total) and total and any_masked([*contracts.values(), *jobs["by_role"].values()]):
        text += " Une partie de leur répartition par contrat et par fonction n'est pas diffusée (secret statistique)."
    facilitation, fshare = jobs["facilitation"], jobs["facilitation_share"]
    if shown(facilitation) and facilitation:
        text += (
            f" {'Parmi eux, ' if shown(total) else ''}{fmt_int(facilitation)} "
            f"{'sont des' if shown(total) else 'emplois sont des'} postes de facilitation ou de coordination "
            "du lieu" + (f" ({fmt_pct(fshare)})" if shown(fshare) else "") + "."
        )
    growth = jobs["growth_since_first_year"]
    if growth is not None:
        first = jobs["first_year"]
        start = jobs["trend"][str(first)]
        if shown(growth) and shown(start) and shown(total):
            text += (
                f" Depuis {first}, première année d'enquête, le nombre d'emplois recensés est passé de "
                f"{fmt_int(start)} à {fmt_int(total)} ({fmt_pct(growth, 0, signed=True)})."
            )
        else:
            text += f" L'évolution depuis {first}, première année d'enquête, n'est pas diffusée (secret statistique)."
        if ctx.is_national:
            text += _entries_caveat(ctx, first)
    return section(p(text))


def _entries_caveat(ctx: ReportContext, first_year: int) -> str:
    """National trend: name the regions that joined the survey after its first year."""
    names = {r.code: r.name for r in ctx.regions_with_data()}
    joined = [
        (min(years), names[code])
        for code, years in ctx.dataset.region_years().items()
        if code in names and min(years) > first_year
    ]
    if not joined:
        return ""
    listed = ", ".join(f"{name} en {year}" for year, name in sorted(joined))
    return (
        " Toutes les régions ne sont pas enquêtées depuis la première année : la hausse tient aussi à "
        f"l'entrée de nouvelles régions dans l'enquête ({listed})."
    )


def _share_rows(counts: dict[str, Figure], total: Figure, label) -> tuple[list[list[object]], list[object]]:
    """Rows (label, count, share of the total) and the total row; shares of masked figures are « secret »."""
    rows = [[label(k), fmt_int(n), fmt_pct(share_of(n, total))] for k, n in counts.items()]
    return rows, [TOTAL, fmt_int(total), fmt_pct(share_of(total, total))]


def _counts_table(ctx: ReportContext, counts: dict, table: Table, label) -> Html:
    rows, total = _share_rows(counts, ctx.jobs["total"], label)
    return section(
        table_html(list(table.headers), rows, table.caption(ctx.year), {1, 2}, total),
        legend([*counts.values(), ctx.jobs["total"]], ctx.min_count, "emplois"),
    )


def contracts_table_html(ctx: ReportContext) -> Html:
    return _counts_table(ctx, ctx.jobs["by_contract"], CONTRACTS_TABLE, contract_label)


def roles_table_html(ctx: ReportContext) -> Html:
    return _counts_table(ctx, ctx.jobs["by_role"], ROLES_TABLE, role_label)


def trend_table_html(ctx: ReportContext) -> Html:
    trend = ctx.jobs["trend"]
    rows = [[year, fmt_int(n)] for year, n in sorted(trend.items())]
    return section(
        table_html(list(TREND_TABLE.headers), rows, TREND_TABLE.caption(trend_qualifier(ctx.year)), {1}),
        legend(trend.values(), ctx.min_count, "emplois"),
    )


def regions_table_html(ctx: ReportContext) -> Html:
    """National report only: jobs of the year per region with data (`Protection.jobs_by_region`)."""
    by_region, total = ctx.jobs_by_region, ctx.jobs["total"]
    rows = [
        [r.name, fmt_int(by_region.get(r.code, 0)), fmt_pct(share_of(by_region.get(r.code, 0), total))]
        for r in ctx.regions_with_data()
    ]
    return section(
        table_html(
            list(REGIONS_TABLE.headers),
            rows,
            REGIONS_TABLE.caption(ctx.year),
            {1, 2},
            [TOTAL, fmt_int(total), fmt_pct(share_of(total, total))],
        ),
        legend([*by_region.values(), total], ctx.min_count, "emplois"),
    )


def employment_tables_html(ctx: ReportContext) -> Html:
    parts = [contracts_table_html(ctx), roles_table_html(ctx), trend_table_html(ctx)]
    if ctx.is_national:
        parts.append(regions_table_html(ctx))
    return join(parts)


def _drawable(values: dict) -> bool:
    return any(v for v in plottable(values).values())


def _base(ctx: ReportContext) -> float | None:
    total = ctx.jobs["total"]
    return total if shown(total) else None


def contracts_chart(ctx: ReportContext) -> Chart | None:
    by_contract = ctx.jobs["by_contract"]
    if not _drawable(by_contract):
        return None
    return Chart(
        charts.contracts_bar(plottable(by_contract), f"Emplois par type de contrat, {ctx.year}", total=_base(ctx)),
        ctx.chart_id("contracts"),
    )


def roles_chart(ctx: ReportContext) -> Chart | None:
    by_role = ctx.jobs["by_role"]
    if not _drawable(by_role):
        return None
    return Chart(
        charts.roles_bar(plottable(by_role), ROLES_TABLE.caption(ctx.year), total=_base(ctx)),
        ctx.chart_id("roles"),
    )


def trend_chart(ctx: ReportContext) -> Chart | None:
    trend = ctx.jobs["trend"]
    if len(plottable(trend)) < 2:  # a line needs two years
        return None
    return Chart(
        charts.jobs_trend_line(plottable(trend), TREND_TABLE.caption(ctx.place), years=[int(y) for y in trend]),
        ctx.chart_id("trend"),
    )


def employment_charts(ctx: ReportContext) -> list[tuple[object, str]]:
    """(figure, chart id) of every employment chart there is something to draw for (for image exports)."""
    return [(c.figure, c.chart_id) for c in (contracts_chart(ctx), roles_chart(ctx), trend_chart(ctx)) if c]


def employment_parts(ctx: ReportContext) -> list[Html | Chart]:
    """The section in reading order: text, each chart (with a note if it leaves out masked values), its table."""
    jobs = ctx.jobs
    parts: list[Html | Chart] = [employment_intro_html(ctx)]
    for chart, values, table in (
        (contracts_chart(ctx), jobs["by_contract"], contracts_table_html),
        (roles_chart(ctx), jobs["by_role"], roles_table_html),
        (trend_chart(ctx), jobs["trend"], trend_table_html),
    ):
        if chart is not None:
            parts.append(chart)
            if any_masked(values.values()):
                parts.append(section(chart_note(True)))
        parts.append(table(ctx))
    if ctx.is_national:
        parts.append(regions_table_html(ctx))
    return parts


__all__ = [
    "contracts_table_html",
    "employment_charts",
    "employment_intro_html",
    "employment_parts",
    "employment_tables_html",
    "regions_table_html",
    "roles_table_html",
    "trend_table_html",
]
