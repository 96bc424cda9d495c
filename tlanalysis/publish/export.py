"""Notebook → offline HTML with nbconvert's HTMLExporter (template "lab"), in-process.

Code inputs and prompts are left out. The page loads no script from the network:
require.js, MathJax and mermaid (which the lab template would fetch from a CDN)
are dropped, and plotly.js — which the report's charts need, but which the
notebook outputs do not carry (`include_plotlyjs=False`) — is put once in <head>:

* site mode: `<script src="../assets/plotly-<version>.min.js">`, one shared file;
  the JupyterLab style sheets are shared the same way (`../assets/nbconvert-*.css`);
* standalone mode: plotly.js and the style sheets are inlined, the page is self-contained.
"""

from __future__ import annotations

from pathlib import Path

from .. import atomic
from ..provenance import text_sha256

TEMPLATE_NAME = "tlanalysis_report.html.j2"
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
{{ resources.tlanalysis_head }}
{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


def plotly_js_path() -> Path:
    """plotly.js as shipped inside the plotly package (found without importing plotly)."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


def plotly_js_version(path: Path) -> str:
    """The version in plotly.min.js' banner ("* plotly.js v4.1.1")."""
    with open(path, "rb") as handle:
        head = handle.read(200).decode("ascii", "replace")
    for token in head.split():
        if token.startswith("v") and token[1:2].isdigit():
            return token[1:]
    from ..provenance import package_version

    return "py" + package_version("plotly")


def plotly_asset_name() -> str:
    return f"plotly-{plotly_js_version(plotly_js_path())}.min.js"


class Exporter:
    """One per worker process and output mode; `export()` returns the page and the assets it uses."""

    def __init__(self, standalone: bool, assets_dir: Path, assets_href: str = "../assets"):
        from jinja2 import DictLoader
        from markupsafe import Markup
        from nbconvert import HTMLExporter

        self.standalone = standalone
        self.assets_dir = assets_dir
        self.assets_href = assets_href
        self._used: set[str] = set()
        outer = self

        class ReportExporter(HTMLExporter):
            def _init_resources(self, resources):
                resources = super()._init_resources(resources)
                if not outer.standalone:

                    def include_css(name):
                        env = self.environment
                        return Markup(outer._css_link(name, env.loader.get_source(env, name)[0]))

                    resources["include_css"] = include_css
                return resources

        self._exporter = ReportExporter(
            template_name="lab",
            template_file=TEMPLATE_NAME,
            extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            language_code="fr",
            # validate the notebook once, after the preprocessors, not after each of the dozen
            # (a sixth of a worker's CPU time per report)
            optimistic_validation=True,
        )
        js_path = plotly_js_path()
        if standalone:
            # plotly.min.js contains no "</script": it can be inlined as is (plotly does the same).
            source = js_path.read_text(encoding="utf-8")
            self._head = Markup(f'<script type="text/javascript">{source}</script>')
        else:
            name = f"plotly-{plotly_js_version(js_path)}.min.js"
            self._head = Markup(f'<script type="text/javascript" src="{assets_href}/{name}" charset="utf-8"></script>')
            self._plotly_asset = name

    def _css_link(self, name: str, source: str) -> str:
        stem = Path(name).stem
        digest = text_sha256(source)[:12]
        asset = f"nbconvert-{stem}-{digest}.css"
        target = self.assets_dir / asset
        if not target.is_file():  # content-addressed: concurrent writers write the same bytes
            atomic.write_text(target, source)
        self._used.add(f"assets/{asset}")
        return f'<link rel="stylesheet" type="text/css" href="{self.assets_href}/{asset}">'

    def export(self, nb, title: str) -> tuple[str, list[str]]:
        self._used = set() if self.standalone else {f"assets/{self._plotly_asset}"}
        # papermill gives its injected-parameters cell a random id, which nbconvert writes into the
        # page: number the cells instead, so that the same inputs give the same bytes.
        # (nbconvert deep-copies the notebook itself: a shallow copy with new ids leaves the caller's intact)
        from nbformat import NotebookNode

        cells = [NotebookNode({**cell, "id": f"cell-{i}"}) if "id" in cell else cell for i, cell in enumerate(nb.cells)]
        nb = NotebookNode({**nb, "cells": cells})
        resources = {"metadata": {"name": title}, "tlanalysis_head": self._head}
        body, _ = self._exporter.from_notebook_node(nb, resources=resources)
        return body, sorted(self._used)
