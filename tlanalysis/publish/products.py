"""What a build makes for each report besides its HTML page.

* always `<slug>.json`: the report's key figures after disclosure control (masked values are
  their labels, « < 5 » or « secret »), for scripts and for `tlanalysis diff`;
* `--formats pdf`: `<slug>.pdf`, the page printed by headless Chromium (A4, page numbers);
* `--formats png,svg`: `charts/<slug>-<chart>.png|svg`, every chart drawn by `Plotly.toImage` in a page
  of the worker's browser where plotly.js is loaded once (`image_backend`; kaleido on request);
* `--formats xlsx`: `<slug>.xlsx`, the key figures for grant forms, one sheet per table and « Sources »;
* `--formats pptx,odp`: `<slug>.pptx|odp`, the report as an editable deck in the network's brand
  (`export.deck`: native charts with their data, the text, sources); ODP converted by LibreOffice Impress.

Every product comes from the report's kind (`tlanalysis.report.kinds`): the JSON is its context's
`document()` (a certification report's records the target jobs its insertion rates in « le métier visé »
were computed for, `--target-job`), the images are every chart of its sections (the national report's
maps included), the workbook is the one its kind names (none: no XLSX).

Figures come from the library, exactly as the notebook shows them. One browser is started per worker,
only when a format needs it, and kept for every report (a forked report makes its JSON and XLSX
itself and hands the PDF, images and deck to its worker as `BrowserWork`). Every file is written atomically.
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

FORMATS = ("html", "pdf", "png", "svg", "xlsx", "pptx", "odp")
#: The formats that draw charts with Chromium (kaleido) or print with it.
BROWSER_FORMATS = ("pdf", "png", "svg", "pptx", "odp")


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
    for deck in ("pptx", "odp"):
        if deck in formats:
            paths[deck] = stem.with_suffix(f".{deck}")
    return paths


def write_document(path: Path, document: dict) -> Path:
    """The key-figures JSON of a report, written atomically."""
    atomic.write_text(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return path


@dataclass
class BrowserWork:
    """The products of one report that need a browser (PDF, chart images, deck), as plain data: a forked report
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
    #: The deck's files by format (pptx, odp), and what rebuilds the report's context to draw it: its kind's
    #: name and papermill parameters (the deck's image slides need the browser).
    decks: dict = field(default_factory=dict)
    kind: str = ""
    parameters: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.pdf or (self.charts and self.image_formats) or self.decks)


def image_backend() -> str:
    """How chart images are drawn: "page" (`Plotly.toImage` in the worker's browser page, where plotly.js
    is loaded once; measured faster) or "kaleido" (a persistent kaleido browser); $TLANALYSIS_CHART_IMAGES."""
    chosen = os.environ.get("TLANALYSIS_CHART_IMAGES", "page").strip().lower()
    return chosen if chosen in ("page", "kaleido") else "page"


class ProductMaker:
    """One per worker process: keeps one browser open across reports (one page for PDFs, one page with
    plotly.js loaded for chart images)."""

    def __init__(self, formats: tuple[str, ...], cwd: Path | None = None):
        self.formats = formats
        #: The folder the report kernels run in: the notebooks' relative `data_dir` is read from there.
        self.cwd = cwd
        self._printer: PdfPrinter | None = None
        self._images: ChartImageExporter | PageChartImages | None = None

    def close(self) -> None:
        for tool in (self._images, self._printer):
            if tool is not None:
                tool.close()
        self._printer = self._images = None

    def _deck(self, ctx, paths: dict[str, Path]) -> list[Path]:
        """The report's deck (`export.deck`): PPTX, and ODP converted from it by LibreOffice Impress."""
        from ..export.deck import convert_deck, write_deck

        exporter = self.images()
        written = []
        pptx = paths.get("pptx") or paths["odp"].with_name(f".{paths['odp'].stem}.deck.pptx")
        write_deck(ctx, pptx, exporter.render)
        if "pptx" in paths:
            written.append(pptx)
        if "odp" in paths:
            try:
                written.append(convert_deck(pptx, paths["odp"], "odp"))
            finally:
                if "pptx" not in paths:
                    pptx.unlink(missing_ok=True)
        return written

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

        data_dir = parameters.get("data_dir")
        if self.cwd is not None and data_dir and not Path(str(data_dir)).is_absolute():
            parameters = {**parameters, "data_dir": str(self.cwd / str(data_dir))}
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
        decks = {f: str(paths[f]) for f in ("pptx", "odp") if f in paths}
        if decks:
            work.decks, work.kind, work.parameters = decks, kind.name, parameters
        return [Path(p) for p in written], work

    def render(self, work: BrowserWork) -> list[Path]:
        """The PDF, chart images and deck of `work`, with this process's browser (started on first use)."""
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
        if work.decks:
            from ..report.kinds import kind_named
            from ..report.params import validate_parameters

            ctx = kind_named(work.kind).make_context(validate_parameters(**work.parameters))
            written += self._deck(ctx, {f: Path(p) for f, p in work.decks.items()})
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
