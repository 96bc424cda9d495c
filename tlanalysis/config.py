"""Where things live: the one module that knows paths.

The bundled folders (`data/`, `notebooks/`) sit at the top of the repository so
that analysts see them; a wheel carries copies under `tlanalysis/_bundled/`.
Everything else finds them through this module, never through a path relative
to the working directory.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    return PACKAGE_DIR / "_bundled" / name


DATA_DIR = _bundled("data")
REFERENCE_DIR = DATA_DIR / "reference"
PUBLISHED_DIR = DATA_DIR / "published"
SAMPLE_DATA_DIR = DATA_DIR / "sample"
NOTEBOOKS_DIR = _bundled("notebooks")
REPORT_NOTEBOOK = NOTEBOOKS_DIR / "annual_report.ipynb"
CERTIFICATION_NOTEBOOK = NOTEBOOKS_DIR / "certification_report.ipynb"

#: Name of the national aggregate accepted wherever a region is expected.
NATIONAL = "France"

#: Default minimum count for showing a figure built on holders (INSEE rule for people counts).
DEFAULT_MIN_COUNT = 5

#: The folder of the network's texts inside a data folder (`report.texts`): a build's no-op stamp hashes it too.
TEXTS_DIR = "textes"
