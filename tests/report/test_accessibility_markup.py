"""The markup that makes charts and wide tables accessible, without a browser: a chart's name and its
description from the values it draws (masked values never appear), a scrolling table that takes the focus."""

from __future__ import annotations

import re

from tlanalysis.protect.masked import SMALL_COUNT, Masked, plottable
from tlanalysis.report import charts
from tlanalysis.report.charts.describe import MAX_ITEMS, describe
from tlanalysis.report.html import scroll, table_html


def test_a_chart_is_a_named_image_described_by_its_caption():
    fig = charts.contracts_bar({"CDI": 195, "CDD": 74}, "Emplois par type de contrat, 2019", total=269)
    markup = charts.chart_html(fig, "chart-75-2019-contracts")
    div = re.search(r'<div id="chart-75-2019-contracts"[^>]*>', markup).group(0)
    assert 'role="img"' in div and 'aria-label="Emplois par type de contrat, 2019"' in div
    assert 'aria-describedby="description-chart-75-2019-contracts"' in div
    caption = re.search(r'<figcaption id="description-chart-75-2019-contracts"[^>]*>(.*?)</figcaption>', markup)
    assert caption.group(1).startswith("Diagramme en barres : Contrat à durée indéterminée (CDI) : 195 emplois")
    assert "(72,5\u00a0%)" in caption.group(1)
    assert markup == charts.chart_html(fig, "chart-75-2019-contracts"), "deterministic"


def test_a_masked_value_is_neither_drawn_nor_described():
    by_contract = {"CDI": 195, "CDD": Masked(SMALL_COUNT, 5)}
    fig = charts.contracts_bar(plottable(by_contract), "Emplois", total=None)
    text = describe(fig)
    assert "(CDI) : 195 emplois" in text
    assert "CDD" not in text and "< 5" not in text


def test_a_long_chart_is_summed_up():
    fig = charts.jobs_trend_line({2000 + i: 10 * i for i in range(1, 13)}, "Emplois")
    text = describe(fig)
    assert text.startswith("Courbe : Enquête 2001 : 10 emplois")
    assert text.count(" emplois") == MAX_ITEMS and " ; etc. Valeurs détaillées dans le tableau." in text


def test_a_scrolling_table_takes_the_focus_and_is_named_by_its_caption():
    markup = scroll(table_html(["Promotion", "Titulaires"], [["NA-2015-1", "12"]], caption="Titulaires & promotions"))
    opening = markup[: markup.index(">") + 1]
    assert 'tabindex="0"' in opening and 'role="region"' in opening
    assert 'aria-label="Titulaires &amp; promotions"' in opening
    assert 'aria-label="Tableau à défilement horizontal"' in scroll(table_html(["a"], [["1"]]))
