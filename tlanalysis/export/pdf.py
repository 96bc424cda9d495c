"""A report's HTML page as an A4 PDF, printed by headless Chromium (Playwright's `page.pdf`).

What the printer does to every page, in order:

1. opens the HTML file with the network cut: only `file:` and `data:` URLs load, so a page that names a CDN
   (nbconvert's templates reference require.js and MathJax) prints the same offline, and nothing leaves
   the machine;
2. waits until every plotly chart is drawn (`.plotly-graph-div` with its `.main-svg`), and the fonts; a
   chart that never draws (plotly.js missing from the page) is an `ExportError` naming it;
3. switches to print media with the print style sheet (`PRINT_CSS`: no plotly toolbar, charts, tables
   and cards never split across pages, nothing wider than the page), sets the window to the printable
   width of A4 (`PRINTABLE_WIDTH_PX`) and redraws each chart at that width (`Plotly.Plots.resize`; a chart
   with a fixed width larger than its container is narrowed with `Plotly.relayout`), so no chart is cut
   at the page edge;
4. prints A4 with margins and a footer: the report title, the date given (the data's date, never "now")
   and « Page X / Y ». The PDF is tagged (accessibility) and has an outline from the headings.

The bytes are written atomically (temporary file + `os.replace`).

Playwright's sync API drives the browser: use a `PdfPrinter` from one thread, outside a running asyncio
loop (not from a Jupyter cell); a build running reports in threads needs one printer per thread.
"""

from __future__ import annotations

import contextlib
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from . import ExportError, find_chromium, write_bytes_atomic

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

#: Chromium's flags for a quiet, offline, headless print (no sandbox: it runs in containers, as root).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)

#: Page margins, in millimetres; the bottom one holds the footer.
MARGINS_MM = {"top": 14, "right": 15, "bottom": 18, "left": 15}

_MM_PER_INCH = 25.4
_CSS_PX_PER_INCH = 96

