"""The French words of every output — report pages, workbooks, charts, the index (and later decks):
one catalogue, so that a thing has one name wherever it is shown, and nothing French is typed twice.

What it holds:

* **category labels** — contracts, roles, statuses at entry, situations, access routes, jury results,
  trajectory groups. The label of an allowed value is declared once, in `tlanalysis.schema`, where it
  is also a spelling the reader accepts and the templates list it; this module reads it from there
  and adds the labels only outputs need (short labels for narrow headers and axes, the trajectory
  groups, the Sankey's outcomes, the key figures' phrases). `CATEGORIES` names every category column
  of the schema and how outputs label it; a test checks it covers every allowed value, so a new
  category cannot ship unlabelled.
* **headings and tables** — the section headings of the notebooks (a test checks the notebooks say
  the same), and each table a page shows and a workbook repeats as a sheet (`Table`: sheet name,
  headers, caption), so that the two cannot name a column differently; the words of the charts' axes.
* **recurring sentences** — the secret statistique notes, the example-data banner and notes, the
  lines naming the data files, the reports' titles, territory phrases (« en Bretagne », « à La
  Réunion », « dans les Hauts-de-France »).

Prose said once (a section's paragraph, a definition) stays beside the section that says it. How a
number or a date is written (« 1 234 », « 54,5 % », « n.d. », « 4 mai 2022 ») is `formatting`'s job:
this module writes numbers through it, never the reverse.

Why Python rather than a data file beside the code (owid/etl's `.meta.yml`): most entries are small
pieces of grammar, not fixed strings — a preposition per region, a plural, the threshold k written
in French, « A, B et C » — that a data file would need a template language for. As Python, every
lookup is checked by mypy (a misspelt name fails `mypy`, not a report), sentences take typed
arguments, and importing the catalogue parses nothing (the no-op build imports it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

from ..protect.masked import is_masked
from ..reference import Region
from ..schema import EMPLOYED_SITUATIONS, TABLES
from .formatting import Figure, fmt_int

# --- territories --------------------------------------------------------------------------------

#: The national territory, as a label.
NATIONAL_NAME = "France entière"

#: The preposition of each region whose name does not take « en » (INSEE codes, 2016 regions).
_PREPOSITION = {"04": "à", "06": "à", "32": "dans les", "44": "dans le"}


def in_territory(region: Region) -> str:
    """The territory in a sentence: « en France », « en Nouvelle-Aquitaine », « à La Réunion »."""
    if region.is_national:
        return "en France"
    return f"{_PREPOSITION.get(region.code, 'en')} {region.name}"


def territory_name(region: Region) -> str:
    """The territory as a label: « France entière » or the region's name."""
    return NATIONAL_NAME if region.is_national else region.name


# --- small grammar --------------------------------------------------------------------------------


def sentence_case(text: str) -> str:
    """A label that starts a line: « emplois en CDI » → « Emplois en CDI »."""
    return text[:1].upper() + text[1:]


def and_list(items: Iterable[str]) -> str:
    """« A », « A et B », « A, B et C »."""
    items = list(items)
    return ", ".join(items[:-1]) + " et " + items[-1] if len(items) > 1 else "".join(items)


def quoted(text: str) -> str:
    """« text »."""
    return f"« {text} »"


# --- category labels ------------------------------------------------------------------------------


def category_labels(table: str, column: str) -> dict[str, str]:
    """Allowed value → its French label, as declared in `tlanalysis.schema` (e.g. « Autre emploi »)."""
    return {c.value: c.label for c in TABLES[table].column(column).categories}


def column_label(table: str, column: str) -> str:
    """A column's French name, as declared in `tlanalysis.schema` (« Contrat », « Situation actuelle »)."""
    return TABLES[table].column(column).label


@dataclass(frozen=True)
class CategoryWording:
    """How outputs name the values of one category column: the schema's labels, and short ones for
    narrow table headers and chart axes where a column has them."""

    table: str
    column: str
    short: Mapping[str, str] | None = None

    @cached_property
    def labels(self) -> dict[str, str]:
        return category_labels(self.table, self.column)

    def label(self, value: str) -> str:
        return self.labels.get(value, value)

    def short_label(self, value: str) -> str:
        return (self.short or self.labels).get(value, value)


