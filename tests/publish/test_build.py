"""`tlanalysis build` end to end: real papermill, nbconvert and plotly, through the real command line.

The fixture notebooks (tests/fixtures/) stand in for the annual report where the test is about the
build itself; the real report is built in test_build_browser.py.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from tlanalysis.atomic import is_temp_name
from tlanalysis.config import SAMPLE_DATA_DIR

from support.build import FAILING_NOTEBOOK, FIXTURE_NOTEBOOK, build, build_state, tlanalysis_command

pytestmark = pytest.mark.slow

SLUGS_2021 = ["france", "04-la-reunion", "53-bretagne", "75-nouvelle-aquitaine", "76-occitanie"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.scripts, self.styles = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "script":
            self.scripts.append(attrs.get("src"))
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs.get("href"))


def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if is_temp_name(p.name)]


def test_site_layout_and_index(fixture_site):
    out = fixture_site
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in (out / "assets").glob("plotly-*.min.js")) != []
    for slug in SLUGS_2021:
        assert (out / "2021" / f"{slug}.html").is_file()
        assert (out / "2021" / f"{slug}.ipynb").is_file()
    assert not temp_files(out)
    links = parse(out / "index.html").links
    pages = [link for link in links if link.endswith(".html")]
    assert sorted(set(pages)) == sorted(f"2021/{slug}.html" for slug in SLUGS_2021)
    # every format built is linked (here the key figures' JSON), and every link points at a file
    assert sorted(link for link in links if link.endswith(".json")) == sorted(f"2021/{s}.json" for s in SLUGS_2021)
    for link in links:
        assert (out / link).is_file(), link
    index_text = (out / "index.html").read_text(encoding="utf-8")
    assert 'lang="fr"' in index_text and "Données d'exemple fictives" in index_text
    assert "Nouvelle-Aquitaine (75)" in index_text
    # the landing page: national key figures, the map, the filter; plotly from the shared asset only
    assert "L'essentiel 2021 — France entière" in index_text and 'id="chart-index-map"' in index_text
    assert 'id="filtre"' in index_text
    sources = [src for src in parse(out / "index.html").scripts if src]
    assert len(sources) == 1 and re.fullmatch(r"assets/plotly-[\d.]+\.min\.js", sources[0]), sources
    assert "https://" not in "".join(sources) and "cdn" not in index_text.lower()


def test_index_shows_only_protected_figures(fixture_site):
    """Every number of the landing page is a shown figure of the reports it lists (from the protection),
    a year, a region code, k or the number of reports; the map draws each region's protected jobs."""
    from tlanalysis import load_dataset
    from tlanalysis.protect.annual import protect
    from tlanalysis.protect.compare import change_since
    from tlanalysis.protect.masked import is_masked
    from tlanalysis.reference import FRANCE, find_region
    from tlanalysis.report.formatting import fmt_int, fmt_pct, plain_spaces

    from support.pages import chart_numbers, page_numbers, plotted_charts

    protection = protect(load_dataset(), 5)
    allowed = {"5", "2021", "2020", str(len(SLUGS_2021))}
    jobs_by_code = {}
    for code in (None, "04", "53", "75", "76"):
        figures = protection.figures(2021, FRANCE if code is None else find_region(code))
        jobs, holders = figures["jobs"], figures["holders"]
        values = [jobs["total"], holders["n"]]
        allowed |= {plain_spaces(fmt_int(v)) for v in values if not is_masked(v)}
        if not is_masked(jobs["facilitation_share"]):
            allowed.add(plain_spaces(fmt_pct(jobs["facilitation_share"])))
        change = change_since(jobs["trend"]["2021"], jobs["trend"].get("2020"))
        if change is not None and not is_masked(change):
            allowed.add(plain_spaces(fmt_pct(change, signed=True)))
        if code:
            allowed.add(code)
            jobs_by_code[code] = jobs["total"]
    markup = (fixture_site / "index.html").read_text(encoding="utf-8")
    tokens = page_numbers(markup)
    charts_drawn = plotted_charts(markup)
    assert list(charts_drawn) == ["chart-index-map"]
    traces, layout = charts_drawn["chart-index-map"]
    tokens += chart_numbers(traces, layout)
    assert not sorted({t for t in tokens if t not in allowed}), "numbers no shown figure explains"
    drawn = {
        c: z
        for t in traces
        if t["type"] == "choropleth" and t.get("showscale") is not False
        for c, z in zip(t["locations"], t["z"], strict=True)
    }
    assert drawn == {c: v for c, v in jobs_by_code.items() if not is_masked(v)}


