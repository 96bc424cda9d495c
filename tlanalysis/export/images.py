"""PNG and SVG files of a report's charts, for funders' documents and slides.

kaleido 1.x draws plotly figures in a headless Chromium. Starting that browser costs over a second; an
image from a browser already open costs about a tenth of a second. So a `ChartImageExporter` keeps one
kaleido browser open for a whole batch (every chart of every report of a build):

    with ChartImageExporter() as exporter:
        for ctx in contexts:
            exporter.export(employment_charts(ctx) + holders_charts(ctx), out_dir, ctx.slug)

`export_chart_images` does the same for one batch, opening and closing a browser unless one is given.

The browser is the system Chromium (`tlanalysis.export.find_chromium`), passed to kaleido explicitly;
`BROWSER_PATH` is also set for other kaleido users in the process when it was not set. Nothing is
downloaded: kaleido gets plotly.js from the installed plotly package, MathJax is turned off (its
default is a CDN), and maps get an empty world topology from a `data:` URL (`OFFLINE_TOPOJSON`)
instead of plotly's CDN, as the report pages do (`tlanalysis.report.charts.display.GEO_OFFLINE_SCRIPT`).

kaleido's own `start_sync_server` is a process-wide singleton whose options cannot be checked once
started; this module runs its own `Kaleido` instead, on an event loop in a background thread, so it
works the same from scripts, threads and notebooks (where an asyncio loop is already running).

Files are named `<slug>-<chart name>.<format>`, e.g. `75-2019-contracts.png`, the chart name being the
report's chart id without its `chart-<slug>-` prefix. Each file is written atomically.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import os
import re
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import ExportError, find_chromium, write_bytes_atomic

FORMATS = ("png", "svg")

#: Default size of an exported chart, in CSS pixels: about the width of a report's column. The height
#: defaults to the chart's own (the report's builders fix it) or `DEFAULT_HEIGHT`.
DEFAULT_WIDTH = 900
DEFAULT_HEIGHT = 500
#: PNG pixels per CSS pixel: 2 gives sharp images in print and on high-density screens.
DEFAULT_SCALE = 2

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

#: Where plotly.js fetches the world topology of a map (`<url><scope>_<resolution>.json`, given to kaleido
#: as `topojson`): an empty topology, the file name falling in the URL's fragment. The maps draw their own
#: GeoJSON with every base layer off; without this, kaleido asks cdn.plot.ly and fails offline.
OFFLINE_TOPOJSON = "data:application/json," + quote('{"type":"Topology","objects":{},"arcs":[]}') + "#"


def chart_file_stem(slug: str, chart_name: str) -> str:
    """`<slug>-<name>`: chart ids "chart-75-2019-roles" and plain names "roles" both give "75-2019-roles"."""
    name = str(chart_name).lower()
    for prefix in (f"chart-{slug}-", f"{slug}-"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    stem = f"{slug}-{name}".lower()
    if not _NAME.match(stem):
        raise ValueError(
            f"chart {chart_name!r} of report {slug!r}: a file name needs lower-case letters, digits "
            f"and hyphens, got {stem!r}"
        )
    return stem


class ChartImageExporter:
    """One kaleido browser, open for a batch of chart images.

    `chromium`: the browser's path (default `find_chromium()`); `timeout_s`: how long one image may take.
    Use it as a context manager, or call `open()` and `close()`. Safe to call from several threads (the
    images are drawn one at a time by the browser's one tab).
    """

    def __init__(self, *, chromium: str | Path | None = None, timeout_s: float = 60.0) -> None:
        self.chromium = find_chromium(chromium)
        os.environ.setdefault("BROWSER_PATH", str(self.chromium))
        self.timeout_s = timeout_s
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None  # kaleido ships no types
        self._lock = threading.Lock()

    def __enter__(self) -> ChartImageExporter:
        self.open()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._kaleido is not None

    def open(self) -> None:
        """Start the browser (about 1–2 s); a second call does nothing."""
        with self._lock:
            if self._kaleido is not None:
                return
            try:
                import kaleido  # noqa: F401
            except ImportError as exc:  # pragma: no cover - kaleido is a dependency
                raise ExportError("the image export needs kaleido 1.x: `pip install 'kaleido>=1'`") from exc
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="tlanalysis-kaleido", daemon=True)
            thread.start()
            self._loop, self._thread = loop, thread
            try:
                self._kaleido = self._call(self._start(), self.timeout_s + 30)
                atexit.register(self.close)  # a forgotten close() must not leave Chromium behind
            except BaseException as exc:
                self._stop_loop()
                if isinstance(exc, ExportError) or not isinstance(exc, Exception):
                    raise
                raise ExportError(f"kaleido could not start Chromium at {self.chromium}: {exc}") from exc

    async def _start(self):
        from kaleido import Kaleido

        k = Kaleido(n=1, timeout=self.timeout_s, mathjax=False, path=str(self.chromium))
        await k.open()
        return k

    def close(self) -> None:
        """Close the browser and its thread."""
        with self._lock:
            if self._kaleido is None:
                return
            kaleido, self._kaleido = self._kaleido, None
            atexit.unregister(self.close)
            try:
                self._call(kaleido.close(), 30)
            except Exception:
                pass
            finally:
                self._stop_loop()

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None:
            loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=30)
        if loop is not None and not loop.is_running():
            loop.close()

    def _call(self, coroutine, timeout: float):
        loop = self._loop
        if loop is None:  # closed (by another thread) since `open`
            raise ExportError("the chart image exporter is closed")
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        try:
            return future.result(timeout)
        except FutureTimeout:
            future.cancel()
            raise ExportError(f"kaleido did not answer within {timeout:g} s") from None

    # --- images ---

    def render(
        self,
        fig,
        fmt: str = "png",
        *,
        width: int | None = None,
        height: int | None = None,
        scale: float = DEFAULT_SCALE,
    ) -> bytes:
        """One chart as PNG or SVG bytes. Width and height in CSS pixels; PNG pixels are size × scale (an SVG
        is vector: it keeps the size given, `scale` does not apply)."""
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        self.open()
        opts = {
            "format": fmt,
            "width": int(width or DEFAULT_WIDTH),
            "height": int(height or _figure_height(fig) or DEFAULT_HEIGHT),
            "scale": scale if fmt == "png" else 1,
        }
        for attempt in (1, 2):
            try:
                return self._call(
                    self._kaleido.calc_fig(fig, opts=opts, topojson=OFFLINE_TOPOJSON), self.timeout_s + 10
                )
            except ExportError:
                raise
            except Exception as exc:
                # kaleido 1.5 may keep the id of the blank page's script context when its tab first loads
                # (on a busy machine): the call then misses its script. The tab is reloaded after every
                # image, so the next attempt finds it.
                if attempt == 1 and "kaleido_scopes is not defined" in str(exc):
                    continue
                title = _figure_title(fig)
                raise ExportError(f"chart {title!r} could not be drawn as {fmt}: {exc}") from exc
        raise AssertionError("unreachable")

    def export(
        self,
        charts: Iterable[tuple[object, str]],
        out_dir: Path,
        slug: str,
        formats: Sequence[str] = FORMATS,
        *,
        width: int | None = DEFAULT_WIDTH,
        height: int | None = None,
        scale: float = DEFAULT_SCALE,
    ) -> list[Path]:
        """Write every chart in every format to `out_dir/<slug>-<name>.<format>`; returns the paths written.

        `charts`: (figure, name) pairs, as `tlanalysis.report.employment_charts(ctx)` gives them.
        `height` None: each chart's own height (its layout's), else `DEFAULT_HEIGHT`.
        """
        return _export_with(self, charts, out_dir, slug, formats, width=width, height=height, scale=scale)


def _export_with(
    renderer,
    charts: Iterable[tuple[object, str]],
    out_dir: Path,
    slug: str,
    formats: Sequence[str] = FORMATS,
    *,
    width: int | None = DEFAULT_WIDTH,
    height: int | None = None,
    scale: float = DEFAULT_SCALE,
) -> list[Path]:
    for fmt in formats:
        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    out_dir = Path(out_dir)
    charts = list(charts)
    stems = [chart_file_stem(slug, name) for _, name in charts]
    duplicates = sorted({s for s in stems if stems.count(s) > 1})
    if duplicates:
        raise ValueError(f"two charts of report {slug!r} would share a file name: {', '.join(duplicates)}")
    written = []
    for (fig, _), stem in zip(charts, stems, strict=True):
        for fmt in formats:
            data = renderer.render(fig, fmt, width=width, height=height, scale=scale)
            written.append(write_bytes_atomic(out_dir / f"{stem}.{fmt}", data))
    return written


def _plotly_js_file() -> Path:
    """plotly.js as shipped inside the plotly package (what the report pages load)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise ExportError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def export_chart_images(
    charts: list[tuple[object, str]],
    out_dir: Path,
    slug: str,
    formats: Sequence[str] = FORMATS,
    width: int | None = DEFAULT_WIDTH,
    height: int | None = None,
    scale: float = DEFAULT_SCALE,
    *,
    exporter: ChartImageExporter | None = None,
) -> list[Path]:
    """PNG and/or SVG of every chart of one report, named `<slug>-<chart name>.<format>` in `out_dir`.

    Pass an open `exporter` to reuse its browser across reports (a build should); without one, a browser
    is started and closed for this call. Returns the paths written, in chart then format order.
    """
    if exporter is not None:
        return exporter.export(charts, out_dir, slug, formats, width=width, height=height, scale=scale)
    with ChartImageExporter() as own:
        return own.export(charts, out_dir, slug, formats, width=width, height=height, scale=scale)


