"""What a build makes for each report besides its HTML page.

* always `<slug>.json`: the report's key figures after disclosure control (masked values are
  their labels, « < 5 » or « secret »), for scripts and for `tlanalysis diff`;
* `--formats pdf`: `<slug>.pdf`, the page printed by headless Chromium (A4, page numbers);
* `--formats png,svg`: `charts/<slug>-<chart>.png|svg`, every chart through one kaleido server;
* `--formats xlsx`: `<slug>.xlsx`, the key figures for grant forms, one sheet per table and « Sources ».

A certification report's JSON and XLSX also record the target jobs its insertion rates in « le métier
visé » were computed for (`--target-job`).

Figures come from the library, exactly as the notebook shows them. Browsers are started once
per worker and only when a format needs them. Every file is written atomically.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .. import atomic

if TYPE_CHECKING:
    from ..export.images import ChartImageExporter
    from ..export.pdf import PdfPrinter

FORMATS = ("html", "pdf", "png", "svg", "xlsx")


def parse_formats(text: str) -> tuple[str, ...]:
    """« html,pdf » → ("html", "pdf"); html is always made."""
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        from ..errors import UsageError

        raise UsageError(f"unknown format(s) {', '.join(unknown)}; choose among {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in asked or f == "html")


def product_paths(html: Path, formats: tuple[str, ...]) -> dict[str, Path]:
    """Where each single-file product of a report goes (chart images go to `charts/`)."""
    stem = html.with_suffix("")
    paths = {"json": stem.with_suffix(".json")}
    if "pdf" in formats:
        paths["pdf"] = stem.with_suffix(".pdf")
    if "xlsx" in formats:
        paths["xlsx"] = stem.with_suffix(".xlsx")
    return paths


class ProductMaker:
    """One per worker process: keeps its browsers open across reports."""

    def __init__(self, formats: tuple[str, ...]):
        self.formats = formats
        self._printer: PdfPrinter | None = None
        self._images: ChartImageExporter | None = None

    def close(self) -> None:
        for tool in (self._printer, self._images):
            if tool is not None:
                tool.close()
        self._printer = self._images = None

    def make(self, parameters: dict, html: Path, title: str) -> list[Path]:
        """Make every product of one report; returns the files written."""
        from ..report import ReportContext
        from ..report.formatting import fmt_date
        from ..report.params import validate_parameters

        params = validate_parameters(**parameters)
        from .plan import kind_of_slug

        if kind_of_slug(html.stem) == "certification":
            return self._certification(params, html, title)
        ctx = ReportContext.from_parameters(params)
        paths = product_paths(html, self.formats)
        written = [self._json(ctx, paths["json"])]
        data_date = ctx.dataset.data_date
        if "xlsx" in self.formats:
            from ..export.workbook import key_figures_workbook

            written.append(
                key_figures_workbook(
                    ctx,
                    paths["xlsx"],
                    data_date=data_date,
                    cohort_table=ctx.cohort_table,
                    jobs_by_region=ctx.jobs_by_region,
                )
            )
        if "pdf" in self.formats:
            if self._printer is None:
                from ..export.pdf import PdfPrinter

                self._printer = PdfPrinter().__enter__()
            written.append(self._printer.print(html, paths["pdf"], title=title, date_fr=fmt_date(data_date)))
        images = tuple(f for f in ("png", "svg") if f in self.formats)
        if images:
            if self._images is None:
                from ..export.images import ChartImageExporter

                self._images = ChartImageExporter().__enter__()
            from ..report import employment_charts, holders_charts

            charts = employment_charts(ctx) + holders_charts(ctx)
            written += self._images.export(charts, html.parent / "charts", ctx.slug, formats=images)
        return [Path(p) for p in written]

    def _certification(self, params, html: Path, title: str) -> list[Path]:
        """The products of a certification report: its protected figures (JSON, XLSX), PDF, chart images."""
        from ..export.dossier import write_certification_workbook
        from ..report.certification import CertificationContext, report_charts
        from ..report.formatting import fmt_date

        ctx = CertificationContext.from_parameters(params)
        paths = product_paths(html, self.formats)
        document = {
            "kind": "certification",
            "year": ctx.year,
            "region": ctx.region.name,
            "region_code": ctx.region.code,
            "example_data": ctx.dataset.is_example,
            "data_date": ctx.dataset.data_date.isoformat(),
            "min_count": ctx.min_count,
            "target_jobs": list(ctx.target_jobs),
            "data_files": {name: src.short_hash for name, src in ctx.dataset.sources.items()},
            # keyed by year and cohort, so that `tlanalysis diff` names the figure that moved
            "figures": {
                "promotions": {str(r["certification_year"]): r for r in ctx.promotions()},
                "cohorts": {r["cohort"]: r for r in ctx.cohorts()},
            },
        }
        atomic.write_text(paths["json"], json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        written = [paths["json"]]
        if "xlsx" in self.formats:
            written.append(write_certification_workbook(ctx, paths["xlsx"]))
        if "pdf" in self.formats:
            if self._printer is None:
                from ..export.pdf import PdfPrinter

                self._printer = PdfPrinter().__enter__()
            written.append(
                self._printer.print(html, paths["pdf"], title=title, date_fr=fmt_date(ctx.dataset.data_date))
            )
        images = tuple(f for f in ("png", "svg") if f in self.formats)
        if images:
            if self._images is None:
                from ..export.images import ChartImageExporter

                self._images = ChartImageExporter().__enter__()
            written += self._images.export(report_charts(ctx), html.parent / "charts", ctx.slug, formats=images)
        return [Path(p) for p in written]

    @staticmethod
    def _json(ctx, path: Path) -> Path:
        document = {
            "year": ctx.year,
            "region": ctx.region.name,
            "region_code": ctx.region.code,
            "example_data": ctx.dataset.is_example,
            "data_date": ctx.dataset.data_date.isoformat(),
            "min_count": ctx.min_count,
            "data_files": {name: src.short_hash for name, src in ctx.dataset.sources.items()},
            "figures": ctx.figures,
        }
        atomic.write_text(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return path