#: Short contract labels, for chart axes.
CONTRACT_SHORT = {"CDI": "CDI", "CDD": "CDD", "alternance": "Alternance", "autre": "Autre contrat"}

#: Short situation labels, for narrow table headers (holders per cohort and situation).
SITUATION_SHORT = {
    "facilitation": "Facilitation",
    "autre_coordination": "Autre coordination",
    "autre_emploi": "Autre emploi",
    "recherche_emploi": "Recherche d'emploi",
    "autre": "Autre",
    "inconnu": "Inconnue",
}

#: Short access routes, in the columns of certified holders « dont formation », « dont VAE »…
ROUTE_SHORT = {"formation": "formation", "vae": "VAE", "candidat_libre": "candidats libres"}

#: Every category column of the schema, and how outputs label its values.
CATEGORIES: dict[tuple[str, str], CategoryWording] = {
    (w.table, w.column): w
    for w in (
        CategoryWording("employment", "contract", CONTRACT_SHORT),
        CategoryWording("employment", "role"),
        CategoryWording("holders", "status_at_entry"),
        CategoryWording("holders", "situation", SITUATION_SHORT),
        CategoryWording("holders", "created_business"),
        CategoryWording("holders", "changed_job"),
        CategoryWording("holders", "access_route", ROUTE_SHORT),
        CategoryWording("holders", "situation_6m"),
        CategoryWording("holders", "situation_2y"),
        CategoryWording("assessments", "competency"),
        CategoryWording("assessments", "result"),
    )
}


def contract_label(value: str) -> str:
    """« Contrat à durée indéterminée (CDI) », « Alternance (apprentissage, professionnalisation) »."""
    contracts = CATEGORIES["employment", "contract"]
    label, short = contracts.label(value), contracts.short_label(value)
    return label if short.lower() in label.lower() else f"{label} ({short})"


def role_label(value: str) -> str:
    return CATEGORIES["employment", "role"].label(value)


def situation_label(value: str) -> str:
    return CATEGORIES["holders", "situation"].label(value)


def status_label(value: str) -> str:
    return CATEGORIES["holders", "status_at_entry"].label(value)


def yes_no(value: bool) -> str:
    """« oui », « non »: the schema's labels of a yes/no column."""
    return CATEGORIES["holders", "created_business"].label("yes" if value else "no")


def situations_text(values: Iterable[str]) -> str:
    """Situations in a French sentence, by their labels: « En poste de facilitateur·rice » et « Autre
    emploi », as the follow-up columns name them (`situation_6m`). Says what « le métier visé » of the
    certification follow-up is (its target jobs), or which situations are neutralised."""
    follow_up = CATEGORIES["holders", "situation_6m"]
    return and_list(quoted(follow_up.label(v)) for v in values)


#: Trajectory groups (`tlanalysis.compute.indicators.TRAJECTORIES`), as tables and workbooks name them.
TRAJECTORY_LABELS = {
    "demandeur_emploi_vers_actif": "Demandeur·ses d'emploi à l'entrée, en emploi aujourd'hui",
    "etudiant_vers_actif": "Étudiant·es à l'entrée, en emploi aujourd'hui",
    "actif_vers_createur": "Actif·ves à l'entrée, devenu·es créateur·rices d'entreprise",
    "changement_de_poste": "Actif·ves à l'entrée ayant changé de poste",
}

#: Trajectory groups as the key figures say them, after a share: « 36 % sont passé·es de … ».
TRAJECTORY_CARDS = {
    "demandeur_emploi_vers_actif": "sont passé·es de demandeur·ses d'emploi à actif·ves",
    "etudiant_vers_actif": "sont passé·es d'étudiant·es à actif·ves",
    "actif_vers_createur": "sont passé·es d'actif·ves à créateur·rices d'entreprise",
    "changement_de_poste": "ont changé de poste",
}

#: Holders in a job (`schema.EMPLOYED_SITUATIONS`): a trajectory's outcome, an insertion rate's numerator.
EMPLOYED = "En emploi"

