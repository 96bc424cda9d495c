"""The sections of the annual report, as HTML fragments and charts.

The notebook stays thin: each of its sections is one call here
(`display_employment(ctx)`, ...), which displays HTML built by the pure
`*_html(ctx)` functions and charts from `tlanalysis.charts`. Every figure comes
from `tlanalysis.indicators`; every number is written by
`tlanalysis.formatting`.

HTML rules: plain, deterministic markup (no pandas Styler, whose ids are
random; no dates of generation), one small style sheet (`report_css`) scoped
to `.tl-report`, and every text that comes from data — place names, cohort
labels, sources — escaped with `html.escape`, so a label such as
`<script>…</script>` is shown as text.

Disclosure: a share built on fewer than `min_count` holders is not shown, and
cohorts with fewer than `min_count` holders are shown without detail. This is
row-level primary suppression only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from . import charts
from .config import SAMPLE_DATA_DIR
from .dataset import Dataset
from .formatting import (
    MISSING,
    SITUATION_SHORT,
    contract_label,
    fmt_date,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_pct_more_than,
    fmt_year_span,
    role_label,
    situation_label,
    trajectory_label,
)
from .indicators import (
    TRAJECTORIES,
    holders_seen,
    jobs_by,
    jobs_of_year,
    key_figures,
    share,
    situation_by_cohort,
)
from .params import ReportParameters
from .reference import FRANCE, Region, certification, regions

# --- small HTML toolkit --------------------------------------------------------------------------


class Html(str):
    """Markup that is already safe (built here); any other str is escaped when placed in HTML."""


def esc(value: object) -> Html:
    """Text from data, escaped for an HTML text node or a double-quoted attribute."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=True).replace("&#x27;", "'"))


def _join(parts) -> Html:
    return Html("".join(esc(p) for p in parts))


_NUM = ' class="num"'


def table_html(headers: list[str], rows: list[list[object]], caption: str | None = None,
               numeric: set[int] | frozenset[int] = frozenset(), footer: list[object] | None = None) -> Html:
    """A plain HTML table; cells are escaped unless they are `Html`; `numeric` columns are right-aligned."""
    def cells(tag: str, values: list[object]) -> str:
        return "".join(f"<{tag}{_NUM if i in numeric else ''}>{esc(v)}</{tag}>" for i, v in enumerate(values))
    parts = ['<table class="tl-table">']
    if caption:
        parts.append(f"<caption>{esc(caption)}</caption>")
    parts.append(f"<thead><tr>{cells('th', headers)}</tr></thead><tbody>")
    parts += [f"<tr>{cells('td', row)}</tr>" for row in rows]
    parts.append("</tbody>")
    if footer:
        parts.append(f'<tfoot><tr>{cells("td", footer)}</tr></tfoot>')
    parts.append("</table>")
    return Html("".join(parts))


def _section(*parts: object) -> Html:
    return Html(f'<div class="tl-report">{_join(parts)}</div>')


def _p(text: object, cls: str | None = None) -> Html:
    attribute = f' class="{cls}"' if cls else ""
    return Html(f"<p{attribute}>{esc(text)}</p>")


