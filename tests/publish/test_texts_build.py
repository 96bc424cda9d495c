"""The network's texts in a real build: each report shows its own text with its published figures (a
masked one as its label), the index its foreword; a changed text rebuilds its report only; an unknown
placeholder fails that report with the file, the line and the closest name."""

from __future__ import annotations

import shutil

import pytest

from tlanalysis.config import SAMPLE_DATA_DIR

from support.build import build

pytestmark = pytest.mark.slow


def _text(page) -> str:
    return page.read_text(encoding="utf-8").replace("\u202f", " ").replace("\u00a0", " ")


def test_texts_fill_their_figures_and_rebuild_their_report_only(tmp_path):
    data = shutil.copytree(SAMPLE_DATA_DIR, tmp_path / "data")
    out = tmp_path / "reports"
    args = ("--year", 2019, "--region", "Nouvelle-Aquitaine", "--region", "France")
    build(out, *args, notebook=None, data=data, kinds=("annual",))
    region, national = _text(out / "2019" / "75-nouvelle-aquitaine.html"), _text(out / "2019" / "france.html")
    # the seed page's figures, through the placeholders of textes/2019/75.md
    assert "Ce que disent les chiffres de 2019" in region
    assert "<strong>269 emplois</strong> en 2019 : 195 en CDI" in region
    assert "54,5 % sont" in region and "27 %" in region
    assert "n'est pas diffusée (« secret »)" in region  # a masked share is its label
    assert "{{" not in region and "{{" not in national
    assert "Les 285 titulaires de la certification suivis sont 49,5 % en poste" in national
    index = _text(out / "index.html")
    assert "Avant-propos" in index and "<strong>309 emplois</strong>" in index

    (data / "textes" / "2019" / "75.md").write_text("Nouveau texte : {{ emplois.total }} emplois.\n", encoding="utf-8")
    again = build(out, *args, notebook=None, data=data, kinds=("annual",))
    assert "1 built, 1 up to date" in again.stdout, again.stdout
    assert "Nouveau texte : 269 emplois." in _text(out / "2019" / "75-nouvelle-aquitaine.html")

    (data / "textes" / "2019" / "france.md").write_text("Ligne 1\n\n{{ titulaires.totl }}\n", encoding="utf-8")
    failed = build(out, *args, notebook=None, data=data, kinds=("annual",), expect=1)
    output = failed.stdout + failed.stderr
    assert "textes/2019/france.md, line 3: unknown placeholder {{ titulaires.totl }}" in output
    assert "{{ titulaires.total }}" in output
