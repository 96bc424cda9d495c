"""The annual report: its HTML sections (fast) and the real notebook run by papermill (slow).

The slow tests run the notebook in a kernel of *this* interpreter: a "python3"
kernelspec pointing at sys.executable is written to a temporary JUPYTER_PATH
entry, which Jupyter searches first. So they need no `ipykernel install`.
"""

from __future__ import annotations

import copy
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tlanalysis import report
from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR
from tlanalysis.report import charts
from tlanalysis.report.formatting import plain_spaces
from tlanalysis.report.params import validate_parameters

from support.paths import REPO

SEED_CARDS = ["269", "195", "74", "plus de 56 %", "200", "54,5 %", "27 %", "13,5 %", "36 %", "10 %", "50 %", "4 %"]
#: The key figures of NA 2019: the seed page's, then the published count of tiers-lieux (La Tribune, 2018).
CARDS = [*SEED_CARDS, "212"]
SEED_FIGURES = ["195", "74", "56 %", "54,5 %", "27 %", "13,5 %", "36 %", "10 %", "50 %", "4 %"]
BANNER = "Données d'exemple fictives"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def card_values(markup: str) -> list[str]:
    return [plain_spaces(html.unescape(v)) for v in re.findall(r'<span class="tl-value">(.*?)</span>', markup)]


# --- fast: the HTML sections ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def na_2019():
    return report.ReportContext.from_parameters(validate_parameters(2019, "Nouvelle-Aquitaine", render="report"))


def test_key_figures_cards_show_the_seed_figures(na_2019):
    assert card_values(report.key_figures_html(na_2019)) == CARDS


def test_more_than_wording_only_where_the_share_was_published_that_way():
    national = report.ReportContext.from_parameters(validate_parameters(2019, "France", render="report"))
    share = national.jobs["facilitation_share"]
    values = card_values(report.key_figures_html(national))
    assert f"{round(100 * share, 1):.1f} %".replace(".", ",") in values
    assert not any(v.startswith("plus de") for v in values)


def test_each_key_figure_says_where_it_comes_from(na_2019):
    markup = report.key_figures_html(na_2019)
    refs = re.findall(r'<div class="tl-card[^"]*">.*?<sup class="tl-ref" title="([^"]*)">([a-z])</sup>', markup)
    assert len(refs) == len(CARDS)  # one reference per card
    employment, holders = na_2019.dataset.sources["employment"], na_2019.dataset.sources["holders"]
    assert [letter for _, letter in refs] == ["a"] * 4 + ["b"] * 8 + ["c"]
    assert refs[0][0] == f"Calculé à partir de employment.csv (empreinte SHA-256 {employment.short_hash})"
    assert refs[4][0] == f"Calculé à partir de holders.csv (empreinte SHA-256 {holders.short_hash})"
    assert html.unescape(refs[-1][0]) == "Publié : La Tribune Objectif Aquitaine, 14 juin 2018"
    notes = plain_spaces(html.unescape(markup.split('<ol class="tl-sources">')[1]))
    assert f"a</span>Calculé à partir de employment.csv (empreinte SHA-256 {employment.short_hash})" in notes
    assert "c</span>Publié : La Tribune Objectif Aquitaine, 14 juin 2018" in notes


def test_title_block_names_the_data_and_flags_example_data(na_2019):
    title = report.title_block_html(na_2019)
    assert BANNER in title and "Nouvelle-Aquitaine" in title and "2019" in title
    assert "employment.csv" in title and "holders.csv" in title
    assert str(SAMPLE_DATA_DIR) not in title  # no machine-specific path in a published report
    # the data's date (datapackage.json "created"), never the build's
    assert "<dt>Date des données</dt><dd>1er mars 2024</dd>" in title


def test_tables_give_exact_shares(na_2019):
    text = plain_spaces(report.employment_tables_html(na_2019))
    assert '<td>Facilitation, coordination du lieu</td><td class="num">151</td><td class="num">56,1 %</td>' in text
    holders = plain_spaces(report.holders_tables_html(na_2019))
    assert "54,5 %" in holders and "13,5 %" in holders and "NA-2015-1" in holders


def test_certification_has_3_units_and_18_competencies():
    markup = report.certification_html()
    assert markup.count("<h3>Bloc ") == 3
    assert markup.count("<li>") == 18
    assert "3 blocs de compétences et 18 compétences" in markup