def report_css() -> Html:
    """The one style sheet of the report, scoped to `.tl-report` so it leaves the page around it alone."""
    return Html("""<style>
.tl-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2933;
line-height:1.5;max-width:60rem}
.tl-report h1{font-size:1.9rem;margin:.2rem 0 .4rem;line-height:1.2}
.tl-report h3{font-size:1.1rem;margin:1.2rem 0 .4rem}
.tl-report .tl-kicker{text-transform:uppercase;letter-spacing:.06em;font-size:.8rem;color:#00798c;margin:0}
.tl-report .tl-lead{font-size:1.05rem;margin:.2rem 0 .8rem}
.tl-report .tl-note{font-size:.9rem;color:#52606d}
.tl-report .tl-banner{border-left:6px solid #d55e00;background:#fff4e5;padding:.6rem .9rem;margin:.8rem 0}
.tl-report .tl-banner strong{display:block;font-size:1.05rem;color:#8a3b00}
.tl-report dl dt,.tl-report dl dd{float:none;width:auto;padding:0}
.tl-report dl.tl-meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.6rem 0;
font-size:.92rem}
.tl-report dl.tl-meta dt{font-weight:600;white-space:nowrap}
.tl-report dl.tl-defs dt{font-weight:600;margin-top:.5rem}
.tl-report dl.tl-defs dd{margin:0 0 0 1.2rem}
.tl-report .tl-scroll{overflow-x:auto}
.tl-report dl.tl-meta dd{margin:0}
.tl-report .tl-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.8rem;
margin:.4rem 0 1rem}
.tl-report .tl-card{border:1px solid #d5d9de;border-top:4px solid #00798c;border-radius:4px;padding:.7rem .8rem;
background:#fff}
.tl-report .tl-card .tl-value{display:block;font-size:1.7rem;font-weight:700;color:#00798c;line-height:1.2}
.tl-report .tl-card .tl-label{display:block;font-size:.92rem}
.tl-report .tl-card .tl-detail{display:block;font-size:.8rem;color:#52606d;margin-top:.3rem}
.tl-report table.tl-table{border-collapse:collapse;margin:.6rem 0 1.2rem;font-size:.92rem;min-width:24rem}
.tl-report table.tl-table caption{text-align:left;font-weight:600;padding-bottom:.3rem}
.tl-report table.tl-table th,.tl-report table.tl-table td{border-bottom:1px solid #e4e7eb;padding:.3rem .6rem;
text-align:left;vertical-align:top}
.tl-report table.tl-table thead th{border-bottom:2px solid #9aa5b1}
.tl-report table.tl-table tfoot td{font-weight:600;border-top:2px solid #9aa5b1}
.tl-report table.tl-table .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.tl-report table.tl-table thead th.num{white-space:normal}
.tl-report ol.tl-competencies{margin:.2rem 0 .8rem;padding-left:0;list-style:none}
.tl-report .tl-code{font-variant-numeric:tabular-nums;color:#52606d;margin-right:.4rem}
</style>""")


# --- context -------------------------------------------------------------------------------------

#: How each region is introduced in a sentence (« en Bretagne », « à La Réunion »).
_PREPOSITION = {"04": "à", "06": "à", "32": "dans les", "44": "dans le"}


@dataclass(frozen=True, eq=False)
class ReportContext:
    """Everything a report shows, computed once from checked parameters."""

    params: ReportParameters
    figures: dict

    @classmethod
    def from_parameters(cls, params: ReportParameters) -> "ReportContext":
        ds = params.dataset
        return cls(params, key_figures(ds.employment, ds.holders, params.year, params.region))

    @property
    def year(self) -> int:
        return self.params.year

    @property
    def region(self) -> Region:
        return self.params.region

    @property
    def dataset(self) -> Dataset:
        return self.params.dataset

    @property
    def render(self) -> str:
        return self.params.render

    @property
    def min_count(self) -> int:
        return self.params.min_count

    @property
    def slug(self) -> str:
        return self.params.slug

    @property
    def is_national(self) -> bool:
        return self.region.is_national

    @property
    def place(self) -> str:
        """The territory in a sentence: « en Nouvelle-Aquitaine », « à La Réunion », « en France »."""
        if self.is_national:
            return "en France"
        return f"{_PREPOSITION.get(self.region.code, 'en')} {self.region.name}"

    @property
    def territory(self) -> str:
        return "France entière" if self.is_national else self.region.name

    def chart_id(self, name: str) -> str:
        return charts.chart_id(self.slug, name)

    @cached_property
    def holders(self) -> pd.DataFrame:
        """The holders the year's follow-up speaks about (cohorts started before the year)."""
        return holders_seen(self.dataset.holders, self.year, self.region)

    @cached_property
    def cohort_table(self) -> pd.DataFrame:
        return situation_by_cohort(self.holders)

    @property
    def jobs(self) -> dict:
        return self.figures["jobs"]

    @property
    def holder_figures(self) -> dict:
        return self.figures["holders"]

    @property
    def holders_disclosed(self) -> bool:
        return self.holder_figures["n"] >= self.min_count

    @property
    def trajectories_disclosed(self) -> bool:
        return self.holder_figures["trajectory_n"] >= self.min_count

    def regions_with_data(self) -> list[Region]:
        codes = {code for code, years in self.dataset.region_years().items() if self.year in years}
        return [Region(r.code, r.name, r.iso_3166_2) for r in regions().itertuples() if r.code in codes]


