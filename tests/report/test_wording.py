"""The catalogue of French wording: it labels every allowed value, the notebooks say its headings, and
no French text of the outputs is typed twice."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

import tlanalysis
from tlanalysis.compute.certification import blocs
from tlanalysis.compute.indicators import TRAJECTORIES
from tlanalysis.config import CERTIFICATION_NOTEBOOK, REPORT_NOTEBOOK
from tlanalysis.reference import FRANCE, find_region
from tlanalysis.report import certification, notebook, wording
from tlanalysis.schema import TABLES


def _category_columns() -> set[tuple[str, str]]:
    return {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.categories}


def test_every_category_column_of_the_schema_has_its_wording():
    """A new category column cannot ship without the catalogue saying how outputs label it."""
    assert set(wording.CATEGORIES) == _category_columns()


@pytest.mark.parametrize("key", sorted(_category_columns()), ids="/".join)
def test_every_allowed_value_has_a_label(key):
    """Each allowed value has a label (and a short one where the column has short labels), and two
    values never share one: a table would not tell them apart."""
    allowed = TABLES[key[0]].column(key[1]).allowed_values
    category = wording.CATEGORIES[key]
    labels = [category.label(v) for v in allowed]
    assert all(label.strip() and label != value for label, value in zip(labels, allowed, strict=True)), labels
    assert len(set(labels)) == len(labels), labels
    if category.short is not None:
        assert sorted(category.short) == sorted(allowed), "short labels for exactly the allowed values"
        assert len(set(category.short.values())) == len(allowed)


def test_outputs_only_labels_cover_their_values():
    """The labels the schema does not hold: trajectory groups (three ways), key situations, routes."""
    for labels in (wording.TRAJECTORY_LABELS, wording.TRAJECTORY_CARDS, wording.TRAJECTORY_OUTCOMES):
        assert list(labels) == list(TRAJECTORIES)
    assert set(wording.KEY_SITUATIONS) <= set(TABLES["holders"].column("situation").allowed_values)
    assert list(wording.ROUTE_COUNTS) == TABLES["holders"].column("access_route").allowed_values


def test_labels_come_from_the_schema():
    assert wording.contract_label("CDI") == "Contrat à durée indéterminée (CDI)"
    assert wording.contract_label("alternance") == "Alternance (apprentissage, professionnalisation)"
    assert wording.situation_label("recherche_emploi") == "En recherche d'emploi"
    assert wording.trajectory_label("etudiant_vers_actif").startswith("Étudiant")
    assert wording.situation_label("not-a-value") == "not-a-value"
    assert wording.yes_no(True) == "oui" and wording.yes_no(False) == "non"
    assert wording.situations_text(["facilitation", "autre_emploi"]) == (
        "« En poste de facilitateur·rice » et « Autre emploi »"
    )


@pytest.mark.parametrize(
    ("region", "phrase"),
    [
        ("France", "en France"),
        ("75", "en Nouvelle-Aquitaine"),
        ("04", "à La Réunion"),
        ("06", "à Mayotte"),
        ("32", "dans les Hauts-de-France"),
        ("44", "dans le Grand Est"),
        ("01", "en Guadeloupe"),
    ],
)
def test_territory_phrases(region, phrase):
    place = FRANCE if region == "France" else find_region(region)
    assert wording.in_territory(place) == phrase


def _headings(path: Path) -> list[str]:
    cells = nbformat.read(path, as_version=4).cells
    return [
        line.removeprefix("## ").strip()
        for cell in cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("## ")
    ]


def test_the_notebooks_say_the_catalogues_headings():
    """The notebooks' « ## » cells are the catalogue's headings, in its order, for sections that exist
    (« Les régions » is written by its own section: national report only)."""
    annual = [h for name, h in wording.ANNUAL_HEADINGS.items() if name != "regions"]
    assert _headings(REPORT_NOTEBOOK) == annual
    assert _headings(CERTIFICATION_NOTEBOOK) == list(wording.CERTIFICATION_HEADINGS.values())
    assert set(wording.ANNUAL_HEADINGS) <= set(notebook.SECTIONS)
    assert set(wording.CERTIFICATION_HEADINGS) <= set(certification.SECTIONS)


def test_tables_shared_by_a_page_and_its_workbook():
    assert wording.CONTRACTS_TABLE.caption(2019) == "Emplois par contrat, 2019"
    assert wording.TREND_TABLE.note(wording.trend_qualifier(2019)) == (
        "Emplois recensés par année d'enquête, jusqu'à 2019."
    )
    assert wording.cohort_headers(["facilitation", "inconnu"]) == [
        "Promotion",
        "Début",
        "Facilitation",
        "Inconnue",
        "Total",
    ]
    results = wording.cohort_results_table(blocs())
    assert results.headers[-len(blocs()) :] == tuple(f"Bloc {b} validé" for b in blocs())
    assert wording.PROMOTIONS_TABLE.headers[0] == "Année d'obtention de la certification"
    assert "Taux d'insertion dans le métier visé à 2 ans" in wording.PROMOTIONS_TABLE.headers


# --- nothing typed twice ------------------------------------------------------------------------------

#: The packages whose text reaches a reader: pages, charts, workbooks, the index.
OUTPUT_PACKAGES = ("report", "export", "publish")
FRENCH = re.compile(r"[àâçéèêëîïôûùüœ«»]|\b(?:des|les|du|de la|par|sur|et)\b")


def _literals(path: Path) -> list[tuple[str, int]]:
    """The string literals of a module (f-strings' fixed parts too), docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.value.strip(), node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_french_text_of_the_outputs_is_typed_twice():
    """A French phrase of three words or more appears once in the code of the outputs: twice, the two
    copies drift apart (« en La Réunion » on one page, « à La Réunion » on another). Take it from
    `tlanalysis.report.wording`."""
    root = Path(tlanalysis.__file__).parent
    seen: dict[str, list[str]] = defaultdict(list)
    for package in OUTPUT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for text, line in _literals(path):
                if len(text.split()) >= 3 and FRENCH.search(text) and "<" not in text[:1]:
                    seen[text].append(f"{path.relative_to(root)}:{line}")
    typed_twice = {text: places for text, places in seen.items() if len(places) > 1}
    assert typed_twice == {}
