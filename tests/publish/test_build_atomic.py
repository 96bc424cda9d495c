"""Interrupted builds: SIGKILL, SIGTERM and SIGINT of the build process.

Whatever happens, a file under its final name is complete, earlier reports are untouched,
no worker or kernel outlives the build, and the next build finishes the job.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from tlanalysis.atomic import is_temp_name

from support.build import (
    FIXTURE_NOTEBOOK,
    build,
    build_state,
    build_state_file,
    marked_env,
    processes_marked,
    tlanalysis_command,
)

pytestmark = pytest.mark.slow


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not is_temp_name(p.name)
    }


def start_build(out: Path, *args: object, mark: str) -> subprocess.Popen:
    command = tlanalysis_command("build", "--out", out, "--notebook", FIXTURE_NOTEBOOK, "--kind", "annual", *args)
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=marked_env(mark),
        stdin=subprocess.DEVNULL,
    )


def wait_for(condition, timeout: float = 120, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def wait_no_process(mark: str, timeout: float = 15) -> None:
    wait_for(lambda: not processes_marked(mark), timeout, "workers and kernels to exit")


def assert_complete(out: Path) -> None:
    """Every file under a final name is whole: pages end with </html>, notebooks and state parse."""
    for page in out.rglob("*.html"):
        assert not is_temp_name(page.name)
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page
    for notebook in out.rglob("*.ipynb"):
        if not is_temp_name(notebook.name):
            nbformat.read(notebook, as_version=4)
    assert build_state(out).reports


def test_sigkill_midway_keeps_earlier_reports_and_the_next_build_completes(tmp_path):
    out = tmp_path / "reports"
    build(out, "--year", 2021, "--region", "France")
    before = digests(out)
    earlier = {k: v for k, v in before.items() if k.startswith("2021/")}

    mark = uuid.uuid4().hex
    process = start_build(out, "--year", 2022, "--jobs", "1", mark=mark)
    try:
        # kill -9 as soon as the first 2022 report is published, while the next one is executing
        wait_for(lambda: any((out / "2022").glob("*.html")), what="the first 2022 report")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    wait_no_process(mark)  # the workers notice their parent is gone, kill their kernels and exit

    after = digests(out)
    assert {k: after.get(k) for k in earlier} == earlier, "reports of an earlier build must be byte-identical"
    assert after["index.html"] == before["index.html"], "the index is only rewritten at the end of a build"
    assert_complete(out)

    # the next build removes leftovers, builds what is missing, and lists everything
    result = build(out, "--year", 2022)
    assert "built" in result.stdout
    assert not [p for p in out.rglob("*") if is_temp_name(p.name)]
    assert_complete(out)
    index = (out / "index.html").read_text(encoding="utf-8")
    for page in sorted(out.glob("202[12]/*.html")):
        assert page.relative_to(out).as_posix() in index
    assert {k: digests(out).get(k) for k in earlier} == earlier


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_and_sigint_stop_cleanly(tmp_path, signum, code):
    out = tmp_path / "reports"
    mark = uuid.uuid4().hex
    process = start_build(out, "--year", 2023, "--jobs", "2", mark=mark)
    try:
        wait_for(lambda: build_state_file(out).is_file(), what="the first finished report")
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == code, (stdout, stderr)
    assert "interrupted" in stderr and "Traceback" not in stderr
    wait_no_process(mark, timeout=5)
    assert_complete(out)
    finished = build_state(out).reports
    assert finished and all(entry["status"] == "ok" for entry in finished.values())
    assert (out / "index.html").is_file()

    result = build(out, "--year", 2023)
    assert f"{len(finished)} up to date" in result.stdout  # resumed, not restarted