def _card(value: str, label: str, detail: str | None = None) -> Html:
    return Html('<div class="tl-card">'
                f'<span class="tl-value">{esc(value)}</span><span class="tl-label">{esc(label)}</span>'
                + (f'<span class="tl-detail">{esc(detail)}</span>' if detail else "")
                + "</div>")


def _cards(cards: list[Html]) -> Html:
    return Html(f'<div class="tl-cards">{_join(cards)}</div>')


def _secret(n: int, min_count: int, what: str) -> Html:
    return _p(f"{what} : {fmt_int(n)} titulaire{'s' if n > 1 else ''}, moins de {fmt_int(min_count)} ; "
              "les résultats ne sont pas diffusés (secret statistique).", "tl-note")


# --- sections ------------------------------------------------------------------------------------

def example_banner_html() -> Html:
    return Html('<div class="tl-banner" role="note"><strong>Données d\'exemple fictives</strong>'
                "Ce rapport est construit sur les données d'exemple livrées avec tlanalysis : aucun tiers-lieu "
                "ni aucune personne réelle n'y figure. Ces chiffres servent à montrer le rapport ; "
                "ils ne doivent pas être cités.</div>")


def title_block_html(ctx: ReportContext) -> Html:
    """Title, territory and year, the data files used (with a content hash), and the example-data banner."""
    ds = ctx.dataset
    if ctx.is_national:
        names = ", ".join(r.name for r in ctx.regions_with_data()) or MISSING
        territory = f"France entière : toutes les régions présentes dans les données ({names})"
    else:
        territory = f"{ctx.region.name} (région {ctx.region.code})"
    folder = ds.data_dir.name + (" (données d'exemple livrées avec tlanalysis)"
                                 if ds.data_dir.resolve() == SAMPLE_DATA_DIR.resolve() else "")
    files = "; ".join(f"{src.path.name} (empreinte SHA-256 {src.short_hash})" for src in ds.sources.values())
    parts: list[object] = [
        report_css(),
        Html('<header class="tl-title">'),
        _p("Rapport annuel des tiers-lieux", "tl-kicker"),
        Html(f"<h1>Emploi et certification {esc(ctx.place)} — {ctx.year}</h1>"),
        _p(f"Les emplois recensés par l'enquête {ctx.year} dans les tiers-lieux {ctx.place}, et le devenir des "
           "titulaires de la certification « Piloter un tiers-lieu ».", "tl-lead"),
    ]
    if ds.is_example:
        parts.append(example_banner_html())
    parts.append(Html('<dl class="tl-meta">'
                      f"<dt>Territoire</dt><dd>{esc(territory)}</dd>"
                      f"<dt>Année d'enquête</dt><dd>{ctx.year}</dd>"
                      f"<dt>Dossier de données</dt><dd>{esc(folder)}</dd>"
                      f"<dt>Fichiers</dt><dd>{esc(files)}</dd>"
                      "</dl></header>"))
    return _section(*parts)