#: Where each trajectory group ends, the right-hand node of the Sankey chart (its left-hand node is
#: the status at entry).
TRAJECTORY_OUTCOMES = {
    "demandeur_emploi_vers_actif": EMPLOYED,
    "etudiant_vers_actif": EMPLOYED,
    "actif_vers_createur": column_label("holders", "created_business"),
    "changement_de_poste": column_label("holders", "changed_job"),
}


def trajectory_label(value: str) -> str:
    return TRAJECTORY_LABELS.get(value, value)


# --- the certification ----------------------------------------------------------------------------

#: The certification's name, as every output quotes it.
CERTIFICATION = "« Piloter un tiers-lieu »"
#: Its code in France Compétences' Répertoire spécifique.
CERTIFICATION_CODE = "RS5142"
#: What the certification reports and the index's list of them are about.
CERTIFICATION_FOLLOW_UP = f"Suivi de la certification {CERTIFICATION}"

#: The follow-up's two dates, as headers and sentences say them (« à 6 mois », « à 2 ans »).
FOLLOW_UPS = {"6m": "à 6 mois", "2y": "à 2 ans"}

TARGET_JOB = "Métier visé"
#: The base of an insertion rate: respondents to the follow-up, less the neutralised ones.
RESPONDENTS = "Répondants"
NEUTRALISED = "Neutralisés"
CERTIFIED_COUNT = "Nombre de certifiés"
#: The certified holders by access route, as columns: « dont formation », « dont VAE »…
ROUTE_COUNTS = {route: f"dont {short}" for route, short in ROUTE_SHORT.items()}
CERTIFICATION_YEARS = "Années de certification"
CERTIFIED = "Certifiés"
PARTIAL = "Validation partielle"


def employed_and_target_jobs(target_jobs: Iterable[str]) -> str:
    """« En emploi : « … », « … » et « … ». Métier visé : « … ». »: what the insertion rates count."""
    return f"{EMPLOYED} : {situations_text(EMPLOYED_SITUATIONS)}. {target_jobs_sentence(target_jobs)}"


def target_jobs_sentence(target_jobs: Iterable[str]) -> str:
    """« Métier visé : « En poste de facilitateur·rice ». »"""
    return f"{TARGET_JOB} : {situations_text(target_jobs)}."


def insertion_rate(when: str, target_job: bool = False) -> str:
    """« Taux d'insertion global à 6 mois », « Taux d'insertion dans le métier visé à 2 ans » (`when`: a
    key of `FOLLOW_UPS`)."""
    scope = "dans le métier visé" if target_job else "global"
    return f"Taux d'insertion {scope} {FOLLOW_UPS[when]}"


def bloc_validated(bloc: str) -> str:
    return f"Bloc {bloc} validé"


# --- headings ---------------------------------------------------------------------------------------

#: The annual report's section headings, by the name of the section (`report.notebook.SECTIONS`), in
#: the notebook's order; the notebook's « ## » cells say the same (a test checks it). « Les
#: régions » is written by its section (national report only).
ANNUAL_HEADINGS = {
    "key_figures": "Chiffres clés",
    "employment": "Emploi",
    "regions": "Les régions",
    "holders": "Titulaires de la certification",
    "certification": f"La certification {CERTIFICATION}",
    "context": "Contexte",
    "methods": "Méthodes et sources",
    "appendix": "Annexe : chiffres calculés et chiffres publiés",
}

#: The certification report's section headings (`report.certification.SECTIONS`), as its notebook says.
CERTIFICATION_HEADINGS = {
    "promotions": "Certifiés et insertion (France Compétences)",
    "cohorts": "Résultats du jury par promotion",
    "competencies": "Compétences",
    "methods": "Méthodes",
}


def see_section(heading: str, *, of_report: bool = False) -> str:
    """« voir « Méthodes et sources » » (« … du rapport » from another document): a pointer to a section."""
    return f"voir {quoted(heading)}" + (" du rapport" if of_report else "")


# --- column names, and the tables a page shows and a workbook repeats ---------------------------------

