"""The published folder: shared assets and `index.html`, the landing page (in French).

The index is made from the build state, never from a directory listing, so temporary
files of an interrupted build can never appear in it. It is written last, atomically,
and only when its content changes.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from ..config import DEFAULT_MIN_COUNT, NATIONAL
from ..protect.compare import change_since, previous_year
from ..protect.masked import from_json, is_masked
from ..report.brand import HOUSE, Brand
from ..report.kinds import DEFAULT, ReportKind, registered
from .cache import BuildState, file_stamp

ASSETS = "assets"
#: In the head of every index this package writes: how a build knows an output folder is its own.
GENERATOR_TAG = '<meta name="generator" content="tlanalysis">'


def ensure_plotly_asset(out_dir: Path) -> str:
    """Copy plotly.js from the plotly package to OUT/assets/ (if missing or different); returns its
    path relative to OUT."""
    from .export import plotly_js_path, plotly_js_version

    source = plotly_js_path()
    relative = f"{ASSETS}/plotly-{plotly_js_version(source)}.min.js"
    target = out_dir / relative
    stamp = file_stamp(target)
    if stamp is None or stamp["size"] != source.stat().st_size:
        atomic.write_bytes(target, source.read_bytes())
    return relative


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1f2933; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .4rem; }
p.note { color: #52606d; margin-top: .25rem; }
p.example { background: #fff4ce; border-left: 4px solid #f0b429; padding: .5rem .75rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .8rem; margin: .6rem 0; }
.card { border: 1px solid #d5d9de; border-top: 4px solid #00798c; border-radius: 4px; padding: .7rem .8rem; }
.card .value { display: block; font-size: 1.7rem; font-weight: 700; color: #00798c; line-height: 1.2; }
.card.masked { border-top-color: #9aa5b1; }
.card.masked .value { color: #52606d; font-weight: 600; }
.card .label { display: block; font-size: .92rem; }
label.filter { display: block; margin: .8rem 0 .2rem; font-weight: 600; }
input#filtre { font: inherit; padding: .3rem .5rem; width: 18rem; max-width: 100%; }
table { border-collapse: collapse; margin-top: 1rem; }
th, td { border: 1px solid #d9e2ec; padding: .35rem .6rem; text-align: center; }
th[scope=row] { text-align: left; font-weight: 600; }
thead th { background: #f0f4f8; }
td.failed { background: #ffe3e3; }
td.stale { background: #fffbea; }
td.none { color: #9aa5b1; }
td .formats { display: block; font-size: .8rem; }
td .formats a { margin: 0 .15rem; }
.tl-text { border-left: 4px solid #00798c; padding: .1rem 1rem; margin: 1rem 0; max-width: 45rem; }
"""

#: The region filter and the map's links: small, inline, no library (the page works from file://).
SCRIPT = """
(function () {
  function key(text) {
    return text.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase().trim();
  }
  var input = document.getElementById("filtre");
  if (input) {
    input.addEventListener("input", function () {
      var wanted = key(input.value), shown = 0;
      document.querySelectorAll("#rapports tbody tr, [id^='rapports-'] tbody tr").forEach(function (row) {
        var match = !wanted || key(row.dataset.region).indexOf(wanted) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      document.getElementById("aucun").hidden = shown !== 0;
    });
  }
  window.addEventListener("load", function () {
    var map = document.getElementById("chart-index-map");
    if (!map || !map.on) { return; }
    map.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      var link = point && point.customdata && point.customdata[1];
      if (link) { window.location.href = link; }
    });
  });
})();
"""

#: The formats of a report besides its page, as the index names them.
_FORMATS = (("pdf", "PDF"), ("xlsx", "XLSX"), ("pptx", "PPTX"), ("odp", "ODP"), ("json", "JSON"))


@dataclass(frozen=True)
class _Built:
    """A report with a page on disk, as the index lists it."""

    year: int
    code: str | None
    name: str
    html: str  # relative to the output folder
    stale: bool
    formats: tuple[tuple[str, str], ...]  # (label, relative path) of the other files built

    def document(self, out_dir: Path) -> dict | None:
        """What the build wrote beside the page (`<slug>.json`), or None."""
        path = out_dir / self.html.removesuffix(".html")
        try:
            return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def figures(self, out_dir: Path) -> dict | None:
        """The protected figures the build wrote beside the page, or None."""
        document = self.document(out_dir)
        return None if document is None else _masked(document.get("figures"), _min_count(document))


def _min_count(document: dict) -> int:
    """The disclosure threshold k a report was built with."""
    return int(document.get("min_count") or DEFAULT_MIN_COUNT)


