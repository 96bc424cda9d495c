"""The top of the report: title block, example-data banner and the key figures (« Chiffres clés »).

Each key figure says where it comes from: a letter after its label points to a note under the cards,
« Calculé à partir de employment.csv (empreinte SHA-256 1a2b3c4d5e6f) » or « Publié : <source> ».
"""

from __future__ import annotations

from collections.abc import Sequence

from ..protect.masked import Masked, is_masked
from ..reference.published import published_for
from .base import BaseReportContext
from .context import ReportContext
from .formatting import MISSING, fmt_date, fmt_int, fmt_pct, fmt_pct_more_than
from .html import Card, Html, brand_html, cards_html, esc, h3, notes_html, p, report_css, section
from .masking import cohorts_phrase, legend, shown
from .published_figures import headline_context, headline_label, published_value, source_text
from .wording import (
    ANNUAL_HEADINGS,
    ANNUAL_KICKER,
    CERTIFICATION,
    DATA_DATE,
    DATA_FILES,
    DATA_FOLDER,
    EXAMPLE_BANNER,
    EXAMPLE_DATA,
    FACILITATION_SHARE,
    HOLDERS_FOLLOWED,
    HOLDERS_WITH_KNOWN_PATH,
    KEY_SITUATIONS,
    NATIONAL_NAME,
    STATISTICAL_SECRET,
    SURVEY_YEAR,
    TERRITORY,
    TRAJECTORIES_TABLE,
    TRAJECTORY_CARDS,
    jobs_counted,
    jobs_out_of,
    jobs_with_contract,
)

#: Letters of the provenance notes of the key figures.
EMPLOYMENT_NOTE, HOLDERS_NOTE, PUBLISHED_NOTE = "a", "b", "c"


def example_banner_html() -> Html:
    return Html(f'<div class="tl-banner" role="note"><strong>{esc(EXAMPLE_DATA)}</strong>{esc(EXAMPLE_BANNER)}</div>')


def title_header_html(
    ctx: BaseReportContext, kicker: str, heading: str, lead: str, facts: Sequence[tuple[str, object]]
) -> Html:
    """The block every report opens with: kicker, title and lead, the example-data banner, then the
    report's own facts (`facts`: label, value) and its data — folder, date, files with a content hash."""
    parts: list[object] = [
        report_css(ctx.brand),
        Html('<header class="tl-title">'),
        brand_html(ctx.brand),
        p(kicker, "tl-kicker"),
        Html(f"<h1>{esc(heading)}</h1>"),
        p(lead, "tl-lead"),
    ]
    if ctx.is_example:
        parts.append(example_banner_html())
    rows = [
        *facts,
        (DATA_FOLDER, ctx.data_folder()),
        # the data's date, not the build's: the same data gives the same page
        (DATA_DATE, fmt_date(ctx.dataset.data_date)),
        (DATA_FILES, ctx.data_files() or MISSING),
    ]
    parts.append(
        Html(
            '<dl class="tl-meta">' + "".join(f"<dt>{esc(t)}</dt><dd>{esc(d)}</dd>" for t, d in rows) + "</dl></header>"
        )
    )
    return section(*parts)


def title_block_html(ctx: ReportContext) -> Html:
    """Title, territory and year, the data files used (with a content hash), and the example-data banner."""
    if ctx.is_national:
        names = ", ".join(r.name for r in ctx.regions_with_data()) or MISSING
        territory = f"{NATIONAL_NAME} : toutes les régions présentes dans les données ({names})"
    else:
        territory = f"{ctx.region.name} (région {ctx.region.code})"
    return title_header_html(
        ctx,
        ANNUAL_KICKER,
        ctx.title,
        f"Les emplois recensés par l'enquête {ctx.year} dans les tiers-lieux {ctx.place}, et le devenir des "
        f"titulaires de la certification {CERTIFICATION}.",
        [(TERRITORY, territory), (SURVEY_YEAR, ctx.year)],
    )


def _card(fmt, value: object, label: str, detail: str | None = None, source: str | None = None) -> Card:
    """A card for a figure: written by `fmt` (a masked figure as its label, drawn in grey)."""
    return Card(fmt(value), label, detail, source, is_masked(value))


def withheld_note(n: object, min_count: int, what: str) -> Html:
    """« Moins de 5 titulaires suivis : … » — says that a group is too small, never how small."""
    if isinstance(n, Masked) and n.label.startswith("<"):
        return p(
            f"Moins de {fmt_int(min_count)} {what} : les résultats ne sont pas diffusés ({STATISTICAL_SECRET}).",
            "tl-note",
        )
    return p(f"Nombre de {what} non diffusé : les résultats ne le sont pas non plus ({STATISTICAL_SECRET}).", "tl-note")