CONTRACT = column_label("employment", "contract")
ROLE = column_label("employment", "role")
REGION = column_label("employment", "region")
COHORT = column_label("holders", "cohort")
SITUATION = column_label("holders", "situation")
CERTIFICATION_YEAR = column_label("holders", "certification_year")
SURVEY_YEAR = "Année d'enquête"
REGION_CODE = "Code INSEE"
JOBS = "Emplois"
HOLDERS = "Titulaires"
SHARE = "Part"
TOTAL = "Total"
COHORT_START = "Début"
TRAJECTORY = "Parcours"
TERRITORY = "Territoire"
INDICATOR = "Indicateur"
VALUE = "Valeur"
DETAIL = "Détail"
PERIOD = "Période"
SOURCE = "Source"
#: A change: the jobs' trend, since the previous survey (a map, a column of the regions compared).
CHANGE = "Évolution"


@dataclass(frozen=True)
class Table:
    """A table as a page shows it and a workbook repeats it: the sheet's name, the column headers
    (the workbook may add a column, never rename one) and the caption (« Emplois par contrat, 2019 »:
    `title` and a qualifier), which is also the note under the sheet."""

    sheet: str
    headers: tuple[str, ...]
    title: str

    def caption(self, qualifier: object = None) -> str:
        return self.title if qualifier is None else f"{self.title}, {qualifier}"

    def note(self, qualifier: object = None) -> str:
        return self.caption(qualifier) + "."


CONTRACTS_TABLE = Table("Contrats", (CONTRACT, JOBS, SHARE), "Emplois par contrat")
ROLES_TABLE = Table("Fonctions", (ROLE, JOBS, SHARE), "Emplois par fonction")
TREND_TABLE = Table(CHANGE, (SURVEY_YEAR, JOBS), "Emplois recensés par année d'enquête")
REGIONS_TABLE = Table("Régions", (REGION, JOBS, SHARE), "Emplois par région")
SITUATIONS_TABLE = Table("Situations", (SITUATION, HOLDERS, SHARE), "Situation actuelle des titulaires")
COHORTS_TABLE = Table("Promotions", (COHORT, COHORT_START), "Titulaires par promotion et situation actuelle")
TRAJECTORIES_TABLE = Table(
    "Trajectoires", (TRAJECTORY, HOLDERS, SHARE), "Parcours entre l'entrée en formation et aujourd'hui"
)
KEY_FIGURES_SHEET = Table(ANNUAL_HEADINGS["key_figures"], (INDICATOR, VALUE, DETAIL), ANNUAL_HEADINGS["key_figures"])
SOURCES_SHEET = Table("Sources", ("Élément", VALUE, DETAIL), "Sources")


def cohort_headers(situations: Iterable[str]) -> list[str]:
    """Headers of holders per cohort and situation: « Promotion », « Début », a short label per
    situation, « Total »."""
    return [*COHORTS_TABLE.headers, *(SITUATION_SHORT.get(s, s) for s in situations), TOTAL]


def trend_qualifier(year: int) -> str:
    """« jusqu'à 2019 »: the trend's caption runs up to the report's year."""
    return f"jusqu'à {year}"


PROMOTIONS_TABLE = Table(
    CERTIFICATION_YEARS,
    (
        CERTIFICATION_YEAR,
        CERTIFIED_COUNT,
        *ROUTE_COUNTS.values(),
        *(
            header
            for when in FOLLOW_UPS
            for header in (
                f"Base {FOLLOW_UPS[when]}",
                insertion_rate(when),
                insertion_rate(when, target_job=True),
            )
        ),
    ),
    "Certifiés et taux d'insertion par année d'obtention de la certification",
)


def in_percent(header: str) -> str:
    """« Taux d'insertion global à 6 mois (en %) »: a rate as France Compétences' tables head it."""
    return f"{header} (en %)"


def cohort_results_table(blocs: Iterable[str]) -> Table:
    """The jury's results per cohort: one column per bloc of the certification (`compute.certification.blocs`)."""
    headers = (COHORT, "Présentés", CERTIFIED, PARTIAL, "Taux de réussite", *(bloc_validated(b) for b in blocs))
    return Table("Promotions", headers, CERTIFICATION_HEADINGS["cohorts"])


# --- words of the charts ------------------------------------------------------------------------------

AXIS_JOBS = "Nombre d'emplois"
#: The jobs' trend: a chart's title, the change since the first survey year.
JOBS_CHANGE = "Évolution du nombre d'emplois"
#: After a region's share of the national jobs: « (12 % du total national) ».
OF_NATIONAL_TOTAL = " du total national"
#: The title of the maps of jobs per region (national report, index).
JOBS_MAP = "Emplois recensés par région"
AXIS_HOLDERS = "Nombre de titulaires"


