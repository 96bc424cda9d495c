"""Reports forked from a warm worker (`--executor fork`, the default on Linux): each report is as
isolated as on a fresh kernel, and whatever way a report's process ends is that report's failure only.

Real builds in a subprocess, real papermill (the in-process engine) and nbconvert; the kernel path
(`--executor kernel`) is exercised by `test_build.py`'s parametrised tests and the portable switch.
"""

from __future__ import annotations

import json
import subprocess
import uuid

import nbformat
import pytest

from tlanalysis.atomic import is_temp_name

from support.build import build, build_state, interrupt_build, marked_env, processes_marked, tlanalysis_command
from support.notebooks import hanging_notebook, notebook, outputs_text

pytestmark = pytest.mark.slow

SELECTION = ("--year", 2021, "--region", "Bretagne", "--region", "Occitanie", "--region", "La Réunion")


def test_each_report_starts_from_the_worker_state_not_the_previous_report(tmp_path):
    """One report changes pandas' options, plotly's default template and a module global; the next one
    (forked from the same worker, --jobs 1) sees none of it."""
    changing = notebook(
        tmp_path / "changing.ipynb",
        "import json, os\n"
        "import pandas as pd\n"
        "import plotly.io as pio\n"
        "import tlanalysis.config as config\n"
        "seen = {'max_rows': pd.get_option('display.max_rows'), 'template': pio.templates.default,\n"
        "        'mark': getattr(config, 'ISOLATION_MARK', None), 'pid': os.getpid()}\n"
        "print('SEEN ' + json.dumps(seen))\n"
        "pd.set_option('display.max_rows', 3)\n"
        "pio.templates.default = 'plotly_dark'\n"
        "config.ISOLATION_MARK = region\n",
        "from IPython.display import HTML, display\ndisplay(HTML('<p>isolation</p>'))\n",
    )
    out = tmp_path / "reports"
    result = build(out, *SELECTION, "--executor", "fork", notebook=changing, jobs=1)
    assert "(forked reports)" in result.stdout
    seen = []
    for page in sorted((out / "2021").glob("*.ipynb")):
        line = next(li for li in outputs_text(page).splitlines() if li.startswith("SEEN "))
        seen.append(json.loads(line[5:]))
    assert len(seen) == 3
    assert len({s["pid"] for s in seen}) == 3, "each report runs in its own process"
    for s in seen:
        assert s["max_rows"] != 3 and s["template"] != "plotly_dark" and s["mark"] is None, seen
    assert len({(s["max_rows"], s["template"]) for s in seen}) == 1
    # the executed notebooks record the run as papermill does with a kernel
    nb = nbformat.read(out / "2021" / "53-bretagne.ipynb", as_version=4)
    assert nb.metadata.papermill["parameters"]["region"] == "Bretagne"
    assert nb.metadata.papermill["input_path"] == "changing.ipynb"
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)
    assert all(c.metadata.papermill["status"] == "completed" for c in nb.cells)
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4]


def test_a_report_that_raises_crashes_or_hangs_fails_alone(tmp_path):
    """A cell that raises, os._exit, a signal, a report past --timeout: each is that report's failure,
    with its notebook kept; the others are built; exit 1; no process is left."""
    failing = notebook(
        tmp_path / "failing.ipynb",
        "import os, signal, time\nprint(f'START {region}')\n",
        "if region == 'Bretagne':\n    raise ValueError(f'fixture failure for {region}')\n"
        "if region == 'La Réunion':\n    os._exit(3)\n"
        "if region == 'Occitanie':\n    os.kill(os.getpid(), signal.SIGSEGV)\n"
        "if region == 'Nouvelle-Aquitaine':\n    time.sleep(600)\n",
        "from IPython.display import HTML, display\ndisplay(HTML(f'<p>{region}</p>'))\n",
    )
    out = tmp_path / "reports"
    mark = uuid.uuid4().hex
    selection = (*SELECTION, "--region", "Nouvelle-Aquitaine", "--region", "France")
    result = build(
        out, *selection, "--executor", "fork", "--timeout", 20, notebook=failing, expect=1, env=marked_env(mark)
    )
    stdout = result.stdout
    assert "1 built, 0 up to date, 4 failed" in stdout, stdout
    assert "2021 Bretagne: ValueError: fixture failure for Bretagne (cell In [4])" in stdout
    assert "2021 La Réunion: the report's process exited with code 3 while cell 4 ran" in stdout
    assert "2021 Occitanie: the report's process was killed by signal SIGSEGV while cell 4 ran" in stdout
    assert "2021 Nouvelle-Aquitaine: the report ran for more than 20 s and was stopped while cell 4 ran" in stdout
    assert "4 of 5 reports failed" in result.stderr
    assert (out / "2021" / "france.html").is_file()
    state = build_state(out)
    for slug in ("53-bretagne", "04-la-reunion", "76-occitanie", "75-nouvelle-aquitaine"):
        assert not (out / "2021" / f"{slug}.html").exists()
        kept = state.failed_notebook_path(f"2021/{slug}")
        assert kept.is_file(), slug
        nb = nbformat.read(kept, as_version=4)
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert errors, slug
    assert not processes_marked(mark), "no report process outlives the build"
    assert not [p for p in out.rglob("*") if is_temp_name(p.name)]


def test_ctrl_c_ends_every_report_process(tmp_path):
    """SIGINT while a forked report runs: exit 130, the child is gone, no half-written file."""
    hanging, flag = hanging_notebook(tmp_path)
    out = tmp_path / "reports"
    mark = uuid.uuid4().hex
    command = tlanalysis_command(
        "build", "--out", out, "--notebook", hanging, "--kind", "annual", "--executor", "fork", *SELECTION
    )
    interrupt_build(command, marked_env(mark), flag, mark, out, settle=5)
    assert not (out / "2021" / "76-occitanie.html").exists()


def test_papermill_by_hand_runs_the_same_notebooks(tmp_path):
    """The bundled notebook with papermill's command, on a kernel and with the in-process engine."""
    import sys

    from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR

    for engine in ((), ("--engine", "tlanalysis-inprocess")):
        output = tmp_path / f"out{len(engine)}.ipynb"
        args = ["-p", "year", "2019", "-p", "region", "Nouvelle-Aquitaine", "-p", "data_dir", str(SAMPLE_DATA_DIR)]
        done = subprocess.run(
            [sys.executable, "-m", "papermill", str(REPORT_NOTEBOOK), str(output), *args, *engine, "--no-progress-bar"],
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stderr
        nb = nbformat.read(output, as_version=4)
        data = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])]
        assert any("Nouvelle-Aquitaine" in str(d.get("text/html", "")) for d in data)
        assert any("application/vnd.plotly.v1+json" in d for d in data), "the charts, as plotly's renderer shows them"
        assert nb.metadata.papermill["parameters"]["region"] == "Nouvelle-Aquitaine"
