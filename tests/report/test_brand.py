"""A network's brand.yml: name, logo, colours checked for contrast (adjusted with a warning), fonts; the
charts and the style sheet take its colours; without a brand file, the house look."""

from __future__ import annotations

import shutil

import plotly.graph_objects as go
import pytest

from tlanalysis.report import charts
from tlanalysis.report.brand import (
    HOUSE,
    HOUSE_PALETTE,
    BrandError,
    contrast,
    darkened,
    find_brand,
    load_brand,
)
from tlanalysis.report.html import brand_html, report_css

from support.paths import REPO

EXAMPLE = REPO / "docs" / "examples" / "reseau-exemple" / "_brand.yml"


def test_contrast_follows_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff") == pytest.approx(1)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)  # the lightest grey readable as text
    shade = darkened("#f2a541", 3.0)
    assert contrast(shade) >= 3.0 and shade != "#f2a541"


def test_the_example_brand():
    brand = load_brand(EXAMPLE)
    assert brand.name == "Réseau des tiers-lieux de l'exemple"
    assert brand.logo_uri.startswith("data:image/png;base64,")
    assert brand.primary == "#6a1b5a" and brand.palette[:3] == ("#6a1b5a", "#e4572e", "#17594a")
    assert len(brand.palette) == len(HOUSE_PALETTE)
    assert all(contrast(c) >= 3 for c in brand.palette) and contrast(brand.primary) >= 4.5
    # ocre (#f2a541, 2,1:1) is too light for a chart: a darker shade of it, said once
    (warning,) = brand.warnings
    assert "color.palette.ocre #f2a541" in warning and "2,1:1" in warning and "3,0:1" in warning
    assert brand.font.startswith('"DejaVu Sans",') and brand.heading_font.startswith('"DejaVu Serif",')


def _brand_file(tmp_path, body: str):
    path = tmp_path / "_brand.yml"
    path.write_text(body, encoding="utf-8")
    return path


def test_a_light_primary_colour_is_darkened_for_text(tmp_path):
    brand = load_brand(_brand_file(tmp_path, 'meta:\n  name: Réseau\ncolor:\n  primary: "#ffd43b"\n'))
    assert brand.name == "Réseau" and brand.logo_uri is None
    assert contrast(brand.primary) >= 4.5 and brand.primary != "#ffd43b"
    assert any("color.primary #ffd43b" in w and "4,5:1" in w for w in brand.warnings)


def test_a_bad_brand_file_is_a_clear_error(tmp_path):
    with pytest.raises(BrandError, match=r"color\.primary: 'bleu canard' is not a colour"):
        load_brand(_brand_file(tmp_path, "color:\n  primary: bleu canard\n"))
    with pytest.raises(BrandError, match=r"logo absent\.png: no such file"):
        load_brand(_brand_file(tmp_path, "logo:\n  small: absent.png\n"))
    with pytest.raises(BrandError, match="a local file"):
        load_brand(_brand_file(tmp_path, "logo:\n  small: https://example.org/logo.png\n"))
    with pytest.raises(BrandError, match=r"not a valid brand\.yml"):
        load_brand(_brand_file(tmp_path, "color: [1, 2\n"))


def test_without_a_brand_file_the_house_look(tmp_path):
    assert find_brand(tmp_path) is HOUSE
    assert brand_html(HOUSE) == "" and HOUSE.chart_colours() == {}
    shutil.copy(EXAMPLE, tmp_path / "_brand.yml")
    shutil.copy(EXAMPLE.with_name("logo.png"), tmp_path / "logo.png")
    assert find_brand(tmp_path).name == "Réseau des tiers-lieux de l'exemple"


def test_charts_and_style_sheet_take_the_brand_colours():
    brand = load_brand(EXAMPLE)
    bar = charts.contracts_bar({"CDI": 195, "CDD": 74}, "Emplois")
    sankey = charts.trajectories_sankey(
        {
            "demandeur_emploi_vers_actif": 54,
            "etudiant_vers_actif": 15,
            "actif_vers_createur": 75,
            "changement_de_poste": 6,
        }
    )
    branded = charts.recoloured(bar, brand.chart_colours())
    assert branded.data[0].marker.color == "#6a1b5a" and bar.data[0].marker.color == HOUSE_PALETTE[0]
    links = charts.recoloured(sankey, brand.chart_colours()).data[0].link.color
    assert not any("0,121,140" in c for c in links)  # no house teal left in the flows
    assert isinstance(branded, go.Figure)
    css = report_css(brand)
    assert HOUSE_PALETTE[0] not in css and "#6a1b5a" in css and "DejaVu Serif" in css
    header = brand_html(brand)
    assert 'alt=""' in header and "Réseau des tiers-lieux de l'exemple" in header  # the name beside the logo
