"""Reading a published page as a reader does: the numbers of its text and of its charts."""

from __future__ import annotations

import base64
import html
import json
import re

import numpy as np

from tlanalysis.report.formatting import fmt_int, fmt_pct, plain_spaces

#: A French number: digits with narrow no-break spaces between thousands, a decimal comma, an optional
#: sign and percent. Not part of a word, a code (« RS5142 », « SHA-256 », « P2017-75 ») or a dotted
#: number (« 1.2 », a version).
NUMBER = re.compile(r"(?<![\w.,\-])[+\-\u2212]?\d+(?:\u202f\d{3})*(?:,\d+)?(?:\u00a0%)?(?![\w]|[.,]\d)")
TAG = re.compile(r"<[^>]*>")
TITLE_ATTRIBUTE = re.compile(r'\btitle="([^"]*)"')


def numbers_in(text: str) -> list[str]:
    """Every number of a text (markup stripped, entities decoded), with ordinary spaces: « 1 234 », « 5 % »."""
    text = html.unescape(TAG.sub(" ", text))
    return [plain_spaces(m) for m in NUMBER.findall(text)]


def page_numbers(markup: str) -> list[str]:
    """The numbers of an HTML fragment's text and title attributes; style sheets and scripts excluded."""
    markup = re.sub(r"<style.*?</style>|<script.*?</script>", " ", markup, flags=re.S)
    titles = " ".join(html.unescape(t) for t in TITLE_ATTRIBUTE.findall(markup))
    return numbers_in(markup) + numbers_in(titles)


def plotted_charts(markup: str) -> dict[str, tuple[list[dict], dict]]:
    """chart id -> (traces, layout), read from the `Plotly.newPlot(id, data, layout, config)` calls."""
    decoder = json.JSONDecoder()
    found = {}
    for match in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', markup):
        data, end = decoder.raw_decode(markup, match.end())
        rest = markup[end:]
        layout, _ = decoder.raw_decode(rest, len(rest) - len(rest.lstrip(", \n")))
        found[match.group(1)] = (_decoded(data), _decoded(layout))
    assert markup.count("Plotly.newPlot(") == len(found)
    return found


def _decoded(value):
    """Plotly's typed arrays ({"dtype", "bdata"}) as lists; everything else as is."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


_DATA_KEYS = ("x", "y", "values", "value")
_INDEX_KEYS = ("source", "target")  # Sankey node indices, not figures


def chart_numbers(traces: list[dict], layout: dict) -> list[str]:
    """Every number a chart draws (data arrays) or writes (labels, hover texts, titles)."""
    tokens: list[str] = []

    def walk(value, key: str | None = None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in _INDEX_KEYS or k == "template":
                    continue
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, (int, float)):
            if key in _DATA_KEYS:
                assert float(value).is_integer(), f"a chart draws {value!r}: charts draw counts"
                tokens.append(plain_spaces(fmt_int(value)))
        elif isinstance(value, str) and key in ("text", "customdata", "labels", "label", "name", "x", "y", "ticktext"):
            tokens.extend(numbers_in(value))

    for trace in traces:
        z = trace.get("z")
        if z is not None and trace.get("showscale") is not False:  # a map's values (grey ones have no scale)
            shares = "%" in "".join(trace.get("colorbar", {}).get("ticktext", []))  # a scale of shares
            tokens.extend(plain_spaces(fmt_pct(v) if shares else fmt_int(v)) for v in z)
        colorbar = trace.get("colorbar", {})  # its position (x, y, len) is no figure; its ticks' labels are
        walk(colorbar.get("ticktext", []), "ticktext")
        walk(colorbar.get("title", {}).get("text", ""), "text")
        walk({k: v for k, v in trace.items() if k not in ("z", "colorbar")})
    for annotation in layout.get("annotations", []):  # panel titles, the maps' legend and source
        walk(annotation.get("text", ""), "text")
    for axis in ("xaxis", "yaxis"):
        walk(layout.get(axis, {}).get("title", {}).get("text", ""), "text")
    walk(layout.get("title", {}).get("text", ""), "text")
    return tokens