def test_executed_notebooks_are_kept(fixture_site):
    nb = nbformat.read(fixture_site / "2021" / "75-nouvelle-aquitaine.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    source = injected[0].source
    assert 'render = "report"' in source and "year = 2021" in source and 'region = "Nouvelle-Aquitaine"' in source
    # no path of the machine: kernels run in the data folder's parent, the build's data has a key
    assert 'data_dir = "sample"' in source and 'state_key = "' in source and str(SAMPLE_DATA_DIR) not in source
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any("FIXTURE Nouvelle-Aquitaine 2021" in o.get("text", "") for o in outputs)
    # the kernel ran this interpreter, with this tlanalysis
    import tlanalysis

    kernel = [o["text"] for o in outputs if o.get("name") == "stderr" and "KERNEL" in o.get("text", "")]
    digest = [hashlib.sha256(p.encode()).hexdigest()[:16] for p in (sys.executable, tlanalysis.__file__)]
    assert kernel == [f"KERNEL {digest[0]} {digest[1]}\n"]
    assert nb.metadata.papermill.parameters["year"] == 2021
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"][:2] == [1, 2]  # fresh kernel


def test_pages_load_plotly_once_and_nothing_from_the_network(fixture_site):
    for slug in SLUGS_2021:
        page = fixture_site / "2021" / f"{slug}.html"
        text = page.read_text(encoding="utf-8")
        parsed = parse(page)
        sources = [s for s in parsed.scripts if s]
        assert len(sources) == 1 and re.fullmatch(r"\.\./assets/plotly-[\d.]+\.min\.js", sources[0]), sources
        assert (page.parent / sources[0]).is_file()
        assert "plotly.js v" not in text  # the library is not inlined in site mode
        head, body = text.split("</head>", 1)
        assert sources[0] in head and "Plotly.newPlot" in body
        assert "https://" not in "".join(sources + parsed.styles)
        for href in parsed.styles:
            assert (page.parent / href).is_file(), href
        assert 'id="chart-contracts"' in text and 'id="chart-trend"' in text
        assert 'render = "report"' not in text and "import plotly" not in text  # no code inputs
        size = page.stat().st_size + page.with_suffix(".ipynb").stat().st_size
        assert size < 300_000, f"{slug}: {size} bytes for the page and its notebook"


def test_noop_rebuild_executes_nothing(fixture_site):
    before = snapshot(fixture_site)
    result = build(fixture_site, "--year", 2021)
    assert "0 built, 5 up to date, 0 failed" in result.stdout
    assert snapshot(fixture_site) == before


def test_noop_path_does_not_import_pandas_papermill_nbconvert_plotly_or_the_solvers(fixture_site):
    """A no-op build decides from the stamp of its inputs and site (`publish.unchanged`): not even pandas
    (the validated data, the plan) is imported."""
    code = (
        "import sys\n"
        "from tlanalysis.cli import main\n"
        "try:\n"
        f"    main(['build', '--out', {str(fixture_site)!r}, '--notebook', {str(FIXTURE_NOTEBOOK)!r},"
        " '--kind', 'annual', '--year', '2021'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "heavy = ('pandas', 'numpy', 'pyarrow', 'papermill', 'nbconvert', 'nbclient', 'plotly', 'jupyter_client',"
        " 'scipy', 'highspy')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout, result.stdout


def test_planning_every_kind_imports_no_solver():
    """Which certification reports exist is a question for the data, not for the protection: planning a
    build of every kind (what a no-op build does) imports neither scipy nor HiGHS."""
    code = (
        "import sys\n"
        "from tlanalysis import load_dataset\n"
        "from tlanalysis.publish.plan import plan_reports\n"
        "from tlanalysis.report.kinds import registered\n"
        "import tlanalysis.publish.runner, tlanalysis.protect.store, tlanalysis.protect.releases\n"
        "reports = plan_reports(load_dataset(), kinds=registered())\n"
        "kinds = sorted({r.kind.name for r in reports})\n"
        "print('KINDS', kinds, 'SOLVERS', [m for m in ('scipy', 'highspy') if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "KINDS ['annual', 'certification'] SOLVERS []" in result.stdout, result.stdout


def test_changes_rebuild_what_they_affect(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    out = tmp_path / "reports"
    both = ("--year", 2021, "--region", "75", "--region", "76")
    first = build(out, *both, data=data)
    assert "2 built, 0 up to date" in first.stdout
    page = out / "2021" / "75-nouvelle-aquitaine.html"
    jobs = int(re.search(r"FIXTURE Nouvelle-Aquitaine 2021: (\d+) emplois", page.read_text()).group(1))

    # a data file's content changes; building one report shows the new figures, and the index
    # marks the other one, built from the old data, as old
    with open(data / "employment.csv", "a", encoding="utf-8") as handle:
        handle.write("2021,75,Tiers-lieu de test,CDI,facilitation,100\n")
    one = build(out, "--year", 2021, "--region", "75", data=data)
    assert "1 built, 0 up to date" in one.stdout
    assert f"FIXTURE Nouvelle-Aquitaine 2021: {jobs + 100} emplois" in page.read_text()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<td class="stale"[^>]*><a href="2021/76-occitanie.html">2021</a> <small>\(ancien\)', index)
    assert '<td class="ok"><a href="2021/75-nouvelle-aquitaine.html">' in index

    # building both rebuilds only the old one
    second = build(out, *both, data=data)
    assert "1 built, 1 up to date" in second.stdout
    assert "(ancien)" not in (out / "index.html").read_text(encoding="utf-8")

    # an output file deleted: only that report is rebuilt
    (out / "2021" / "76-occitanie.ipynb").unlink()
    third = build(out, *both, data=data)
    assert "1 built, 1 up to date" in third.stdout
    assert (out / "2021" / "76-occitanie.ipynb").is_file()

    # --force rebuilds everything selected
    before = snapshot(out)
    index_before = (out / "index.html").read_bytes()
    forced = build(out, *both, "--force", data=data)
    assert "2 built, 0 up to date" in forced.stdout
    assert snapshot(out)["2021/75-nouvelle-aquitaine.html"] != before["2021/75-nouvelle-aquitaine.html"]
    assert (out / "index.html").read_bytes() == index_before, "the landing page is byte-identical on rebuild"

    # and with nothing changed, nothing is rebuilt
    before = snapshot(out)
    assert "0 built, 2 up to date" in build(out, *both, data=data).stdout
    assert snapshot(out) == before


def test_data_changed_while_a_build_runs_is_built_again(tmp_path):
    """The no-op stamp hashes the inputs before the build reads them: a data file edited while the reports
    run makes the next build build again, never a no-op."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    out = tmp_path / "reports"
    code = (
        "from pathlib import Path\n"
        "from tlanalysis.publish.runner import BuildOptions, run_build\n"
        f"data, out, notebook = Path({str(data)!r}), Path({str(out)!r}), Path({str(FIXTURE_NOTEBOOK)!r})\n"
        "def echo(line):\n"
        "    print(line, flush=True)\n"
        "    if line.startswith('building'):  # the data is validated, the reports are about to run\n"
        "        with open(data / 'employment.csv', 'a', encoding='utf-8') as handle:\n"
        "            handle.write('2021,75,Tiers-lieu de test,CDI,facilitation,100\\n')\n"
        "run_build(BuildOptions(data_dir=data, out_dir=out, years=(2021,), regions=('75',), notebook=notebook,\n"
        "                       kinds=('annual',), jobs=1), echo=echo)\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "1 built, 0 up to date" in first.stdout
    again = build(out, "--year", 2021, "--region", "75", data=data, jobs=1)
    assert "1 built, 0 up to date" in again.stdout
    assert "0 built, 1 up to date" in build(out, "--year", 2021, "--region", "75", data=data, jobs=1).stdout


@pytest.mark.parametrize("executor", ["fork", "kernel"])
def test_a_failing_report_does_not_stop_the_others(tmp_path, executor):
    out = tmp_path / "reports"
    selection = ("--year", 2021, "--region", "Bretagne", "--region", "Occitanie", "--region", "La Réunion")
    selection += ("--executor", executor)
    build(out, *selection)
    good_page = out / "2021" / "53-bretagne.html"
    assert good_page.is_file()

    # report_failing.ipynb: a cell raises for Bretagne, the kernel (or the forked process) dies for La Réunion
    result = build(out, *selection, notebook=FAILING_NOTEBOOK, expect=1)
    output = result.stdout + result.stderr
    assert "1 built, 0 up to date, 2 failed" in result.stdout  # the notebook changed: all rebuilt
    assert "2021 Bretagne: ValueError: fixture failure for Bretagne 2021 (cell In [" in result.stdout
    if executor == "kernel":
        assert "2021 La Réunion: DeadKernelError" in result.stdout and "after 2 attempts" in result.stdout
    else:
        assert "2021 La Réunion: the report's process exited with code 3 while cell 6 ran" in result.stdout
    failed_nb = build_state(out).failed_notebook_path("2021/53-bretagne")
    assert f"executed notebook (private, not published): {failed_nb}" in output
    assert "2 of 3 reports failed" in result.stderr
    # the other is built; the failed ones have their executed notebook kept, and no page
    assert (out / "2021" / "76-occitanie.html").is_file()
    assert failed_nb.is_file()
    nb = nbformat.read(failed_nb, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "ValueError"
    assert not good_page.exists(), "a page that no longer matches its inputs must not stay published"
    assert not (out / "2021" / "53-bretagne.ipynb").exists()
    assert not (out / "2021" / "04-la-reunion.html").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("échec") == 2 and "failed.ipynb" not in index and "carnet" not in index
    assert "2021/53-bretagne.html" not in index
    state = build_state(out).reports
    assert state["2021/53-bretagne"]["status"] == "failed"
    assert state["2021/53-bretagne"]["attempts"] == 1, "a cell error is not retried"
    if executor == "kernel":
        assert state["2021/04-la-reunion"]["attempts"] == 2, "a dead kernel is retried once"

    if executor == "fork":  # a build with a failure is no no-op: the same build again tries them again
        again = build(out, *selection, notebook=FAILING_NOTEBOOK, expect=1)
        assert "0 built, 1 up to date, 2 failed" in again.stdout

    # fixed: the failed reports are built again (a failure is never "up to date"), failed notebooks go
    fixed = build(out, *selection)
    assert "3 built" in fixed.stdout
    assert good_page.is_file() and not failed_nb.exists()
    assert "échec" not in (out / "index.html").read_text(encoding="utf-8")


def test_standalone_pages_carry_plotly_once(tmp_path):
    out = tmp_path / "reports"
    build(out, "--standalone", "--year", 2021, "--region", "75", jobs=1)
    page = out / "2021" / "75-nouvelle-aquitaine.html"
    text = page.read_text(encoding="utf-8")
    parsed = parse(page)
    assert text.count("plotly.js v") == 1  # the banner of the inlined library, once
    assert [s for s in parsed.scripts if s] == [] and parsed.styles == []
    assert text.index("plotly.js v") < text.index("</head>") < text.index("Plotly.newPlot")
    assert not (out / "assets").exists()


def test_cli_entry_point_matches_console_script():
    """The tests call `python -c 'from tlanalysis.cli import main; main()'`: the same function as the
    installed `tlanalysis` script."""
    result = subprocess.run(tlanalysis_command("build", "--help"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "Usage: tlanalysis build" in result.stdout
