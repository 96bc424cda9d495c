"""The system tools some tests need (Chromium, poppler, LibreOffice), found in one place.

A test, a module (`pytestmark`) or a fixture says what it needs with the marker
`@pytest.mark.requires_tool("chromium", "poppler")` or by calling `require_tool(...)`. The marker is
checked before any fixture of the test is set up (see `pytest_runtest_setup` in conftest.py), so a
module fixture that builds PDFs never starts without a browser. A missing tool skips the test with the
reason and what to install, except on CI (the CI variable set), where every tool must be there and a
missing one fails the test.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Tool:
    what: str
    install: str
    find: Callable[[], str | None]


def _chromium() -> str | None:
    from .browser import find_chromium

    return find_chromium()


def _all_on_path(*names: str) -> Callable[[], str | None]:
    def find() -> str | None:
        found = [shutil.which(name) for name in names]
        return found[0] if all(found) else None

    return find


def _libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


TOOLS: dict[str, Tool] = {
    "chromium": Tool(
        "Chromium (PDF and image exports, browser checks)",
        "apt-get install chromium, or set BROWSER_PATH=/path",
        _chromium,
    ),
    "poppler": Tool(
        "poppler's pdftotext and pdfinfo (PDF checks)",
        "apt-get install poppler-utils",
        _all_on_path("pdftotext", "pdfinfo"),
    ),
    "libreoffice": Tool(
        "LibreOffice Calc and Impress (the workbook and the deck open there)",
        "apt-get install libreoffice-calc-nogui libreoffice-impress-nogui",
        _libreoffice,
    ),
}


@functools.cache
def missing(name: str) -> str | None:
    """Why the tool cannot be used here, or None when it can (looked up once per process)."""
    tool = TOOLS[name]  # KeyError: a misspelt tool name is a test bug, not a skip
    if tool.find() is None:
        return f"{tool.what} not found ({tool.install})"
    return None


def unavailable(reason: str) -> None:
    """Skip with the reason; on CI, fail instead: CI installs every tool, so a missing one is a defect."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required on CI)", pytrace=False)
    pytest.skip(reason)


def require_tool(*names: str) -> None:
    for name in names:
        reason = missing(name)
        if reason is not None:
            unavailable(reason)
