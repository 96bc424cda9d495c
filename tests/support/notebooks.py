"""Small report notebooks written by tests (a parameters cell as the build gives it, then the cells given)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

PARAMETERS = (
    'year = 2019\nregion = "France"\ndata_dir = None\nrender = "interactive"\nmin_count = 5\nstate_key = None\n'
)


def notebook(path: Path, *cells: str) -> Path:
    parameters = new_code_cell(PARAMETERS)
    parameters.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[parameters, *(new_code_cell(source) for source in cells)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def hanging_notebook(folder: Path) -> tuple[Path, Path]:
    """A notebook whose Occitanie report hangs (ten minutes) once it has created its flag file: what
    Ctrl-C tests interrupt. Returns (notebook, flag)."""
    flag = folder / "running"
    hanging = notebook(
        folder / "hanging.ipynb",
        f"import time\nif region == 'Occitanie':\n    open({str(flag)!r}, 'w').close()\n    time.sleep(600)\n",
    )
    return hanging, flag


def outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream"
    )