def key_figures_html(ctx: ReportContext) -> Html:
    """The headline figures as cards, in the spirit of the network's page « Certification et chiffres clés »."""
    jobs, hold = ctx.jobs, ctx.holder_figures
    contracts = jobs["by_contract"]
    job_cards = [
        _card(fmt_int(jobs["total"]), f"emplois recensés en {ctx.year}",
              f"{fmt_int(jobs['trend'].get(str(jobs['first_year']), 0))} en {jobs['first_year']}"
              if jobs["first_year"] and jobs["first_year"] != ctx.year else None),
        _card(fmt_int(contracts.get("CDI", 0)), "emplois en CDI"),
        _card(fmt_int(contracts.get("CDD", 0)), "emplois en CDD"),
        _card(fmt_pct_more_than(jobs["facilitation_share"]),
              "des emplois sont des postes de facilitation ou de coordination du lieu",
              f"{fmt_int(jobs['facilitation'])} emplois sur {fmt_int(jobs['total'])}, "
              f"soit {fmt_pct(jobs['facilitation_share'])}"),
    ]
    parts: list[object] = [Html("<h3>Emploi</h3>"), _cards(job_cards), Html("<h3>Titulaires de la certification</h3>")]
    cohorts = (f"{fmt_int(hold['cohorts'])} promotion{'s' if hold['cohorts'] > 1 else ''} "
               f"{fmt_year_span(hold['cohort_years'])}")
    if hold["n"] == 0:
        parts.append(_p(f"Aucune promotion commencée avant {ctx.year} {ctx.place} : pas de titulaire à suivre.",
                        "tl-note"))
    elif not ctx.holders_disclosed:
        parts.append(_secret(hold["n"], ctx.min_count, "Titulaires suivis"))
    else:
        shares = hold["situation_shares"]
        parts.append(_cards([
            _card(fmt_int(hold["n"]), "titulaires suivis", f"des {cohorts}"),
            _card(fmt_pct(shares["facilitation"]), "aujourd'hui en poste de facilitateur·rice"),
            _card(fmt_pct(shares["autre_coordination"]),
                  "sur un autre poste de chargé·e de projet ou de coordinateur·rice"),
            _card(fmt_pct(shares["recherche_emploi"]), "en recherche d'emploi"),
        ]))
        parts.append(Html("<h3>Parcours entre l'entrée en formation et aujourd'hui</h3>"))
        if not ctx.trajectories_disclosed:
            parts.append(_secret(hold["trajectory_n"], ctx.min_count, "Titulaires dont le parcours est connu"))
        else:
            tshares = hold["trajectory_shares"]
            parts.append(_cards([
                _card(fmt_pct(tshares["demandeur_emploi_vers_actif"]),
                      "sont passé·es de demandeur·ses d'emploi à actif·ves"),
                _card(fmt_pct(tshares["etudiant_vers_actif"]), "sont passé·es d'étudiant·es à actif·ves"),
                _card(fmt_pct(tshares["actif_vers_createur"]),
                      "sont passé·es d'actif·ves à créateur·rices d'entreprise"),
                _card(fmt_pct(tshares["changement_de_poste"]), "ont changé de poste"),
            ]))
            parts.append(_p(f"Parts calculées sur les {fmt_int(hold['trajectory_n'])} titulaires dont le parcours "
                            "relève de l'un de ces quatre cas.", "tl-note"))
    return _section(*parts)


def _share_rows(counts: dict[str, int], label) -> tuple[list[list[object]], list[object]]:
    total = sum(counts.values())
    rows = [[label(k), fmt_int(n), fmt_pct(share(n, total))] for k, n in counts.items()]
    return rows, ["Total", fmt_int(total), fmt_pct(share(total, total))]


def employment_intro_html(ctx: ReportContext) -> Html:
    jobs = ctx.jobs
    text = (f"En {ctx.year}, l'enquête recense {fmt_int(jobs['total'])} emplois dans les tiers-lieux {ctx.place}, "
            f"dont {fmt_int(jobs['by_contract'].get('CDI', 0))} en CDI et {fmt_int(jobs['by_contract'].get('CDD', 0))}"
            f" en CDD. Parmi eux, {fmt_int(jobs['facilitation'])} sont des postes de facilitation ou de coordination "
            "du lieu "
            f"({fmt_pct(jobs['facilitation_share'])}).")
    growth = jobs["growth_since_first_year"]
    if growth is not None:
        first = jobs["first_year"]
        text += (f" Depuis {first}, première année d'enquête, le nombre d'emplois recensés est passé de "
                 f"{fmt_int(jobs['trend'][str(first)])} à {fmt_int(jobs['total'])} "
                 f"({fmt_pct(growth, 0, signed=True)}).")
        if ctx.is_national:
            text += _entries_caveat(ctx, first)
    return _section(_p(text))


def _entries_caveat(ctx: ReportContext, first_year: int) -> str:
    """National trend: name the regions that joined the survey after its first year."""
    names = {r.code: r.name for r in ctx.regions_with_data()}
    joined = [(min(years), names[code]) for code, years in ctx.dataset.region_years().items()
              if code in names and min(years) > first_year]
    if not joined:
        return ""
    listed = ", ".join(f"{name} en {year}" for year, name in sorted(joined))
    return (" Toutes les régions ne sont pas enquêtées depuis la première année : la hausse tient aussi à "
            f"l'entrée de nouvelles régions dans l'enquête ({listed}).")


def contracts_table_html(ctx: ReportContext) -> Html:
    rows, total = _share_rows(ctx.jobs["by_contract"], contract_label)
    return _section(table_html(["Contrat", "Emplois", "Part"], rows, f"Emplois par contrat, {ctx.year}",
                               {1, 2}, total))


