"""The input contract, declared once.

Each table our users fill in is a `TableSpec`; its columns say what they
accept. Validation (`validate.py`), the empty templates (`templates.py`) and
the data-format documentation (`docs/data-format.md`) are all generated from
these declarations, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

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
        ColumnSpec(
            "region", "region", True, _REGION_HELP, "Région", ("code region", "code_region", "region code", "reg")
        ),
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
        ColumnSpec("cohort", "text", True, "Cohort (promotion) label.", "Promotion", ("promotion", "promo")),
        ColumnSpec(
            "cohort_year",
            "integer",
            True,
            "Year the cohort started.",
            "Année de promotion",
            ("annee de promotion", "annee promotion", "annee de la promotion", "annee d'entree"),
            minimum=YEAR_RANGE[0],
            maximum=YEAR_RANGE[1],
        ),
        ColumnSpec(
            "region", "region", True, _REGION_HELP, "Région", ("code region", "code_region", "region code", "reg")
        ),
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

TABLES: dict[str, TableSpec] = {t.name: t for t in (EMPLOYMENT, HOLDERS)}

#: Situations that count as employed in the trajectories.
EMPLOYED_SITUATIONS = ("facilitation", "autre_coordination", "autre_emploi")