def test_context_cites_sources(na_2019):
    markup = plain_spaces(report.context_html(na_2019))
    assert "La Tribune Objectif Aquitaine, 14 juin 2018" in markup
    assert "environ 300" in markup and "2,2" in markup
    national = report.ReportContext.from_parameters(validate_parameters(2019, "France"))
    assert "Emplois directs" in report.context_html(national)


def test_methods_define_every_indicator(na_2019):
    markup = report.methods_html(na_2019)
    for term in (
        "Emplois d'une année",
        "Part des emplois de facilitation",
        "Évolution",
        "Titulaires suivis",
        "Situation actuelle",
        "Parcours",
        "Secret statistique",
    ):
        assert term in markup


def test_methods_state_the_disclosure_rules(na_2019):
    text = plain_spaces(html.unescape(report.methods_html(na_2019)))
    assert "inférieur à 5, zéro compris, est remplacé par « < 5 »" in text
    assert "moins de 3 tiers-lieux ou si un seul tiers-lieu en représente plus de 85 %" in text
    assert "Secret secondaire" in text and "la France moins les autres régions" in text
    k11 = report.ReportContext.from_parameters(validate_parameters(2019, "75", min_count=11))
    assert "« < 11 »" in html.unescape(report.methods_html(k11))


def test_sections_are_deterministic(na_2019):
    again = report.ReportContext.from_parameters(validate_parameters(2019, "75", render="report"))
    for section in (
        report.title_block_html,
        report.key_figures_html,
        report.employment_tables_html,
        report.holders_tables_html,
        report.context_html,
        report.methods_html,
    ):
        assert section(na_2019) == section(again)
        assert not UUID.search(section(na_2019))
    first, second = report.report_html(na_2019), report.report_html(again)
    assert list(first) == list(report.SECTIONS) and first == second
    assert not UUID.search(" ".join(first.values()))


@pytest.fixture()
def hostile_data(tmp_path):
    for name in ("employment.csv", "holders.csv"):
        text = (SAMPLE_DATA_DIR / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace("NA-2016-1", "<script>alert(1)</script>"), encoding="utf-8")
    return tmp_path


def test_text_from_data_is_escaped(hostile_data):
    ctx = report.ReportContext.from_parameters(validate_parameters(2019, "75", hostile_data, render="report"))
    markup = report.holders_tables_html(ctx)
    assert '<td><span class="tl-nowrap">&lt;script&gt;alert(1)&lt;/script&gt;</span></td>' in markup
    assert "<script>alert" not in markup
    assert "<script>alert" not in " ".join(report.report_html(ctx).values())  # charts and appendix included
    assert BANNER not in report.title_block_html(ctx)  # a copied folder without datapackage.json is not "example"


def test_small_groups_are_not_disclosed():
    # La Réunion 2021: 4 holders, under the default minimum of 5; 6 jobs of 3 tiers-lieux
    ctx = report.ReportContext.from_parameters(validate_parameters(2021, "04", render="report"))
    cards = card_values(report.key_figures_html(ctx))
    assert cards == ["6", "secret", "secret", "secret", "< 5"]  # no card gives the 4 holders
    assert "secret statistique" in report.key_figures_html(ctx)
    assert report.holders_tables_html(ctx) == ""
    assert report.holders_charts(ctx) == []
    everything = plain_spaces(html.unescape(" ".join(report.report_html(ctx).values())))
    assert "4 titulaires" not in everything and "moins de 5 personnes" in everything
    relaxed = report.ReportContext.from_parameters(validate_parameters(2021, "04", min_count=1))
    assert card_values(report.key_figures_html(relaxed))[4] == "4"  # k = 1: the holders rule is off...
    assert "secret" in card_values(report.key_figures_html(relaxed))  # ...the tiers-lieux rule is not


def test_masked_cells_are_shown_as_their_label(na_2019):
    """NA 2019: three situations have fewer than 5 holders; their shares, and complements, are masked."""
    situations = plain_spaces(html.unescape(report.situations_table_html(na_2019)))
    assert '<td>Autre emploi</td><td class="num">< 5</td><td class="num">secret</td>' in situations
    assert "« < 5 » : moins de 5 titulaires" in situations
    cohorts = plain_spaces(html.unescape(report.cohorts_table_html(na_2019)))
    assert '<td><span class="tl-nowrap">NA-2015-1</span></td><td>2015</td><td class="num">12</td>' in cohorts
    assert '<td class="num">secret</td>' in cohorts  # complements of the « < 5 » cells
    holders = report.section_html(na_2019, "holders")
    assert report.CHART_NOTE in holders  # the donut and the cohort bars leave masked values out
    assert json.dumps(charts.WITHHELD_LABEL)[1:-1] in holders  # a grey remainder, without a value