def _figure_height(fig) -> int | None:
    layout = getattr(fig, "layout", None)
    if layout is not None:
        return int(layout.height) if layout.height else None
    if isinstance(fig, dict):
        height = fig.get("layout", {}).get("height")
        return int(height) if height else None
    return None


def _figure_title(fig) -> str:
    try:
        return str(fig.layout.title.text or "")
    except AttributeError:
        return ""


__all__ = [
    "DEFAULT_HEIGHT",
    "DEFAULT_SCALE",
    "DEFAULT_WIDTH",
    "FORMATS",
    "ChartImageExporter",
    "PageChartImages",
    "chart_file_stem",
    "export_chart_images",
]


#: Draw one figure (a JSON string) with `Plotly.toImage`, as kaleido does: its layout's height unless one is
#: given, the offline map topology, no MathJax.
_TO_IMAGE = """async ([text, o]) => {
  const fig = JSON.parse(text);
  fig.config = Object.assign({}, fig.config || {}, {topojsonURL: o.topojson, typesetMath: false});
  const height = o.height || (fig.layout && fig.layout.height) || o.defaultHeight;
  return await Plotly.toImage(fig, {format: o.format, width: o.width, height: height, scale: o.scale});
}"""


def _json_text(fig) -> str:
    import plotly.io as pio

    return pio.to_json(fig, validate=False)


