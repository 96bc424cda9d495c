"""The input contract, declared once.

Each table our users fill in is a `TableSpec`; its columns say what they
accept. Validation (`validate.py`), the empty templates (`templates.py`) and
the data-format documentation (`docs/data-format.md`) are all generated from
these declarations, so they cannot drift apart.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from functools import cached_property

from .config import REFERENCE_DIR
from .textmatch import match_key


@dataclass(frozen=True)
class Category:
    """One allowed value, with its French label and the spellings analysts use for it."""

    value: str
    label: str
    aliases: tuple[str, ...] = ()
    #: Word stems that identify free-text job titles ("coordinat" in « coordinatrice du lieu »).
    stems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: str  # "integer", "count", "text", "region", "category", "boolean"
    required: bool
    description: str
    label: str
    header_aliases: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    unique: bool = False
    minimum: int | None = None
    maximum: int | None = None
    #: Category value used for an empty cell or an absent optional column (None: a value is needed).
    default: str | None = None

    @property
    def nullable(self) -> bool:
        """An empty cell is allowed and stays empty (optional text and optional whole numbers)."""
        return not self.required and self.kind in ("text", "integer")

    @property
    def allowed_values(self) -> list[str]:
        return [c.value for c in self.categories]

    @property
    def expected(self) -> str:
        """What a valid value looks like, in the words of an error message."""
        if self.kind == "category":
            return "one of " + ", ".join(self.allowed_values)
        if self.kind == "region":
            return 'a region name or a two-character INSEE region code (e.g. "75" or "04")'
        if self.kind == "boolean":
            return "yes or no (oui/non, true/false, 1/0)"
        if self.kind in ("integer", "count"):
            bounds = []
            if self.minimum is not None:
                bounds.append(f"≥ {self.minimum}")
            if self.maximum is not None:
                bounds.append(f"≤ {self.maximum}")
            return "a whole number" + (" " + " and ".join(bounds) if bounds else "")
        return "a non-empty text" + (", unique in the file" if self.unique else "")

    @cached_property
    def category_lookup(self) -> dict[str, str]:
        """Folded spelling -> canonical value, for exact matches."""
        table: dict[str, str] = {}
        for cat in self.categories:
            for spelling in (cat.value, cat.label, *cat.aliases):
                table.setdefault(match_key(spelling), cat.value)
        return table

    def canonical(self, raw: str) -> str | None:
        """The allowed value a spreadsheet entry stands for, or None if it matches none."""
        key = match_key(raw)
        if key in self.category_lookup:
            return self.category_lookup[key]
        for cat in self.categories:
            if any(stem in key for stem in cat.stems):
                return cat.value
        return None


@dataclass(frozen=True)
class TableSpec:
    name: str
    label: str
    description: str
    columns: tuple[ColumnSpec, ...] = field(default_factory=tuple)
    #: An optional table: a data folder without its file is valid (the features it feeds are off).
    optional: bool = False

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Folded header spelling -> column name (French headers are welcome)."""
        table: dict[str, str] = {}
        for col in self.columns:
            for spelling in (col.name, col.label, *col.header_aliases):
                table.setdefault(match_key(spelling), col.name)
        return table


YEAR_RANGE = (1990, 2100)

_REGION_HELP = (
    "Region name or two-character INSEE region code (2016 regions), "
    'matched without regard to case, accents, hyphens or apostrophes; "04" is La Réunion'
)

#: Columns that more than one table has, declared once.
_REGION = ColumnSpec(
    "region", "region", True, _REGION_HELP, "Région", ("code region", "code_region", "region code", "reg")
)
_COHORT = ColumnSpec("cohort", "text", True, "Cohort (promotion) label.", "Promotion", ("promotion", "promo"))
_COHORT_YEAR = ColumnSpec(
    "cohort_year",
    "integer",
    True,
    "Year the cohort started.",
    "Année de promotion",
    ("annee de promotion", "annee promotion", "annee de la promotion", "annee d'entree"),
    minimum=YEAR_RANGE[0],
    maximum=YEAR_RANGE[1],
)