def test_national_report_uses_protected_figures():
    ctx = report.ReportContext.from_parameters(validate_parameters(2019, "France", render="report"))
    regions = plain_spaces(html.unescape(report.regions_table_html(ctx)))
    assert '<td>Occitanie</td><td class="num">40</td>' in regions
    contracts = plain_spaces(html.unescape(report.contracts_table_html(ctx)))
    assert '<td>Alternance (apprentissage, professionnalisation)</td><td class="num">secret</td>' in contracts
    cohorts = plain_spaces(html.unescape(report.cohorts_table_html(ctx)))
    # Occitanie's cohort of 2018: small situations « < 5 », one complement « secret »
    assert (
        '<td><span class="tl-nowrap">OCC-2018-1</span></td><td>2018</td>'
        + '<td class="num">17</td><td class="num">13</td>'
        + '<td class="num">< 5</td>' * 3
        + '<td class="num">secret</td><td class="num">45</td>'
        in cohorts
    )
    # the national report shows its holders' situations (Occitanie's large cohorts keep NA's small ones safe)
    situations = plain_spaces(html.unescape(report.situations_table_html(ctx)))
    assert '<td>En poste de facilitateur·rice</td><td class="num">141</td><td class="num">49,5 %</td>' in situations
    # and its key figures: the holders' situations and trajectories (issue 19: « secret » for 7 of 8 before)
    cards = plain_spaces(html.unescape(report.key_figures_html(ctx)))
    for value in ("285", "49,5 %", "26 %", "14 %", "38,8 %", "10,4 %", "43,3 %", "7,5 %"):
        assert f'<span class="tl-value">{value}</span>' in cards, value


def test_reconciliation_appendix(na_2019):
    markup = plain_spaces(html.unescape(report.reconciliation_html(na_2019)))
    assert markup.count("concorde</span>") == 10 and "écart</span>" not in markup
    assert '<td class="num">195</td><td class="num">plus de 195</td>' in markup
    assert '<td class="num">56,1 %</td><td class="num">plus de 56 %</td>' in markup
    assert "Pourquoi la certification" in markup
    reunion = report.ReportContext.from_parameters(validate_parameters(2021, "04"))
    assert "il n'y a rien à rapprocher" in report.reconciliation_html(reunion)


def test_reconciliation_never_compares_a_masked_figure(na_2019, monkeypatch):
    """A masked computed figure is shown masked and not compared: « concorde » would say where it lies."""
    from tlanalysis.protect.masked import Masked

    figures = copy.deepcopy(na_2019.figures)
    figures["jobs"]["by_contract"]["CDI"] = Masked("business_rule")
    figures["holders"]["situation_shares"]["facilitation"] = Masked("small_count", share=True)
    ctx = report.ReportContext(na_2019.params, figures)
    markup = plain_spaces(html.unescape(report.reconciliation_html(ctx)))
    assert markup.count("non vérifiable (secret statistique)") == 2
    assert '<td class="num">secret</td><td class="num">plus de 195</td>' in markup
    assert ">195<" not in markup and '54,5 %</td><td class="num">54,5' not in markup
    assert markup.count("concorde</span>") == 8


def test_indicator_overview():
    from tlanalysis import load_dataset

    table = report.indicator_overview(load_dataset())
    row = table[(table["region_code"] == "75") & (table["year"] == 2019)].iloc[0]
    assert (row["jobs"], row["jobs_cdi"], row["jobs_cdd"], row["holders"]) == (269, 195, 74, 200)
    assert set(table["region"]) >= {"France", "Nouvelle-Aquitaine", "La Réunion"}


# --- slow: the real notebook through papermill ---------------------------------------------------


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A "python3" kernel of this interpreter, found first, importing this checkout."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (tlanalysis tests)",
                "language": "python",
            }
        )
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", os.pathsep.join(filter(None, [str(root), os.environ.get("JUPYTER_PATH")])))
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        yield dict(os.environ)


def execute(tmp_path: Path, name: str, **parameters) -> nbformat.NotebookNode:
    import papermill

    work = tmp_path / f"cwd-{name}"  # a working directory that is not the repository
    work.mkdir()
    return papermill.execute_notebook(
        str(REPORT_NOTEBOOK),
        str(tmp_path / f"{name}.ipynb"),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(work),
        progress_bar=False,
    )