class PageChartImages:
    """Chart images drawn by `Plotly.toImage` in one page of an open Chromium, where plotly.js is loaded
    once for every chart of every report (no kaleido browser, no page reload per image).

    `printer`: the `tlanalysis.export.pdf.PdfPrinter` whose browser to use (a build worker has one for its
    PDFs); None: one of its own. Images are the same as kaleido's (kaleido also calls `Plotly.toImage` in
    a headless Chromium): same sizes, scale, offline map topology, no MathJax.
    """

    def __init__(self, printer=None, *, timeout_s: float = 60.0) -> None:
        if printer is None:
            from .pdf import PdfPrinter

            printer = PdfPrinter(timeout_s=timeout_s)
            self._own = True
        else:
            self._own = False
        self.printer = printer
        self.timeout_ms = timeout_s * 1000
        self._page = None

    def __enter__(self) -> PageChartImages:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        page, self._page = self._page, None
        if page is not None:
            with contextlib.suppress(Exception):
                page.context.close()
        if self._own:
            self.printer.close()

    def _ready_page(self):
        if self._page is not None and not self._page.is_closed():
            return self._page
        browser = self.printer.browser
        context = browser.new_context(device_scale_factor=1, locale="fr-FR", service_workers="block")
        context.set_default_timeout(self.timeout_ms)
        context.route(re.compile(r"^(?!(file|data|blob|about):)"), lambda route: route.abort("blockedbyclient"))
        page = context.new_page()
        page.set_content("<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>")
        page.add_script_tag(path=str(_plotly_js_file()))
        self._page = page
        return page

    def render(self, fig, fmt: str = "png", *, width=None, height=None, scale: float = DEFAULT_SCALE) -> bytes:
        """One chart as PNG or SVG bytes (see `ChartImageExporter.render`)."""
        import base64
        from urllib.parse import unquote_to_bytes

        if fmt not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        # the figure crosses to the page as one JSON string (Playwright's own serialisation walks every value
        # in Python: a map's coordinates took longer than drawing it)
        text = fig if isinstance(fig, str) else fig.to_json() if hasattr(fig, "to_json") else _json_text(fig)
        options = {
            "format": fmt,
            "width": int(width or DEFAULT_WIDTH),
            "height": int(height) if height else None,
            "defaultHeight": DEFAULT_HEIGHT,
            "scale": scale if fmt == "png" else 1,
            "topojson": OFFLINE_TOPOJSON,
        }
        page = self._ready_page()
        try:
            url = page.evaluate(_TO_IMAGE, [text, options])
        except Exception as exc:
            self.close_page()
            raise ExportError(f"chart {_figure_title(fig)!r} could not be drawn as {fmt}: {exc}") from exc
        header, _, body = str(url).partition(",")
        return base64.b64decode(body) if header.endswith(";base64") else unquote_to_bytes(body)

    def close_page(self) -> None:
        page, self._page = self._page, None
        if page is not None:
            with contextlib.suppress(Exception):
                page.context.close()

    def export(self, charts, out_dir: Path, slug: str, formats: Sequence[str] = FORMATS, **sizes) -> list[Path]:
        """As `ChartImageExporter.export`: every chart in every format, `<slug>-<name>.<format>`."""
        return _export_with(self, charts, out_dir, slug, formats, **sizes)
