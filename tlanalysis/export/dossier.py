"""The France Compétences table of a certification, for the certifier's file (`certification --dossier`).

A working document, not a publication: the figures are exact (no disclosure control; they go to
France Compétences, not to the public), and every sheet and the document's properties say so. The
labels are those of a certification's published statistics (« Année d'obtention de la
certification », « Nombre de certifiés », ...). Rates are unrounded fractions of 1 with a percent
format (Excel shows « 68,4 % », the cell holds the exact value); « n.d. » when the base is 0.
Written atomically, dated by the data (same data, same bytes), like the report workbook.

Both certification workbooks (this dossier, and the report's tables that `tlanalysis build --formats
xlsx` writes) end with a « Sources » sheet, as the annual report's workbook does and through the same
helper (`workbook.provenance_rows`): the data files with their SHA-256 and date, the definitions of
the figures (France Compétences, Qualiopi), the target jobs used, and the workbook's status — exact
figures not for publication here, k and the disclosure rule for the report's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..compute.certification import blocs
from ..report.brand import HOUSE
from ..report.formatting import MISSING, fmt_date, fmt_int
from ..report.wording import (
    CERTIFICATION,
    CERTIFICATION_CODE,
    CERTIFICATION_HEADINGS,
    CERTIFICATION_YEAR,
    CERTIFIED_COUNT,
    DEFINITIONS_AND_FILES,
    DETAIL,
    EMPLOYED,
    EXAMPLE_NOTE,
    FOLLOW_UPS,
    NEUTRALISED,
    PROMOTIONS_TABLE,
    RESPONDENTS,
    ROUTE_COUNTS,
    SOURCES_SHEET,
    STATISTICAL_SECRET,
    TARGET_JOB,
    TERRITORY,
    certification_title,
    cohort_results_table,
    data_files,
    employed_and_target_jobs,
    in_percent,
    insertion_rate,
    see_section,
    sentence_case,
    situations_text,
    target_jobs_sentence,
    territory_name,
)
from ..schema import EMPLOYED_SITUATIONS, NEUTRALISED_SITUATIONS, NO_ANSWER
from . import write_bytes_atomic
from .workbook import SOURCES_WIDTHS, Sheet, provenance_rows, workbook_bytes

#: Column label -> key of a `certification.promotions` entry, and the cell kind.
FRANCE_COMPETENCES_COLUMNS = (
    (CERTIFICATION_YEAR, "certification_year", "year"),
    (CERTIFIED_COUNT, "certified", "count"),
    (f"{CERTIFIED_COUNT} à la suite d'un parcours VAE", "certified_vae", "count"),
    (in_percent(insertion_rate("6m")), "insertion_global_6m", "share"),
    (in_percent(insertion_rate("6m", target_job=True)), "insertion_target_job_6m", "share"),
    (in_percent(insertion_rate("2y", target_job=True)), "insertion_target_job_2y", "share"),
)

WORKING_DOCUMENT = (
    "Document de travail pour le dossier du certificateur (France Compétences) — ne pas publier : "
    "chiffres exacts, sans secret statistique."
)


def _follow_up_columns(when: str) -> tuple[tuple[str, object, str], ...]:
    """The counts behind the rates of one follow-up (`when`: « 6m », « 2y »)."""
    at = FOLLOW_UPS[when]
    return (
        (f"{RESPONDENTS} {at}", f"respondents_{when}", "count"),
        (f"{NEUTRALISED} {at}", f"neutralised_{when}", "count"),
        (f"{EMPLOYED} {at}", f"employed_{when}", "count"),
        (f"Dans le métier visé {at}", f"target_job_{when}", "count"),
        (in_percent(insertion_rate(when)), f"insertion_global_{when}", "share"),
    )


_DETAIL_COLUMNS = (
    (CERTIFICATION_YEAR, "certification_year", "year"),
    (CERTIFIED_COUNT, "certified", "count"),
    *((header, ("certified_by_route", route), "count") for route, header in ROUTE_COUNTS.items()),
    *_follow_up_columns("6m"),
    *_follow_up_columns("2y"),
    (in_percent(insertion_rate("2y", target_job=True)), "insertion_target_job_2y", "share"),
)


def _get(promotion: dict, key) -> object:
    if isinstance(key, tuple):
        return promotion[key[0]][key[1]]
    return promotion[key]


def _sheet(name: str, columns, promotions: list[dict], notes: list[str]) -> Sheet:
    return Sheet(
        name,
        [label for label, _, _ in columns],
        [kind for _, _, kind in columns],
        [[_get(p, key) for _, key, _ in columns] for p in promotions],
        notes=notes,
    )


def definition_rows(target_jobs, jury: bool) -> list[list[object]]:
    """The definitions of the figures, for a « Sources » sheet: insertion (France Compétences) and, with
    `jury`, success and validation (Qualiopi); the target jobs by their labels and codes."""
    rows: list[list[object]] = [
        [
            "Taux d'insertion (France Compétences)",
            "personnes en emploi (taux global) ou dans le métier visé ÷ (répondants − neutralisés), "
            "à 6 mois et à 2 ans, par année d'obtention de la certification",
            "définitions des statistiques d'une certification publiées par France Compétences",
        ],
        [
            RESPONDENTS,
            "titulaires dont la situation à 6 mois (ou à 2 ans) est connue ; les non-répondants sont exclus",
            f"colonnes situation_6m, situation_2y ; « {NO_ANSWER} » ou vide : pas de réponse",
        ],
        [
            NEUTRALISED,
            f"{situations_text(NEUTRALISED_SITUATIONS)} : retirés de la base",
            ", ".join(NEUTRALISED_SITUATIONS),
        ],
        [EMPLOYED, situations_text(EMPLOYED_SITUATIONS), ", ".join(EMPLOYED_SITUATIONS)],
        [
            TARGET_JOB,
            situations_text(target_jobs),
            f"{', '.join(target_jobs)} (option --target-job, paramètre target_jobs du rapport)",
        ],
    ]
    if jury:
        rows += [
            [
                "Taux de réussite (Qualiopi, indicateur 3)",
                "certifiés (les 3 blocs validés) ÷ présentés (au moins un résultat autre qu'« absent »), par promotion",
                "résultats du jury (table assessments), rattrapages compris",
            ],
            [
                "Validation d'un bloc",
                "présentés ayant acquis toutes les compétences du bloc, à une session ou au rattrapage ÷ présentés",
                f"blocs et compétences : data/reference/certification.csv ({CERTIFICATION_CODE})",
            ],
        ]
    return rows


def _sources(dataset, first: Sequence[Sequence[object]], then: Sequence[Sequence[object]]) -> Sheet:
    rows = provenance_rows(dataset, dataset.data_date, first, then)
    notes = [
        "Chaque chiffre du classeur est calculé à partir des fichiers de données ci-dessus, selon ces définitions."
    ]
    headers = list(SOURCES_SHEET.headers)
    return Sheet(SOURCES_SHEET.sheet, headers, ["text"] * 4, rows, notes=notes, widths=SOURCES_WIDTHS[:4])


def dossier_sources_sheet(figures: dict, dataset) -> Sheet:
    """« Sources » of the dossier: its status (working document, exact figures), the data, the definitions."""
    first = [
        ["Document", f"Statistiques de la certification — {figures['region']}", "tlanalysis certification --dossier"],
        ["Statut", WORKING_DOCUMENT, "la version publiable, sous secret statistique, est le rapport de certification"],
        ["Champ", "toutes les années d'obtention de la certification des données", figures["region"]],
    ]
    return _sources(dataset, first, definition_rows(figures["target_jobs"], jury=False))


def dossier_sheets(figures: dict, dataset) -> list[Sheet]:
    """« France Compétences » (the table as on a fiche), « Détail » (the counts behind the rates), « Sources »."""
    sources = data_files(dataset.sources.values())
    notes = [
        WORKING_DOCUMENT,
        *([EXAMPLE_NOTE] if dataset.is_example else []),
        f"{TERRITORY} : {figures['region']}. Données du {fmt_date(dataset.data_date)} : {sources}.",
        "Taux d'insertion = personnes en emploi (ou dans le métier visé) ÷ (répondants − neutralisés). "
        "Neutralisés : poursuite d'études (alternance comprise), inaptes au travail, en emploi hors du "
        "marché du travail français. Les non-répondants sont exclus.",
        employed_and_target_jobs(figures["target_jobs"]),
        f"{MISSING} : base nulle (aucun répondant non neutralisé). {DEFINITIONS_AND_FILES}",
    ]
    return [
        _sheet("France Compétences", FRANCE_COMPETENCES_COLUMNS, figures["promotions"], notes),
        _sheet(DETAIL, _DETAIL_COLUMNS, figures["promotions"], notes[:2]),
        dossier_sources_sheet(figures, dataset),
    ]


def write_dossier(figures: dict, path: Path, dataset) -> Path:
    """Write the dossier workbook of `certification.certification_figures(...)` to `path`, atomically."""
    data = workbook_bytes(
        dossier_sheets(figures, dataset),
        data_date=dataset.data_date,
        title=f"Document de travail — statistiques de la certification — {figures['region']}",
        subject=f"Certification {CERTIFICATION} ({CERTIFICATION_CODE}) : certifiés et taux d'insertion par année",
        description=WORKING_DOCUMENT,
    )
    return write_bytes_atomic(Path(path), data)


def write_certification_workbook(ctx, path: Path) -> Path:
    """The tables of a certification report (`report.certification.CertificationContext`) as XLSX, as the
    report shows them: protected, masked figures written as their labels (« < 5 », « secret »)."""
    promotions = [
        [
            r["certification_year"],
            r["certified"],
            *(r["certified_by_route"][route] for route in ("formation", "vae", "candidat_libre")),
            r["base_6m"],
            r["insertion_global_6m"],
            r["insertion_target_job_6m"],
            r["base_2y"],
            r["insertion_global_2y"],
            r["insertion_target_job_2y"],
        ]
        for r in ctx.promotions()
    ]
    cohorts = [
        [r["cohort"], r["presented"], r["certified"], r["partial"], r["success_rate"], *r["blocs"].values()]
        for r in ctx.cohorts()
    ]
    k = fmt_int(ctx.min_count)
    note = (
        f"{sentence_case(STATISTICAL_SECRET)} : « < {k} » moins de {k} personnes ; « secret » : masqué "
        "pour qu'aucun chiffre masqué ne puisse être recalculé. Taux : fractions de 1 au format pourcentage."
    )
    notes = [
        note,
        f"{target_jobs_sentence(ctx.target_jobs)} {DEFINITIONS_AND_FILES}",
        *([EXAMPLE_NOTE] if ctx.dataset.is_example else []),
    ]
    results = cohort_results_table(blocs())
    sheets = [
        Sheet(
            PROMOTIONS_TABLE.sheet,
            list(PROMOTIONS_TABLE.headers),
            ["year", *["count"] * 5, "share", "share", "count", "share", "share"],
            promotions,
            notes=notes,
        ),
        Sheet(
            results.sheet,
            list(results.headers),
            ["text", "count", "count", "count", *["share"] * (len(results.headers) - 4)],
            cohorts,
            notes=notes,
        ),
        report_sources_sheet(ctx),
    ]
    data = workbook_bytes(
        sheets,
        data_date=ctx.dataset.data_date,
        title=f"Certification — {ctx.region.name} — {ctx.year}",
        subject=f"Certification {CERTIFICATION} : certifiés, insertion, résultats du jury",
        brand=getattr(ctx, "brand", HOUSE),
    )
    return write_bytes_atomic(Path(path), data)


def report_sources_sheet(ctx) -> Sheet:
    """« Sources » of a certification report's workbook: the report, the data, k and the disclosure
    rule, the definitions (`ctx`: a `report.certification.CertificationContext`)."""
    k = fmt_int(ctx.min_count)
    first = [
        ["Rapport", certification_title(ctx.place, ctx.year), ctx.slug],
        [
            "Champ",
            f"années d'obtention de la certification et promotions antérieures à {ctx.year}",
            territory_name(ctx.region),
        ],
    ]
    rule = [
        sentence_case(STATISTICAL_SECRET),
        f"k = {k} : un nombre de personnes inférieur à {k} est noté « < {k} », un taux dont le numérateur ou "
        "la base est masqué l'est aussi ; d'autres chiffres sont notés « secret » pour qu'aucun chiffre masqué "
        "ne puisse être recalculé à partir des chiffres diffusés (vérifié par un programme linéaire en nombres "
        "entiers)",
        "seuil : option --min-count, paramètre min_count ; "
        + see_section(CERTIFICATION_HEADINGS["methods"], of_report=True),
    ]
    return _sources(ctx.dataset, first, [rule, *definition_rows(ctx.target_jobs, jury=True)])
