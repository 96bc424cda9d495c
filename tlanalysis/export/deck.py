"""The report as an editable slide deck for funders' meetings (`--formats pptx,odp`), in the network's brand.

One deck per report (python-pptx), 16:9, in this order:

1. the title: the network's logo and name (`report.brand`), the kind of report, its title, the data's
   date, and the example-data warning when the data is the bundled example;
2. the key figures: the report's own cards (`context.key_cards()`), masked ones as their labels;
3. one slide per chart of the report: a native PowerPoint chart with its data where the chart has a
   native equivalent (bars, stacked bars, lines, pies and doughnuts: editable in PowerPoint and Impress,
   the numbers in its data sheet), otherwise an image of the chart (Sankey flows, maps, tables of colours)
   with the chart's description as its alternative text; every chart also has its description under it;
4. the network's text (`textes/<year>/<region>.md`), when the report has one;
5. sources and method notes: the data files with their content hash, the secret statistique key.

Disclosure: a chart's data are what the report draws (`protect.masked.plottable` data: a masked value is
not drawn, so not in the deck either); the grey remainder of a withheld total (« Non diffusé ») is left
out rather than given as a number. Cards and the text carry the page's own published figures.

`odp`: the same deck converted by LibreOffice Impress (headless `soffice`), where it is installed.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..report import wording
from ..report.brand import HOUSE, Brand
from ..report.charts.describe import chart_title, describe, plain
from ..report.formatting import fmt_date
from . import ExportError
from .workbook import _as_datetime, _normalized_zip, write_bytes_atomic

#: Renders a chart as PNG bytes (`ChartImageExporter.render`), for charts without a native equivalent.
ImageRenderer = Callable[[object], bytes]

_WIDE, _HIGH = 13.333, 7.5  # inches, 16:9
_MARGIN = 0.6
_GREY = "52606d"
_TEXT = "1f2933"


@dataclass(frozen=True)
class NativeChart:
    """A plotly chart as PowerPoint chart data: its type, categories and series (name, values, colour)."""

    chart_type: str  # an XL_CHART_TYPE member name
    categories: list[str]
    series: list[tuple[str, list[float | None], str | None]]
    number_format: str
    point_colours: list[str | None] | None = None  # pies: one colour per category


def _colour(value: object) -> str | None:
    if isinstance(value, str) and re.match(r"^#[0-9a-fA-F]{6}$", value):
        return value[1:].lower()
    return None


#: Numbers written in French (« 68,4 % », « 1 234 ») whatever the viewer's locale: the French locale id.
_FRENCH = "[$-40C]"
_PERCENT = re.compile(r"^[+\-\u2212]?[\d\s\u202f\u00a0,.]+\s*%$")


def _number_format(traces) -> str:
    """A percentage when the chart writes every value as one (« 68,4 % »: rates), else a count: a bar
    labelled « 21 (7,8 %) » draws a count."""
    texts = [str(t) for trace in traces for t in (getattr(trace, "text", None) or []) if t not in (None, "")]
    values = [v for trace in traces for v in _values(trace) if v is not None]
    if texts and all(_PERCENT.match(t.strip()) for t in texts):
        return f"{_FRENCH}0.0%" if values and max(values) <= 1 else f'{_FRENCH}0.0" %"'
    return f"{_FRENCH}#,##0"


def _values(trace) -> list[float | None]:
    horizontal = getattr(trace, "orientation", None) == "h"
    raw = trace.values if trace.type == "pie" else (trace.x if horizontal else trace.y)
    return [None if v is None else float(v) for v in (raw or [])]


def _categories(trace) -> list[str]:
    horizontal = getattr(trace, "orientation", None) == "h"
    raw = trace.labels if trace.type == "pie" else (trace.y if horizontal else trace.x)
    return [plain(c) for c in (raw or [])]


def native_chart(fig) -> NativeChart | None:
    """The chart as native chart data, or None when PowerPoint has no equivalent (Sankey, maps, heatmaps)."""
    traces = [
        t
        for t in fig.data
        if getattr(t, "visible", None) is not False and plain(getattr(t, "name", "") or "") != wording.WITHHELD_LABEL
    ]
    if not traces:
        return None
    types = {t.type for t in traces}
    if any(getattr(t, "xaxis", None) not in (None, "x") for t in traces):
        return None  # small multiples (one panel per region): an image keeps them apart
    if types == {"pie"} and len(traces) == 1:
        (pie,) = traces
        colours = list(pie.marker.colors) if pie.marker is not None and pie.marker.colors is not None else None
        pairs = [
            (c, v, colours[i] if colours and i < len(colours) else None)
            for i, (c, v) in enumerate(zip(_categories(pie), _values(pie), strict=False))
            if plain(c) != wording.WITHHELD_LABEL
        ]
        return NativeChart(
            "DOUGHNUT" if pie.hole else "PIE",
            [c for c, _, _ in pairs],
            [(chart_title(fig), [v for _, v, _ in pairs], None)],
            # the counts: a share PowerPoint would compute is over the drawn slices, not the published total
            f"{_FRENCH}#,##0",
            [_colour(c) for _, _, c in pairs],
        )
    if types == {"bar"}:
        horizontal = getattr(traces[0], "orientation", None) == "h"
        stacked = fig.layout.barmode in ("stack", "relative")
        name = ("BAR" if horizontal else "COLUMN") + ("_STACKED" if stacked else "_CLUSTERED")
    elif types == {"scatter"}:
        name = "LINE_MARKERS"
    else:
        return None
    categories: list[str] = []
    for trace in traces:
        categories += [c for c in _categories(trace) if c not in categories]
    series = []
    for trace in traces:
        by_category = dict(zip(_categories(trace), _values(trace), strict=False))
        marker = getattr(trace, "marker", None)
        line = getattr(trace, "line", None)
        colour = _colour(getattr(marker, "color", None)) or _colour(getattr(line, "color", None))
        series.append(
            (plain(trace.name) if trace.name else chart_title(fig), [by_category.get(c) for c in categories], colour)
        )
    return NativeChart(name, categories, series, _number_format(traces))


# --- slides --------------------------------------------------------------------------------------------


def _font_name(brand: Brand) -> str | None:
    if brand.is_house:
        return None
    match = re.match(r'^"([^"]+)"', brand.font)
    return match.group(1) if match else None


class _Deck:
    def __init__(self, brand: Brand):
        from pptx import Presentation
        from pptx.util import Inches

        self.brand = brand
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(_WIDE), Inches(_HIGH)
        self.blank = self.prs.slide_layouts[6]
        self.primary = brand.primary[1:]
        self.font = _font_name(brand)

    def slide(self):
        return self.prs.slides.add_slide(self.blank)

    def text(self, slide, text: str, left, top, width, height, *, size=18, bold=False, colour=_TEXT, italic=False):
        from pptx.dml.color import RGBColor
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        for i, line in enumerate(text.split("\n")):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line
            run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
            run.font.color.rgb = RGBColor.from_string(colour)
            if self.font:
                run.font.name = self.font
        return box

    def heading(self, slide, text: str) -> None:
        self.text(slide, text, _MARGIN, 0.35, _WIDE - 2 * _MARGIN, 0.9, size=26, bold=True, colour=self.primary)

    def footer(self, slide, text: str) -> None:
        self.text(slide, text, _MARGIN, _HIGH - 0.45, _WIDE - 2 * _MARGIN, 0.35, size=10, colour=_GREY)

    def logo(self, slide, left: float, top: float, height: float) -> None:
        from pptx.util import Inches

        if self.brand.logo is None or self.brand.logo_type not in ("image/png", "image/jpeg", "image/gif"):
            return  # PowerPoint takes raster images; an SVG logo stays on the pages
        picture = slide.shapes.add_picture(
            io.BytesIO(self.brand.logo), Inches(left), Inches(top), height=Inches(height)
        )
        _describe_shape(picture, self.brand.name or wording.LOGO)


def _describe_shape(shape, text: str) -> None:
    """The shape's alternative text (`descr` of its non-visual properties), read by screen readers."""
    element = shape._element
    for tag in ("p:nvPicPr", "p:nvGraphicFramePr", "p:nvSpPr"):
        found = element.find(f".//{{http://schemas.openxmlformats.org/presentationml/2006/main}}{tag.split(':')[1]}")
        if found is not None:
            properties = found.find("{http://schemas.openxmlformats.org/presentationml/2006/main}cNvPr")
            if properties is not None:
                properties.set("descr", text)
                return