def jobs_in_year(count: Figure, year: int) -> str:
    """A region's jobs in a map's hover: « 1 234 emplois en 2019 », or « emplois en 2019 : secret »
    when the count is withheld."""
    return f"emplois en {year} : {count.label}" if is_masked(count) else f"{fmt_int(count)} emplois en {year}"


# --- key figures ---------------------------------------------------------------------------------------


def jobs_counted(year: int) -> str:
    """« emplois recensés en 2019 »."""
    return f"emplois recensés en {year}"


def jobs_with_contract(contract: str) -> str:
    """« emplois en CDI »."""
    return f"emplois en {contract}"


def jobs_out_of(part: str, whole: str) -> str:
    """« 151 emplois sur 269 » (the counts as written)."""
    return f"{part} emplois sur {whole}"


#: The facilitation and coordination jobs: their share among the key figures, and as counted.
FACILITATION_SHARE = "des emplois sont des postes de facilitation ou de coordination du lieu"
FACILITATION_JOBS = "emplois de facilitation ou de coordination du lieu"

#: The number of holders followed, on its card (under « Titulaires de la certification ») and alone.
HOLDERS_FOLLOWED = "titulaires suivis"
CERTIFICATION_HOLDERS_FOLLOWED = "titulaires de la certification suivis"
HOLDERS_WITH_KNOWN_PATH = "titulaires dont le parcours est connu"

#: The holders' situations of the key figures (the seed page's three), after a share.
KEY_SITUATIONS = {
    "facilitation": "aujourd'hui en poste de facilitateur·rice",
    "autre_coordination": "sur un autre poste de chargé·e de projet ou de coordinateur·rice",
    "recherche_emploi": "en recherche d'emploi",
}


def holders_share(phrase: str) -> str:
    """« Part des titulaires en recherche d'emploi »: a key figure's label, as a workbook row names it."""
    return f"Part des titulaires {phrase}"


# --- secret statistique ------------------------------------------------------------------------------

#: What a masked figure is withheld under, said in brackets after it.
STATISTICAL_SECRET = "secret statistique"
#: A masked figure, explained.
NOT_PUBLISHED = "chiffre non diffusé"
#: Under a chart that leaves out masked values.
CHART_NOTE = f"Certaines valeurs sont masquées ({STATISTICAL_SECRET})."
#: The remainder of a published total whose parts are withheld, on charts.
WITHHELD_LABEL = f"Non diffusé ({STATISTICAL_SECRET})"
#: Under the maps.
MAP_LEGEND = f"En gris : non diffusé ({STATISTICAL_SECRET}) ; en blanc : pas de donnée"


# --- accessibility ---------------------------------------------------------------------------------

#: What a chart is, by plotly trace type: the first words of its description for screen readers.
CHART_KINDS = {
    "bar": "Diagramme en barres",
    "pie": "Diagramme en anneau",
    "scatter": "Courbe",
    "sankey": "Diagramme de flux",
    "choropleth": "Carte",
    "heatmap": "Tableau de couleurs",
}
#: The network's own text in a report (its accessible name; the text brings its own headings).
NETWORK_TEXT = "Le mot du réseau"
#: The network a report is published by (its brand's name), as a row label.
NETWORK = "Réseau"
#: The network's logo, when no name is written beside it.
LOGO = "Logo du réseau"
#: The network's foreword on the index.
FOREWORD = "Avant-propos"
#: A chart of a kind not listed above, or a chart without a title.
CHART = "Graphique"
#: The name of a table that scrolls on its own (keyboard users focus it to scroll), when it has no caption.
SCROLLABLE_TABLE = "Tableau à défilement horizontal"


def heatmap_range(rows: int, columns: int, low: str, high: str) -> str:
    """« 18 lignes × 6 colonnes, de 71 % à 100 % »: a table of colours in a few words."""
    return f"{fmt_int(rows)} lignes × {fmt_int(columns)} colonnes, de {low} à {high}"


