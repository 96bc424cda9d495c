"""The shipped region boundaries (data/reference/regions.geojson): valid, complete, small, current."""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import pytest

from tlanalysis.reference import regions
from tlanalysis.reference.boundaries import GEOJSON_PATH, inset_boxes, regions_geojson

from support.paths import REPO

ROOT = REPO
OVERSEAS = {"01", "02", "03", "04", "06"}


def _points(coordinates):
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
    else:
        for part in coordinates:
            yield from _points(part)


def test_the_18_regions_with_the_reference_codes_and_names():
    features = regions_geojson()["features"]
    assert [f["properties"]["code"] for f in features] == sorted(regions()["code"])
    assert {f["properties"]["code"]: f["properties"]["nom"] for f in features} == dict(
        zip(regions()["code"], regions()["name"], strict=True)
    )
    assert {f["geometry"]["type"] for f in features} <= {"Polygon", "MultiPolygon"}


def test_small_enough_to_embed_in_a_report():
    assert 30_000 < GEOJSON_PATH.stat().st_size < 300_000


def test_overseas_regions_sit_in_their_inset_boxes_and_the_mainland_in_france():
    boxes = inset_boxes()
    assert set(boxes) == OVERSEAS
    for feature in regions_geojson()["features"]:
        code = feature["properties"]["code"]
        west, south, east, north = boxes.get(code, (-5.5, 41.2, 9.8, 51.2))  # metropolitan France
        for lon, lat in _points(feature["geometry"]["coordinates"]):
            assert west <= lon <= east and south <= lat <= north, (code, lon, lat)
    # boxes do not overlap each other nor the mainland (west of Brittany's tip, -5.2°)
    ordered = sorted(boxes.values(), key=lambda b: -b[3])
    assert all(b[2] < -5.2 for b in ordered)
    assert all(lower[3] < upper[1] for upper, lower in itertools.pairwise(ordered))


def test_polygons_are_valid():
    pytest.importorskip("shapely", reason="shapely comes with the geo extra: pip install -e '.[geo]'")
    from shapely.geometry import shape

    for feature in regions_geojson()["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.is_valid and geometry.area > 0, feature["properties"]["code"]


def _source() -> Path | None:
    for parent in ROOT.parents:
        candidate = parent / "shared" / "reference" / "geo" / "regions-avec-outre-mer.geojson"
        if candidate.is_file():
            return candidate
    return None


def test_shipped_file_is_what_the_script_makes_from_the_source(tmp_path):
    pytest.importorskip("topojson", reason="topojson comes with the geo extra: pip install -e '.[geo]'")
    source = _source()
    if source is None:
        pytest.skip("the source boundaries (shared/reference/geo/) are not beside this checkout")
    spec = importlib.util.spec_from_file_location("simplify_regions", ROOT / "scripts" / "simplify_regions.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "regions.geojson"
    assert script.main([str(source), "--out", str(out)]) == 0
    assert out.read_bytes() == GEOJSON_PATH.read_bytes(), "run python scripts/simplify_regions.py SOURCE"
    assert json.loads(out.read_text(encoding="utf-8")) == regions_geojson()