def roles_table_html(ctx: ReportContext) -> Html:
    rows, total = _share_rows(ctx.jobs["by_role"], role_label)
    return _section(table_html(["Fonction", "Emplois", "Part"], rows, f"Emplois par fonction, {ctx.year}",
                               {1, 2}, total))


def trend_table_html(ctx: ReportContext) -> Html:
    trend = ctx.jobs["trend"]
    rows = [[year, fmt_int(n)] for year, n in sorted(trend.items())]
    return _section(table_html(["Année d'enquête", "Emplois"], rows,
                               f"Emplois recensés par année d'enquête, jusqu'à {ctx.year}", {1}))


def regions_table_html(ctx: ReportContext) -> Html:
    """National report only: jobs of the year per region with data."""
    jobs = jobs_of_year(ctx.dataset.employment, ctx.year, FRANCE)
    by_region = jobs_by(jobs, "region_code")
    total = sum(by_region.values())
    rows = [[r.name, fmt_int(by_region.get(r.code, 0)), fmt_pct(share(by_region.get(r.code, 0), total))]
            for r in ctx.regions_with_data()]
    return _section(table_html(["Région", "Emplois", "Part"], rows, f"Emplois par région, {ctx.year}", {1, 2},
                               ["Total", fmt_int(total), fmt_pct(share(total, total))]))


def employment_tables_html(ctx: ReportContext) -> Html:
    parts = [contracts_table_html(ctx), roles_table_html(ctx), trend_table_html(ctx)]
    if ctx.is_national:
        parts.append(regions_table_html(ctx))
    return _join(parts)


def holders_intro_html(ctx: ReportContext) -> Html:
    hold = ctx.holder_figures
    if hold["n"] == 0:
        return _section(_p(f"Aucune promotion de la certification n'a commencé avant {ctx.year} {ctx.place} : "
                           "le suivi de cette année ne porte sur aucun titulaire."))
    cohorts = f"{fmt_int(hold['cohorts'])} promotion{'s' if hold['cohorts'] > 1 else ''}"
    return _section(_p(
        f"Le suivi {ctx.year} porte sur les {fmt_int(hold['n'])} titulaires des {cohorts} commencées "
        f"{ctx.place} de {fmt_year_span(hold['cohort_years'])} (une promotion est suivie à partir de l'année "
        "qui suit son début). La situation est celle du dernier suivi."))


def situations_table_html(ctx: ReportContext) -> Html:
    rows, total = _share_rows(ctx.holder_figures["situation_counts"], situation_label)
    return _section(table_html(["Situation actuelle", "Titulaires", "Part"], rows,
                               "Situation actuelle des titulaires", {1, 2}, total))


def disclosed_cohort_table(ctx: ReportContext) -> pd.DataFrame:
    """The cohort × situation table without the cohorts of fewer than `min_count` holders."""
    table = ctx.cohort_table
    return table[table.sum(axis=1) >= ctx.min_count]


def cohorts_table_html(ctx: ReportContext) -> Html:
    table = ctx.cohort_table
    situations = [str(c) for c in table.columns]
    rows = []
    for (year, cohort), counts in table.iterrows():
        total = int(counts.sum())
        if total < ctx.min_count:
            rows.append([cohort, year] + ["·"] * len(situations) + [f"moins de {fmt_int(ctx.min_count)}"])
        else:
            rows.append([cohort, year] + [fmt_int(counts[s]) for s in situations] + [fmt_int(total)])
    headers = ["Promotion", "Début"] + [SITUATION_SHORT.get(s, s) for s in situations] + ["Total"]
    note = (_p(f"· : promotion de moins de {fmt_int(ctx.min_count)} titulaires, détail non diffusé "
               "(secret statistique).", "tl-note") if any(table.sum(axis=1) < ctx.min_count) else "")
    table_markup = table_html(headers, rows, "Titulaires par promotion et situation actuelle",
                              set(range(2, len(headers))))
    return _section(Html(f'<div class="tl-scroll">{table_markup}</div>'), note)


def trajectories_table_html(ctx: ReportContext) -> Html:
    hold = ctx.holder_figures
    counts = hold["trajectory_counts"]
    rows = [[trajectory_label(k), fmt_int(counts[k]), fmt_pct(hold["trajectory_shares"][k])] for k in TRAJECTORIES]
    return _section(table_html(["Parcours", "Titulaires", "Part"], rows,
                               "Parcours entre l'entrée en formation et aujourd'hui", {1, 2},
                               ["Total", fmt_int(hold["trajectory_n"]),
                                fmt_pct(share(hold["trajectory_n"], hold["trajectory_n"]))]))