def chart_description(kind: str, items: list[str], more: bool) -> str:
    """« Diagramme en barres : CDI : 195 emplois (72,5 %) ; CDD : 74 emplois. Valeurs détaillées dans le
    tableau. »: a chart said in one sentence, from the values it draws (`more`: some were left out; how
    many is not said, a number no table shows)."""
    listed = " ; ".join(items) + (" ; etc" if more else "")
    return f"{kind} : {listed}. Valeurs détaillées dans le tableau." if items else f"{kind}."


def small_count_key(min_count: int, unit: str) -> str:
    """« « < 5 » : moins de 5 titulaires »: what a small count's label means."""
    k = fmt_int(min_count)
    return f"« < {k} » : moins de {k} {unit}"


#: What « secret » means.
SECRET_KEY = f"« secret » : {NOT_PUBLISHED}"


def masked_labels_key(min_count: int) -> str:
    """« « secret », « < 5 » : chiffre non diffusé »: both labels at once."""
    return f"« secret », « < {fmt_int(min_count)} » : {NOT_PUBLISHED}"


# --- example data, data files, provenance ----------------------------------------------------------------

#: Said on every output built from the bundled example data.
EXAMPLE_DATA = "Données d'exemple fictives"
#: The bundled example data folder.
EXAMPLE_FOLDER = "données d'exemple livrées avec tlanalysis"
_NOBODY_REAL = "aucun tiers-lieu ni aucune personne réelle n'y figure"
_NOT_TO_BE_QUOTED = "ne doivent pas être cités"
#: The banner of a report page.
EXAMPLE_BANNER = (
    f"Ce rapport est construit sur les {EXAMPLE_FOLDER} : {_NOBODY_REAL}. Ces chiffres servent à montrer le "
    f"rapport ; ils {_NOT_TO_BE_QUOTED}."
)
#: The note of every sheet of a workbook.
EXAMPLE_NOTE = (
    f"{EXAMPLE_DATA} : ce classeur est construit sur les {EXAMPLE_FOLDER} ; {_NOBODY_REAL}. "
    f"Ces chiffres {_NOT_TO_BE_QUOTED}."
)
#: The note of the index of a build.
EXAMPLE_INDEX = f"{EXAMPLE_DATA} : ces rapports illustrent l'outil, ils ne décrivent aucun tiers-lieu réel."

DATA_FOLDER = "Dossier de données"
DATA_DATE = "Date des données"
DATA_FILES = "Fichiers"
PRODUCED_WITH = "Produit avec"
#: The last note of a certification workbook's sheets.
DEFINITIONS_AND_FILES = "Définitions et fichiers : feuille « Sources »."


class _Source(Protocol):
    @property
    def short_hash(self) -> str: ...

    @property
    def path(self): ...


def data_file(source: _Source) -> str:
    """« employment.csv (empreinte SHA-256 1a2b3c4d5e6f) »: a data file and the start of its hash."""
    return f"{source.path.name} (empreinte SHA-256 {source.short_hash})"


def data_files(sources: Iterable[_Source]) -> str:
    """Every data file of a dataset, with its hash, on one line."""
    return "; ".join(data_file(s) for s in sources)


def data_folder(name: str, is_example: bool) -> str:
    """« sample (données d'exemple livrées avec tlanalysis) », or the folder's name."""
    return f"{name} ({EXAMPLE_FOLDER})" if is_example else name


def computed_from(source: _Source | None, table: str) -> str:
    """« Calculé à partir de employment.csv (empreinte SHA-256 1a2b3c4d5e6f) »: where a figure comes from."""
    return f"Calculé à partir de {data_file(source)}" if source is not None else f"Calculé à partir de la table {table}"


#: Above the annual report's title (its kind).
ANNUAL_KICKER = "Rapport annuel des tiers-lieux"
#: The deck's last slide: where the rest is.
SOURCES_AND_METHODS = "Sources et méthodes"
FULL_REPORT = (
    "Méthodes, définitions et tableaux complets : le rapport (page HTML ou PDF) dont ces diapositives sont tirées."
)


def annual_title(place: str, year: int) -> str:
    """The annual report's title: « Emploi et certification en Nouvelle-Aquitaine — 2019 »."""
    return f"Emploi et certification {place} — {year}"


