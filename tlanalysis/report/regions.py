"""« Les régions » (national report only): the regions on a map and compared, from protected figures.

Every figure is a region's own protected figure: `Protection.figures(year, region)` of the regional
report (jobs of the year, its trend, facilitation share, holders followed), the same values the
regional report shows. What is derived here is derived from shown figures only: the change since the
region's previous survey year is masked (« secret ») when either year's count is, and « n.d. » when
the region has no earlier year; a region's share of the national jobs is masked when either is.

The calculations (`region_figures`, `ranked_by_jobs`; `tlanalysis.protect.compare.change_since`) are pure
functions; the rest writes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..protect.annual import Protection
from ..protect.compare import change_since, previous_year, ranked
from ..protect.masked import Masked, is_masked
from ..protect.store import StoredProtection
from ..reference import FRANCE, Region
from . import charts
from .context import ReportContext
from .formatting import fmt_int, fmt_pct
from .html import Chart, Html, esc, join, p, scroll, section, table_html
from .masking import legend, share_of, shown
from .wording import (
    ANNUAL_HEADINGS,
    CHANGE,
    HOLDERS_FOLLOWED,
    JOBS,
    JOBS_MAP,
    NATIONAL_NAME,
    OF_NATIONAL_TOTAL,
    REGION,
    REGIONS_TABLE,
    STATISTICAL_SECRET,
    and_list,
    jobs_in_year,
    sentence_case,
)

# --- calculations (pure) ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionFigures:
    """The protected figures of one region (or France) for one survey year."""

    region: Region
    year: int
    jobs: int | Masked
    previous_year: int | None
    previous_jobs: int | Masked | None
    change: float | Masked | None  # since the previous survey year: 0.125 is +12,5 %
    facilitation_share: float | Masked | None
    holders: int | Masked
    trend: dict[int, int | Masked]


def region_figures(protection: Protection | StoredProtection, year: int, region: Region) -> RegionFigures:
    """One region's (or France's) figures of `year`, as its own report shows them."""
    figures = protection.figures(year, region)
    jobs = figures["jobs"]
    trend = {int(y): n for y, n in jobs["trend"].items()}
    previous = previous_year(trend, year)
    previous_jobs = trend[previous] if previous is not None else None
    return RegionFigures(
        region=region,
        year=int(year),
        jobs=jobs["total"],
        previous_year=previous,
        previous_jobs=previous_jobs,
        change=change_since(jobs["total"], previous_jobs),
        facilitation_share=jobs["facilitation_share"],
        holders=figures["holders"]["n"],
        trend=trend,
    )


def ranked_by_jobs(rows: list[RegionFigures]) -> list[RegionFigures]:
    """Most jobs first; masked counts after every shown one; ties and masked ones by region name."""
    return ranked(rows, lambda r: r.jobs, lambda r: r.region.name)


def regions_compared(ctx: ReportContext) -> list[RegionFigures]:
    """Every region with data in the report's year, ranked (national report)."""
    return ranked_by_jobs([region_figures(ctx.protection, ctx.year, r) for r in ctx.regions_with_data()])


def national_figures(ctx: ReportContext) -> RegionFigures:
    return region_figures(ctx.protection, ctx.year, FRANCE)


# --- what the reader sees ---------------------------------------------------------------------------


def _jobs_hover(row: RegionFigures, national: RegionFigures) -> str:
    text = f"<b>{esc(row.region.name)}</b><br>{jobs_in_year(row.jobs, row.year)}"
    if shown(row.jobs) and shown(national.jobs) and national.jobs:
        text += f" ({fmt_pct(share_of(row.jobs, national.jobs))}{OF_NATIONAL_TOTAL})"
    return text


def _change_text(row: RegionFigures) -> str:
    if row.previous_year is None:
        return f"première enquête en {row.year}"
    if is_masked(row.change) or row.change is None:
        return f"évolution depuis {row.previous_year} : {fmt_pct(row.change)}"  # « secret », « n.d. »
    return (
        f"{fmt_pct(row.change, signed=True)} depuis {row.previous_year} "
        f"({fmt_int(row.previous_jobs)} → {fmt_int(row.jobs)} emplois)"
    )


def _share_text(row: RegionFigures) -> str:
    share = row.facilitation_share
    if is_masked(share):
        return f"part de la facilitation : {share.label}"
    return f"{fmt_pct(share)} des emplois en facilitation" if share is not None else "part de la facilitation : n.d."


def _hover(rows: list[RegionFigures], text) -> dict[str, str]:
    return {r.region.code: f"<b>{esc(r.region.name)}</b><br>{text(r)}" for r in rows}


def jobs_map(ctx: ReportContext, links: dict[str, str] | None = None) -> Chart:
    rows, national = regions_compared(ctx), national_figures(ctx)
    figure = charts.regions_map(
        {r.region.code: r.jobs for r in rows},
        {r.region.code: _jobs_hover(r, national) for r in rows},
        f"{JOBS_MAP}, {ctx.year}",
        JOBS,
        links=links,
    )
    return Chart(figure, ctx.chart_id("regions-map"))