def holders_tables_html(ctx: ReportContext) -> Html:
    if not ctx.holders_disclosed:
        return Html("")
    parts = [situations_table_html(ctx), cohorts_table_html(ctx)]
    if ctx.trajectories_disclosed:
        parts.append(trajectories_table_html(ctx))
    return _join(parts)


def certification_html() -> Html:
    """The 3 units and 18 competencies of « Piloter un tiers-lieu », from data/reference/certification.csv."""
    table = certification()
    units = list(dict.fromkeys(table["unit"]))
    parts: list[object] = [_p(
        f"La certification « Piloter un tiers-lieu » (Répertoire spécifique de France Compétences, RS5142, "
        f"certificateur : Coopérative des Tiers-Lieux) comprend {fmt_int(len(units))} blocs de compétences et "
        f"{fmt_int(len(table))} compétences.")]
    for unit in units:
        rows = table[table["unit"] == unit]
        n = len(rows)
        parts.append(Html(f"<h3>Bloc {esc(unit)} — {esc(rows['unit_title'].iloc[0])} "
                          f'<span class="tl-note">({fmt_int(n)} compétence{"s" if n > 1 else ""})</span></h3>'))
        items = "".join(f'<li><span class="tl-code">{esc(r.competency_code)}</span>{esc(r.competency_title)}</li>'
                        for r in rows.itertuples())
        parts.append(Html(f'<ol class="tl-competencies">{items}</ol>'))
    return _section(*parts)


# --- regional context (published figures) --------------------------------------------------------

_QUALIFIER_PREFIX = {"exact": "", "about": "environ ", "estimate": "environ ", "more_than": "plus de "}


def _decimals(precision: float) -> int:
    """Decimals a published precision implies: 0.1 → 1, 1 or 10 → 0."""
    decimals = 0
    while precision < 1 and decimals < 6:
        precision *= 10
        decimals += 1
    return decimals


def published_value(row) -> str:
    """A published figure as its source states it: « environ 300 », « plus de 56 % », « 2,2 »."""
    number = fmt_number(row["value"], _decimals(float(row["precision"])))
    suffix = "\u00a0%" if row["unit"] == "percent" else ""
    text = f"{_QUALIFIER_PREFIX.get(row['qualifier'], '')}{number}{suffix}"
    return text + (" (estimation)" if row["qualifier"] == "estimate" else "")


_GROUPED_DIGITS = re.compile(r"(?<!\d)(\d{1,3}) (?=\d{3}\b)")


def _keep_numbers_together(text: str) -> str:
    """« environ 1 800 » as typed in a source label: the space inside the number becomes a narrow no-break one."""
    return _GROUPED_DIGITS.sub("\\1\u202f", text)


def _source_cell(row) -> Html:
    text = esc(row["source"])
    url = str(row.get("source_url") or "")
    if url.startswith(("https://", "http://")):
        text = Html(f'<a href="{esc(url)}">{text}</a>')
    if row.get("source_date"):
        text = Html(f"{text}, {esc(fmt_date(row['source_date']))}")
    return Html(text)


def context_rows(ctx: ReportContext) -> pd.DataFrame:
    """Published context figures for the report's territory (none if the published file is missing)."""
    try:
        from .published import context_figures
        rows = context_figures(None if ctx.is_national else ctx.region.code)
        return rows.sort_values(["year", "label_fr"], kind="stable").reset_index(drop=True)
    except FileNotFoundError:
        return pd.DataFrame()


def context_html(ctx: ReportContext) -> Html:
    """Figures others have published about the territory, each with its source, as published."""
    rows = context_rows(ctx)
    if rows.empty:
        return _section(_p(f"Aucun chiffre publié sur les tiers-lieux {ctx.place} n'est enregistré dans "
                           "data/published/.", "tl-note"))
    body = [[_keep_numbers_together(r["label_fr"]),
             r["period"] or (str(r["year"]) if pd.notna(r["year"]) else MISSING),
             published_value(r), _source_cell(r)] for _, r in rows.iterrows()]
    return _section(
        _p(f"Chiffres publiés sur les tiers-lieux {ctx.place} par d'autres sources que l'enquête, cités avec leur "
           "précision d'origine. Ils ne sont pas calculés à partir des données de ce rapport et ne portent pas "
           "toujours sur le même champ."),
        table_html(["Indicateur", "Période", "Valeur", "Source"], rows=body, numeric={2}),
    )