def _masked(value, min_count: int):
    """JSON figures with their masks read back (`masked.from_json`: the one form of a mask on disk)."""
    if isinstance(value, dict):
        return {k: _masked(v, min_count) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v, min_count) for v in value]
    try:
        return from_json(value, min_count)
    except ValueError:  # a text that is not a figure (a name)
        return value


def _built_reports(
    state: BuildState, current: set[str], kind: str
) -> tuple[dict[tuple[str, int], str], list[_Built], dict]:
    """The reports of one kind: index cells by (row key, year), the reports with a page, the row labels."""
    cells: dict[tuple[str, int], str] = {}
    built: list[_Built] = []
    rows: dict[str, str] = {}  # sort key → label
    for key, entry in state.reports.items():
        if entry.get("kind", DEFAULT.name) != kind:
            continue
        try:
            year, name, code = int(entry["year"]), str(entry["region"]), entry.get("region_code")
        except (KeyError, TypeError, ValueError):
            continue
        label = name if code is None else f"{name} ({code})"
        sort_key = "" if code is None else str(code)
        html_rel = f"{year}/{entry.get('slug', key.split('/')[-1])}.html"
        if entry.get("status") == "ok" and (state.out_dir / html_rel).is_file():
            stale = key not in current
            title = (
                ' title="construit avec d\'autres données ou une autre version : relancer tlanalysis build"'
                if stale
                else ""
            )
            mark = " <small>(ancien)</small>" if stale else ""
            stem = html_rel.removesuffix(".html")
            formats = tuple(
                (label_, f"{stem}.{suffix}")
                for suffix, label_ in _FORMATS
                if (state.out_dir / f"{stem}.{suffix}").is_file()
            )
            links = "".join(f' <a href="{_e(path)}">{label_}</a>' for label_, path in formats)
            cells[(sort_key, year)] = (
                f'<td class="{"stale" if stale else "ok"}"{title}><a href="{_e(html_rel)}">{year}</a>{mark}'
                + (f'<span class="formats">{links}</span>' if formats else "")
                + "</td>"
            )
            built.append(_Built(year, code, name, html_rel, stale, formats))
        elif entry.get("status") == "failed":
            cells[(sort_key, year)] = f'<td class="failed" title="{_e(public_error(entry))}">échec</td>'
        else:
            continue
        rows[sort_key] = label
    return cells, built, rows


def public_error(entry: dict) -> str:
    """A failed report's error as the index shows it: the paths it names cut to their file names (the
    executed notebook with the whole story stays in the private state folder)."""
    from .scan import without_paths

    return without_paths(str(entry.get("error", "")))


def _key_figures_html(out_dir: Path, built: list[_Built]) -> str:
    """The national key figures of the latest year with a national report (protected, from its JSON)."""
    national = sorted((b for b in built if b.code is None), key=lambda b: b.year)
    document = national[-1].document(out_dir) if national else None
    if document is None:
        return ""
    from ..report.formatting import fmt_int, fmt_pct
    from ..report.wording import (
        CERTIFICATION_HOLDERS_FOLLOWED,
        FACILITATION_SHARE,
        NATIONAL_NAME,
        STATISTICAL_SECRET,
        jobs_counted,
        masked_labels_key,
    )

    k = _min_count(document)
    figures = _masked(document.get("figures"), k)
    year, jobs, holders = national[-1].year, figures["jobs"], figures["holders"]
    trend = {int(y): n for y, n in jobs.get("trend", {}).items()}
    before = previous_year(trend, year)
    cards = [(fmt_int(jobs["total"]), jobs_counted(year), is_masked(jobs["total"]))]
    share = jobs.get("facilitation_share")
    if share is not None:
        cards.append((fmt_pct(share), FACILITATION_SHARE, is_masked(share)))
    if before is not None:
        change = change_since(trend.get(year), trend[before])
        if change is not None:
            cards.append((fmt_pct(change, signed=True), f"d'emplois depuis l'enquête {before}", is_masked(change)))
    cards.append((fmt_int(holders["n"]), CERTIFICATION_HOLDERS_FOLLOWED, is_masked(holders["n"])))
    markup = "".join(
        f'<div class="card{" masked" if masked else ""}"><span class="value">{_e(value)}</span>'
        f'<span class="label">{_e(label)}</span></div>'
        for value, label, masked in cards
    )
    return (
        f"<h2>L'essentiel {year} — {_e(NATIONAL_NAME)}</h2>\n"
        f'<div class="cards">{markup}</div>\n'
        f'<p class="note">Chiffres du <a href="{_e(national[-1].html)}">rapport national {year}</a>, après '
        f"{STATISTICAL_SECRET} ({_e(masked_labels_key(k))}).</p>\n"
    )


