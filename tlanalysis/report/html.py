"""The small HTML toolkit of the report: safe markup, tables, cards and the one style sheet.

Rules: plain, deterministic markup (no pandas Styler, whose ids are random; no dates of
generation), one style sheet (`report_css`) scoped to `.tl-report`, and every text that
comes from data — place names, cohort labels, sources — escaped with `esc`, so a label
such as `<script>…</script>` is shown as text. Only `Html` values (built here) are
placed as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .brand import HOUSE, HOUSE_PALETTE, Brand
from .wording import LOGO, SCROLLABLE_TABLE


class Html(str):
    """Markup that is already safe (built here); any other str is escaped when placed in HTML."""


def esc(value: object) -> Html:
    """Text from data, escaped for an HTML text node or a double-quoted attribute."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True).replace("&#x27;", "'"))


def join(parts: Iterable[object]) -> Html:
    return Html("".join(esc(p) for p in parts))


_NUM = ' class="num"'


def table_html(
    headers: Sequence[object],
    rows: Sequence[Sequence[object]],
    caption: str | None = None,
    numeric: set[int] | frozenset[int] = frozenset(),
    footer: Sequence[object] | None = None,
) -> Html:
    """A plain HTML table; cells are escaped unless they are `Html`; `numeric` columns are right-aligned."""

    def cells(tag: str, values: Sequence[object]) -> str:
        return "".join(f"<{tag}{_NUM if i in numeric else ''}>{esc(v)}</{tag}>" for i, v in enumerate(values))

    parts = ['<table class="tl-table">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append(f"<thead><tr>{cells('th', headers)}</tr></thead><tbody>")
    parts += [f"<tr>{cells('td', row)}</tr>" for row in rows]
    parts.append("</tbody>")
    if footer:
        parts.append(f"<tfoot><tr>{cells('td', footer)}</tr></tfoot>")
    parts.append("</table>")
    return Html("".join(parts))


_CAPTION = re.compile(r"<caption>(.*?)</caption>", re.DOTALL)


def scroll(markup: Html, label: str | None = None) -> Html:
    """A wide table that scrolls on its own instead of widening the page.

    Keyboard users scroll it too (WCAG 2.1.1): the region takes the focus (`tabindex="0"`) and is named
    for screen readers by `label`, by default its table's caption."""
    if label is None:
        found = _CAPTION.search(markup)
        label = html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else SCROLLABLE_TABLE
    return Html(f'<div class="tl-scroll" role="region" tabindex="0" aria-label="{esc(label)}">{esc(markup)}</div>')


def section(*parts: object) -> Html:
    return Html(f'<div class="tl-report">{join(parts)}</div>')


def p(text: object, cls: str | None = None) -> Html:
    attribute = f' class="{cls}"' if cls else ""
    return Html(f"<p{attribute}>{esc(text)}</p>")


def h3(text: object) -> Html:
    return Html(f"<h3>{esc(text)}</h3>")


def bullets(items: Sequence[object], cls: str | None = None) -> Html:
    attribute = f' class="{cls}"' if cls else ""
    return Html(f"<ul{attribute}>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>")


@dataclass(frozen=True)
class Chart:
    """A chart among the parts of a section: a plotly figure and its stable id (see `charts.chart_html`)."""

    figure: object
    chart_id: str


# --- key-figure cards ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One key figure: its value (already formatted), what it counts, an optional detail, and the letter
    of the note saying where it comes from (`notes`)."""

    value: str
    label: str
    detail: str | None = None
    source: str | None = None
    masked: bool = False  # the value is a masked figure's label: drawn in grey


def card_html(card: Card, sources: dict[str, str] | None = None) -> Html:
    ref = ""
    if card.source:
        title = (sources or {}).get(card.source, "")
        ref = '<sup class="tl-ref"' + (f' title="{esc(title)}"' if title else "") + f">{esc(card.source)}</sup>"
    return Html(
        f'<div class="tl-card{" tl-masked" if card.masked else ""}">'
        f'<span class="tl-value">{esc(card.value)}</span>'
        f'<span class="tl-label">{esc(card.label)}{ref}</span>'
        + (f'<span class="tl-detail">{esc(card.detail)}</span>' if card.detail else "")
        + "</div>"
    )


def cards_html(cards: list[Card], sources: dict[str, str] | None = None) -> Html:
    return Html(f'<div class="tl-cards">{join(card_html(c, sources) for c in cards)}</div>')


def notes_html(sources: dict[str, str]) -> Html:
    """The notes the cards' letters point to: « a. Calculé à partir de employment.csv (empreinte …) »."""
    items = "".join(
        f'<li><span class="tl-ref">{esc(letter)}</span>{esc(text)}</li>' for letter, text in sources.items()
    )
    return Html(f'<ol class="tl-sources">{items}</ol>')


def report_css(brand: Brand = HOUSE) -> Html:
    """The one style sheet of the report, scoped to `.tl-report` so it leaves the page around it alone;
    in the network's colours and fonts with a brand (`report.brand`), which also styles the page's own
    headings."""
    css = _REPORT_CSS.replace(HOUSE_PALETTE[0], brand.primary).replace(_HOUSE_FONT_CSS, brand.font)
    if brand.is_house:
        return Html(css)
    page = (
        f"<style>body,.jp-RenderedMarkdown{{font-family:{brand.font}}}"
        f".jp-RenderedMarkdown h1,.jp-RenderedMarkdown h2,.jp-RenderedMarkdown h3,.tl-report h1,.tl-report h2,"
        f".tl-report h3{{font-family:{brand.heading_font};color:{brand.primary}}}</style>"
    )
    return Html(css + page)


def brand_html(brand: Brand) -> Html:
    """The network's logo and name, above a report's title (nothing for the house look)."""
    if brand.is_house:
        return Html("")
    name = f'<span class="tl-brand-name">{esc(brand.name)}</span>' if brand.name else ""
    # the logo beside the network's name says nothing more: decorative (empty alt); alone, it is named
    alt = "" if brand.name else LOGO
    logo = f'<img class="tl-logo" src="{brand.logo_uri}" alt="{esc(alt)}">' if brand.logo_uri else ""
    return Html(f'<div class="tl-brand">{logo}{name}</div>')


_HOUSE_FONT_CSS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'

_REPORT_CSS = Html("""<style>
.tl-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;
line-height:1.5;max-width:60rem}
.tl-report h1{font-size:1.9rem;margin:.2rem 0 .4rem;line-height:1.2}
.tl-report h3{font-size:1.1rem;margin:1.2rem 0 .4rem}
.tl-report .tl-kicker{text-transform:uppercase;letter-spacing:.06em;font-size:.8rem;color:#00798c;margin:0}
.tl-report .tl-lead{font-size:1.05rem;margin:.2rem 0 .8rem}
.tl-report .tl-note{font-size:.9rem;color:#52606d}
.tl-report .tl-banner{border-left:6px solid #d55e00;background:#fff4e5;padding:.6rem .9rem;margin:.8rem 0}
.tl-report .tl-banner strong{display:block;font-size:1.05rem;color:#8a3b00}
.tl-report dl dt,.tl-report dl dd{float:none;width:auto;padding:0}
.tl-report dl.tl-meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.6rem 0;
font-size:.92rem}
.tl-report dl.tl-meta dt{font-weight:600;white-space:nowrap}
.tl-report dl.tl-defs dt{font-weight:600;margin-top:.5rem}
.tl-report dl.tl-defs dd{margin:0 0 0 1.2rem}
.tl-report .tl-scroll{overflow-x:auto}
.tl-report .tl-scroll:focus-visible{outline:3px solid #00798c;outline-offset:2px}
.tl-report dl.tl-meta dd{margin:0}
.tl-report .tl-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.8rem;
margin:.4rem 0 1rem}
.tl-report .tl-card{border:1px solid #d5d9de;border-top:4px solid #00798c;border-radius:4px;padding:.7rem .8rem;
background:#fff}
.tl-report .tl-card .tl-value{display:block;font-size:1.7rem;font-weight:700;color:#00798c;line-height:1.2}
.tl-report .tl-card .tl-label{display:block;font-size:.92rem}
.tl-report .tl-card .tl-detail{display:block;font-size:.8rem;color:#52606d;margin-top:.3rem}
.tl-report .tl-card.tl-masked{border-top-color:#9aa5b1}
.tl-report .tl-card.tl-masked .tl-value{color:#52606d;font-weight:600}
.tl-report .tl-card sup.tl-ref{font-size:.7rem;color:#52606d;margin-left:.15rem;font-style:italic}
.tl-report ol.tl-sources{list-style:none;padding:0;margin:.2rem 0 1rem;font-size:.8rem;color:#52606d}
.tl-report ol.tl-sources .tl-ref{font-style:italic;margin-right:.35rem}
.tl-report ol.tl-sources .tl-ref::after{content:"."}
.tl-report table.tl-table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.92rem;min-width:24rem}
.tl-report table.tl-table caption{text-align:left;font-weight:600;padding-bottom:.3rem}
.tl-report table.tl-table th,.tl-report table.tl-table td{border-bottom:1px solid #e4e7eb;padding:.3rem .6rem;
text-align:left;vertical-align:top}
.tl-report table.tl-table thead th{border-bottom:2px solid #9aa5b1}
.tl-report table.tl-table tfoot td{font-weight:600;border-top:2px solid #9aa5b1}
.tl-report table.tl-table .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.tl-report table.tl-table thead th.num{white-space:normal}
.tl-report .tl-nowrap{white-space:nowrap}
.tl-report .tl-ok{color:#00695c}
.tl-report .tl-gap{color:#a23b00;font-weight:600}
.tl-report ol.tl-competencies{margin:.2rem 0 .8rem;padding-left:0;list-style:none}
.tl-report .tl-text{border-left:4px solid #00798c;padding:.1rem 1rem;margin:1rem 0;max-width:45rem}
.tl-report .tl-text h2{font-size:1.3rem;margin:.6rem 0 .3rem}
.tl-report .tl-code{font-variant-numeric:tabular-nums;color:#52606d;margin-right:.4rem}
.tl-report .tl-brand{display:flex;align-items:center;gap:.8rem;margin:0 0 .6rem}
.tl-report .tl-brand .tl-logo{max-height:3.5rem;max-width:12rem}
.tl-report .tl-brand-name{font-weight:600;font-size:1.05rem}
</style>""")


__all__ = [
    "Card",
    "Chart",
    "Html",
    "brand_html",
    "bullets",
    "card_html",
    "cards_html",
    "esc",
    "h3",
    "join",
    "notes_html",
    "p",
    "report_css",
    "scroll",
    "section",
    "table_html",
]
