"""Masked figures in the report's building blocks: formatting, derived shares, legends, chart builders."""

from __future__ import annotations

import html

import pytest

from tlanalysis.protect.masked import Masked, plottable
from tlanalysis.report import charts
from tlanalysis.report.appendix import _Hole, _holed
from tlanalysis.report.formatting import fmt_int, fmt_number, fmt_pct, fmt_pct_more_than, plain_spaces
from tlanalysis.report.masking import cohorts_phrase, legend, share_of, year_span

SMALL, SECONDARY, RULE = Masked("small_count", 5), Masked("secondary", 5), Masked("business_rule", 5)


@pytest.mark.parametrize("fmt", [fmt_int, fmt_number, fmt_pct, fmt_pct_more_than])
def test_formatting_writes_a_masked_figure_as_its_label(fmt):
    assert fmt(SMALL) == "< 5" and fmt(SECONDARY) == "secret" and fmt(Masked("small_count", 11)) == "< 11"
    assert fmt(Masked("small_count", 5, share=True)) == "secret"
    assert type(fmt(SMALL)) is str  # the label, not a Masked that could travel further


def test_a_share_of_a_masked_count_is_masked():
    assert str(share_of(SMALL, 200)) == "secret" and str(share_of(12, RULE)) == "secret"
    assert share_of(SMALL, 200).share and share_of(SMALL, 200).reason == "small_count"
    assert share_of(50, 200) == 0.25 and share_of(0, 0) is None


def test_legends_explain_only_the_labels_present():
    assert legend([1, 2], 5) == ""
    small = plain_spaces(html.unescape(legend([SMALL, 3], 5)))
    assert "« < 5 » : moins de 5 titulaires" in small and "« secret »" not in small
    both = html.unescape(legend([SMALL, SECONDARY], 5))
    assert "« < 5 »" in both and "« secret » : chiffre non diffusé" in both
    assert "« &lt; 5 »" not in legend([Masked("small_count", 5, share=True)], 5)  # a share is « secret »


def test_cohort_phrases():
    assert year_span([2015, 2018, 2016]) == "de 2015 à 2018" and year_span([2020]) == "en 2020"
    assert cohorts_phrase({"cohorts": 1, "cohort_years": [2020]}) == "de la promotion commencée en 2020"
    assert cohorts_phrase({"cohorts": 6, "cohort_years": [2015, 2018]}) == "des 6 promotions commencées de 2015 à 2018"


def test_reconcile_readers_see_a_hole_for_a_masked_figure():
    holed = _holed({"jobs": {"total": 6, "share": Masked("business_rule", share=True)}})
    assert holed["jobs"]["total"] == 6
    assert isinstance(100 * holed["jobs"]["share"], _Hole)  # not « secretsecret… »


def _hover(fig) -> str:
    trace = fig.data[0]
    return plain_spaces(" | ".join(row[0] for row in trace.customdata))


def test_bar_shares_are_over_the_published_total_not_what_is_drawn():
    counts = {"CDI": 195, "CDD": 74, "alternance": SECONDARY, "autre": SECONDARY}
    fig = charts.contracts_bar(plottable(counts), total=300)
    assert list(fig.data[0].x) == ["CDI", "CDD"] and list(fig.data[0].y) == [195, 74]
    assert "195 emplois (65 %)" in _hover(fig)  # 195 / 300, not 195 / 269
    without = charts.contracts_bar(plottable(counts), total=None)
    assert "%" not in _hover(without)
    roles = charts.roles_bar({"facilitation": 151}, total=RULE)  # a masked total: no share
    assert "%" not in _hover(roles)


def test_donut_draws_the_withheld_remainder_without_a_value():
    fig = charts.situations_donut(
        {"facilitation": 109, "autre_coordination": 54, "recherche_emploi": 27}, total=200, withheld=10
    )
    trace = fig.data[0]
    assert list(trace.labels)[-1] == charts.WITHHELD_LABEL and list(trace.values) == [109, 54, 27, 10]
    assert list(trace.text) == ["54,5\u00a0%", "27\u00a0%", "13,5\u00a0%", ""]
    assert trace.customdata[-1][0] == charts.WITHHELD_LABEL  # no number in its hover


def test_trend_line_leaves_a_gap_for_a_withheld_year():
    fig = charts.jobs_trend_line({"2019": 30, "2021": 50}, years=[2019, 2020, 2021])
    assert list(fig.data[0].x) == ["2019", "2020", "2021"] and list(fig.data[0].y) == [30, None, 50]
    assert fig.data[0].connectgaps is False


def test_sankey_writes_no_total_on_a_node_a_withheld_flow_goes_through():
    fig = charts.trajectories_sankey(
        {"demandeur_emploi_vers_actif": 54, "etudiant_vers_actif": 15, "actif_vers_createur": 75},
        total=150,
        withheld=["changement_de_poste"],
    )
    labels = list(fig.data[0].node.label)
    assert "Demandeur·se d'emploi (54)" in labels and "En emploi (69)" in labels
    assert "Actif·ve (en emploi)" in labels  # not « (81) »: a withheld flow leaves it, its drawn total would lie
    assert "Création d'entreprise (75)" in labels  # complete: its only flow is shown
    assert list(fig.data[0].link.value) == [54, 15, 75]
