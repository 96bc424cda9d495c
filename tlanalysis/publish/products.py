"""What a build makes for each report besides its HTML page.

* always `<slug>.json`: the report's key figures after disclosure control (masked values are
  their labels, « < 5 » or « secret »), for scripts and for `tlanalysis diff`;
* `--formats pdf`: `<slug>.pdf`, the page printed by headless Chromium (A4, page numbers);
* `--formats png,svg`: `charts/<slug>-<chart>.png|svg`, every chart through one kaleido server;
* `--formats xlsx`: `<slug>.xlsx`, the key figures for grant forms, one sheet per table and « Sources »;
* `--formats pptx,odp`: `<slug>.pptx|odp`, the report as an editable deck in the network's brand
  (`export.deck`: native charts with their data, the text, sources); ODP converted by LibreOffice Impress.

Every product comes from the report's kind (`tlanalysis.report.kinds`): the JSON is its context's
`document()` (a certification report's records the target jobs its insertion rates in « le métier visé »
were computed for, `--target-job`), the images are every chart of its sections (the national report's
maps included), the workbook is the one its kind names (none: no XLSX).

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


class ProductMaker:
    """One per worker process: keeps its browsers open across reports."""

    def __init__(self, formats: tuple[str, ...], cwd: Path | None = None):
        self.formats = formats
        #: The folder the report kernels run in: the notebooks' relative `data_dir` is read from there.
        self.cwd = cwd
        self._printer: PdfPrinter | None = None
        self._images: ChartImageExporter | None = None

    def close(self) -> None:
        for tool in (self._printer, self._images):
            if tool is not None:
                tool.close()
        self._printer = self._images = None

    def _image_exporter(self) -> ChartImageExporter:
        if self._images is None:
            from ..export.images import ChartImageExporter

            self._images = ChartImageExporter().__enter__()
        return self._images

    def _deck(self, ctx, paths: dict[str, Path]) -> list[Path]:
        """The report's deck (`export.deck`): PPTX, and ODP converted from it by LibreOffice Impress."""
        from ..export.deck import convert_deck, write_deck

        exporter = self._image_exporter()
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
        if "pdf" in paths:
            if self._printer is None:
                from ..export.pdf import PdfPrinter

                self._printer = PdfPrinter().__enter__()
            written.append(
                self._printer.print(html, paths["pdf"], title=title, date_fr=fmt_date(ctx.dataset.data_date))
            )
        if "pptx" in paths or "odp" in paths:
            written += self._deck(ctx, paths)
        images = tuple(f for f in ("png", "svg") if f in self.formats)
        if images:
            written += self._image_exporter().export(ctx.charts(), html.parent / "charts", ctx.slug, formats=images)
        return [Path(p) for p in written]