def _title_slide(deck: _Deck, ctx, kicker: str) -> None:
    slide = deck.slide()
    top = 0.6
    if deck.brand.logo is not None:
        deck.logo(slide, _MARGIN, top, 1.0)
    if deck.brand.name:
        deck.text(slide, deck.brand.name, _MARGIN + 1.3, top + 0.2, 9, 0.6, size=20, bold=True)
    deck.text(slide, kicker.upper(), _MARGIN, 2.2, _WIDE - 2 * _MARGIN, 0.5, size=14, colour=deck.primary)
    deck.text(slide, ctx.title, _MARGIN, 2.7, _WIDE - 2 * _MARGIN, 1.6, size=36, bold=True, colour=deck.primary)
    facts = f"{wording.DATA_DATE} : {fmt_date(ctx.dataset.data_date)}"
    deck.text(slide, facts, _MARGIN, 4.4, _WIDE - 2 * _MARGIN, 0.5, size=16, colour=_GREY)
    if ctx.is_example:
        deck.text(
            slide,
            f"{wording.EXAMPLE_DATA}\n{wording.EXAMPLE_BANNER}",
            _MARGIN,
            5.3,
            _WIDE - 2 * _MARGIN,
            1.3,
            size=14,
            colour="8a3b00",
        )


def _cards_slide(deck: _Deck, cards, heading: str, note: str | None) -> None:
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches

    slide = deck.slide()
    deck.heading(slide, heading)
    columns = 4
    width, height, gap = (_WIDE - 2 * _MARGIN - (columns - 1) * 0.25) / columns, 1.55, 0.25
    for i, card in enumerate(cards[:12]):
        row, column = divmod(i, columns)
        left, top = _MARGIN + column * (width + gap), 1.4 + row * (height + 0.2)
        frame = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height))
        frame.fill.background()
        frame.line.color.rgb = RGBColor.from_string("9aa5b1" if card.masked else deck.primary)
        value_colour = _GREY if card.masked else deck.primary
        size = 28 if len(card.value) <= 7 else 20  # « plus de 56 % » stays on one line
        deck.text(
            slide, card.value, left + 0.1, top + 0.05, width - 0.2, 0.7, size=size, bold=True, colour=value_colour
        )
        deck.text(slide, card.label, left + 0.1, top + 0.75, width - 0.2, 0.8, size=12)
    if note:
        deck.footer(slide, note)


