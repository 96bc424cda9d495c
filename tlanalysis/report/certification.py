"""The certification report: France Compétences statistics per year of certification, results per
cohort, and a competency × cohort heatmap — every count and rate through
`tlanalysis.protect.certification` (« < 5 », « secret »), every number through `formatting`.

The report of year Y covers the years of certification and the cohorts before Y (the follow-up of
year Y speaks about them), for France or one region. The notebook
(`notebooks/certification_report.ipynb`) calls `display_certification_report(ctx)` section by section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import plotly.graph_objects as go

from ..compute.certification import blocs, competency_blocs
from ..protect.certification import CertificationProtection, unmasked_share
from ..protect.masked import is_masked, masked_label
from ..reference import certification
from . import charts
from .base import BaseReportContext, display_section, protection_of, section_html
from .formatting import MISSING, fmt_int, fmt_pct, fmt_year_span
from .headline import title_header_html
from .html import Chart, Html, bullets, h3, p, scroll, section, table_html
from .kinds import CERTIFICATION, ReportKind
from .params import ReportParameters
from .wording import (
    CERTIFICATION_CODE,
    CERTIFICATION_FOLLOW_UP,
    CERTIFICATION_YEARS,
    CERTIFIED,
    PARTIAL,
    PROMOTIONS_TABLE,
    SECRET_KEY,
    STATISTICAL_SECRET,
    TARGET_JOB,
    TERRITORY,
    certification_title,
    cohort_results_table,
    employed_and_target_jobs,
    insertion_rate,
    sentence_case,
    situations_text,
    small_count_key,
)


@dataclass(frozen=True, eq=False)
class CertificationContext(BaseReportContext):
    """One certification report: its parameters and the protected figures."""

    protection: CertificationProtection
    kind: ClassVar[ReportKind] = CERTIFICATION

    @property
    def title(self) -> str:
        return certification_title(self.place, self.year)

    @property
    def kind_label(self) -> str:
        return f"{CERTIFICATION_FOLLOW_UP} ({CERTIFICATION_CODE})"

    @classmethod
    def from_parameters(cls, params: ReportParameters) -> CertificationContext:
        """The build's protection (read from the private state folder, checked), else computed here beside
        the annual reports' protection (the build's when there is one: never recomputed in a kernel)."""
        from ..protect.store import certification_protection

        def annual():
            return protection_of(params) if len(params.dataset.employment) else None

        protection = certification_protection(
            params.dataset, params.min_count, params.target_jobs, params.state_root, annual=annual
        )
        return cls(params, protection)

    @property
    def target_jobs(self) -> tuple[str, ...]:
        """The situations « le métier visé » means (parameter `target_jobs`, `build --target-job`)."""
        return self.protection.target_jobs

    def promotions(self) -> list[dict]:
        return self.protection.promotions(self.year, self.region)

    def cohorts(self) -> list[dict]:
        return self.protection.cohort_results(self.year, self.region)

    def key_figures(self) -> dict:
        # keyed by year and cohort, so that `tlanalysis diff` names the figure that moved
        return {
            "promotions": {str(r["certification_year"]): r for r in self.promotions()},
            "cohorts": {r["cohort"]: r for r in self.cohorts()},
        }


def _count(value: Any) -> str:
    return fmt_int(value)


def _rate(value: Any) -> str:
    return fmt_pct(value) if value is not None else MISSING


def title_html(ctx: CertificationContext) -> Html:
    years = ctx.protection.years(ctx.year, ctx.region)
    return title_header_html(
        ctx,
        ctx.kind_label,
        ctx.title,
        "Les certifiés par année d'obtention et leur insertion à 6 mois et à 2 ans, au sens de France "
        "Compétences ; les résultats du jury par promotion (taux de réussite, validation des blocs et des "
        f"compétences) ; pour les années de certification et les promotions antérieures à {ctx.year}.",
        [
            (TERRITORY, ctx.territory),
            (CERTIFICATION_YEARS, fmt_year_span(years) if years else MISSING),
            (TARGET_JOB, situations_text(ctx.target_jobs)),
        ],
    )


#: The headers of the certified and insertion table (page and workbook sheet).
PROMOTION_HEADERS = list(PROMOTIONS_TABLE.headers)


def promotions_rows(rows: list[dict]) -> list[list[object]]:
    out: list[list[object]] = []
    for r in rows:
        routes = r["certified_by_route"]
        out.append(
            [
                str(r["certification_year"]),
                _count(r["certified"]),
                _count(routes["formation"]),
                _count(routes["vae"]),
                _count(routes["candidat_libre"]),
                _count(r["base_6m"]),
                _rate(r["insertion_global_6m"]),
                _rate(r["insertion_target_job_6m"]),
                _count(r["base_2y"]),
                _rate(r["insertion_global_2y"]),
                _rate(r["insertion_target_job_2y"]),
            ]
        )
    return out


def _masking_note(ctx: CertificationContext) -> Html:
    return p(
        f"{small_count_key(ctx.min_count, 'personnes')} ; {SECRET_KEY} pour qu'on ne puisse pas retrouver un "
        f"chiffre masqué à partir des autres ({STATISTICAL_SECRET}) ; « {MISSING} » : base nulle.",
        "tl-note",
    )


def promotions_parts(ctx: CertificationContext) -> list[Html | Chart]:
    rows = ctx.promotions()
    if not rows:
        return [section(p(f"Aucun titulaire certifié avant {ctx.year} {ctx.place} dans les données."))]
    table = table_html(
        PROMOTION_HEADERS,
        promotions_rows(rows),
        caption=PROMOTIONS_TABLE.caption(ctx.place),
        numeric=set(range(1, len(PROMOTION_HEADERS))),
    )
    parts: list[Html | Chart] = [
        section(
            p(
                "Taux d'insertion = personnes en emploi (ou dans le métier visé : "
                f"{situations_text(ctx.target_jobs)}) ÷ base ; base = "
                "répondants à l'enquête de suivi moins les « neutralisés » (poursuite d'études, alternance "
                "comprise ; inaptitude au travail ; emploi hors du marché du travail français). Les "
                "non-répondants sont exclus."
            ),
            scroll(table),
            _masking_note(ctx),
        )
    ]
    points = {
        str(r["certification_year"]): r["insertion_global_6m"]
        for r in rows
        if r["insertion_global_6m"] is not None and not is_masked(r["insertion_global_6m"])
    }
    if points:
        fig = go.Figure(
            go.Bar(
                x=list(points),
                y=[100 * v for v in points.values()],
                text=[fmt_pct(v) for v in points.values()],
                textposition="outside",
                marker_color=charts.PALETTE[0],
                hoverinfo="skip",
            )
        )
        fig.update_layout(
            title=f"{insertion_rate('6m')}, par année d'obtention",
            yaxis={"title": "%", "range": [0, 110]},
            xaxis={"type": "category"},
            height=340,
            separators=", ",
            template="simple_white",
        )
        parts.append(Chart(fig, charts.chart_id(ctx.slug, "insertion")))
    return parts


#: The headers of the jury's results per cohort (page and workbook sheet).
COHORT_HEADERS = list(cohort_results_table(blocs()).headers)


def cohorts_rows(rows: list[dict]) -> list[list[object]]:
    out: list[list[object]] = [
        [
            r["cohort"],
            _count(r["presented"]),
            _count(r["certified"]),
            _count(r["partial"]),
            _rate(r["success_rate"]),
            *(_rate(r["blocs"][b]) for b in blocs()),
        ]
        for r in rows
    ]
    return out


def cohorts_parts(ctx: CertificationContext) -> list[Html | Chart]:
    rows = ctx.cohorts()
    if not rows:
        return [section(p(f"Pas de résultats du jury (fichier assessments) pour les promotions {ctx.place}."))]
    table = table_html(
        COHORT_HEADERS,
        cohorts_rows(rows),
        caption=cohort_results_table(blocs()).caption(ctx.place),
        numeric=set(range(1, len(COHORT_HEADERS))),
    )
    parts: list[Html | Chart] = [
        section(
            p(
                "Présenté : candidat·e ayant au moins un résultat autre qu'« absent ». Certifié : les 3 blocs "
                "validés (un bloc est validé quand toutes ses compétences sont acquises, rattrapages compris) ; "
                "validation partielle : au moins un bloc, pas tous. Taux de réussite (Qualiopi, indicateur 3) "
                "et taux de validation des blocs : sur les présentés."
            ),
            scroll(table),
            _masking_note(ctx),
        )
    ]
    shown = [r for r in rows if r["success_rate"] is not None and not is_masked(r["success_rate"])]
    if shown:
        fig = go.Figure()
        fig.add_bar(
            name=CERTIFIED,
            x=[r["cohort"] for r in shown],
            y=[100 * r["success_rate"] for r in shown],
            text=[fmt_pct(r["success_rate"]) for r in shown],
            marker_color=charts.PALETTE[0],
            hoverinfo="skip",
        )
        partial = [unmasked_share(r["partial"], r["presented"]) for r in shown]
        fig.add_bar(
            name=PARTIAL,
            x=[r["cohort"] for r in shown],
            y=[None if v is None else 100 * v for v in partial],
            text=[fmt_pct(v) if v is not None else "" for v in partial],
            marker_color=charts.PALETTE[1],
            hoverinfo="skip",
        )
        fig.update_layout(
            barmode="stack",
            title="Part des présentés certifiés et en validation partielle, par promotion",
            yaxis={"title": "% des présentés", "range": [0, 105]},
            xaxis={"type": "category"},
            height=360,
            separators=", ",
            template="simple_white",
        )
        parts.append(Chart(fig, charts.chart_id(ctx.slug, "success")))
    return parts


def competencies_parts(ctx: CertificationContext) -> list[Html | Chart]:
    rows = ctx.cohorts()
    if not rows:
        return []
    codes = list(competency_blocs())
    titles = dict(certification()[["competency_code", "competency_title"]].itertuples(index=False))
    z, text = [], []
    for code in codes:
        values = [r["competencies"][code] for r in rows]
        z.append([None if v is None or is_masked(v) else 100 * v for v in values])
        text.append([MISSING if v is None else (masked_label(v) if is_masked(v) else fmt_pct(v, 0)) for v in values])
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[r["cohort"] for r in rows],
            y=[f"{c} {titles[c][:38]}" for c in codes],
            text=text,
            texttemplate="%{text}",
            colorscale="Teal",
            zmin=min([50.0, *(v for row in z for v in row if v is not None)]),
            zmax=100,
            colorbar={"title": "%"},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        title="Taux de validation des compétences, par promotion (sur les présentés)",
        yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"type": "category"},
        height=200 + 26 * len(codes),
        template="simple_white",
        margin={"l": 320},
    )
    return [
        section(
            p(
                "Part des présentés ayant acquis chaque compétence (à une session ou au rattrapage). Case "
                f"« secret » ou « < {fmt_int(ctx.min_count)} » : non diffusée ; case vide : aucun présenté."
            )
        ),
        Chart(fig, charts.chart_id(ctx.slug, "competencies")),
    ]


def methods_html(ctx: CertificationContext) -> Html:
    k = ctx.min_count
    return section(
        h3("Définitions"),
        bullets(
            [
                "Année d'obtention : l'année où la certification a été obtenue (colonne certification_year).",
                "Base d'un taux d'insertion : répondants à l'enquête à 6 mois ou à 2 ans, moins les neutralisés "
                "(poursuite d'études, alternance comprise ; inaptes au travail ; en emploi hors du marché du "
                "travail français) ; les non-répondants sont exclus (définitions de France Compétences).",
                employed_and_target_jobs(ctx.target_jobs),
                "Taux de réussite : certifiés ÷ présentés (Qualiopi, indicateur 3).",
            ]
        ),
        h3(sentence_case(STATISTICAL_SECRET)),
        p(
            f"Un nombre de personnes inférieur à {k} n'est pas diffusé (« < {k} ») ; un taux non plus si son "
            "numérateur ou sa base ne l'est pas. D'autres chiffres sont masqués (« secret ») pour qu'aucun "
            "chiffre masqué ne puisse être recalculé à partir des chiffres diffusés du rapport (totaux, "
            "voies d'accès, France et régions), ce que vérifie un programme linéaire en nombres entiers."
        ),
    )


#: The sections of the certification report, in the notebook's order.
SECTIONS: dict[str, Callable[[CertificationContext], list[Html | Chart]]] = {
    "title": lambda ctx: [title_html(ctx), *ctx.text_parts()],
    "promotions": promotions_parts,
    "cohorts": cohorts_parts,
    "competencies": competencies_parts,
    "methods": lambda ctx: [methods_html(ctx)],
}


def report_charts(ctx: CertificationContext) -> list[tuple[object, str]]:
    """(figure, chart id) of every chart of the report (for image export)."""
    return ctx.charts()


def display_certification_section(ctx: CertificationContext, name: str) -> None:
    """Display one section in a notebook (what the certification notebook calls)."""
    display_section(ctx, name)


__all__ = [
    "SECTIONS",
    "CertificationContext",
    "display_certification_section",
    "report_charts",
    "section_html",
    "title_html",
]
