"""Figures others have published (`data/published/`): the « Contexte » section, and the published
context figure among the key figures. They are quoted as published, with their source and precision;
nothing here is computed from the report's data.
"""

from __future__ import annotations

import re

import pandas as pd

from .context import ReportContext
from .formatting import MISSING, fmt_date, fmt_number
from .html import Html, esc, p, section, table_html
from .wording import INDICATOR, PERIOD, SOURCE, VALUE

_QUALIFIER_PREFIX = {"exact": "", "about": "environ ", "estimate": "environ ", "more_than": "plus de "}


def _decimals(precision: float) -> int:
    """Decimals a published precision implies: 0.1 → 1, 1 or 10 → 0."""
    decimals = 0
    while precision < 1 and decimals < 6:
        precision *= 10
        decimals += 1
    return decimals


def published_value(row) -> str:
    """A published figure as its source states it: « environ 300 », « plus de 56 % », « 2,2 »."""
    number = fmt_number(row["value"], _decimals(float(row["precision"])))
    suffix = "\u00a0%" if row["unit"] == "percent" else ""
    text = f"{_QUALIFIER_PREFIX.get(row['qualifier'], '')}{number}{suffix}"
    return text + (" (estimation)" if row["qualifier"] == "estimate" else "")


_GROUPED_DIGITS = re.compile(r"(?<!\d)(\d{1,3}) (?=\d{3}\b)")


def _keep_numbers_together(text: str) -> str:
    """« environ 1 800 » as typed in a source label: the space inside the number becomes a narrow no-break one."""
    return _GROUPED_DIGITS.sub("\\1\u202f", text)


def typeset(text: object) -> str:
    """A text from data/published/ with French typography: numbers kept together, no-break spaces inside
    « guillemets » (so that a line never starts with »)."""
    text = _keep_numbers_together(str(text))
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def source_text(row) -> str:
    """« La Tribune Objectif Aquitaine, 14 juin 2018 »: a published figure's source, as plain text."""
    date = row.get("source_date")
    return f"{row['source']}, {fmt_date(date)}" if date else str(row["source"])


def _source_cell(row) -> Html:
    text = esc(typeset(row["source"]))
    url = str(row.get("source_url") or "")
    if url.startswith(("https://", "http://")):
        text = Html(f'<a href="{esc(url)}">{text}</a>')
    if row.get("source_date"):
        text = Html(f"{text}, {esc(fmt_date(row['source_date']))}")
    return Html(text)


def context_rows(ctx: ReportContext) -> pd.DataFrame:
    """Published context figures for the report's territory (none if the published file is missing)."""
    try:
        from ..reference.published import context_figures

        rows = context_figures(None if ctx.is_national else ctx.region.code)
        return rows.sort_values(["year", "label_fr"], kind="stable").reset_index(drop=True)
    except FileNotFoundError:
        return pd.DataFrame()


#: The published figure quoted among the key figures: the number of tiers-lieux of the territory.
HEADLINE_INDICATOR = "tiers_lieux_count"

_RESTATED_VALUE = re.compile(r"\s*\([^)]*\d[^)]*\)\s*$")


def headline_context(ctx: ReportContext) -> pd.Series | None:
    """The latest published count of tiers-lieux of the territory up to the report's year, or None."""
    rows = context_rows(ctx)
    if rows.empty:
        return None
    rows = rows[(rows["indicator"] == HEADLINE_INDICATOR) & rows["year"].notna()]
    rows = rows[rows["year"].astype(int) <= ctx.year]
    if rows.empty:
        return None
    return rows.sort_values("year", kind="stable").iloc[-1]


def headline_label(row) -> str:
    """« tiers-lieux en activité en 2018 »: the published label without a value it restates."""
    label = _RESTATED_VALUE.sub("", str(row["label_fr"])) or str(row["label_fr"])
    label = label[:1].lower() + label[1:]
    period = row["period"] or (str(int(row["year"])) if pd.notna(row["year"]) else "")
    return f"{label} en {period}" if period else label


def context_html(ctx: ReportContext) -> Html:
    """Figures others have published about the territory, each with its source, as published."""
    rows = context_rows(ctx)
    if rows.empty:
        return section(
            p(f"Aucun chiffre publié sur les tiers-lieux {ctx.place} n'est enregistré dans data/published/.", "tl-note")
        )
    body = [
        [
            typeset(r["label_fr"]),
            r["period"] or (str(r["year"]) if pd.notna(r["year"]) else MISSING),
            published_value(r),
            _source_cell(r),
        ]
        for _, r in rows.iterrows()
    ]
    return section(
        p(
            f"Chiffres publiés sur les tiers-lieux {ctx.place} par d'autres sources que l'enquête, cités avec leur "
            "précision d'origine. Ils ne sont pas calculés à partir des données de ce rapport et ne portent pas "
            "toujours sur le même champ."
        ),
        table_html([INDICATOR, PERIOD, VALUE, SOURCE], rows=body, numeric={2}),
    )


__all__ = [
    "context_html",
    "context_rows",
    "headline_context",
    "headline_label",
    "published_value",
    "source_text",
    "typeset",
]
