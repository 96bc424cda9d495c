"""Notebooks are committed clean (no outputs) and the report notebook has papermill's parameters cell."""

import ast

import nbformat
import pytest

from tlanalysis.config import NOTEBOOKS_DIR, REPORT_NOTEBOOK

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))


def test_the_notebooks_exist():
    names = {path.name for path in NOTEBOOKS}
    assert {"annual_report.ipynb", "exploration.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs_and_no_execution_counts(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name} cell {cell.get('id')} has outputs"
            assert cell.execution_count is None, f"{path.name} cell {cell.get('id')} has an execution count"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


def _parameters_cells(nb):
    return [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]


def test_report_notebook_has_one_parameters_cell_first():
    nb = nbformat.read(REPORT_NOTEBOOK, as_version=4)
    cells = _parameters_cells(nb)
    assert len(cells) == 1
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells[0] is cells[0], "the parameters cell must be the first code cell"
    assigned = {
        target.id for node in ast.parse(cells[0].source).body if isinstance(node, ast.Assign) for target in node.targets
    }
    assert {"year", "region", "data_dir", "render", "min_count"} <= assigned


def test_report_parameters_defaults():
    nb = nbformat.read(REPORT_NOTEBOOK, as_version=4)
    namespace: dict = {}
    exec(_parameters_cells(nb)[0].source, namespace)  # plain assignments only
    assert namespace["year"] == 2019 and namespace["region"] == "Nouvelle-Aquitaine"
    assert namespace["data_dir"] is None and namespace["render"] == "interactive" and namespace["min_count"] == 5


def test_report_code_cells_are_hideable():
    """nbconvert's exclude_input hides every code cell: the reader must need none of them."""
    nb = nbformat.read(REPORT_NOTEBOOK, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert "remove-input" in cell.metadata.get("tags", []), cell.get("id")
            assert "print(" not in cell.source, cell.get("id")