# --- methods -------------------------------------------------------------------------------------

def methods_html(ctx: ReportContext | None = None) -> Html:
    """Every definition used in the report, in French (they follow tlanalysis.indicators and docs/indicators.md)."""
    min_count = ctx.min_count if ctx else 5
    definitions = [
        ("Emplois d'une année", "somme des postes (colonne « Nombre », 1 par défaut) des lignes de l'enquête de "
         "l'année dans la région ; pour la France, toutes les régions présentes dans les données."),
        ("Part des emplois de facilitation", "emplois dont la fonction est « facilitation, coordination du lieu » "
         "rapportés à l'ensemble des emplois de l'année. Les chiffres clés l'arrondissent à l'entier inférieur "
         "(« plus de 56 % ») ; les tableaux donnent la valeur à une décimale."),
        ("Évolution", "emplois de chaque année d'enquête jusqu'à l'année du rapport ; la croissance rapporte "
         "l'écart entre l'année du rapport et la première année d'enquête au nombre d'emplois de cette "
         "première année."),
        ("Titulaires suivis", "titulaires de la région dont la promotion a commencé avant l'année du rapport : une "
         "promotion est suivie à partir de l'année qui suit son début (le rapport 2019 couvre les promotions "
         "2015 à 2018)."),
        ("Situation actuelle", "situation au dernier suivi ; les parts sont calculées sur tous les titulaires "
         "suivis, situation inconnue comprise, et leur somme vaut 100 %."),
        ("Parcours", "quatre groupes disjoints entre l'entrée en formation et le dernier suivi, « en emploi » "
         "désignant un poste de facilitation, un autre poste de coordination ou un autre emploi : "
         "demandeur·se d'emploi à l'entrée et en emploi aujourd'hui ; étudiant·e à l'entrée et en emploi "
         "aujourd'hui ; actif·ve à l'entrée ayant créé son entreprise ; actif·ve à l'entrée n'ayant pas créé "
         "d'entreprise mais ayant changé de poste. Les parts sont calculées sur les titulaires relevant de l'un "
         "des quatre groupes."),
    ]
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>" for term, text in definitions)
    rules = [
        "Les parts sont arrondies à la décimale la plus proche (au plus une décimale, « ,0 » omis) ; une part "
        "est notée « n.d. » quand son effectif de référence est nul.",
        f"Secret statistique : aucune part n'est publiée sur moins de {fmt_int(min_count)} titulaires, et les "
        f"promotions de moins de {fmt_int(min_count)} titulaires sont présentées sans détail.",
        "Les chiffres de contexte sont ceux des sources citées, avec leur précision d'origine (« environ », "
        "« plus de »).",
        "Les nombres suivent l'usage français : virgule décimale, espace fine insécable entre les milliers.",
    ]
    parts: list[object] = [
        Html(f'<dl class="tl-defs">{items}</dl>'),
        Html("<h3>Règles de présentation</h3><ul>" + "".join(f"<li>{esc(r)}</li>" for r in rules) + "</ul>"),
        Html("<h3>Sources</h3>"),
    ]
    if ctx is not None:
        files = ", ".join(f"{s.path.name} (SHA-256 {s.short_hash})" for s in ctx.dataset.sources.values())
        parts.append(_p(f"Données : {files}, dossier « {ctx.dataset.data_dir.name} ». Référentiels : régions "
                        "INSEE 2016 et structure de la certification (data/reference/) ; chiffres publiés "
                        "(data/published/)."))
        if ctx.dataset.is_example:
            parts.append(example_banner_html())
    parts.append(_p(f"Produit avec tlanalysis {_version()}.", "tl-note"))
    return _section(*parts)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("tlanalysis")
    except PackageNotFoundError:
        return "(version inconnue)"


# --- notebook entry points -----------------------------------------------------------------------

def _display(fragment: str) -> None:
    from IPython.display import HTML, display

    display(HTML(fragment))


