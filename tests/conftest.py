"""Shared fixtures: running the real `tlanalysis build` in a subprocess, built sites, a browser."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from tools import TOOLS, require_tool, unavailable

from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
FIXTURE_NOTEBOOK = FIXTURES / "report.ipynb"
FAILING_NOTEBOOK = FIXTURES / "report_failing.ipynb"
ENTRY = "import sys; from tlanalysis.cli import main; sys.argv[0] = 'tlanalysis'; main()"
#: Every process a test build starts inherits this variable (kernels too): see `processes_marked`.
MARK_VARIABLE = "TLANALYSIS_TEST_MARK"


def tlanalysis_command(*args: object) -> list[str]:
    return [sys.executable, "-c", ENTRY, *map(str, args)]


def marked_env(mark: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env[MARK_VARIABLE] = mark or uuid.uuid4().hex
    return env


def run_tlanalysis(
    *args: object, cwd: Path | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        tlanalysis_command(*args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or marked_env(),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def processes_marked(mark: str) -> list[int]:
    """Pids of live processes whose environment carries the mark (Linux /proc; [] elsewhere)."""
    pids = []
    needle = f"{MARK_VARIABLE}={mark}".encode()
    proc = Path("/proc")
    if not proc.is_dir():
        return pids
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                status = (entry / "status").read_text()
                if "State:\tZ" not in status:  # zombies are dead already
                    pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def build(
    out: Path,
    *args: object,
    notebook: Path | None = FIXTURE_NOTEBOOK,
    data: Path | None = None,
    expect: int | None = 0,
    jobs: int = 2,
    env: dict | None = None,
) -> subprocess.CompletedProcess:
    """`tlanalysis build --out OUT ...` in a subprocess; checks the exit code (unless expect is None)."""
    command: list[object] = ["build", "--out", out, "--jobs", jobs]
    if notebook is not None:
        command += ["--notebook", notebook]
    if data is not None:
        command += ["--data", data]
    result = run_tlanalysis(*command, *args, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    if expect is not None:
        assert result.returncode == expect, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


#: Fixtures that stand for a tool: a test using one (even through another fixture) needs the tool.
FIXTURE_TOOLS = {"browser": "chromium", "chromium": "chromium", "poppler": "poppler"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        needed = sorted({tool for name, tool in FIXTURE_TOOLS.items() if name in getattr(item, "fixturenames", ())})
        if needed:
            item.add_marker(pytest.mark.requires_tool(*needed))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.requires_tool(...)`: skip (fail on CI) before any fixture of the test is set up."""
    for marker in item.iter_markers("requires_tool"):
        unknown = set(marker.args) - TOOLS.keys()
        assert not unknown, f"{item.nodeid}: unknown tool {unknown}; known: {sorted(TOOLS)}"
        require_tool(*marker.args)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> Path:
    """The fixture notebook built for every report of 2021 (France and four regions)."""
    out = tmp_path_factory.mktemp("fixture-site") / "reports"
    build(out, "--year", 2021)
    return out


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real annual report for Nouvelle-Aquitaine 2019 and France 2019."""
    if not REPORT_NOTEBOOK.is_file():
        pytest.skip(f"the report notebook is not there yet: {REPORT_NOTEBOOK}")
    out = tmp_path_factory.mktemp("real-site") / "reports"
    build(
        out, "--year", 2019, "--region", "Nouvelle-Aquitaine", "--region", "France", notebook=None, data=SAMPLE_DATA_DIR
    )
    return out


@pytest.fixture(scope="module")
def browser():
    """A headless system Chromium driven by Playwright (skipped without it, failing on CI; tests that
    use it get `requires_tool("chromium")`, so that none of their other fixtures runs without it).

    Module-scoped: Playwright's sync API cannot run twice at once in a thread, and other tests
    (and the PDF export) start their own."""
    from browser import CHROMIUM_ARGS, find_chromium

    require_tool("chromium")
    executable = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    manager = sync_playwright().start()
    try:
        try:
            instance = manager.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Exception as exc:
            unavailable(f"chromium at {executable} did not start: {exc}")
        yield instance
        instance.close()
    finally:
        manager.stop()
