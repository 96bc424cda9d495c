"""The network's texts: placeholders filled with the report's published figures in French formats, a
masked figure as its label, Markdown without raw HTML, and an unknown name an error that names the file,
the line and the closest name (also through `tlanalysis placeholders`)."""

from __future__ import annotations

import shutil

import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.protect.masked import SECONDARY, SMALL_COUNT, Masked
from tlanalysis.report import texts

from support.cli import run_cli

FIGURES = {
    "year": 2019,
    "jobs": {
        "total": 1234,
        "facilitation": 151,
        "facilitation_share": 0.5613,
        "by_contract": {"CDI": 195, "CDD": Masked(SECONDARY, 5)},
        "by_role": {},
        "trend": {"2017": 50, "2019": 1234},
        "first_year": 2017,
    },
    "holders": {
        "n": 200,
        "cohorts": 6,
        "situation_counts": {"facilitation": 109, "autre_emploi": Masked(SMALL_COUNT, 5)},
        "situation_shares": {"facilitation": 0.545, "autre_emploi": Masked(SECONDARY, 5)},
        "trajectory_counts": {},
        "trajectory_shares": {},
        "trajectory_n": 150,
    },
}


def test_placeholders_are_the_published_figures_in_french():
    values = texts.placeholders("annual", FIGURES)
    text = texts.substitute(
        "{{ emplois.total }} emplois, {{emplois.part_facilitation}} ; {{ titulaires.situation.facilitation }} ;"
        " {{ emplois.contrat.cdi }} CDI ; {{ annee }} ; {{ emplois.annee.2017 }}",
        values,
        "t.md",
    )
    assert text == "1\u202f234 emplois, 56,1\u00a0% ; 54,5\u00a0% ; 195 CDI ; 2019 ; 50"


def test_a_masked_figure_is_its_label_never_its_value():
    values = texts.placeholders("annual", FIGURES)
    text = texts.substitute(
        "{{ emplois.contrat.cdd }} / {{ titulaires.nombre.autre_emploi }} / {{ titulaires.situation.autre_emploi }}",
        values,
        "t.md",
    )
    assert text == "secret / < 5 / secret"
    # read back from a build's JSON, a masked figure is its label: still the label
    assert texts.placeholders("annual", {"jobs": {"total": "secret"}})["emplois.total"].text() == "secret"


def test_an_unknown_placeholder_names_the_file_the_line_and_the_closest_name():
    values = texts.placeholders("annual", FIGURES)
    with pytest.raises(texts.TextError) as caught:
        texts.substitute("Titre\n\nIls sont {{ emplois.totl }}.\n", values, "textes/2019/75.md")
    message = str(caught.value)
    assert "textes/2019/75.md, line 3: unknown placeholder {{ emplois.totl }}" in message
    assert "did you mean {{ emplois.total }}?" in message


def test_markdown_without_raw_html():
    markup = texts.markdown_html("# Titre\n\nDu **gras** et <script>alert(1)</script>.\n")
    assert "<h2>Titre</h2>" in markup and "<strong>gras</strong>" in markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup


def test_other_kinds_quote_their_document_by_its_keys():
    figures = {
        "cohorts": {"NA-2018-1": {"cohort": "NA-2018-1", "success_rate": 0.917, "partial": Masked(SMALL_COUNT, 5)}}
    }
    values = texts.placeholders("certification", figures)
    assert values["cohorts.NA-2018-1.success_rate"].text() == "91,7\u00a0%"
    assert values["cohorts.NA-2018-1.partial"].text() == "< 5"
    assert "cohorts.NA-2018-1.cohort" not in values  # a label, not a figure


def test_text_files_are_found_by_code_or_name(tmp_path):
    folder = tmp_path / texts.TEXTS_DIR / "2023"
    folder.mkdir(parents=True)
    (folder / "04.md").write_text("x", encoding="utf-8")
    (folder / "certification-france.md").write_text("x", encoding="utf-8")
    (folder / "hauts-de-france.md").write_text("x", encoding="utf-8")
    assert texts.text_path(tmp_path, 2023, "04", "La Réunion") == folder / "04.md"
    assert texts.text_path(tmp_path, 2023, "32", "Hauts-de-France") == folder / "hauts-de-france.md"
    assert texts.text_path(tmp_path, 2023, None, "France", "certification-") == folder / "certification-france.md"
    assert texts.text_path(tmp_path, 2023, None, "France") is None
    assert texts.text_path(tmp_path, 2022, "04", "La Réunion") is None


def test_the_command_lists_the_names_and_checks_the_text(tmp_path):
    listed = run_cli("placeholders", "--year", "2019", "--region", "75")
    assert listed.returncode == 0, listed.stderr
    assert "{{ titulaires.situation.facilitation }}" in listed.stdout and "54,5\u00a0%" in listed.stdout
    assert "{{ titulaires.situation.autre_emploi }}" in listed.stdout and "secret" in listed.stdout
    data = shutil.copytree(SAMPLE_DATA_DIR, tmp_path / "data")
    (data / "textes" / "2019" / "75.md").write_text(
        "Bonjour\n{{ titulaires.situaton.facilitation }}\n", encoding="utf-8"
    )
    failed = run_cli("placeholders", "--year", "2019", "--region", "75", "--data", data)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "textes/2019/75.md, line 2: unknown placeholder {{ titulaires.situaton.facilitation }}" in failed.stderr
    assert "{{ titulaires.situation.facilitation }}" in failed.stderr


def test_the_documented_names_are_the_report_names():
    """docs/network.md lists the names of the annual report: each exists (a pattern, for one of its codes)."""
    import re

    from tlanalysis.report.context import ReportContext
    from tlanalysis.report.params import validate_parameters

    from support.paths import REPO

    doc = (REPO / "docs" / "network.md").read_text(encoding="utf-8")
    table = doc[doc.index("| placeholder | figure |") : doc.index("The certification report's names")]
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    documented = [name for cell in first_cells for name in re.findall(r"`([a-z_.]+(?:<[a-z]+>)?)`", cell)]
    names = set(ReportContext.from_parameters(validate_parameters(2019, "75")).placeholders())
    assert len(documented) >= 14
    for name in documented:
        if "<" in name:
            prefix = name[: name.index("<")]
            assert any(n.startswith(prefix) for n in names), name
        else:
            assert name in names, name
    # and every name of the report is documented, itself or by its pattern
    patterns = [name[: name.index("<")] if "<" in name else name for name in documented]
    undocumented = [
        n
        for n in names
        if not any(n == p or ("<" in d and n.startswith(p)) for d, p in zip(documented, patterns, strict=True))
    ]
    assert not undocumented, undocumented
