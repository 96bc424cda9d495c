"""A third kind of report, as a user would add one: « Synthèse », one short page per (year, region).

Its notebook is `tests/fixtures/summary_report.ipynb`; its context and sections are here (importable
by the build's workers and kernels when the tests folder is on PYTHONPATH). Nothing in tlanalysis
knows it: registered (`tlanalysis.report.kinds.register`), it gets the build, the JSON, the index and
the chart images of the bundled kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import plotly.graph_objects as go

from tlanalysis.report.base import BaseReportContext, protection_of
from tlanalysis.report.formatting import fmt_int
from tlanalysis.report.html import Chart, Html, esc
from tlanalysis.report.kinds import ReportKind
from tlanalysis.report.params import ReportParameters

from .paths import FIXTURES

SUMMARY = ReportKind(
    name="synthese",
    notebook=FIXTURES / "summary_report.ipynb",
    context="support.third_kind:SummaryContext",
    sections="support.third_kind:SECTIONS",
    title="Synthèse — {region} {year}",
    slug_prefix="synthese-",
    index_title="Synthèses",
    index_note="Une page par région et par année d'enquête.",
    label="synthèse",
)


@dataclass(frozen=True, eq=False)
class SummaryContext(BaseReportContext):
    """The protected figures of the annual report, of which the summary shows two."""

    figures: dict
    kind: ClassVar[ReportKind] = SUMMARY

    @classmethod
    def from_parameters(cls, params: ReportParameters) -> SummaryContext:
        return cls(params, protection_of(params).figures(params.year, params.region))

    def key_figures(self) -> dict:
        jobs = self.figures["jobs"]
        return {"jobs": jobs["total"], "by_contract": jobs["by_contract"]}


def summary_parts(ctx: SummaryContext) -> list[Html | Chart]:
    jobs = ctx.figures["jobs"]
    figure = go.Figure(go.Bar(x=list(jobs["by_contract"]), y=list(jobs["by_contract"].values())))
    figure.update_layout(title=f"Emplois par contrat, {ctx.year}", height=320)
    return [
        Html(f"<p>SYNTHESE {esc(ctx.territory)} {ctx.year} : {fmt_int(jobs['total'])} emplois</p>"),
        Chart(figure, ctx.chart_id("contracts")),
    ]


SECTIONS = {"summary": summary_parts}
