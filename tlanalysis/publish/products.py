"""What a build makes for each report besides its HTML page.

* always `<slug>.json`: the report's key figures after disclosure control (masked values are
  their labels, « < 5 » or « secret »), for scripts and for `tlanalysis diff`;
* `--formats pdf`: `<slug>.pdf`, the page printed by headless Chromium (A4, page numbers);
* `--formats png,svg`: `charts/<slug>-<chart>.png|svg`, every chart drawn by `Plotly.toImage` in a page
  of the worker's browser where plotly.js is loaded once (`image_backend`; kaleido on request);
* `--formats xlsx`: `<slug>.xlsx`, the key figures for grant forms, one sheet per table and « Sources ».

Every product comes from the report's kind (`tlanalysis.report.kinds`): the JSON is its context's
`document()` (a certification report's records the target jobs its insertion rates in « le métier visé »
were computed for, `--target-job`), the images are every chart of its sections (the national report's
maps included), the workbook is the one its kind names (none: no XLSX).

Figures come from the library, exactly as the notebook shows them. One browser is started per worker,
only when a format needs it, and kept for every report (a forked report makes its JSON and XLSX
itself and hands the PDF and images to its worker as `BrowserWork`). Every file is written atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import atomic

if TYPE_CHECKING:
    from ..export.images import ChartImageExporter, PageChartImages
    from ..export.pdf import PdfPrinter
    from ..report.kinds import ReportKind

FORMATS = ("html", "pdf", "png", "svg", "xlsx")


def parse_formats(text: str) -> tuple[str, ...]:
    """« html,pdf » → ("html", "pdf"); html is always made."""
    asked = [part.strip().lower() for part in text.split(",") if part.strip()]
    unknown = [f for f in asked if f not in FORMATS]
    if unknown:
        from ..errors import UsageError

        raise UsageError(f"unknown format(s) {', '.join(unknown)}; choose among {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in asked or f == "html")


def product_paths(html: Path, formats: tuple[str, ...], workbook: bool = True) -> dict[str, Path]:
    """Where each single-file product of a report goes (chart images go to `charts/`); `workbook`:
    whether its kind has one."""
    stem = html.with_suffix("")
    paths = {"json": stem.with_suffix(".json")}
    if "pdf" in formats:
        paths["pdf"] = stem.with_suffix(".pdf")
    if "xlsx" in formats and workbook:
        paths["xlsx"] = stem.with_suffix(".xlsx")
    return paths


def write_document(path: Path, document: dict) -> Path:
    """The key-figures JSON of a report, written atomically."""
    atomic.write_text(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return path


@dataclass
class BrowserWork:
    """The products of one report that need a browser (PDF, chart images), as plain data: a forked report
    hands them to its worker, whose browser is already open (`ProductMaker.render`)."""

    html: str
    title: str
    date_fr: str
    pdf: str | None = None
    #: (figure as a plotly JSON string, chart name) of every chart, the folder and slug of their files, the formats.
    charts: list = field(default_factory=list)
    charts_dir: str = ""
    slug: str = ""
    image_formats: tuple = ()

    def __bool__(self) -> bool:
        return bool(self.pdf or (self.charts and self.image_formats))


def image_backend() -> str:
    """How chart images are drawn: "page" (`Plotly.toImage` in the worker's browser page, where plotly.js
    is loaded once; measured faster) or "kaleido" (a persistent kaleido browser); $TLANALYSIS_CHART_IMAGES."""
    chosen = os.environ.get("TLANALYSIS_CHART_IMAGES", "page").strip().lower()
    return chosen if chosen in ("page", "kaleido") else "page"


class ProductMaker:
    """One per worker process: keeps one browser open across reports (one page for PDFs, one page with
    plotly.js loaded for chart images)."""

    def __init__(self, formats: tuple[str, ...]):
        self.formats = formats
        self._printer: PdfPrinter | None = None
        self._images: ChartImageExporter | PageChartImages | None = None

    def close(self) -> None:
        for tool in (self._images, self._printer):
            if tool is not None:
                tool.close()
        self._printer = self._images = None

    def make(self, kind: ReportKind, parameters: dict, html: Path, title: str) -> list[Path]:
        """Make every product of one report of `kind` from its papermill parameters; returns the files
        written. Each comes from the kind: its context's document and charts, its workbook writer."""
        written, work = self.make_own(kind, parameters, html, title)
        return written + self.render(work)

    def make_own(self, kind: ReportKind, parameters: dict, html: Path, title: str) -> tuple[list[Path], BrowserWork]:
        """The products made without a browser (JSON, XLSX), written; and what the browser must make."""
        from ..report.formatting import fmt_date
        from ..report.kinds import resolve
        from ..report.params import validate_parameters

        ctx = kind.make_context(validate_parameters(**parameters))
        paths = product_paths(html, self.formats, kind.workbook is not None)
        written = [write_document(paths["json"], ctx.document())]
        if "xlsx" in paths and kind.workbook is not None:
            written.append(resolve(kind.workbook)(ctx, paths["xlsx"]))
        work = BrowserWork(str(html), title, fmt_date(ctx.dataset.data_date))
        if "pdf" in paths:
            work.pdf = str(paths["pdf"])
        images = tuple(f for f in ("png", "svg") if f in self.formats)
        if images:
            work.charts = [(fig.to_json(), name) for fig, name in ctx.charts()]  # type: ignore[attr-defined]
            work.charts_dir, work.slug, work.image_formats = str(html.parent / "charts"), ctx.slug, images
        return [Path(p) for p in written], work

    def render(self, work: BrowserWork) -> list[Path]:
        """The PDF and chart images of `work`, with this process's browser (started on first use)."""
        written: list[Path] = []
        if work.pdf:
            written.append(
                Path(self.printer().print(Path(work.html), Path(work.pdf), title=work.title, date_fr=work.date_fr))
            )
        if work.charts and work.image_formats:
            images = self.images()
            written += images.export(
                [(_figure(fig), name) for fig, name in work.charts],
                Path(work.charts_dir),
                work.slug,
                work.image_formats,
            )
        return written

    def printer(self) -> PdfPrinter:
        if self._printer is None:
            from ..export.pdf import PdfPrinter

            self._printer = PdfPrinter().__enter__()
        return self._printer

    def images(self) -> ChartImageExporter | PageChartImages:
        if self._images is None:
            if image_backend() == "kaleido":
                from ..export.images import ChartImageExporter

                self._images = ChartImageExporter().__enter__()
            else:
                from ..export.images import PageChartImages

                self._images = PageChartImages(self.printer())
        return self._images


def _figure(text: str):
    """A chart as the image tool takes it: the JSON string itself for the browser page, a plotly figure
    for kaleido."""
    if image_backend() == "page":
        return text
    import plotly.io as pio

    return pio.from_json(text, skip_invalid=True)
