"""What the report notebook calls: one `display_*(ctx)` per section, and the same sections as HTML.

A section is a list of parts in reading order, HTML fragments and charts (`Chart`). The notebook
displays them (`display_*`: HTML through IPython, charts through `charts.show`, which writes
`charts.chart_html` in a report kernel); `section_html` writes the same parts as one HTML string,
exactly what a built report shows, for tests and other callers that need no kernel.
"""

from __future__ import annotations

from collections.abc import Callable

from .appendix import reconciliation_html
from .base import display_section, section_html
from .context import ReportContext
from .employment import employment_parts
from .headline import key_figures_html, title_block_html
from .holders import holders_parts
from .html import Chart, Html
from .methods import certification_html, methods_html
from .published_figures import context_html
from .regions import regions_parts

#: Every section of the annual report, in the notebook's order: name -> its parts.
SECTIONS: dict[str, Callable[[ReportContext], list[Html | Chart]]] = {
    "title": lambda ctx: [title_block_html(ctx)],
    "key_figures": lambda ctx: [key_figures_html(ctx), *ctx.text_parts()],
    "employment": employment_parts,
    "regions": regions_parts,
    "holders": holders_parts,
    "certification": lambda ctx: [certification_html()],
    "context": lambda ctx: [context_html(ctx)],
    "methods": lambda ctx: [methods_html(ctx)],
    "appendix": lambda ctx: [reconciliation_html(ctx)],
}


def section_parts(ctx: ReportContext, name: str) -> list[Html | Chart]:
    return ctx.section_parts(name)


def report_html(ctx: ReportContext) -> dict[str, str]:
    """Every section of the report as HTML, by name."""
    return {name: section_html(ctx, name) for name in SECTIONS}


def display_title(ctx: ReportContext) -> None:
    display_section(ctx, "title")


def display_key_figures(ctx: ReportContext) -> None:
    display_section(ctx, "key_figures")


def display_employment(ctx: ReportContext) -> None:
    display_section(ctx, "employment")


def display_regions(ctx: ReportContext) -> None:
    """« Les régions », with its own heading: national report only (nothing for a region's report)."""
    display_section(ctx, "regions")


def display_holders(ctx: ReportContext) -> None:
    display_section(ctx, "holders")


def display_certification(ctx: ReportContext | None = None) -> None:
    from IPython.display import HTML, display

    display(HTML(certification_html()))


def display_context(ctx: ReportContext) -> None:
    display_section(ctx, "context")


def display_methods(ctx: ReportContext) -> None:
    display_section(ctx, "methods")


def display_reconciliation(ctx: ReportContext) -> None:
    display_section(ctx, "appendix")


__all__ = [
    "SECTIONS",
    "display_certification",
    "display_context",
    "display_employment",
    "display_holders",
    "display_key_figures",
    "display_methods",
    "display_reconciliation",
    "display_regions",
    "display_section",
    "display_title",
    "report_html",
    "section_html",
    "section_parts",
]
