"""Shared fixtures: running the real `tlanalysis build` in a subprocess, built sites, a browser."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR

from support.build import build
from support.tools import TOOLS, require_tool, unavailable


def pytest_configure(config: pytest.Config) -> None:
    """Builds run by the tests keep their private state in a folder of the test session, not in the
    user's cache folder (`tlanalysis.state`); every subprocess inherits it."""
    import tempfile

    from tlanalysis.state import ENV_VARIABLE

    if not os.environ.get(ENV_VARIABLE):
        os.environ[ENV_VARIABLE] = tempfile.mkdtemp(prefix="tlanalysis-test-state-")


# Property tests: on CI (where `CI` is set) the same examples every run, so that a landing does not depend on
# the draw; elsewhere a new draw each run, to keep exploring. Either way a failure prints the blob that
# replays it (`@reproduce_failure`).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "explore")


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
    from support.browser import CHROMIUM_ARGS, find_chromium

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
