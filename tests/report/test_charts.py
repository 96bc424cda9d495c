"""House style, French hover labels and the HTML display contract with the build."""

import re

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

import tlanalysis as tl
from tlanalysis.compute.indicators import holders_seen, situation_by_cohort
from tlanalysis.report import charts
from tlanalysis.report.formatting import PLOTLY_SEPARATORS, plain_spaces


@pytest.fixture(scope="module")
def figures():
    ds = tl.load_dataset()
    region = tl.resolve_region("75")
    figures = tl.key_figures(ds.employment, ds.holders, 2019, region)
    figures["cohort_table"] = situation_by_cohort(holders_seen(ds.holders, 2019, region))
    return figures


@pytest.fixture(scope="module")
def built(figures):
    jobs, holders = figures["jobs"], figures["holders"]
    return {
        "contracts": charts.contracts_bar(jobs["by_contract"]),
        "roles": charts.roles_bar(jobs["by_role"]),
        "trend": charts.jobs_trend_line(jobs["trend"]),
        "cohorts": charts.situations_by_cohort_bar(figures["cohort_table"]),
        "situations": charts.situations_donut(holders["situation_counts"]),
        "trajectories": charts.trajectories_sankey(holders["trajectory_counts"]),
    }


def _hover_texts(fig: go.Figure) -> str:
    texts = []
    for trace in fig.data:
        if trace.type == "sankey":
            texts += list(trace.node.customdata) + list(trace.link.customdata)
        else:
            texts += [row[0] for row in trace.customdata]
    return plain_spaces(" | ".join(texts))


def test_template_is_registered():
    assert charts.TEMPLATE_NAME in pio.templates
    assert pio.templates[charts.TEMPLATE_NAME].layout.separators == PLOTLY_SEPARATORS == ", "


def test_every_builder_uses_the_house_style(built):
    house = pio.templates[charts.TEMPLATE_NAME]
    for name, fig in built.items():
        assert isinstance(fig, go.Figure), name
        assert fig.layout.template == house, name
        assert fig.layout.separators == ", ", name
        assert fig.layout.height, name  # a fixed height gives the HTML div a size
        assert fig.layout.title.text, name


def test_hover_labels_use_french_numbers(built):
    assert "195 emplois (72,5 %)" in _hover_texts(built["contracts"])
    assert "Contrat à durée indéterminée (CDI)" in _hover_texts(built["contracts"])
    assert "151 emplois (56,1 %)" in _hover_texts(built["roles"])
    assert "109 titulaires (54,5 %)" in _hover_texts(built["situations"])
    assert "75 titulaires (50 %)" in _hover_texts(built["trajectories"])
    assert "Demandeur·se d'emploi → En emploi" in _hover_texts(built["trajectories"])
    assert "Enquête 2019<br>269 emplois" in _hover_texts(built["trend"])
    for fig in built.values():
        for trace in fig.data:
            templates = (
                [trace.node.hovertemplate, trace.link.hovertemplate]
                if trace.type == "sankey"
                else [trace.hovertemplate]
            )
            for template in templates:
                # numbers come pre-formatted: no d3 number format (which would print "." decimals)
                assert template == "%{customdata[0]}<extra></extra>" or template == "%{customdata}<extra></extra>"


def test_no_decimal_point_in_any_label(built):
    for name, fig in built.items():
        assert not re.search(r"\d\.\d", _hover_texts(fig)), name


def test_years_are_categories_not_numbers(built):
    fig = built["trend"]
    assert fig.layout.xaxis.type == "category"
    assert list(fig.data[0].x) == ["2015", "2016", "2017", "2018", "2019"]


def test_labels_from_data_are_escaped():
    table = pd.DataFrame(
        {"facilitation": [3], "inconnu": [1]},
        index=pd.MultiIndex.from_tuples([(2018, "<script>alert(1)</script>")], names=["cohort_year", "cohort"]),
    )
    fig = charts.situations_by_cohort_bar(table)
    assert list(fig.data[0].y) == ["&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert "<script>alert" not in charts.chart_html(fig, "chart-x")


def test_sankey_flows(figures):
    fig = charts.trajectories_sankey(figures["holders"]["trajectory_counts"])
    sankey = fig.data[0]
    assert sorted(sankey.link.value) == [6, 15, 54, 75]
    assert sum(sankey.link.value) == figures["holders"]["trajectory_n"] == 150
    assert any(label.startswith("En emploi (69)") for label in sankey.node.label)


def test_chart_html_is_deterministic_and_without_plotly_js(built):
    for name, fig in built.items():
        chart_id = charts.chart_id("75-2019", name)
        first, second = charts.chart_html(fig, chart_id), charts.chart_html(fig, chart_id)
        assert first == second, name
        assert f'id="{chart_id}"' in first
        assert "<script src=" not in first
        assert len(first) < 20_000, name  # plotly.js alone is several MB
        assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", first), name
        assert '"displayModeBar": false' in first and '"responsive": true' in first


def test_chart_ids():
    assert charts.chart_id("75-2019", "contracts") == "chart-75-2019-contracts"
    assert charts.chart_id("france-2019", "trend") == "chart-france-2019-trend"
    with pytest.raises(ValueError):
        charts.chart_html(go.Figure(), 'x" onload="alert(1)')


def test_show_in_report_mode_displays_html(monkeypatch, built):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    charts.show(built["contracts"], "chart-75-2019-contracts", render="report")
    assert len(shown) == 1 and 'id="chart-75-2019-contracts"' in shown[0].data
    with pytest.raises(ValueError):
        charts.show(built["contracts"], "chart-x", render="pdf")
