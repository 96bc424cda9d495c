"""The published folder: shared assets and `index.html` (a region × year table, in French).

The index is made from the build state, never from a directory listing, so temporary
files of an interrupted build can never appear in it. It is written last, atomically,
and only when its content changes.
"""

from __future__ import annotations

import html
from pathlib import Path

from .. import atomic
from ..config import NATIONAL
from .cache import BuildState, file_stamp

ASSETS = "assets"


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
p.note { color: #52606d; margin-top: .25rem; }
p.example { background: #fff4ce; border-left: 4px solid #f0b429; padding: .5rem .75rem; }
table { border-collapse: collapse; margin-top: 1rem; }
th, td { border: 1px solid #d9e2ec; padding: .35rem .6rem; text-align: center; }
th[scope=row] { text-align: left; font-weight: 600; }
thead th { background: #f0f4f8; }
td.failed { background: #ffe3e3; }
td.stale { background: #fffbea; }
td.none { color: #9aa5b1; }
"""


def render_index(state: BuildState, current: set[str], example_data: bool, data_label: str) -> str:
    """The index page. `current` holds the keys whose fingerprint matches the present inputs."""
    cells: dict[tuple[str, int], str] = {}
    rows: dict[str, tuple[str, str]] = {}  # sort key → (label, row id)
    years: set[int] = set()
    listed = 0
    for key, entry in state.reports.items():
        if entry.get("kind", "annual") != "annual":
            continue  # listed by `certification_index_html`
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
            cells[(sort_key, year)] = (
                f'<td class="{"stale" if stale else "ok"}"{title}><a href="{_e(html_rel)}">{year}</a>{mark}</td>'
            )
        elif entry.get("status") == "failed":
            failed_nb = entry.get("failed_notebook")
            link = (
                f' <a href="{_e(failed_nb)}">carnet</a>' if failed_nb and (state.out_dir / failed_nb).is_file() else ""
            )
            cells[(sort_key, year)] = f'<td class="failed" title="{_e(entry.get("error", ""))}">échec{link}</td>'
        else:
            continue
        listed += 1
        years.add(year)
        rows[sort_key] = (label, sort_key)

    ordered_years = sorted(years)
    head = "".join(f'<th scope="col">{year}</th>' for year in ordered_years)
    body = []
    for sort_key in sorted(rows):
        label, _ = rows[sort_key]
        tds = "".join(cells.get((sort_key, year), '<td class="none">—</td>') for year in ordered_years)
        body.append(f'<tr><th scope="row">{_e(label)}</th>{tds}</tr>')
    example = (
        "<p class=\"example\">Données fictives d'exemple : ces rapports illustrent l'outil, "
        "ils ne décrivent aucun tiers-lieu réel.</p>"
        if example_data
        else ""
    )
    table = (
        f'<table><thead><tr><th scope="col">Région</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
        if rows
        else "<p>Aucun rapport n'a encore été construit.</p>"
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rapports annuels des tiers-lieux</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Rapports annuels des tiers-lieux</h1>
<p class="note">{listed} rapport{"s" if listed != 1 else ""} par région et par année d'enquête
(« {_e(NATIONAL)} » : ensemble des régions). Données : {_e(data_label)}.</p>
{example}
{table}
{certification_index_html(state, current)}
</main>
</body>
</html>
"""


def certification_index_html(state: BuildState, current: set[str]) -> str:
    """The certification reports (« Suivi de la certification »), a region × year table like the annual ones."""
    cells: dict[tuple[str, int], str] = {}
    labels: dict[str, str] = {}
    for key, entry in state.reports.items():
        if entry.get("kind") != "certification":
            continue
        try:
            year, name, code = int(entry["year"]), str(entry["region"]), entry.get("region_code")
        except (KeyError, TypeError, ValueError):
            continue
        sort_key = "" if code is None else str(code)
        html_rel = f"{year}/{entry.get('slug', key.split('/')[-1])}.html"
        if entry.get("status") == "ok" and (state.out_dir / html_rel).is_file():
            stale = key not in current
            mark = " <small>(ancien)</small>" if stale else ""
            cells[(sort_key, year)] = (
                f'<td class="{"stale" if stale else "ok"}"><a href="{_e(html_rel)}">{year}</a>{mark}</td>'
            )
        elif entry.get("status") == "failed":
            cells[(sort_key, year)] = f'<td class="failed" title="{_e(entry.get("error", ""))}">échec</td>'
        else:
            continue
        labels[sort_key] = name if code is None else f"{name} ({code})"
    if not cells:
        return ""
    years = sorted({year for _, year in cells})
    head = "".join(f'<th scope="col">{year}</th>' for year in years)
    body = "".join(
        f'<tr><th scope="row">{_e(labels[k])}</th>'
        + "".join(cells.get((k, year), '<td class="none">—</td>') for year in years)
        + "</tr>"
        for k in sorted(labels)
    )
    return (
        '<h2 id="certification">Suivi de la certification « Piloter un tiers-lieu »</h2>\n'
        '<p class="note">Certifiés et insertion par année d\'obtention (France Compétences), résultats du jury '
        "par promotion : années de certification et promotions antérieures à l'année indiquée.</p>\n"
        f'<table><thead><tr><th scope="col">Région</th>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def write_index(state: BuildState, current: set[str], example_data: bool, data_label: str) -> Path:
    path = state.out_dir / "index.html"
    atomic.write_text_if_changed(path, render_index(state, current, example_data, data_label))
    return path
