"""The deck without a browser or LibreOffice: native chart data from the report's drawn (protected) values,
no binary part (printer settings of python-pptx's template), and the audit's reading of decks: a macro
or a script in a deck is a finding."""

from __future__ import annotations

import io
import zipfile

import pytest

from tlanalysis.export.deck import deck_bytes, native_chart
from tlanalysis.protect.masked import SMALL_COUNT, Masked, plottable
from tlanalysis.publish import scan
from tlanalysis.report import charts
from tlanalysis.report.context import ReportContext
from tlanalysis.report.params import validate_parameters


@pytest.fixture(scope="module")
def na_2019_deck() -> bytes:
    return deck_bytes(ReportContext.from_parameters(validate_parameters(2019, "75", render="report")))


def test_native_charts_hold_what_the_chart_draws():
    bars = native_chart(charts.contracts_bar(plottable({"CDI": 195, "CDD": Masked(SMALL_COUNT, 5)}), "Emplois"))
    assert bars.chart_type == "COLUMN_CLUSTERED" and bars.categories == ["CDI"]  # the masked CDD is not drawn
    assert bars.series[0][1] == [195.0] and bars.number_format == "[$-40C]#,##0"
    line = native_chart(charts.jobs_trend_line({2017: 50, 2019: 269}, "Emplois", years=[2017, 2018, 2019]))
    assert line.chart_type == "LINE_MARKERS" and line.series[0][1] == [50.0, None, 269.0]  # a gap, not a 0
    sankey = charts.trajectories_sankey({"demandeur_emploi_vers_actif": 54, "etudiant_vers_actif": 15})
    assert native_chart(sankey) is None  # no native equivalent: an image with its description


def test_a_deck_has_no_binary_part_and_reads_as_text(na_2019_deck):
    names = zipfile.ZipFile(io.BytesIO(na_2019_deck)).namelist()
    assert not [n for n in names if n.endswith(".bin")]
    assert any(n.startswith("ppt/embeddings/") and n.endswith(".xlsx") for n in names)  # the charts' data
    texts, problems = scan.deck_texts(io.BytesIO(na_2019_deck))
    assert problems == []
    text = "\n".join(texts)
    assert "Emploi et certification en Nouvelle-Aquitaine — 2019" in text and "195" in text


def _with(deck: bytes, name: str, content: bytes) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(deck)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, content)
    return out


def test_the_audit_finds_macros_and_scripts_in_a_deck(na_2019_deck):
    _, problems = scan.deck_texts(_with(na_2019_deck, "ppt/vbaProject.bin", b"\x00macro"))
    assert problems == ["macros or binary part ppt/vbaProject.bin"]
    script = b'<office:document-content><office:script script:language="ooo:Basic"/></office:document-content>'
    _, problems = scan.deck_texts(_with(na_2019_deck, "content2.xml", script))
    assert problems == ["a script in content2.xml"]
    empty = b"<office:document-content><office:scripts/></office:document-content>"  # every ODP has one
    assert scan.deck_texts(_with(na_2019_deck, "content3.xml", empty))[1] == []