def _map_inputs(out_dir: Path, built: list[_Built]) -> dict | None:
    """What the map shows: each region's jobs in its latest report, its hover text and the link to it."""
    from ..report.wording import jobs_in_year

    latest: dict[str, _Built] = {}
    for b in built:
        if b.code is not None and (b.code not in latest or b.year > latest[b.code].year):
            latest[b.code] = b
    values: dict[str, object] = {}
    hover: dict[str, str] = {}
    links: dict[str, str] = {}
    for code, b in sorted(latest.items()):
        figures = b.figures(out_dir)
        if figures is None:
            continue
        jobs = figures["jobs"]["total"]
        values[code] = jobs
        hover[code] = f"<b>{_e(b.name)}</b><br>{jobs_in_year(jobs, b.year)}<br>Cliquer pour ouvrir le rapport {b.year}"
        links[code] = b.html
    if not values:
        return None
    return {"values": values, "hover": hover, "links": links}


_MAP_START, _MAP_END = "<!-- carte ", "<!-- /carte -->"


def _map_html(out_dir: Path, inputs: dict) -> str:
    """The map of the index. Drawing it needs plotly, which a no-op build must not import: the map of
    the index already on disk is kept when it was made from the same inputs and library."""
    from ..provenance import library_hash

    digest = hashlib.sha256(
        json.dumps({**inputs, "values": {k: str(v) for k, v in inputs["values"].items()}}, sort_keys=True).encode()
        + library_hash().encode()
    ).hexdigest()[:16]
    start = f"{_MAP_START}{digest} -->"
    try:
        existing = (out_dir / "index.html").read_text(encoding="utf-8")
    except OSError:
        existing = ""
    if start in existing:
        return existing[existing.index(start) : existing.index(_MAP_END, existing.index(start)) + len(_MAP_END)]
    from ..report import charts
    from ..report.wording import JOBS, JOBS_MAP

    figure = charts.regions_map(
        inputs["values"], inputs["hover"], f"{JOBS_MAP}, dernière enquête de chaque région", JOBS, links=inputs["links"]
    )
    return f"{start}\n{charts.chart_html(figure, 'chart-index-map')}\n{_MAP_END}"


def _table_html(kind_name: str, title: str, note: str, cells: dict, rows: dict, first: bool) -> str:
    """One kind's reports, a region × year table under its heading; the first table of the page carries
    the region filter (which filters every table)."""
    from ..report.wording import REGION

    years = sorted({year for _, year in cells})
    head = "".join(f'<th scope="col">{year}</th>' for year in years)
    body = []
    for sort_key in sorted(rows):
        label = rows[sort_key]
        tds = "".join(cells.get((sort_key, year), '<td class="none">—</td>') for year in years)
        body.append(f'<tr data-region="{_e(label)}"><th scope="row">{_e(label)}</th>{tds}</tr>')
    table = f'<thead><tr><th scope="col">{_e(REGION)}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    title, note = html.escape(title, quote=False), html.escape(note, quote=False)
    note = f'<p class="note">{note}</p>\n' if note else ""
    if first:
        return (
            f"<h2>{title}</h2>\n" + note + '<label class="filter" for="filtre">Filtrer par région</label>\n'
            '<input id="filtre" type="search" placeholder="ex. Bretagne, 75" autocomplete="off">\n'
            f'<table id="rapports">{table}\n'
            '<p id="aucun" class="note" hidden>Aucune région ne correspond au filtre.</p>'
        )
    return f'<h2 id="{_e(kind_name)}">{title}</h2>\n' + note + f'<table id="rapports-{_e(kind_name)}">{table}'


def _kinds_listed(state: BuildState, kinds: Iterable[ReportKind]) -> list[tuple[str, str, str]]:
    """(name, title, note) of every kind with reports in the state: the registry's order, then the others;
    a build's own kinds (`kinds`) name theirs, a kind no longer known is listed under its name."""
    known = {kind.name: kind for kind in (*registered(), *kinds)}
    present = {str(entry.get("kind", DEFAULT.name)) for entry in state.reports.values()}
    names = [name for name in known if name in present] + sorted(present - set(known))
    return [
        (name, known[name].index_title or name, known[name].index_note) if name in known else (name, name, "")
        for name in names
    ]