def _chart_slide(deck: _Deck, fig, render_image: ImageRenderer | None, note: str | None) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
    from pptx.util import Inches, Pt

    slide = deck.slide()
    title, description = chart_title(fig), describe(fig)
    deck.heading(slide, title)
    left, top, width, height = _MARGIN, 1.3, _WIDE - 2 * _MARGIN, 4.6
    native = native_chart(fig)
    if native is not None:
        data = CategoryChartData(number_format=native.number_format)
        data.categories = native.categories
        for name, values, _ in native.series:
            data.add_series(name, values)
        chart_type = getattr(XL_CHART_TYPE, native.chart_type)
        frame = slide.shapes.add_chart(chart_type, Inches(left), Inches(top), Inches(width), Inches(height), data)
        chart = frame.chart
        chart.has_title = False
        chart.font.size = Pt(12)
        if deck.font:
            chart.font.name = deck.font
        if native.point_colours is None:  # bars and lines start at 0, as on the page
            chart.value_axis.minimum_scale = 0
            chart.value_axis.tick_labels.number_format = native.number_format.replace("0.0", "0")
            chart.value_axis.tick_labels.number_format_is_linked = False
        plot = chart.plots[0]
        plot.has_data_labels = True
        labels = plot.data_labels
        labels.number_format, labels.number_format_is_linked = native.number_format, False
        labels.font.size = Pt(11)
        labels.show_value = True
        if native.chart_type.endswith("_STACKED") or native.point_colours is not None:  # white on the colour
            labels.font.color.rgb = RGBColor.from_string("ffffff")
        elif native.chart_type.endswith("_CLUSTERED"):
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
        chart.has_legend = len(native.series) > 1 or native.point_colours is not None
        if chart.has_legend:
            chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        for series, (_, _, colour) in zip(plot.series, native.series, strict=True):
            if colour and native.point_colours is None:
                fill = series.format.fill if native.chart_type != "LINE_MARKERS" else None
                if fill is not None:
                    fill.solid()
                    fill.fore_color.rgb = RGBColor.from_string(colour)
                else:
                    series.format.line.color.rgb = RGBColor.from_string(colour)
        if native.point_colours is not None:
            for point, colour in zip(plot.series[0].points, native.point_colours, strict=False):
                if colour:
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = RGBColor.from_string(colour)
        _describe_shape(frame, description)
    elif render_image is not None:
        png = render_image(fig)
        picture = slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(top), height=Inches(height))
        if picture.width > Inches(width):  # keep it on the slide
            ratio = Inches(width) / picture.width
            picture.width, picture.height = Inches(width), int(picture.height * ratio)
        _describe_shape(picture, description)
    else:  # no browser to draw the image: the chart in words
        deck.text(slide, description, left, top, width, height, size=16)
    deck.text(slide, description, _MARGIN, 6.0, _WIDE - 2 * _MARGIN, 0.9, size=10, colour=_GREY)
    if note:
        deck.footer(slide, note)


def _paragraphs(markup: str) -> list[tuple[str, bool]]:
    """The network's text (HTML from Markdown) as (text, is_heading) paragraphs."""
    blocks = re.findall(r"<(h[1-6]|p|li)>(.*?)</\1>", markup, flags=re.S)
    return [(plain(body), tag.startswith("h")) for tag, body in blocks if plain(body)]