def outputs_text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            data = output.get("data", {})
            parts.append(data.get("text/html", ""))
            parts.append(data.get("text/plain", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def executed_na(kernel_env, tmp_path_factory):
    return execute(tmp_path_factory.mktemp("na"), "na", year=2019, region="Nouvelle-Aquitaine", render="report")


@pytest.mark.slow
def test_report_shows_the_seed_figures(executed_na):
    text = outputs_text(executed_na)
    plain = plain_spaces(html.unescape(text))
    for figure in SEED_FIGURES:
        assert figure in plain, figure
    assert card_values(text) == CARDS
    assert "56,1 %" in plain  # the exact value, in the employment table
    assert "non vérifiable" not in plain and plain.count("concorde") >= 10  # the appendix, nothing masked in it
    headings = [c.source for c in executed_na.cells if c.cell_type == "markdown"]
    assert headings[-2:] == ["## Méthodes et sources", "## Annexe : chiffres calculés et chiffres publiés"]
    assert BANNER in text


@pytest.mark.slow
def test_report_outputs_follow_the_display_contract(executed_na):
    errors = [o for c in executed_na.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    text = outputs_text(executed_na)
    for name in ("contracts", "roles", "trend", "situations", "cohorts", "trajectories"):
        assert f'id="chart-75-2019-{name}"' in text, name
    assert "<script src=" not in text and "plotly.js v" not in text  # the build adds plotly.js once
    assert not UUID.search(text)
    mimetypes = {key for c in executed_na.cells for o in c.get("outputs", []) for key in o.get("data", {})}
    assert "application/vnd.plotly.v1+json" not in mimetypes  # nbconvert would drop it


@pytest.mark.slow
def test_report_outputs_are_reproducible(executed_na, kernel_env, tmp_path):
    again = execute(tmp_path, "again", year="2019", region="75", render="report")
    assert outputs_text(again) == outputs_text(executed_na)


@pytest.mark.slow
def test_integer_region_fails_with_a_clear_message(kernel_env, tmp_path):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as info:
        execute(tmp_path, "int-region", year=2019, region=4, render="report")
    assert info.value.ename == "ParameterError"
    assert "papermill turned '04' into 4" in info.value.evalue and "-r region 04" in info.value.evalue


@pytest.mark.slow
def test_papermill_command_line_with_a_leading_zero(kernel_env, tmp_path):
    """`-p region 04` is YAML: the notebook must fail and say to use `-r`; `-r region 75` works."""
    command = [
        sys.executable,
        "-m",
        "papermill",
        str(REPORT_NOTEBOOK),
        str(tmp_path / "out.ipynb"),
        "-k",
        "python3",
        "--cwd",
        str(tmp_path),
        "--no-progress-bar",
        "-p",
        "year",
        "2019",
    ]
    failed = subprocess.run(
        [*command, "-p", "region", "04"], capture_output=True, text=True, env=kernel_env, cwd=tmp_path, timeout=300
    )
    assert failed.returncode != 0
    assert "-r region 04" in failed.stderr + failed.stdout
    worked = subprocess.run(
        [*command, "-r", "region", "75", "-p", "render", "report"],
        capture_output=True,
        text=True,
        env=kernel_env,
        cwd=tmp_path,
        timeout=300,
    )
    assert worked.returncode == 0, worked.stderr
    assert BANNER in outputs_text(nbformat.read(tmp_path / "out.ipynb", as_version=4))


@pytest.mark.slow
def test_national_report(kernel_env, tmp_path):
    nb = execute(tmp_path, "france", year=2019, region="France", render="report")
    text = outputs_text(nb)
    plain = plain_spaces(html.unescape(text))
    assert "Emploi et certification en France — 2019" in plain
    assert "Nouvelle-Aquitaine, Occitanie" in plain
    assert "Emplois par région, 2019" in plain
    assert card_values(text)[:3] == ["309", "220", "85"]
    assert 'id="chart-france-2019-contracts"' in text
    assert BANNER in text


@pytest.mark.slow
def test_exploration_notebook_runs(kernel_env, tmp_path):
    import papermill

    nb = papermill.execute_notebook(
        str(REPORT_NOTEBOOK.with_name("exploration.ipynb")),
        str(tmp_path / "ex.ipynb"),
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