def _styled(brand: Brand) -> str:
    """The index's style sheet in the network's colours and fonts (`report.brand`)."""
    if brand.is_house:
        return STYLE
    return (
        STYLE.replace("#00798c", brand.primary)
        + f"body {{ font-family: {brand.font}; }}\n"
        + f"h1, h2 {{ font-family: {brand.heading_font}; color: {brand.primary}; }}\n"
        + ".tl-brand { display: flex; align-items: center; gap: .8rem; }\n"
        + ".tl-brand .tl-logo { max-height: 3.5rem; max-width: 12rem; }\n.tl-brand-name { font-weight: 600; }\n"
    )


def _foreword_html(data_dir: Path | None, out_dir: Path, built: list[_Built]) -> str:
    """The network's foreword (`textes/avant-propos.md` of the data folder), its placeholders filled from
    the latest national report's published figures (its JSON, masked figures as their labels); an index
    without a national report has no foreword."""
    from ..report import texts
    from ..report.wording import FOREWORD

    path = texts.foreword_path(data_dir) if data_dir is not None else None
    if path is None:
        return ""
    national = sorted((b for b in built if b.code is None), key=lambda b: b.year)
    document = national[-1].document(out_dir) if national else None
    if document is None:  # its figures are the national report's: without one, no foreword
        return ""
    values = texts.placeholders(DEFAULT.name, _masked(document.get("figures"), _min_count(document)) or {})
    body = texts.render_text(path, values, f"{texts.TEXTS_DIR}/{texts.FOREWORD}")
    return texts.text_block(body, FOREWORD) + "\n"


def render_index(
    state: BuildState,
    current: set[str],
    example_data: bool,
    data_label: str,
    kinds: Iterable[ReportKind] = (),
    data_dir: Path | None = None,
    brand: Brand = HOUSE,
) -> str:
    """The landing page. `current` holds the keys whose fingerprint matches the present inputs; `kinds`:
    those of the build (the registered ones are known anyway).

    Key figures of the latest national report of the default kind (the annual report), the map of the
    regions (each opens its latest report), then a region × year table per kind of report with every
    format built, and a filter by region. Figures come from the reports' JSON files, written by the
    build after disclosure control: never a raw count."""
    from ..report.html import brand_html
    from ..report.wording import ANNUAL_HEADINGS, EXAMPLE_INDEX

    cells, built, rows = _built_reports(state, current, DEFAULT.name)
    listed = sum(1 for _ in cells)
    tables: list[str] = []
    for name, title, note in _kinds_listed(state, kinds):
        kind_cells, _, kind_rows = (
            (cells, built, rows) if name == DEFAULT.name else _built_reports(state, current, name)
        )
        if kind_rows:
            tables.append(_table_html(name, title, note, kind_cells, kind_rows, first=not tables))
    example = f'<p class="example">{html.escape(EXAMPLE_INDEX, quote=False)}</p>' if example_data else ""
    table = "\n".join(tables) if tables else "<p>Aucun rapport n'a encore été construit.</p>"
    key_figures = _key_figures_html(state.out_dir, built)
    foreword = _foreword_html(data_dir, state.out_dir, built)
    plotly = sorted((state.out_dir / ASSETS).glob("plotly-*.min.js"))
    inputs = _map_inputs(state.out_dir, built)
    map_part, script_tag = "", ""
    if inputs is not None and plotly:
        script_tag = f'<script src="{ASSETS}/{_e(plotly[-1].name)}"></script>\n'
        map_part = (
            f"<h2>{_e(ANNUAL_HEADINGS['regions'])}</h2>\n"
            '<p class="note">Chaque région est colorée selon les emplois de son dernier rapport ; un clic sur une '
            "région ouvre ce rapport.</p>\n" + _map_html(state.out_dir, inputs) + "\n"
        )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
{GENERATOR_TAG}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapports annuels des tiers-lieux</title>
<style>{_styled(brand)}</style>
{script_tag}</head>
<body>
<main>
{brand_html(brand)}<h1>Rapports annuels des tiers-lieux</h1>
<p class="note">{listed} rapport{"s" if listed != 1 else ""} par région et par année d'enquête
(« {_e(NATIONAL)} » : ensemble des régions). Données : {_e(data_label)}.</p>
{example}
{foreword}{key_figures}{map_part}{table}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


def write_index(
    state: BuildState,
    current: set[str],
    example_data: bool,
    data_label: str,
    kinds: Iterable[ReportKind] = (),
    data_dir: Path | None = None,
    brand: Brand = HOUSE,
) -> Path:
    path = state.out_dir / "index.html"
    markup = render_index(state, current, example_data, data_label, kinds, data_dir, brand)
    atomic.write_text_if_changed(path, markup)
    return path