def _text_slides(deck: _Deck, parts: list) -> None:
    from pptx.util import Pt

    markup = "".join(str(p) for p in parts)
    paragraphs = _paragraphs(markup)
    if not paragraphs:
        return
    heading = paragraphs[0][0] if paragraphs[0][1] else wording.NETWORK_TEXT
    body = paragraphs[1:] if paragraphs[0][1] else paragraphs
    slide = deck.slide()
    deck.heading(slide, heading)
    box = deck.text(slide, "", _MARGIN, 1.4, _WIDE - 2 * _MARGIN, 5.4, size=18)
    frame = box.text_frame
    size = 18 if sum(len(t) for t, _ in body) < 900 else 14
    first = True
    for text, is_heading in body:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold = Pt(size), is_heading
        paragraph.space_after = Pt(8)
        if deck.font:
            run.font.name = deck.font


def _sources_slide(deck: _Deck, ctx, any_masked: bool) -> None:
    slide = deck.slide()
    deck.heading(slide, wording.SOURCES_AND_METHODS)
    lines = [
        f"{wording.DATA_FOLDER} : {ctx.data_folder()}",
        f"{wording.DATA_DATE} : {fmt_date(ctx.dataset.data_date)}",
        f"{wording.DATA_FILES} : {ctx.data_files() or '—'}",
        wording.masked_labels_key(ctx.min_count) + f" ({wording.STATISTICAL_SECRET}).",
    ]
    if any_masked:
        lines.append(wording.CHART_NOTE)
    if ctx.is_example:
        lines.append(wording.EXAMPLE_INDEX)
    lines.append(wording.FULL_REPORT)
    deck.text(slide, "\n".join(lines), _MARGIN, 1.4, _WIDE - 2 * _MARGIN, 5.4, size=14)


def deck_bytes(ctx, render_image: ImageRenderer | None = None) -> bytes:
    """The deck of a report (`ctx`: a report context), as PPTX bytes dated by the data (same data, same
    bytes, except images kaleido draws)."""
    brand: Brand = getattr(ctx, "brand", HOUSE)
    deck = _Deck(brand)
    _title_slide(deck, ctx, ctx.kind_label)
    cards = ctx.key_cards()
    masked_anywhere = any(card.masked for card in cards)
    if cards:
        note = wording.masked_labels_key(ctx.min_count) if masked_anywhere else None
        _cards_slide(deck, cards, wording.ANNUAL_HEADINGS["key_figures"], note)
    for figure, _chart_id in ctx.charts():
        _chart_slide(deck, figure, render_image, None)
    _text_slides(deck, ctx.text_parts())
    _sources_slide(deck, ctx, masked_anywhere)
    properties = deck.prs.core_properties
    when = _as_datetime(ctx.dataset.data_date)
    properties.title = ctx.title if not brand.name else f"{brand.name} — {ctx.title}"
    properties.author = properties.last_modified_by = brand.name or "tlanalysis"
    properties.language = "fr-FR"
    properties.created = properties.modified = when
    properties.revision = 1
    # python-pptx's template carries the printer settings of its author's machine (a binary part): not ours
    package_part = deck.prs.part
    for rel_id, rel in list(package_part.rels.items()):
        if rel.reltype.endswith("/printerSettings"):
            package_part.drop_rel(rel_id)
    buffer = io.BytesIO()
    deck.prs.save(buffer)
    return _normalized_zip(buffer.getvalue(), when)


def write_deck(ctx, path: Path, render_image: ImageRenderer | None = None) -> Path:
    """Write the report's deck to `path` (.pptx), atomically."""
    return write_bytes_atomic(Path(path), deck_bytes(ctx, render_image))


def find_soffice() -> str | None:
    """LibreOffice's command line (for ODP), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_deck(pptx: Path, target: Path, fmt: str = "odp", timeout: float = 180) -> Path:
    """The deck converted by LibreOffice Impress, headless (`odp`, or `pdf` for checks), written atomically.

    Each call has its own LibreOffice profile: two workers converting at once do not share one."""
    soffice = find_soffice()
    if soffice is None:
        raise ExportError("the ODP deck needs LibreOffice Impress (apt-get install libreoffice-impress-nogui)")
    with tempfile.TemporaryDirectory(prefix="tlanalysis-soffice-") as work:
        profile = Path(work) / "profile"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            work,
            str(pptx),
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=_soffice_env()
            )
        except subprocess.TimeoutExpired:
            raise ExportError(f"LibreOffice did not convert {pptx.name} within {timeout:g} s") from None
        produced = Path(work) / f"{pptx.stem}.{fmt}"
        if done.returncode != 0 or not produced.is_file():
            raise ExportError(f"LibreOffice could not convert {pptx.name} to {fmt}: {done.stderr.strip()[-300:]}")
        return write_bytes_atomic(Path(target), produced.read_bytes())


def _soffice_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HOME", tempfile.gettempdir())
    return env


__all__ = ["NativeChart", "convert_deck", "deck_bytes", "find_soffice", "native_chart", "write_deck"]