def _job_cards(ctx: ReportContext) -> list[Card]:
    jobs = ctx.jobs
    contracts, first = jobs["by_contract"], jobs["first_year"]
    first_count = jobs["trend"].get(str(first)) if first else None
    since = f"{fmt_int(first_count)} en {first}" if first and first != ctx.year and shown(first_count) else None
    detail = None
    if all(shown(v) for v in (jobs["facilitation"], jobs["total"], jobs["facilitation_share"])):
        detail = (
            f"{jobs_out_of(fmt_int(jobs['facilitation']), fmt_int(jobs['total']))}, "
            f"soit {fmt_pct(jobs['facilitation_share'])}"
        )
    # « plus de 56 % » where the network published the share that way (same year and region), so
    # the card reads like the page it reproduces; the exact share everywhere else.
    published = published_for("jobs_facilitation_share", ctx.year, ctx.region.code)
    share_format = fmt_pct_more_than if published is not None and published["qualifier"] == "more_than" else fmt_pct
    return [
        _card(fmt_int, jobs["total"], jobs_counted(ctx.year), since, EMPLOYMENT_NOTE),
        _card(fmt_int, contracts.get("CDI", 0), jobs_with_contract("CDI"), None, EMPLOYMENT_NOTE),
        _card(fmt_int, contracts.get("CDD", 0), jobs_with_contract("CDD"), None, EMPLOYMENT_NOTE),
        _card(share_format, jobs["facilitation_share"], FACILITATION_SHARE, detail, EMPLOYMENT_NOTE),
    ]


def key_figure_cards(ctx: ReportContext) -> list[Card]:
    """The report's key figures as the page's cards show them, in one list (for the deck): jobs, then the
    holders' situations and trajectories when they are shown."""
    cards = _job_cards(ctx)
    hold = ctx.holder_figures
    n = hold["n"]
    if n == 0:
        return cards
    cards.append(_card(fmt_int, n, HOLDERS_FOLLOWED, cohorts_phrase(hold)))
    if is_masked(n):
        return cards
    shares = hold["situation_shares"]
    cards += [_card(fmt_pct, shares[situation], phrase) for situation, phrase in KEY_SITUATIONS.items()]
    tn = hold["trajectory_n"]
    if tn and not is_masked(tn):
        tshares = hold["trajectory_shares"]
        cards += [_card(fmt_pct, tshares[group], phrase) for group, phrase in TRAJECTORY_CARDS.items()]
    return cards


def key_figures_html(ctx: ReportContext) -> Html:
    """The headline figures as cards, in the spirit of the network's page « Certification et chiffres clés »."""
    jobs, hold = ctx.jobs, ctx.holder_figures
    notes = {EMPLOYMENT_NOTE: ctx.computed_from("employment")}
    job_cards = _job_cards(ctx)
    parts: list[object] = [h3(ANNUAL_HEADINGS["employment"]), job_cards]
    parts.append(
        legend(
            [jobs["total"], jobs["by_contract"].get("CDI"), jobs["by_contract"].get("CDD"), jobs["facilitation_share"]],
            ctx.min_count,
            "emplois",
        )
    )
    parts.append(h3(ANNUAL_HEADINGS["holders"]))
    n = hold["n"]
    if n == 0:
        parts.append(
            p(f"Aucune promotion commencée avant {ctx.year} {ctx.place} : pas de titulaire à suivre.", "tl-note")
        )
    else:
        notes[HOLDERS_NOTE] = ctx.computed_from("holders")
        holder_cards = [_card(fmt_int, n, HOLDERS_FOLLOWED, cohorts_phrase(hold), HOLDERS_NOTE)]
        if is_masked(n):
            parts += [holder_cards, withheld_note(n, ctx.min_count, HOLDERS_FOLLOWED)]
        else:
            shares = hold["situation_shares"]
            holder_cards += [
                _card(fmt_pct, shares[situation], phrase, None, HOLDERS_NOTE)
                for situation, phrase in KEY_SITUATIONS.items()
            ]
            parts += [holder_cards, legend([shares[s] for s in KEY_SITUATIONS], ctx.min_count)]
            parts += _trajectory_parts(ctx)
    context = headline_context(ctx)
    if context is not None:
        notes[PUBLISHED_NOTE] = f"Publié : {source_text(context)}"
        parts += [
            h3(ANNUAL_HEADINGS["context"]),
            [Card(published_value(context), headline_label(context), "chiffre publié", PUBLISHED_NOTE)],
        ]
    rendered = [cards_html(part, notes) if isinstance(part, list) else part for part in parts]
    rendered.append(notes_html(notes))
    return section(*rendered)


def _trajectory_parts(ctx: ReportContext) -> list[object]:
    hold = ctx.holder_figures
    tn = hold["trajectory_n"]
    parts: list[object] = [h3(TRAJECTORIES_TABLE.caption())]
    if tn == 0:
        parts.append(p("Aucun titulaire suivi ne relève de l'un des quatre parcours décrits.", "tl-note"))
        return parts
    if is_masked(tn):
        parts.append(withheld_note(tn, ctx.min_count, HOLDERS_WITH_KNOWN_PATH))
        return parts
    tshares = hold["trajectory_shares"]
    parts.append(
        [_card(fmt_pct, tshares[group], phrase, None, HOLDERS_NOTE) for group, phrase in TRAJECTORY_CARDS.items()]
    )
    parts.append(
        p(
            f"Parts calculées sur les {fmt_int(tn)} titulaires dont le parcours relève de l'un de ces quatre cas.",
            "tl-note",
        )
    )
    parts.append(legend(tshares.values(), ctx.min_count))
    return parts


__all__ = [
    "example_banner_html",
    "key_figure_cards",
    "key_figures_html",
    "title_block_html",
    "title_header_html",
    "withheld_note",
]
