"""Make data/reference/regions.geojson, the region boundaries the maps draw, from the source file.

Source: `regions-avec-outre-mer.geojson` of france-geojson (IGN Admin Express COG 2018, Licence
Ouverte / Etalab), 1.7 MB, kept outside the package (see data/reference/datapackage.json). This
script is run by hand when the source changes, never at report time; it needs the optional extra
`geo` (`pip install -e ".[geo]"`: topojson, shapely):

    python scripts/simplify_regions.py /path/to/regions-avec-outre-mer.geojson

What it does, in order:

1. moves each of the five overseas regions into a box west of metropolitan France, scaled to fit it
   and keeping its shape (a common cartographic practice: insets, not to scale with the mainland);
2. simplifies every boundary once on the shared topology (topojson, Douglas–Peucker on arcs), so
   neighbouring regions keep one common border, without gaps or overlaps;
3. drops islands too small to be seen on a report map, rounds coordinates to 3 decimals
   (about 100 m) and writes compact, deterministic JSON: the same source gives the same bytes.

Each feature has `code` (INSEE region code, "04"), `nom`, and, for an overseas region, `inset`: the
box it is drawn in, [west, south, east, north] in the map's degrees.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import shapely
import topojson
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.geometry.polygon import orient

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "data" / "reference" / "regions.geojson"

#: Overseas regions, top to bottom in the column of insets west of Brittany and the Atlantic coast.
OVERSEAS = ("01", "02", "03", "04", "06")
#: The column of insets: west and east longitude, top latitude, box height (degrees) and gap.
INSET_WEST, INSET_EAST, INSET_TOP, INSET_HEIGHT, INSET_GAP = -10.6, -7.4, 51.0, 1.75, 0.3
#: Douglas–Peucker tolerance in degrees (about 600 m), applied to the shared arcs.
TOLERANCE = 0.006
#: Islands (polygon parts) smaller than this, in square degrees, are dropped (about 3 km²).
MIN_PART_AREA = 0.0004
DECIMALS = 3


def inset_boxes() -> dict[str, tuple[float, float, float, float]]:
    """The box of each overseas region, [west, south, east, north], stacked from INSET_TOP down."""
    boxes = {}
    for i, code in enumerate(OVERSEAS):
        north = INSET_TOP - i * (INSET_HEIGHT + INSET_GAP)
        boxes[code] = (INSET_WEST, north - INSET_HEIGHT, INSET_EAST, north)
    return boxes


def _mercator_y(lat: float) -> float:
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def into_box(geometry, box: tuple[float, float, float, float]):
    """The geometry moved and scaled into `box`, its shape kept on a Mercator map (the maps' projection)."""
    west, south, east, north = box
    # work in Mercator units, where a shape looks as on the map, then come back to degrees
    to_merc = shapely.transform(geometry, lambda xy: [[x, _mercator_y(y)] for x, y in xy])
    minx, miny, maxx, maxy = to_merc.bounds
    top, bottom = _mercator_y(north), _mercator_y(south)
    margin = 0.9  # the shape fills 90 % of the box
    k = margin * min((east - west) / (maxx - minx), (top - bottom) / (maxy - miny))
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    bx, by = (west + east) / 2, (top + bottom) / 2

    def back(xy):
        out = []
        for x, y in xy:
            my = by + (y - cy) * k
            out.append([bx + (x - cx) * k, math.degrees(2 * math.atan(math.exp(math.radians(my))) - math.pi / 2)])
        return out

    return shapely.transform(to_merc, back)


def _parts(geometry) -> list[Polygon]:
    return list(geometry.geoms) if hasattr(geometry, "geoms") else [geometry]


def _clean(geometry):
    """Polygon parts large enough to see, rings oriented clockwise (d3-geo's exterior rings, as plotly.js draws)."""
    parts = [p for p in _parts(geometry) if isinstance(p, Polygon) and not p.is_empty]
    big = [p for p in parts if p.area >= MIN_PART_AREA]
    if not big:
        big = [max(parts, key=lambda p: p.area)]
    big = [orient(p, sign=-1.0) for p in sorted(big, key=lambda p: -p.area)]
    return big[0] if len(big) == 1 else MultiPolygon(big)


def _rounded(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], DECIMALS), round(coords[1], DECIMALS)]
    return [_rounded(c) for c in coords]


def simplify(source: dict) -> dict:
    """The shipped FeatureCollection made from the source one (see the module doc)."""
    features = sorted(source["features"], key=lambda f: f["properties"]["code"])
    codes = [f["properties"]["code"] for f in features]
    if len(codes) != 18 or len(set(codes)) != 18:
        raise SystemExit(f"expected the 18 regions once each, got {codes}")
    boxes = inset_boxes()
    moved = []
    for feature in features:
        code = feature["properties"]["code"]
        geometry = shape(feature["geometry"])
        if code in boxes:
            geometry = into_box(geometry, boxes[code])
        moved.append({"type": "Feature", "properties": {"code": code}, "geometry": mapping(geometry)})
    topology = topojson.Topology(
        {"type": "FeatureCollection", "features": moved},
        prequantize=False,
        toposimplify=TOLERANCE,
        simplify_algorithm="dp",
    )
    simplified = {f["properties"]["code"]: shape(f["geometry"]) for f in json.loads(topology.to_geojson())["features"]}
    out = []
    for feature in features:
        code, name = feature["properties"]["code"], feature["properties"]["nom"]
        # snapped to the 3-decimal grid by shapely (valid output), so rounding below changes nothing
        geometry = _clean(shapely.set_precision(shapely.make_valid(simplified[code]), 10**-DECIMALS))
        properties: dict = {"code": code, "nom": name}
        if code in boxes:
            properties["inset"] = list(boxes[code])
        geo = json.loads(json.dumps(mapping(geometry)))  # tuples as lists
        geometry_json = {"type": geo["type"], "coordinates": _rounded(geo["coordinates"])}
        out.append({"type": "Feature", "properties": properties, "geometry": geometry_json})
    return {"type": "FeatureCollection", "features": out}


def dumps(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="regions-avec-outre-mer.geojson (france-geojson)")
    parser.add_argument("--out", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    text = dumps(simplify(json.loads(args.source.read_text(encoding="utf-8"))))
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(text.encode()) / 1000:.0f} kB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
