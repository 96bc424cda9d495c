"""The region boundaries the maps draw: data/reference/regions.geojson, read once.

The file is made by `scripts/simplify_regions.py` from IGN Admin Express (via france-geojson), simplified
to about 140 kB, with the five overseas regions moved into inset boxes west of metropolitan France
(each feature of an overseas region carries its box as `inset`). Nothing here needs shapely or
topojson: generating the file and reading it are kept apart.
"""

from __future__ import annotations

import json
from functools import lru_cache

from ..config import REFERENCE_DIR

GEOJSON_PATH = REFERENCE_DIR / "regions.geojson"

#: Credit under every map (the licence asks for it), in French.
MAP_SOURCE = "Fond de carte : IGN Admin Express, via france-geojson (Licence Ouverte), simplifié ; outre-mer en encarts"


@lru_cache(maxsize=1)
def regions_geojson() -> dict:
    """The FeatureCollection of the 18 regions; `properties.code` is the INSEE code ("04")."""
    return json.loads(GEOJSON_PATH.read_text(encoding="utf-8"))


def inset_boxes() -> dict[str, list[float]]:
    """Overseas region code -> its inset box [west, south, east, north] on the map."""
    return {
        f["properties"]["code"]: f["properties"]["inset"]
        for f in regions_geojson()["features"]
        if "inset" in f["properties"]
    }


def features(codes) -> dict:
    """A FeatureCollection of the given regions only (each map trace carries only what it draws)."""
    wanted = set(codes)
    return {
        "type": "FeatureCollection",
        "features": [f for f in regions_geojson()["features"] if f["properties"]["code"] in wanted],
    }


__all__ = ["GEOJSON_PATH", "MAP_SOURCE", "features", "inset_boxes", "regions_geojson"]