def certification_title(place: str, year: int) -> str:
    """The certification report's title: « Certification et insertion à La Réunion — 2023 »."""
    return f"Certification et insertion {place} — {year}"


__all__ = [
    "ANNUAL_HEADINGS",
    "ANNUAL_KICKER",
    "AXIS_HOLDERS",
    "AXIS_JOBS",
    "CATEGORIES",
    "CERTIFICATION",
    "CERTIFICATION_CODE",
    "CERTIFICATION_FOLLOW_UP",
    "CERTIFICATION_HEADINGS",
    "CERTIFICATION_HOLDERS_FOLLOWED",
    "CERTIFICATION_YEAR",
    "CERTIFICATION_YEARS",
    "CERTIFIED",
    "CERTIFIED_COUNT",
    "CHANGE",
    "CHART",
    "CHART_KINDS",
    "CHART_NOTE",
    "COHORT",
    "COHORTS_TABLE",
    "COHORT_START",
    "CONTRACT",
    "CONTRACTS_TABLE",
    "CONTRACT_SHORT",
    "DATA_DATE",
    "DATA_FILES",
    "DATA_FOLDER",
    "DEFINITIONS_AND_FILES",
    "DETAIL",
    "EMPLOYED",
    "EXAMPLE_BANNER",
    "EXAMPLE_DATA",
    "EXAMPLE_FOLDER",
    "EXAMPLE_INDEX",
    "EXAMPLE_NOTE",
    "FACILITATION_JOBS",
    "FACILITATION_SHARE",
    "FOLLOW_UPS",
    "FOREWORD",
    "FULL_REPORT",
    "HOLDERS",
    "HOLDERS_FOLLOWED",
    "HOLDERS_WITH_KNOWN_PATH",
    "INDICATOR",
    "JOBS",
    "JOBS_CHANGE",
    "JOBS_MAP",
    "KEY_FIGURES_SHEET",
    "KEY_SITUATIONS",
    "LOGO",
    "MAP_LEGEND",
    "NATIONAL_NAME",
    "NETWORK",
    "NETWORK_TEXT",
    "NEUTRALISED",
    "NOT_PUBLISHED",
    "OF_NATIONAL_TOTAL",
    "PARTIAL",
    "PERIOD",
    "PRODUCED_WITH",
    "PROMOTIONS_TABLE",
    "REGION",
    "REGIONS_TABLE",
    "REGION_CODE",
    "RESPONDENTS",
    "ROLE",
    "ROLES_TABLE",
    "ROUTE_COUNTS",
    "ROUTE_SHORT",
    "SCROLLABLE_TABLE",
    "SECRET_KEY",
    "SHARE",
    "SITUATION",
    "SITUATIONS_TABLE",
    "SITUATION_SHORT",
    "SOURCE",
    "SOURCES_AND_METHODS",
    "SOURCES_SHEET",
    "STATISTICAL_SECRET",
    "SURVEY_YEAR",
    "TARGET_JOB",
    "TERRITORY",
    "TOTAL",
    "TRAJECTORIES_TABLE",
    "TRAJECTORY",
    "TRAJECTORY_CARDS",
    "TRAJECTORY_LABELS",
    "TRAJECTORY_OUTCOMES",
    "TREND_TABLE",
    "VALUE",
    "WITHHELD_LABEL",
    "CategoryWording",
    "Table",
    "and_list",
    "annual_title",
    "bloc_validated",
    "category_labels",
    "certification_title",
    "chart_description",
    "cohort_headers",
    "cohort_results_table",
    "column_label",
    "computed_from",
    "contract_label",
    "data_file",
    "data_files",
    "data_folder",
    "employed_and_target_jobs",
    "heatmap_range",
    "holders_share",
    "in_percent",
    "in_territory",
    "insertion_rate",
    "jobs_counted",
    "jobs_in_year",
    "jobs_out_of",
    "jobs_with_contract",
    "masked_labels_key",
    "quoted",
    "role_label",
    "see_section",
    "sentence_case",
    "situation_label",
    "situations_text",
    "small_count_key",
    "status_label",
    "target_jobs_sentence",
    "territory_name",
    "trajectory_label",
    "trend_qualifier",
    "yes_no",
]