EMPLOYMENT = TableSpec(
    name="employment",
    label="Emplois",
    description=(
        "One row per job position held in a tiers-lieu in the survey year, "
        "or one row per group of identical positions with `count`."
    ),
    columns=(
        ColumnSpec(
            "year",
            "integer",
            True,
            "Survey year.",
            "Année",
            ("annee", "annee d'enquete", "annee de l'enquete", "survey year"),
            minimum=YEAR_RANGE[0],
            maximum=YEAR_RANGE[1],
        ),
        _REGION,
        ColumnSpec(
            "tiers_lieu",
            "text",
            False,
            "Identifier or name of the place (optional).",
            "Tiers-lieu",
            ("tiers lieu", "lieu", "structure", "place", "nom du tiers-lieu"),
        ),
        ColumnSpec(
            "contract",
            "category",
            True,
            "Employment contract.",
            "Contrat",
            ("type de contrat", "contrat de travail", "contract type"),
            categories=(
                Category(
                    "CDI",
                    "Contrat à durée indéterminée",
                    ("contrat a duree indeterminee", "duree indeterminee", "permanent"),
                ),
                Category(
                    "CDD",
                    "Contrat à durée déterminée",
                    ("contrat a duree determinee", "duree determinee", "fixed term", "cdd d'usage"),
                ),
                Category(
                    "alternance",
                    "Alternance (apprentissage, professionnalisation)",
                    (
                        "alternant",
                        "alternante",
                        "apprentissage",
                        "apprenti",
                        "apprentie",
                        "contrat d'apprentissage",
                        "contrat de professionnalisation",
                        "professionnalisation",
                        "contrat pro",
                        "work-study",
                    ),
                ),
                Category(
                    "autre",
                    "Autre contrat (contrat aidé, service civique, intérim…)",
                    (
                        "other",
                        "service civique",
                        "contrat aide",
                        "cui",
                        "pec",
                        "parcours emploi competences",
                        "interim",
                        "adulte relais",
                    ),
                ),
            ),
        ),
        ColumnSpec(
            "role",
            "category",
            True,
            "Function of the position; common French job titles are mapped onto these.",
            "Fonction",
            ("poste", "intitule de poste", "intitule du poste", "metier", "job title", "function"),
            categories=(
                Category(
                    "facilitation",
                    "Facilitation, coordination du lieu",
                    (
                        "facilitateur",
                        "facilitatrice",
                        "coordination",
                        "coordinateur",
                        "coordinatrice",
                        "pilotage",
                        "concierge",
                        "responsable de tiers-lieu",
                        "responsable du tiers-lieu",
                        "gestionnaire de tiers-lieu",
                        "manager de tiers-lieu",
                        "directeur",
                        "directrice",
                        "direction",
                    ),
                    stems=("facilitat", "coordinat", "concierg"),
                ),
                Category(
                    "animation",
                    "Animation, médiation",
                    (
                        "animateur",
                        "animatrice",
                        "mediation",
                        "mediateur",
                        "mediatrice",
                        "mediateur numerique",
                        "conseiller numerique",
                        "conseillere numerique",
                        "community manager",
                        "charge d'animation",
                    ),
                    stems=("animat", "mediat"),
                ),
                Category(
                    "administration",
                    "Administration, gestion",
                    (
                        "administratif",
                        "administrative",
                        "gestion",
                        "comptable",
                        "comptabilite",
                        "secretaire",
                        "secretariat",
                        "assistant administratif",
                        "assistante administrative",
                        "charge d'accueil",
                        "accueil",
                    ),
                    stems=("administrat", "comptab", "secretar"),
                ),
                Category(
                    "technique",
                    "Technique (fabmanager, régie…)",
                    (
                        "technicien",
                        "technicienne",
                        "fabmanager",
                        "fab manager",
                        "regisseur",
                        "regisseuse",
                        "regie",
                        "maintenance",
                        "developpeur",
                        "developpeuse",
                    ),
                    stems=("techni", "fabmanag", "regisseu"),
                ),
                Category("autre", "Autre fonction", ("other", "communication", "restauration", "entretien")),
                #: Jobs a survey counts without saying their function ("wide" layout: jobs minus the
                #: "of which" role counts); « non précisée » in reports.
                Category(
                    "non_precise",
                    "Fonction non précisée",
                    ("non precisee", "non precise", "non renseignee", "non renseigne", "not specified", "unspecified"),
                ),
            ),
        ),
        ColumnSpec(
            "count",
            "count",
            False,
            "Number of identical positions on this row (default 1).",
            "Nombre",
            ("nombre", "nb", "effectif", "effectifs", "nombre de postes", "n"),
            minimum=0,
        ),
    ),
)

_YES_NO = (
    Category("yes", "oui", ("oui", "o", "y", "true", "vrai", "1", "x")),
    Category("no", "non", ("non", "n", "false", "faux", "0")),
)