def change_and_facilitation_maps(ctx: ReportContext) -> Chart:
    rows = regions_compared(ctx)
    views = [
        charts.MapView(
            {r.region.code: r.change for r in rows},
            _hover(rows, _change_text),
            CHANGE,
            title=f"{CHANGE} depuis l'enquête précédente",
            value_label=lambda v: fmt_pct(v, signed=True),
            diverging=True,
        ),
        charts.MapView(
            {r.region.code: r.facilitation_share for r in rows},
            _hover(rows, _share_text),
            "Part des emplois",
            title="Part des postes de facilitation",
            value_label=fmt_pct,
        ),
    ]
    figure = charts.regions_maps(views, f"Évolution et facilitation par région, {ctx.year}", height=520)
    return Chart(figure, ctx.chart_id("regions-views"))


def jobs_bar(ctx: ReportContext) -> Chart | None:
    rows, national = regions_compared(ctx), national_figures(ctx)
    drawn = [r for r in rows if shown(r.jobs)]
    if not drawn:
        return None
    figure = charts.regions_bar(
        {r.region.name: r.jobs for r in drawn if shown(r.jobs)},
        f"{REGIONS_TABLE.caption(ctx.year)}, de la plus grande à la plus petite",
        total=national.jobs if shown(national.jobs) else None,
    )
    return Chart(figure, ctx.chart_id("regions-bar"))


def trends_grid(ctx: ReportContext) -> Chart | None:
    rows = sorted(regions_compared(ctx), key=lambda r: r.region.code)
    years = sorted({y for r in rows for y in r.trend})
    trends = {r.region.name: {y: n for y, n in r.trend.items() if shown(n)} for r in rows}
    if not any(trends.values()):
        return None
    title = f"Emplois recensés par année d'enquête et par région, jusqu'à {ctx.year}"
    figure = charts.regions_trend_grid(trends, years, title)
    return Chart(figure, ctx.chart_id("regions-trends"))


def _change_cell(row: RegionFigures) -> str:
    if row.previous_year is None:
        return "—"
    return fmt_pct(row.change, signed=True)


def regions_compared_table_html(ctx: ReportContext) -> Html:
    rows, national = regions_compared(ctx), national_figures(ctx)

    def cells(r: RegionFigures, name: str) -> list[object]:
        return [
            name,
            fmt_int(r.jobs),
            r.previous_year if r.previous_year is not None else "—",
            _change_cell(r),
            fmt_pct(r.facilitation_share),
            fmt_int(r.holders),
        ]

    values = [v for r in [*rows, national] for v in (r.jobs, r.change, r.facilitation_share, r.holders)]
    return section(
        scroll(
            table_html(
                [
                    REGION,
                    f"{JOBS} {ctx.year}",
                    "Enquête précédente",
                    CHANGE,
                    "Part de la facilitation",
                    sentence_case(HOLDERS_FOLLOWED),
                ],
                [cells(r, r.region.name) for r in rows],
                f"Les régions comparées, {ctx.year}",
                {1, 2, 3, 4, 5},
                cells(national, NATIONAL_NAME),
            )
        ),
        p(
            f"{CHANGE} : depuis l'enquête précédente de la région (« — » : première enquête). Titulaires suivis : "
            "titulaires des promotions commencées avant l'année d'enquête.",
            "tl-note",
        ),
        legend(values, ctx.min_count, "emplois ou titulaires"),
    )


def regions_intro_html(ctx: ReportContext) -> Html:
    names = [r.name for r in ctx.regions_with_data()]
    listed = and_list(names)
    return join(
        [
            Html(f"<h2>{esc(ANNUAL_HEADINGS['regions'])}</h2>"),
            section(
                p(
                    f"Régions couvertes par l'enquête {ctx.year} : {listed}. Chaque région y est décrite par les "
                    "chiffres de son propre rapport ; un chiffre non diffusé (secret statistique) est en gris sur "
                    "les cartes et n'est pas dessiné sur les graphiques."
                )
            ),
        ]
    )


def _masked_names(rows: list[RegionFigures]) -> Html:
    masked = [r.region.name for r in rows if is_masked(r.jobs)]
    if not masked:
        return Html("")
    return section(p(f"Emplois non diffusés ({STATISTICAL_SECRET}) : {', '.join(masked)}.", "tl-note"))


def regions_parts(ctx: ReportContext) -> list[Html | Chart]:
    """The section in reading order (national report; nothing for a region's report)."""
    if not ctx.is_national or not ctx.regions_with_data():
        return []
    rows = regions_compared(ctx)
    parts: list[Html | Chart] = [regions_intro_html(ctx), jobs_map(ctx), change_and_facilitation_maps(ctx)]
    bar = jobs_bar(ctx)
    if bar is not None:
        parts += [bar, _masked_names(rows)]
    parts.append(regions_compared_table_html(ctx))
    grid = trends_grid(ctx)
    if grid is not None:
        parts.append(grid)
    return parts


def regions_charts(ctx: ReportContext) -> list[tuple[object, str]]:
    """(figure, chart id) of every chart of the section (for image exports)."""
    return [(c.figure, c.chart_id) for c in regions_parts(ctx) if isinstance(c, Chart)]


__all__ = [
    "RegionFigures",
    "national_figures",
    "ranked_by_jobs",
    "region_figures",
    "regions_charts",
    "regions_compared",
    "regions_compared_table_html",
    "regions_parts",
]
