"""Maps of the regions (national report): choropleths drawn from the bundled boundaries, masked
regions in grey, the overseas regions in insets; offline, in the house style."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import plotly.graph_objects as go

from ..formatting import fmt_int
from ..wording import MAP_LEGEND
from .style import new_figure, safe_text

#: Masked regions on a map: grey, « secret » in the hover.
MASKED_COLOUR = "#b8bfc7"
#: Regions without a value (no report that year, or no previous year to compare with).
NO_DATA_COLOUR = "#ffffff"
SEQUENTIAL_SCALE = [[0.0, "#c2e4ea"], [0.5, "#3a9cae"], [1.0, "#004f5c"]]
DIVERGING_SCALE = [[0.0, "#b35806"], [0.5, "#f4f4f4"], [1.0, "#00798c"]]
#: What a map shows: metropolitan France and the column of overseas insets
#: (`tlanalysis.reference.boundaries`), in degrees.
#: Fixed rather than fitted to the regions drawn, so that every map of France has the same frame.
MAP_LON_RANGE, MAP_LAT_RANGE = (-11.0, 10.0), (40.7, 51.5)


@dataclass(frozen=True)
class MapView:
    """One map panel. `values`: region code -> a number, a `Masked` value (drawn grey) or None (drawn
    white, « pas de donnée »); regions not in `values` are white too. `hover`: region code -> its hover
    text, formatted in French (a masked region's says « secret »). `value_label` writes the colour
    bar's ticks, at the smallest and largest drawn values only (shown figures). `diverging`: a scale
    centred on 0 (growth)."""

    values: Mapping[str, object]
    hover: Mapping[str, str]
    scale_title: str
    title: str = ""
    value_label: Callable[[float], str] = fmt_int
    diverging: bool = False


def regions_map(
    values: Mapping[str, object],
    hover: Mapping[str, str],
    title: str,
    scale_title: str,
    value_label: Callable[[float], str] = fmt_int,
    diverging: bool = False,
    links: Mapping[str, str] | None = None,
    height: int = 560,
) -> go.Figure:
    """A choropleth of the 18 regions (one `MapView`); see `regions_maps`."""
    view = MapView(values, hover, scale_title, value_label=value_label, diverging=diverging)
    return regions_maps([view], title, links=links, height=height)


def regions_maps(
    views: list[MapView], title: str, links: Mapping[str, str] | None = None, height: int = 560
) -> go.Figure:
    """Choropleths of the 18 regions side by side, one panel per view, drawn offline.

    `links`: region code -> URL, kept as `customdata[1]` of every region for a page that opens it
    on click. The map source is credited under the maps.

    Offline: the regions are `go.Choropleth` traces with their own GeoJSON (`tlanalysis.reference.boundaries`,
    overseas regions as insets) in a fixed frame (`MAP_LON_RANGE`, `MAP_LAT_RANGE`), every base layer
    of the geo subplots is off (`visible=False`), and `chart_html` tells plotly.js not to fetch its
    world topojson (`GEO_OFFLINE_SCRIPT`). Each trace carries only the features it draws, so a panel
    holds the boundaries once.
    """
    from ...reference import regions
    from ...reference.boundaries import MAP_SOURCE, features, inset_boxes

    names = {r.code: r.name for r in regions().itertuples()}
    links = links or {}
    fig = new_figure(title, height=height, showlegend=False)
    n = len(views)
    frame_lon: list[float | None] = []
    frame_lat: list[float | None] = []
    steps = [i / 8 for i in range(9)]  # edges in short segments: plotly draws geodesics, which bow
    for west, south, east, north in inset_boxes().values():
        frame_lon += [west + (east - west) * t for t in steps] + [east - (east - west) * t for t in steps]
        frame_lon += [west, None]
        frame_lat += [south] * len(steps) + [north] * len(steps) + [south, None]
    annotations = []
    for i, view in enumerate(views):
        geo = "geo" if i == 0 else f"geo{i + 1}"
        left, right = i / n, (i + 1) / n
        common = {
            "geo": geo,
            "featureidkey": "properties.code",
            "hovertemplate": "%{customdata[0]}<extra></extra>",
        }

        def customdata(codes, view=view):
            return [[view.hover.get(c, safe_text(names[c])), links.get(c, "")] for c in codes]

        drawn = {c: float(v) for c, v in view.values.items() if isinstance(v, int | float)}  # not masked, not None
        masked = sorted(c for c, v in view.values.items() if isinstance(v, str))
        empty = sorted(c for c in names if c not in drawn and c not in masked)
        if drawn:
            codes = sorted(drawn)
            z = [drawn[c] for c in codes]
            low, high = min(z), max(z)
            ticks = sorted({low, high} | ({0} if view.diverging and low < 0 < high else set()))
            scale: dict = {"colorscale": DIVERGING_SCALE, "zmid": 0} if view.diverging else {}
            if not view.diverging:
                scale = {"colorscale": SEQUENTIAL_SCALE, "zmin": low, "zmax": high if high > low else low + 1}
            colorbar = {
                "title": {"text": safe_text(view.scale_title), "side": "top"},
                "tickvals": ticks,
                "ticktext": [view.value_label(t) for t in ticks],
                "thickness": 12,
                "outlinewidth": 0,
            }
            if n == 1:
                colorbar.update(len=0.5, x=1.0)
            else:
                colorbar.update(orientation="h", x=(left + right) / 2, xanchor="center", y=0.02, len=0.7 / n)
            fig.add_choropleth(
                geojson=features(codes),
                locations=codes,
                z=z,
                customdata=customdata(codes),
                marker={"line": {"color": "white", "width": 0.8}},
                colorbar=colorbar,
                **scale,
                **common,
            )
        for codes, colour in ((masked, MASKED_COLOUR), (empty, NO_DATA_COLOUR)):
            if codes:
                fig.add_choropleth(
                    geojson=features(codes),
                    locations=codes,
                    z=[1] * len(codes),
                    colorscale=[[0, colour], [1, colour]],
                    showscale=False,
                    customdata=customdata(codes),
                    marker={"line": {"color": "#9aa5b1" if colour == NO_DATA_COLOUR else "white", "width": 0.8}},
                    **common,
                )
        fig.add_scattergeo(
            geo=geo, lon=frame_lon, lat=frame_lat, mode="lines", line={"color": "#9aa5b1", "width": 1}, hoverinfo="skip"
        )
        domain = {"x": [left + 0.01, right - 0.01], "y": [0.12 if n > 1 else 0, 0.94 if view.title else 1]}
        fig.update_layout(
            {
                geo: {
                    "visible": False,
                    "projection": {"type": "mercator"},
                    "lonaxis": {"range": list(MAP_LON_RANGE)},
                    "lataxis": {"range": list(MAP_LAT_RANGE)},
                    "bgcolor": "rgba(0,0,0,0)",
                    "domain": domain,
                }
            }
        )
        if view.title:
            annotations.append(
                {
                    "text": f"<b>{safe_text(view.title)}</b>",
                    "xref": "paper",
                    "yref": "paper",
                    "x": (left + right) / 2,
                    "y": 1,
                    "xanchor": "center",
                    "yanchor": "top",
                    "showarrow": False,
                }
            )
    annotations.append(
        {
            "text": safe_text(MAP_LEGEND) + "<br>" + safe_text(MAP_SOURCE),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 0,
            "yshift": -44,
            "xanchor": "left",
            "yanchor": "bottom",
            "align": "left",
            "showarrow": False,
            "font": {"size": 11, "color": "#52606d"},
        }
    )
    fig.update_layout(margin={"l": 8, "r": 8, "t": 56, "b": 52}, annotations=annotations)
    return fig