HOLDERS = TableSpec(
    name="holders",
    label="Titulaires",
    description="One row per certification holder (titulaire), as at the latest follow-up.",
    columns=(
        ColumnSpec(
            "holder_id",
            "text",
            True,
            "Pseudonymous identifier of the holder, unique in the file.",
            "Identifiant",
            ("id", "identifiant", "identifiant titulaire", "code titulaire"),
            unique=True,
        ),
        _COHORT,
        _COHORT_YEAR,
        _REGION,
        ColumnSpec(
            "status_at_entry",
            "category",
            True,
            "Status when entering the training.",
            "Statut à l'entrée",
            ("statut a l'entree", "statut entree", "statut a l'entree en formation", "statut"),
            categories=(
                Category(
                    "demandeur_emploi",
                    "Demandeur·se d'emploi",
                    (
                        "demandeur d'emploi",
                        "demandeuse d'emploi",
                        "de",
                        "defm",
                        "chomeur",
                        "chomeuse",
                        "sans emploi",
                        "en recherche d'emploi",
                        "recherche d'emploi",
                        "job seeker",
                        "unemployed",
                    ),
                ),
                Category("etudiant", "Étudiant·e", ("etudiante", "student", "en etudes", "en formation initiale")),
                Category(
                    "actif",
                    "Actif·ve (en emploi)",
                    (
                        "active",
                        "actif ve",
                        "en emploi",
                        "salarie",
                        "salariee",
                        "employed",
                        "independant",
                        "independante",
                        "en activite",
                        "en poste",
                    ),
                ),
            ),
        ),
        ColumnSpec(
            "situation",
            "category",
            True,
            "Situation at the latest follow-up.",
            "Situation actuelle",
            ("situation actuelle", "situation aujourd'hui", "situation au suivi", "current situation"),
            categories=(
                Category(
                    "facilitation",
                    "En poste de facilitateur·rice",
                    (
                        "facilitateur",
                        "facilitatrice",
                        "poste de facilitateur",
                        "en exercice sur un poste de facilitateur",
                        "coordinateur de tiers-lieu",
                        "coordinatrice de tiers-lieu",
                    ),
                ),
                Category(
                    "autre_coordination",
                    "Autre poste de chargé·e de projet / coordinateur·rice",
                    (
                        "autre coordination",
                        "charge de projet",
                        "chargee de projet",
                        "coordinateur autre poste",
                        "coordination autre",
                        "autre poste de charge de projet coordinateur",
                    ),
                ),
                Category("autre_emploi", "Autre emploi", ("autre poste", "en emploi autre", "emploi autre")),
                Category(
                    "recherche_emploi",
                    "En recherche d'emploi",
                    (
                        "recherche d'emploi",
                        "en recherche d'emploi",
                        "demandeur d'emploi",
                        "demandeuse d'emploi",
                        "sans emploi",
                        "job seeking",
                    ),
                ),
                Category("autre", "Autre situation", ("other", "formation", "en formation")),
                Category(
                    "inconnu", "Situation inconnue", ("inconnue", "nsp", "ne sait pas", "non renseigne", "unknown", "?")
                ),
            ),
        ),
        ColumnSpec(
            "created_business",
            "boolean",
            False,
            "Has created a business since entry (default no).",
            "Création d'entreprise",
            ("creation d'entreprise", "createur", "creation entreprise"),
            categories=_YES_NO,
        ),
        ColumnSpec(
            "changed_job",
            "boolean",
            False,
            "Has changed job since entry (default no).",
            "Changement de poste",
            ("changement de poste", "a change de poste"),
            categories=_YES_NO,
        ),
    ),
)

# --- certification follow-up (France Compétences, Qualiopi): optional holders columns -------------

#: Situations that France Compétences takes out of the base of an insertion rate (« neutralisés »).
NEUTRALISED_SITUATIONS = ("poursuite_etudes", "inapte", "hors_marche_francais")
#: A follow-up without an answer: the holder is not a respondent.
NO_ANSWER = "inconnu"

_FOLLOW_UP_CATEGORIES = (
    # « en formation » means continuing studies here, not an "other situation"
    *(
        Category("autre", "Autre situation", ("other",)) if c.value == "autre" else c
        for c in HOLDERS.column("situation").categories
    ),
    Category(
        "poursuite_etudes",
        "Poursuite d'études (alternance comprise)",
        (
            "poursuite d'etudes",
            "etudes",
            "en etudes",
            "formation",
            "en formation",
            "reprise d'etudes",
            "alternance",
            "en alternance",
            "apprentissage",
            "contrat de professionnalisation",
            "continuing studies",
        ),
    ),
    Category("inapte", "Inapte au travail", ("inapte au travail", "inaptitude", "unable to work")),
    Category(
        "hors_marche_francais",
        "En emploi hors du marché du travail français",
        ("hors marche francais", "hors marche du travail francais", "a l'etranger", "etranger", "abroad"),
    ),
)


