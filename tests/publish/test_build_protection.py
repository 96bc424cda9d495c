"""`tlanalysis build` protects the data once, before its workers start; every report reads that.

Real builds of the real report notebook (papermill, nbconvert) in subprocesses. Every process of a
build inherits $TLANALYSIS_PROTECTION_LOG, so each protection computed anywhere (build, workers,
kernels) leaves a line in that file: the count proves who computed it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR
from tlanalysis.protect import store as protection_store
from tlanalysis.state import ENV_VARIABLE, key_digest, state_root
from tlanalysis.validate.dataset import load_dataset

from support.build import build, marked_env

pytestmark = pytest.mark.slow

REPORTS = ("--year", 2019, "--region", "Nouvelle-Aquitaine", "--region", "France")


def computed(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def outputs(nb) -> list:
    """Every code cell's outputs, but those of the parameters cells (which differ by design)."""
    return [
        c.get("outputs", [])
        for c in nb.cells
        if c.cell_type == "code" and not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))
    ]


def test_protection_is_computed_once_and_reused(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    out = tmp_path / "reports"
    log = tmp_path / "computed.log"
    env = marked_env()
    env[protection_store.LOG_VARIABLE] = str(log)
    env[ENV_VARIABLE] = str(tmp_path / "state")  # a state folder of its own: nothing stored yet

    first = build(out, *REPORTS, notebook=None, data=data, env=env)
    # the annual and the certification report of each territory
    assert "4 built, 0 up to date, 0 failed" in first.stdout
    assert "protection of every report of the data: computed in" in first.stdout
    # once in all: not in the two workers (key figures JSON), not in the two kernels
    assert len(computed(log)) == 1
    dataset = load_dataset(data)
    stored = (
        state_root(tmp_path / "state")
        / "protection"
        / key_digest(protection_store.protection_key(dataset, 5))
        / protection_store.FILE_NAME
    )
    nb = nbformat.read(out / "2019" / "75-nouvelle-aquitaine.ipynb", as_version=4)
    parameters = nb.metadata.papermill.parameters
    assert parameters["data_dir"] == "data" and "protection_file" not in parameters
    assert (state_root(tmp_path / "state") / "data" / parameters["state_key"] / "manifest.json").is_file()
    stamp = stored.stat().st_mtime_ns

    # the same report by plain papermill, without the file: it computes the protection itself and
    # shows exactly the same outputs
    import papermill

    plain = papermill.execute_notebook(
        str(REPORT_NOTEBOOK),
        str(tmp_path / "plain.ipynb"),
        parameters={"year": 2019, "region": "Nouvelle-Aquitaine", "data_dir": str(data), "render": "report"},
        kernel_name="python3",
        cwd=str(tmp_path),
        progress_bar=False,
    )
    assert outputs(plain) == outputs(nb)

    # incremental: one report to rebuild, the stored protection still matches: reused, not recomputed
    (out / "2019" / "france.html").unlink()
    again = build(out, *REPORTS, notebook=None, data=data, env=env)
    assert "1 built, 3 up to date" in again.stdout
    assert "protection of every report of the data: up to date" in again.stdout
    assert len(computed(log)) == 1 and stored.stat().st_mtime_ns == stamp

    # nothing to build: the protection is not even looked at
    assert "protection of every report" not in build(out, *REPORTS, notebook=None, data=data, env=env).stdout

    # the data changes: the stored protection is stale, the build computes it again (once)
    lines = (data / "employment.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "employment.csv").write_text("".join(lines[:-1]), encoding="utf-8")
    changed = build(out, *REPORTS, notebook=None, data=data, env=env)
    assert "4 built, 0 up to date" in changed.stdout
    assert "protection of every report of the data: computed in" in changed.stdout
    assert len(computed(log)) == 2
    changed_key = protection_store.protection_key(load_dataset(data), 5)
    root = state_root(tmp_path / "state")
    assert (root / "protection" / key_digest(changed_key) / protection_store.FILE_NAME).is_file()
