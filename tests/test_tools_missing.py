"""On a machine without Chromium, poppler or LibreOffice, the suite still passes: the tests that need them
are skipped with the reason, not errors; on CI the same tests fail.

The suite is run in a subprocess with those tools hidden: PATH holds only a `python`, BROWSER_PATH is unset
and the library's default Chromium (/usr/bin/chromium) points at nothing (a tiny plugin, since that path
is fixed). Collecting the whole suite and running only the tests that need a tool (`-m requires_tool`)
keeps this to seconds, since they all stop before their fixtures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

HIDE_DEFAULT_CHROMIUM = """\
from pathlib import Path

import tlanalysis.export

tlanalysis.export.DEFAULT_CHROMIUM = Path(__file__).with_name("no-chromium-here")
"""


@pytest.fixture(scope="module")
def bare_machine(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A folder for the run and the environment of a machine with none of the tools."""
    root = tmp_path_factory.mktemp("bare-machine")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    (root / "hide_default_chromium.py").write_text(HIDE_DEFAULT_CHROMIUM)
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "BROWSER_PATH", "PYTHONPATH")}
    env.update(PATH=str(bin_dir), PYTHONPATH=str(root))
    return root, env


def _run_tool_tests(
    root: Path, env: dict[str, str], name: str, paths: tuple[Path, ...] = (TESTS,)
) -> tuple[subprocess.CompletedProcess, list]:
    """`pytest PATHS -m requires_tool` in the bare environment; its result and the JUnit test cases."""
    report = root / f"{name}.xml"
    options = ["-m", "requires_tool", "-n", "0", "-q", "-rs", "-p", "hide_default_chromium", "-p", "no:cacheprovider"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *map(str, paths), *options, f"--junitxml={report}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    cases = list(ET.parse(report).getroot().iter("testcase")) if report.is_file() else []
    return result, cases


def _outcome(case) -> tuple[str, str]:
    for child in case:
        if child.tag in ("skipped", "error", "failure"):
            return child.tag, child.get("message", "")
    return "passed", ""


def test_without_the_tools_their_tests_skip_with_the_reason(bare_machine):
    root, env = bare_machine
    result, cases = _run_tool_tests(root, env, "local")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    outcomes = {f"{case.get('classname')}.{case.get('name')}": _outcome(case) for case in cases}
    names = " ".join(outcomes)
    for module in ("test_build_funder", "test_build_browser", "test_export"):
        assert module in names, f"no test of {module} needs a tool? {names}"
    for test, (outcome, message) in outcomes.items():
        assert outcome == "skipped", f"{test}: {outcome} {message}"
        assert " not found (apt-get install " in message, f"{test}: {message}"
    reasons = " ".join(message for _, message in outcomes.values())
    for tool in ("Chromium", "pdftotext", "LibreOffice"):
        assert tool in reasons, f"no test skipped for want of {tool}"


def test_on_ci_a_missing_tool_fails(bare_machine):
    root, env = bare_machine
    # the whole suite's collection is checked above; here the modules with the three tools are enough
    modules = (TESTS / "publish" / "test_build_funder.py", TESTS / "export" / "test_export.py")
    result, cases = _run_tool_tests(root, {**env, "CI": "true"}, "ci", modules)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert cases, output
    for case in cases:
        outcome, message = _outcome(case)
        assert outcome in ("error", "failure"), f"{case.get('name')}: {outcome} {message}"
    messages = " ".join(_outcome(case)[1] for case in cases)
    for tool in ("Chromium", "pdftotext", "LibreOffice"):
        assert tool in messages, f"no test failed for want of {tool}"
        assert "not found (apt-get install " in message and "(required on CI)" in message, message