def employment_charts(ctx: ReportContext) -> list[tuple[object, str]]:
    jobs = ctx.jobs
    return [(charts.contracts_bar(jobs["by_contract"], f"Emplois par type de contrat, {ctx.year}"),
             ctx.chart_id("contracts")),
            (charts.roles_bar(jobs["by_role"], f"Emplois par fonction, {ctx.year}"), ctx.chart_id("roles")),
            (charts.jobs_trend_line(jobs["trend"], f"Emplois recensés par année d'enquête, {ctx.place}"),
             ctx.chart_id("trend"))]


def holders_charts(ctx: ReportContext) -> list[tuple[object, str]]:
    if not ctx.holders_disclosed:
        return []
    result = [(charts.situations_donut(ctx.holder_figures["situation_counts"]), ctx.chart_id("situations"))]
    cohorts = disclosed_cohort_table(ctx)
    if not cohorts.empty:
        result.append((charts.situations_by_cohort_bar(cohorts), ctx.chart_id("cohorts")))
    if ctx.trajectories_disclosed:
        result.append((charts.trajectories_sankey(ctx.holder_figures["trajectory_counts"]),
                       ctx.chart_id("trajectories")))
    return result


def display_title(ctx: ReportContext) -> None:
    _display(title_block_html(ctx))


def display_key_figures(ctx: ReportContext) -> None:
    _display(key_figures_html(ctx))


def display_employment(ctx: ReportContext) -> None:
    _display(employment_intro_html(ctx))
    contracts, roles, trend = employment_charts(ctx)
    charts.show(*contracts, render=ctx.render)
    _display(contracts_table_html(ctx))
    charts.show(*roles, render=ctx.render)
    _display(roles_table_html(ctx))
    charts.show(*trend, render=ctx.render)
    _display(trend_table_html(ctx))
    if ctx.is_national:
        _display(regions_table_html(ctx))


def display_holders(ctx: ReportContext) -> None:
    _display(holders_intro_html(ctx))
    if ctx.holder_figures["n"] and not ctx.holders_disclosed:
        _display(_section(_secret(ctx.holder_figures["n"], ctx.min_count, "Titulaires suivis")))
        return
    for fig, cid in holders_charts(ctx):
        charts.show(fig, cid, render=ctx.render)
        if cid.endswith("-situations"):
            _display(situations_table_html(ctx))
        elif cid.endswith("-cohorts"):
            _display(cohorts_table_html(ctx))
        elif cid.endswith("-trajectories"):
            _display(trajectories_table_html(ctx))


def display_certification(ctx: ReportContext | None = None) -> None:
    _display(certification_html())


def display_context(ctx: ReportContext) -> None:
    _display(context_html(ctx))


def display_methods(ctx: ReportContext) -> None:
    _display(methods_html(ctx))


# --- exploration ---------------------------------------------------------------------------------

def indicator_overview(dataset: Dataset) -> pd.DataFrame:
    """One row per (survey year, territory) with the main indicators, France included: a tidy table to
    explore or plot. Shares are fractions of 1."""
    records = []
    territories = [FRANCE] + [Region(r.code, r.name, r.iso_3166_2) for r in regions().itertuples()
                              if r.code in dataset.region_years()]
    for region in territories:
        years = dataset.years if region.is_national else dataset.region_years()[region.code]
        for year in years:
            f = key_figures(dataset.employment, dataset.holders, year, region)
            records.append({
                "year": year, "region_code": region.code or "", "region": region.name,
                "jobs": f["jobs"]["total"], "jobs_cdi": f["jobs"]["by_contract"]["CDI"],
                "jobs_cdd": f["jobs"]["by_contract"]["CDD"],
                "facilitation_share": f["jobs"]["facilitation_share"],
                "holders": f["holders"]["n"], "cohorts": f["holders"]["cohorts"],
                "holders_facilitation_share": f["holders"]["situation_shares"]["facilitation"],
                "holders_job_seeking_share": f["holders"]["situation_shares"]["recherche_emploi"],
                "trajectory_n": f["holders"]["trajectory_n"],
            })
    return pd.DataFrame.from_records(records)


__all__ = [
    "Html", "ReportContext", "certification_html", "context_html", "employment_tables_html", "esc",
    "holders_tables_html", "indicator_overview", "key_figures_html", "methods_html", "report_css", "table_html",
    "title_block_html", "display_title", "display_key_figures", "display_employment", "display_holders",
    "display_certification", "display_context", "display_methods",
]
