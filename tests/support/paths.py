"""Where the tests, the repository and the shared reference folder are."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
FIXTURES = TESTS / "fixtures"
#: The team's read-only folder beside the repository (seed text, reference boundaries); may be absent.
SHARED = REPO.parent / "shared"