def _follow_up(name: str, when: str, label: str, aliases: tuple[str, ...]) -> ColumnSpec:
    return ColumnSpec(
        name,
        "category",
        False,
        f"Situation {when} after the certification was obtained (France Compétences insertion survey); "
        f"empty or `{NO_ANSWER}` = no answer.",
        label,
        aliases,
        categories=_FOLLOW_UP_CATEGORIES,
        default=NO_ANSWER,
    )


# Appended to the holders table: files without them stay valid (a certification year left empty
# means not certified, or not known; the follow-ups default to « no answer »).
HOLDERS = replace(
    HOLDERS,
    columns=(
        *HOLDERS.columns,
        ColumnSpec(
            "certification_year",
            "integer",
            False,
            "Year the certification was obtained (empty: not certified or not known).",
            "Année d'obtention de la certification",
            ("annee d'obtention", "annee de certification", "annee d'obtention de la certification", "certifie en"),
            minimum=YEAR_RANGE[0],
            maximum=YEAR_RANGE[1],
        ),
        ColumnSpec(
            "access_route",
            "category",
            False,
            "How the certification was obtained (default `formation`).",
            "Voie d'accès",
            ("voie d'acces", "voie d'acces a la certification", "modalite d'acces", "parcours"),
            categories=(
                Category("formation", "À l'issue d'une formation", ("parcours de formation", "training")),
                Category(
                    "vae",
                    "Validation des acquis de l'expérience (VAE)",
                    ("validation des acquis de l'experience", "parcours vae"),
                ),
                Category("candidat_libre", "Candidat·e libre", ("candidat libre", "candidate libre", "libre")),
            ),
            default="formation",
        ),
        _follow_up(
            "situation_6m",
            "6 months",
            "Situation à 6 mois",
            ("situation a 6 mois", "situation 6 mois", "situation six mois", "insertion a 6 mois"),
        ),
        _follow_up(
            "situation_2y",
            "2 years",
            "Situation à 2 ans",
            ("situation a 2 ans", "situation 2 ans", "situation deux ans", "insertion a 2 ans"),
        ),
    ),
)


# --- certification assessments (optional table) --------------------------------------------------


def _competency_categories() -> tuple[Category, ...]:
    """The 18 competencies of data/reference/certification.csv, by code (« 1.1 », also « C1.1 »)."""
    with open(REFERENCE_DIR / "certification.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Category(r["competency_code"], r["competency_title"], (f"C{r['competency_code']}", f"C {r['competency_code']}"))
        for r in rows
    )


ASSESSMENTS = TableSpec(
    name="assessments",
    label="Évaluations",
    description=(
        "Optional. One row per candidate, competency and assessment session: the certification jury's "
        "result. A resit is another row for the same competency (with its `session_year`)."
    ),
    optional=True,
    columns=(
        ColumnSpec(
            "candidate_id",
            "text",
            True,
            "Pseudonymous identifier of the candidate (the holder's `holder_id` once certified).",
            "Identifiant",
            ("id", "identifiant", "identifiant candidat", "code candidat", "candidat", "holder_id"),
        ),
        _COHORT,
        _COHORT_YEAR,
        _REGION,
        ColumnSpec(
            "competency",
            "category",
            True,
            "Competency code of the certification's reference framework (data/reference/certification.csv).",
            "Compétence",
            ("competence", "code competence", "code de la competence", "competency code"),
            categories=_competency_categories(),
        ),
        ColumnSpec(
            "result",
            "category",
            True,
            "The jury's result for this competency.",
            "Résultat",
            ("resultat", "decision", "decision du jury", "evaluation"),
            categories=(
                Category("acquis", "Acquis", ("acquise", "valide", "validee", "oui", "passed")),
                Category("non_acquis", "Non acquis", ("non acquise", "non valide", "non validee", "non", "failed")),
                Category("absent", "Absent·e", ("absente", "abs", "non presente", "non presente")),
            ),
        ),
        ColumnSpec(
            "session_year",
            "integer",
            False,
            "Year of the assessment session (optional; resits are later sessions).",
            "Année de session",
            ("annee de session", "session", "annee d'evaluation", "annee du jury"),
            minimum=YEAR_RANGE[0],
            maximum=YEAR_RANGE[1],
        ),
    ),
)

TABLES: dict[str, TableSpec] = {t.name: t for t in (EMPLOYMENT, HOLDERS, ASSESSMENTS)}

#: Situations that count as employed in the trajectories.
EMPLOYED_SITUATIONS = ("facilitation", "autre_coordination", "autre_emploi")
