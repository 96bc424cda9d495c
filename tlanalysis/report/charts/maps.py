"""Maps of the regions (national report): choropleths drawn from the bundled boundaries, masked
regions in grey, the overseas regions in insets; offline, in the house style."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import plotly.graph_objects as go

from ...reference.boundaries import features
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

    names = {r.code: r.name for r in regions().itertuples()}
    fig = new_figure(title, height=height, showlegend=False)
    frame = _inset_frames()
    annotations = []
    for i, view in enumerate(views):
        panel = _Panel(i, len(views), view, names, links or {})
        panel.add_to(fig, frame)
        if view.title:
            annotations.append(panel.title_annotation())
    annotations.append(_source_annotation())
    fig.update_layout(margin={"l": 8, "r": 8, "t": 56, "b": 52}, annotations=annotations)
    return fig


def _inset_frames() -> tuple[list[float | None], list[float | None]]:
    """The boxes around the overseas insets, as the (lon, lat) of one line trace (None between boxes).
    Edges are drawn in short segments: plotly draws geodesics, which bow."""
    from ...reference.boundaries import inset_boxes

    lon: list[float | None] = []
    lat: list[float | None] = []
    steps = [i / 8 for i in range(9)]
    for west, south, east, north in inset_boxes().values():
        lon += [west + (east - west) * t for t in steps] + [east - (east - west) * t for t in steps]
        lon += [west, None]
        lat += [south] * len(steps) + [north] * len(steps) + [south, None]
    return lon, lat


@dataclass(frozen=True)
class _Panel:
    """One view drawn in its share of the figure's width: the `i`-th of `n` geo subplots."""

    i: int
    n: int
    view: MapView
    names: Mapping[str, str]
    links: Mapping[str, str]

    @property
    def geo(self) -> str:
        return "geo" if self.i == 0 else f"geo{self.i + 1}"

    @property
    def left(self) -> float:
        return self.i / self.n

    @property
    def right(self) -> float:
        return (self.i + 1) / self.n

    def regions(self) -> tuple[dict[str, float], list[str], list[str]]:
        """The view's regions sorted by what is drawn: a colour (a shown figure), grey (masked), white (no data)."""
        values = self.view.values
        drawn = {c: float(v) for c, v in values.items() if isinstance(v, int | float)}  # not masked, not None
        masked = sorted(c for c, v in values.items() if isinstance(v, str))
        empty = sorted(c for c in self.names if c not in drawn and c not in masked)
        return drawn, masked, empty

    def customdata(self, codes: list[str]) -> list[list[str]]:
        """Per region: its hover text (its name when the view has none) and its link."""
        return [[self.view.hover.get(c, safe_text(self.names[c])), self.links.get(c, "")] for c in codes]

    @property
    def common(self) -> dict:
        return {"geo": self.geo, "featureidkey": "properties.code", "hovertemplate": "%{customdata[0]}<extra></extra>"}

    def add_to(self, fig: go.Figure, frame: tuple[list[float | None], list[float | None]]) -> None:
        """The panel's traces (shown figures, masked regions, regions without data, the insets' frames)
        and its geo subplot."""
        drawn, masked, empty = self.regions()
        if drawn:
            fig.add_choropleth(**self.value_trace(drawn))
        for codes, colour in ((masked, MASKED_COLOUR), (empty, NO_DATA_COLOUR)):
            if codes:
                fig.add_choropleth(**self.flat_trace(codes, colour))
        lon, lat = frame
        fig.add_scattergeo(
            geo=self.geo, lon=lon, lat=lat, mode="lines", line={"color": "#9aa5b1", "width": 1}, hoverinfo="skip"
        )
        fig.update_layout({self.geo: self.geo_layout()})

    def value_trace(self, drawn: dict[str, float]) -> dict:
        """The regions with a shown figure, coloured on the view's scale."""
        codes = sorted(drawn)
        z = [drawn[c] for c in codes]
        scale, ticks = self.scale(min(z), max(z))
        return {
            "geojson": features(codes),
            "locations": codes,
            "z": z,
            "customdata": self.customdata(codes),
            "marker": {"line": {"color": "white", "width": 0.8}},
            "colorbar": self.colorbar(ticks),
            **scale,
            **self.common,
        }

    def scale(self, low: float, high: float) -> tuple[dict, list[float]]:
        """The colour scale of the drawn values and the ticks of its bar (the extremes, and 0 inside a
        diverging scale)."""
        diverging = self.view.diverging
        ticks = sorted({low, high} | ({0} if diverging and low < 0 < high else set()))
        if diverging:
            return {"colorscale": DIVERGING_SCALE, "zmid": 0}, ticks
        return {"colorscale": SEQUENTIAL_SCALE, "zmin": low, "zmax": high if high > low else low + 1}, ticks

    def colorbar(self, ticks: list[float]) -> dict:
        """A vertical bar beside a single map; horizontal bars under side-by-side panels."""
        colorbar = {
            "title": {"text": safe_text(self.view.scale_title), "side": "top"},
            "tickvals": ticks,
            "ticktext": [self.view.value_label(t) for t in ticks],
            "thickness": 12,
            "outlinewidth": 0,
        }
        if self.n == 1:
            colorbar.update(len=0.5, x=1.0)
        else:
            colorbar.update(orientation="h", x=(self.left + self.right) / 2, xanchor="center", y=0.02, len=0.7 / self.n)
        return colorbar

    def flat_trace(self, codes: list[str], colour: str) -> dict:
        """Regions drawn in one colour, without a scale: masked (grey) or without data (white, outlined)."""
        return {
            "geojson": features(codes),
            "locations": codes,
            "z": [1] * len(codes),
            "colorscale": [[0, colour], [1, colour]],
            "showscale": False,
            "customdata": self.customdata(codes),
            "marker": {"line": {"color": "#9aa5b1" if colour == NO_DATA_COLOUR else "white", "width": 0.8}},
            **self.common,
        }

    def geo_layout(self) -> dict:
        """The geo subplot: no base layer, the fixed frame of France, the panel's share of the width."""
        domain = {
            "x": [self.left + 0.01, self.right - 0.01],
            "y": [0.12 if self.n > 1 else 0, 0.94 if self.view.title else 1],
        }
        return {
            "visible": False,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": list(MAP_LON_RANGE)},
            "lataxis": {"range": list(MAP_LAT_RANGE)},
            "bgcolor": "rgba(0,0,0,0)",
            "domain": domain,
        }

    def title_annotation(self) -> dict:
        return {
            "text": f"<b>{safe_text(self.view.title)}</b>",
            "xref": "paper",
            "yref": "paper",
            "x": (self.left + self.right) / 2,
            "y": 1,
            "xanchor": "center",
            "yanchor": "top",
            "showarrow": False,
        }


def _source_annotation() -> dict:
    """Under the maps: what grey and white mean, and the boundaries' source."""
    from ...reference.boundaries import MAP_SOURCE

    return {
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
