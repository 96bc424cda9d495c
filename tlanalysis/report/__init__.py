"""The sections of the annual report, as HTML fragments and charts.

The notebook stays thin: each of its sections is one call here (`report.display_employment(ctx)`,
...), which displays the parts built by the pure functions of this package. Every figure comes from
`tlanalysis.protect.annual` (`ReportContext` holds `protect(dataset, min_count).figures(year, region)`);
every number is written by `tlanalysis.report.formatting`, which writes a masked figure as its label
(« < 5 », « secret »); charts draw only `plottable` data.

Modules:

* `html`: safe markup (`Html`, `esc`), tables, cards, the style sheet (`report_css`);
* `context`: `ReportContext`, the protected figures of one report;
* `masking`: shares, legends and chart notes around masked figures;
* `headline`: title block and key figures (with the provenance of each);
* `employment`, `holders`: the two data sections, text, tables and charts;
* `regions`: « Les régions » of the national report (maps, regions compared), from each region's
  protected figures;
* `methods`: the certification, and « Méthodes et sources » (definitions, secret statistique);
* `published_figures`: the « Contexte » section (figures published by others);
* `appendix`: « Annexe : chiffres calculés et chiffres publiés »;
* `wording`: the French words every output shares (labels, headings, table headers, notes);
* `notebook`: the `display_*` entry points, and `section_html` / `report_html` (the same sections as
  HTML strings, charts included, without a kernel);
* `exploration`: `indicator_overview`, raw figures for analysts.

Importing this package is cheap (the no-op build imports `report.formatting`): its names are
loaded from their modules on first use.

HTML rules: plain, deterministic markup (no random ids, no dates of generation), one style sheet
scoped to `.tl-report`, and every text that comes from data escaped.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .appendix import protected_value, reconciliation_html, report_comparisons
    from .context import ReportContext
    from .employment import (
        contracts_table_html,
        employment_charts,
        employment_intro_html,
        employment_parts,
        employment_tables_html,
        regions_table_html,
        roles_table_html,
        trend_table_html,
    )
    from .exploration import indicator_overview
    from .headline import example_banner_html, key_figures_html, title_block_html
    from .holders import (
        cohorts_table_html,
        holders_charts,
        holders_intro_html,
        holders_parts,
        holders_tables_html,
        situations_table_html,
        trajectories_table_html,
    )
    from .html import Card, Chart, Html, esc, report_css, table_html
    from .methods import certification_html, disclosure_rules, methods_html
    from .notebook import (
        SECTIONS,
        display_certification,
        display_context,
        display_employment,
        display_holders,
        display_key_figures,
        display_methods,
        display_reconciliation,
        display_regions,
        display_section,
        display_title,
        report_html,
        section_html,
        section_parts,
    )
    from .published_figures import context_html, context_rows, published_value
    from .regions import regions_charts, regions_compared, regions_compared_table_html, regions_parts
    from .wording import CHART_NOTE

#: Name → the module of this package that defines it (loaded on first use, see the module doc).
_LAZY = {
    "CHART_NOTE": "wording",
    "Card": "html",
    "Chart": "html",
    "Html": "html",
    "ReportContext": "context",
    "SECTIONS": "notebook",
    "certification_html": "methods",
    "cohorts_table_html": "holders",
    "context_html": "published_figures",
    "context_rows": "published_figures",
    "contracts_table_html": "employment",
    "disclosure_rules": "methods",
    "display_certification": "notebook",
    "display_context": "notebook",
    "display_employment": "notebook",
    "display_holders": "notebook",
    "display_key_figures": "notebook",
    "display_methods": "notebook",
    "display_reconciliation": "notebook",
    "display_regions": "notebook",
    "display_section": "notebook",
    "display_title": "notebook",
    "employment_charts": "employment",
    "employment_intro_html": "employment",
    "employment_parts": "employment",
    "employment_tables_html": "employment",
    "esc": "html",
    "example_banner_html": "headline",
    "holders_charts": "holders",
    "holders_intro_html": "holders",
    "holders_parts": "holders",
    "holders_tables_html": "holders",
    "indicator_overview": "exploration",
    "key_figures_html": "headline",
    "methods_html": "methods",
    "protected_value": "appendix",
    "published_value": "published_figures",
    "reconciliation_html": "appendix",
    "regions_charts": "regions",
    "regions_compared": "regions",
    "regions_compared_table_html": "regions",
    "regions_parts": "regions",
    "regions_table_html": "employment",
    "report_comparisons": "appendix",
    "report_css": "html",
    "report_html": "notebook",
    "roles_table_html": "employment",
    "section_html": "notebook",
    "section_parts": "notebook",
    "situations_table_html": "holders",
    "table_html": "html",
    "title_block_html": "headline",
    "trajectories_table_html": "holders",
    "trend_table_html": "employment",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "CHART_NOTE",
    "SECTIONS",
    "Card",
    "Chart",
    "Html",
    "ReportContext",
    "certification_html",
    "cohorts_table_html",
    "context_html",
    "context_rows",
    "contracts_table_html",
    "disclosure_rules",
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
    "employment_charts",
    "employment_intro_html",
    "employment_parts",
    "employment_tables_html",
    "esc",
    "example_banner_html",
    "holders_charts",
    "holders_intro_html",
    "holders_parts",
    "holders_tables_html",
    "indicator_overview",
    "key_figures_html",
    "methods_html",
    "protected_value",
    "published_value",
    "reconciliation_html",
    "regions_charts",
    "regions_compared",
    "regions_compared_table_html",
    "regions_parts",
    "regions_table_html",
    "report_comparisons",
    "report_css",
    "report_html",
    "roles_table_html",
    "section_html",
    "section_parts",
    "situations_table_html",
    "table_html",
    "title_block_html",
    "trajectories_table_html",
    "trend_table_html",
]
