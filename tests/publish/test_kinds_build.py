"""Every kind of report gets the same build, products and index, through the real `tlanalysis build`:
a third kind registered by a user, `--notebook` (which replaces the annual report's notebook only),
`--kind`, and the chart images of the national report's maps."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.errors import UsageError
from tlanalysis.publish.plan import Report
from tlanalysis.publish.runner import BuildOptions
from tlanalysis.report.kinds import ANNUAL, CERTIFICATION

from support.build import FIXTURE_NOTEBOOK, build, build_state, marked_env, run_tlanalysis
from support.paths import TESTS

#: Registers the third kind of `support.third_kind`, then runs the command line with the given arguments.
WITH_THIRD_KIND = (
    "import sys\n"
    "from tlanalysis.report import kinds\n"
    "from support.third_kind import SUMMARY\n"
    "kinds.register(SUMMARY)\n"
    "from tlanalysis.cli import main\n"
    "sys.argv[0] = 'tlanalysis'\n"
    "main(sys.argv[1:])\n"
)


def test_the_build_takes_its_kinds_from_the_registry(tmp_path):
    options = BuildOptions(data_dir=SAMPLE_DATA_DIR)
    assert options.report_kinds() == (ANNUAL, CERTIFICATION)
    given = BuildOptions(data_dir=SAMPLE_DATA_DIR, notebook=FIXTURE_NOTEBOOK).report_kinds()
    assert [k.notebook for k in given] == [FIXTURE_NOTEBOOK.resolve(), CERTIFICATION.notebook.resolve()]
    only = BuildOptions(data_dir=SAMPLE_DATA_DIR, kinds=("certification",), target_jobs=("autre_emploi",))
    (kind,) = only.report_kinds()
    assert kind == CERTIFICATION
    # the parameters a kind names, and only those, go to its notebook (and so to its fingerprint)
    report = Report.make(2019, "75", "Nouvelle-Aquitaine", kind)
    assert only.parameters(report, SAMPLE_DATA_DIR, None)["target_jobs"] == ["autre_emploi"]
    annual = Report.make(2019, "75", "Nouvelle-Aquitaine", ANNUAL)
    assert "target_jobs" not in only.parameters(annual, SAMPLE_DATA_DIR, None)

    for kinds, message in (
        ((dataclasses.replace(ANNUAL, name="copie"), ANNUAL), "share a name or a file name prefix"),
        ((dataclasses.replace(ANNUAL, parameters=("region_colour",)),), "takes the parameter(s) region_colour"),
        ((dataclasses.replace(ANNUAL, notebook=tmp_path / "none.ipynb"),), "report notebook not found"),
        (("bilan",), "unknown report kind 'bilan'"),
        ((), "no report kind to build"),
    ):
        with pytest.raises(UsageError, match=re.escape(message)):
            BuildOptions(data_dir=SAMPLE_DATA_DIR, kinds=kinds).report_kinds()


def build_with_third_kind(out: Path, *args: object) -> subprocess.CompletedProcess:
    env = marked_env()
    env["PYTHONPATH"] = str(TESTS)  # `support.third_kind`, for the build, its workers and kernels
    command = [sys.executable, "-c", WITH_THIRD_KIND, "build", "--out", out, "--jobs", 1, *args]
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, (result.stdout, result.stderr)
    return result


def test_a_registered_third_kind_gets_the_build_its_json_and_the_index(tmp_path):
    out = tmp_path / "reports"
    selection = ("--notebook", FIXTURE_NOTEBOOK, "--kind", "annual", "--kind", "synthese", "--year", 2019)
    result = build_with_third_kind(out, *selection, "--region", "75")
    assert "2 built, 0 up to date, 0 failed" in result.stdout
    assert re.search(r"built +2019 Nouvelle-Aquitaine \(synthèse\)", result.stdout)

    page = out / "2019" / "synthese-75-nouvelle-aquitaine.html"
    text = page.read_text(encoding="utf-8")
    assert "<title>Synthèse — Nouvelle-Aquitaine 2019</title>" in text
    annual = json.loads((out / "2019" / "75-nouvelle-aquitaine.json").read_text(encoding="utf-8"))
    jobs = annual["figures"]["jobs"]["total"]
    assert f"SYNTHESE Nouvelle-Aquitaine 2019 : {jobs} emplois" in text
    assert 'id="chart-synthese-75-2019-contracts"' in text  # its chart id carries its slug prefix
    assert page.with_suffix(".ipynb").is_file()

    document = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert list(document) == [
        "kind",
        "year",
        "region",
        "region_code",
        "example_data",
        "data_date",
        "min_count",
        "data_files",
        "figures",
    ]
    assert document["kind"] == "synthese" and document["region_code"] == "75" and document["example_data"] is True
    assert document["figures"] == {"jobs": jobs, "by_contract": annual["figures"]["jobs"]["by_contract"]}

    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<h2>Tous les rapports</h2>" in index and '<table id="rapports">' in index
    third = index[index.index('<h2 id="synthese">Synthèses</h2>') :]
    assert '<p class="note">Une page par région et par année d\'enquête.</p>' in third
    assert '<a href="2019/synthese-75-nouvelle-aquitaine.html">2019</a>' in third
    assert '<a href="2019/synthese-75-nouvelle-aquitaine.json">JSON</a>' in third
    assert build_state(out).reports["2019/synthese-75-nouvelle-aquitaine"]["kind"] == "synthese"

    # incremental like the others; and the index keeps listing its reports once it is no longer registered
    assert "0 built, 2 up to date" in build_with_third_kind(out, *selection, "--region", "75").stdout
    build(out, "--year", 2019, "--region", "75")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<h2 id="synthese">synthese</h2>' in index
    assert '<a href="2019/synthese-75-nouvelle-aquitaine.html">2019</a> <small>(ancien)</small>' in index


def test_notebook_replaces_the_annual_reports_notebook_only(tmp_path):
    out = tmp_path / "reports"
    result = build(out, "--year", 2019, "--region", "75", data=SAMPLE_DATA_DIR, kinds=())
    assert "2 built, 0 up to date, 0 failed" in result.stdout
    annual = (out / "2019" / "75-nouvelle-aquitaine.html").read_text(encoding="utf-8")
    assert "FIXTURE Nouvelle-Aquitaine 2019" in annual  # the given notebook
    certification = (out / "2019" / "certification-75-nouvelle-aquitaine.html").read_text(encoding="utf-8")
    assert "Certification et insertion en Nouvelle-Aquitaine — 2019" in certification  # the bundled one
    assert "FIXTURE" not in certification
    document = json.loads((out / "2019" / "certification-75-nouvelle-aquitaine.json").read_text(encoding="utf-8"))
    assert document["kind"] == "certification" and document["target_jobs"] == ["facilitation"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="2019/certification-75-nouvelle-aquitaine.html">2019</a>' in index

    # --kind certification builds that kind only; its reports are up to date
    again = build(out, "--year", 2019, "--region", "75", data=SAMPLE_DATA_DIR, kinds=("certification",), notebook=None)
    assert "1 report: 0 built, 1 up to date" in again.stdout


def test_unknown_kind_and_a_notebook_for_no_built_kind_are_usage_errors(tmp_path):
    result = run_tlanalysis("build", "--out", tmp_path / "out", "--kind", "bilan")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "unknown report kind 'bilan'; choose among annual, certification" in result.stderr
    result = run_tlanalysis(
        "build", "--out", tmp_path / "out", "--kind", "certification", "--notebook", FIXTURE_NOTEBOOK
    )
    assert result.returncode == 2 and "--notebook replaces the notebook of the annual reports" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.requires_tool("chromium")
def test_the_national_reports_maps_and_every_chart_reach_png_and_svg(tmp_path):
    out = tmp_path / "reports"
    build(out, "--year", 2019, "--region", "France", "--formats", "png,svg", notebook=None, data=SAMPLE_DATA_DIR)
    charts = out / "2019" / "charts"
    page = (out / "2019" / "france.html").read_text(encoding="utf-8")
    shown = set(re.findall(r'id="chart-(france-2019-[a-z-]+)"', page))
    for name in ("regions-map", "regions-views", "regions-bar", "regions-trends"):
        assert f"france-2019-{name}" in shown
    certification = (out / "2019" / "certification-france.html").read_text(encoding="utf-8")
    shown |= set(re.findall(r'id="chart-(certification-france-2019-[a-z-]+)"', certification))
    # every chart of both pages, and nothing else, as PNG and SVG
    assert {p.stem for p in charts.glob("*.png")} == shown == {p.stem for p in charts.glob("*.svg")}
    for stem in ("france-2019-regions-map", "france-2019-regions-views"):
        png = (charts / f"{stem}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 30_000  # a drawn map, not an empty canvas
        assert "<path" in (charts / f"{stem}.svg").read_text(encoding="utf-8")