#: The width a page's content is laid out in when printed on A4 with `MARGINS_MM`, in CSS pixels
#: (210 mm − 30 mm = 180 mm ≈ 680 px). Charts are redrawn at this width before printing.
PRINTABLE_WIDTH_PX = int((210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / _MM_PER_INCH * _CSS_PX_PER_INCH)
PRINTABLE_HEIGHT_PX = int((297 - MARGINS_MM["top"] - MARGINS_MM["bottom"]) / _MM_PER_INCH * _CSS_PX_PER_INCH)

#: Added to every page before printing. Break rules use both the current and the legacy property names.
#: The `@page` rule repeats the margins given to Chromium, because a page's own `@page` margins (nbconvert's
#: templates set 0.5 in) would otherwise win and the content would no longer be `PRINTABLE_WIDTH_PX` wide.
PRINT_CSS = """
@page {
  size: A4;
  margin: PAGE_MARGIN;
}
@media print {
  html, body { background: #fff !important; }
  body { margin: 0 !important; padding: 0 !important; }
  .modebar-container, .modebar, .modebar-group { display: none !important; }
  .js-plotly-plot, .plotly-graph-div, figure, table, img, svg, pre,
  .tl-card, .tl-banner, dl.tl-meta {
    break-inside: avoid; page-break-inside: avoid;
  }
  .js-plotly-plot, .plotly-graph-div, figure, table, img, svg, pre { max-width: 100% !important; }
  h1, h2, h3, h4, h5, caption { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  /* nbconvert's lab template keeps each output on one page: a long section would then leave a page blank */
  .jp-OutputArea-child, .jp-Cell, .jp-Cell-outputWrapper, .output_area { break-inside: auto !important; }
  .tl-scroll, .jp-OutputArea-output, .output_subarea { overflow: visible !important; }
  .tl-report { max-width: none !important; }
  .tl-report .tl-cards { grid-template-columns: repeat(2, minmax(0, 1fr)) !important; }
  .jp-Notebook { padding: 0 !important; }
  .jp-Cell, .jp-OutputArea-child, .jp-OutputArea-output { padding-left: 0 !important; padding-right: 0 !important; }
  .jp-OutputPrompt, .jp-InputPrompt { display: none !important; }
  a { color: inherit; }
  pre { white-space: pre-wrap; }
}
""".replace("PAGE_MARGIN", " ".join(f"{MARGINS_MM[side]}mm" for side in ("top", "right", "bottom", "left")))

_FONT = "system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif"

#: Chromium draws the footer in the bottom margin, outside the page's CSS: every style is inline, and
#: the font size must be given (the default is unreadably small).
_FOOTER = (
    f'<div style="box-sizing:border-box;width:100%;padding:0 {MARGINS_MM["right"]}mm 0 {MARGINS_MM["left"]}mm;'
    f"font-family:{_FONT};font-size:8pt;color:#52606d;display:flex;justify-content:space-between;"
    'align-items:baseline;gap:8mm;">'
    '<span style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis;">{title} — {date}</span>'
    '<span style="white-space:nowrap;">Page <span class="pageNumber"></span> / <span class="totalPages"></span>'
    "</span></div>"
)
_HEADER = "<div></div>"

#: True once every plotly chart of the page is drawn (a page without charts is ready at once).
_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .every(gd => gd._fullLayout && gd.querySelector('svg.main-svg'))"""

_UNDRAWN = """() => Array.from(document.querySelectorAll('.plotly-graph-div'))
    .filter(gd => !(gd._fullLayout && gd.querySelector('svg.main-svg'))).map(gd => gd.id || '(no id)')"""

#: Redraw every chart at its container's width; a fixed-width chart wider than the page is narrowed to it
#: (plotly.py wraps such a chart in a div of the same fixed width, which is limited to the page first).
_FIT_CHARTS = """async (limit) => {
  if (!window.Plotly) return;
  const charts = Array.from(document.querySelectorAll('.js-plotly-plot'));
  for (const gd of charts) {
    for (let el = gd.parentElement; el && el !== document.body; el = el.parentElement) {
      if (el.getBoundingClientRect().width > limit + 1) el.style.maxWidth = '100%';
    }
  }
  await Promise.all(charts.map(async (gd) => {
    const room = Math.min(limit, gd.parentElement ? gd.parentElement.clientWidth : limit);
    const layout = gd._fullLayout || {};
    try {
      if (layout.autosize === false && room > 0 && layout.width > room) {
        await window.Plotly.relayout(gd, {width: room});
      } else {
        await window.Plotly.Plots.resize(gd);
      }
    } catch (error) { /* a hidden chart cannot be resized; it is not printed either */ }
  }));
  await document.fonts.ready;
  await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
}"""

#: Tables (and preformatted blocks) still wider than their room after the print style sheet are scaled
#: down with CSS `zoom`, rather than cut at the page edge.
_SHRINK_WIDE_BLOCKS = """(limit) => {
  const shrunk = [];
  for (const el of document.querySelectorAll('table, pre')) {
    if (el.parentElement && el.parentElement.closest('table, pre')) continue;
    const room = Math.min(limit, el.parentElement ? el.parentElement.clientWidth || limit : limit);
    const needed = el.scrollWidth;
    if (needed > room + 1) {
      el.style.zoom = String(Math.max(0.5, room / needed));
      shrunk.push(el.id || el.tagName.toLowerCase());
    }
  }
  return shrunk;
}"""

#: Charts still wider than the printable width after fitting (they would be cut at the page edge).
_TOO_WIDE = """(limit) => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(gd => gd.getBoundingClientRect().right > limit + 1
                  || Array.from(gd.querySelectorAll('svg.main-svg'))
                       .some(svg => svg.getBoundingClientRect().right > limit + 1))
    .map(gd => gd.id || '(no id)')"""


def _launch(playwright, executable: Path):
    return playwright.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS), headless=True)


class PdfPrinter:
    """One headless Chromium kept open to print many reports.

        with PdfPrinter() as printer:
            for report in reports:
                printer.print(report.html, report.pdf, title=report.title, date_fr="4 mai 2022")

    `chromium`: the browser's path (default: `find_chromium()`); `timeout_s`: how long one page may take to
    load and draw its charts. One browser context and one page print every report: the page goes back to
    screen media and navigates to the next report, whose renderer process, plotly.js compiled code and
    fonts are already warm (a new context per report cost about 1.5 s each, mostly reloading plotly.js
    into a cold renderer). Report pages are static (no storage, no service worker), so nothing of one
    report reaches the next; `fresh_context=True` gives each report its own context as before.
    """

    def __init__(
        self, *, chromium: str | Path | None = None, timeout_s: float = 60.0, fresh_context: bool = False
    ) -> None:
        self.chromium = find_chromium(chromium)
        self.timeout_ms = timeout_s * 1000
        self.fresh_context = fresh_context
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._page = None

    # --- lifecycle ---

    def __enter__(self) -> PdfPrinter:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def open(self) -> None:
        if self._browser is not None:
            return
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError as exc:  # pragma: no cover - playwright is a dependency
            raise ExportError(
                "the PDF export needs Playwright: `pip install playwright` (its browser download "
                "is not needed, the system Chromium is used)"
            ) from exc
        self._playwright = sync_playwright().start()
        try:
            self._browser = _launch(self._playwright, self.chromium)
        except PlaywrightError as exc:
            self._playwright.stop()
            self._playwright = None
            raise ExportError(f"Chromium at {self.chromium} did not start: {str(exc).splitlines()[0]}") from exc

    def close(self) -> None:
        self._page = None
        if self._browser is not None:
            try:
                if self._browser.is_connected():
                    self._browser.close()
            finally:
                self._browser = None
        if self._playwright is not None:
            try:
                self._playwright.stop()
            finally:
                self._playwright = None

    @property
    def browser(self):
        """The Playwright `Browser`, opened on first use and started again if it crashed."""
        if self._browser is not None and not self._browser.is_connected():
            self.close()
        self.open()
        return self._browser

    # --- printing ---

    def print(self, html_path: Path, pdf_path: Path, *, title: str, date_fr: str) -> Path:
        """Print `html_path` to `pdf_path` (written atomically); returns `pdf_path`."""
        if self.fresh_context:
            return _print(
                self.browser, Path(html_path), Path(pdf_path), title=title, date_fr=date_fr, timeout_ms=self.timeout_ms
            )
        page = self._reused_page()
        try:
            return _print_on(
                page, Path(html_path), Path(pdf_path), title=title, date_fr=date_fr, timeout_ms=self.timeout_ms
            )
        except ExportError:
            self._drop_page()  # a page left in an unknown state is not reused
            raise

    def _reused_page(self):
        browser = self.browser
        if self._page is not None and not self._page.is_closed():
            return self._page
        context = _new_context(browser, self.timeout_ms)
        self._page = context.new_page()
        return self._page

    def _drop_page(self) -> None:
        page, self._page = self._page, None
        if page is not None:
            with contextlib.suppress(Exception):
                page.context.close()


def html_to_pdf(html_path: Path, pdf_path: Path, *, title: str, date_fr: str, browser=None) -> Path:
    """Print one report's HTML page to an A4 PDF with a footer « <title> — <date_fr> … Page X / Y ».

    `date_fr` is the data's date written in French (`tlanalysis.report.formatting.fmt_date`), shown as given.
    `browser`: a `PdfPrinter` (or a Playwright `Browser`) to reuse; without one, a browser is started
    and closed for this page alone (about 1 s more). Returns `pdf_path`.
    """
    if browser is None:
        with PdfPrinter() as printer:
            return printer.print(html_path, pdf_path, title=title, date_fr=date_fr)
    if isinstance(browser, PdfPrinter):
        return browser.print(html_path, pdf_path, title=title, date_fr=date_fr)
    return _print(browser, Path(html_path), Path(pdf_path), title=title, date_fr=date_fr, timeout_ms=60_000)


def footer_template(title: str, date_fr: str) -> str:
    """The footer Chromium draws on every page; title and date are escaped (they may come from data)."""
    return _FOOTER.replace("{title}", html.escape(title, quote=True)).replace(
        "{date}", html.escape(date_fr, quote=True)
    )


def _block_network(route) -> None:
    route.abort("blockedbyclient")


def _new_context(browser, timeout_ms: float):
    """A browser context as every report is printed in: A4's printable width, French, offline."""
    context = browser.new_context(
        viewport={"width": PRINTABLE_WIDTH_PX, "height": PRINTABLE_HEIGHT_PX},
        device_scale_factor=1,
        locale="fr-FR",
        service_workers="block",
    )
    context.set_default_timeout(timeout_ms)
    # Everything but file: and data: URLs is refused: the PDF of a report never depends on the network.
    context.route(re.compile(r"^(?!(file|data|blob|about):)"), _block_network)
    return context


def _print(browser, html_path: Path, pdf_path: Path, *, title: str, date_fr: str, timeout_ms: float) -> Path:
    """Print in a context of its own (closed afterwards)."""
    if not html_path.is_file():
        raise ExportError(f"no HTML page to print at {html_path}")
    context = _new_context(browser, timeout_ms)
    try:
        return _print_on(context.new_page(), html_path, pdf_path, title=title, date_fr=date_fr, timeout_ms=timeout_ms)
    finally:
        context.close()


def _print_on(page, html_path: Path, pdf_path: Path, *, title: str, date_fr: str, timeout_ms: float) -> Path:
    """Print on `page` (of a context made by `_new_context`), which may have printed another report."""
    from playwright.sync_api import Error as PlaywrightError

    if not html_path.is_file():
        raise ExportError(f"no HTML page to print at {html_path}")
    try:
        page.emulate_media(media="screen")  # as a new page: drawn for the screen, then printed
        page.goto(html_path.resolve().as_uri(), wait_until="load")
        _wait_for_charts(page, html_path, timeout_ms)
        page.add_style_tag(content=PRINT_CSS)
        page.emulate_media(media="print")
        page.evaluate(_FIT_CHARTS, PRINTABLE_WIDTH_PX)
        page.evaluate(_SHRINK_WIDE_BLOCKS, PRINTABLE_WIDTH_PX)
        too_wide = page.evaluate(_TOO_WIDE, PRINTABLE_WIDTH_PX)
        if too_wide:
            raise ExportError(f"{html_path.name}: charts wider than the printed page: {', '.join(too_wide)}")
        page.evaluate("(title) => { document.title = title; }", title)
        data = page.pdf(
            format="A4",
            margin={side: f"{mm}mm" for side, mm in MARGINS_MM.items()},
            print_background=True,
            display_header_footer=True,
            header_template=_HEADER,
            footer_template=footer_template(title, date_fr),
            outline=True,
            tagged=True,
        )
    except PlaywrightError as exc:
        raise ExportError(f"{html_path.name}: printing to PDF failed: {str(exc).splitlines()[0]}") from exc
    write_bytes_atomic(pdf_path, data)
    return pdf_path


def _wait_for_charts(page, html_path: Path, timeout_ms: float) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    if page.evaluate("() => document.querySelector('.plotly-graph-div') !== null && !window.Plotly"):
        ids = page.evaluate(_UNDRAWN)
        raise ExportError(
            f"{html_path.name}: plotly.js is not loaded in the page, so its charts cannot be "
            f"drawn ({', '.join(ids)}); the page must include plotly.js itself (no CDN)"
        )
    try:
        page.wait_for_function(_CHARTS_DRAWN, timeout=timeout_ms, polling=50)
        page.evaluate("() => document.fonts.ready.then(() => true)")
    except PlaywrightTimeout:
        ids = page.evaluate(_UNDRAWN)
        raise ExportError(
            f"{html_path.name}: charts not drawn after {timeout_ms / 1000:g} s: {', '.join(ids)}"
        ) from None


__all__ = [
    "CHROMIUM_ARGS",
    "MARGINS_MM",
    "PRINTABLE_WIDTH_PX",
    "PRINT_CSS",
    "PdfPrinter",
    "footer_template",
    "html_to_pdf",
]
