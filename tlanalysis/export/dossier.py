"""The France Compétences table of a certification, for the certifier's file (`certification --dossier`).

A working document, not a publication: the figures are exact (no disclosure control; they go to
France Compétences, not to the public), and every sheet and the document's properties say so. The
labels are those of a certification's published statistics (« Année d'obtention de la
certification », « Nombre de certifiés », ...). Rates are unrounded fractions of 1 with a percent
format (Excel shows « 68,4 % », the cell holds the exact value); « n.d. » when the base is 0.
Written atomically, dated by the data (same data, same bytes), like the report workbook.
"""

from __future__ import annotations

from pathlib import Path

from ..formatting import fmt_date
from . import write_bytes_atomic
from .workbook import EXAMPLE_NOTE, Sheet, workbook_bytes

#: Column label -> key of a `certification.promotions` entry, and the cell kind.
FRANCE_COMPETENCES_COLUMNS = (
    ("Année d'obtention de la certification", "certification_year", "year"),
    ("Nombre de certifiés", "certified", "count"),
    ("Nombre de certifiés à la suite d'un parcours VAE", "certified_vae", "count"),
    ("Taux d'insertion global à 6 mois (en %)", "insertion_global_6m", "share"),
    ("Taux d'insertion dans le métier visé à 6 mois (en %)", "insertion_target_job_6m", "share"),
    ("Taux d'insertion dans le métier visé à 2 ans (en %)", "insertion_target_job_2y", "share"),
)

WORKING_DOCUMENT = (
    "Document de travail pour le dossier du certificateur (France Compétences) — ne pas publier : "
    "chiffres exacts, sans secret statistique."
)

_DETAIL_COLUMNS = (
    ("Année d'obtention de la certification", "certification_year", "year"),
    ("Nombre de certifiés", "certified", "count"),
    ("dont formation", ("certified_by_route", "formation"), "count"),
    ("dont VAE", ("certified_by_route", "vae"), "count"),
    ("dont candidats libres", ("certified_by_route", "candidat_libre"), "count"),
    ("Répondants à 6 mois", "respondents_6m", "count"),
    ("Neutralisés à 6 mois", "neutralised_6m", "count"),
    ("En emploi à 6 mois", "employed_6m", "count"),
    ("Dans le métier visé à 6 mois", "target_job_6m", "count"),
    ("Taux d'insertion global à 6 mois (en %)", "insertion_global_6m", "share"),
    ("Répondants à 2 ans", "respondents_2y", "count"),
    ("Neutralisés à 2 ans", "neutralised_2y", "count"),
    ("En emploi à 2 ans", "employed_2y", "count"),
    ("Dans le métier visé à 2 ans", "target_job_2y", "count"),
    ("Taux d'insertion global à 2 ans (en %)", "insertion_global_2y", "share"),
    ("Taux d'insertion dans le métier visé à 2 ans (en %)", "insertion_target_job_2y", "share"),
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


def dossier_sheets(figures: dict, dataset) -> list[Sheet]:
    """« France Compétences » (the table as on a fiche) and « Détail » (the counts behind the rates)."""
    jobs = ", ".join(figures["target_jobs"])
    sources = "; ".join(f"{src.path.name} (SHA-256 {src.short_hash})" for src in dataset.sources.values())
    notes = [
        WORKING_DOCUMENT,
        *([EXAMPLE_NOTE] if dataset.is_example else []),
        f"Territoire : {figures['region']}. Données du {fmt_date(dataset.data_date)} : {sources}.",
        "Taux d'insertion = personnes en emploi (ou dans le métier visé) ÷ (répondants − neutralisés). "
        "Neutralisés : poursuite d'études (alternance comprise), inaptes au travail, en emploi hors du "
        "marché du travail français. Les non-répondants sont exclus.",
        f"En emploi : poste de facilitation, autre poste de coordination ou autre emploi. Métier visé : {jobs}.",
        "n.d. : base nulle (aucun répondant non neutralisé).",
    ]
    return [
        _sheet("France Compétences", FRANCE_COMPETENCES_COLUMNS, figures["promotions"], notes),
        _sheet("Détail", _DETAIL_COLUMNS, figures["promotions"], notes[:2]),
    ]


def write_dossier(figures: dict, path: Path, dataset) -> Path:
    """Write the dossier workbook of `certification.certification_figures(...)` to `path`, atomically."""
    data = workbook_bytes(
        dossier_sheets(figures, dataset),
        data_date=dataset.data_date,
        title=f"Document de travail — statistiques de la certification — {figures['region']}",
        subject="Certification « Piloter un tiers-lieu » (RS5142) : certifiés et taux d'insertion par année",
        description=WORKING_DOCUMENT,
    )
    return write_bytes_atomic(Path(path), data)


def write_certification_workbook(ctx, path: Path) -> Path:
    """The tables of a certification report (`report.certification.CertificationContext`) as XLSX, as the
    report shows them: protected, masked figures written as their labels (« < 5 », « secret »)."""
    from ..report.certification import COHORT_HEADERS, PROMOTION_HEADERS

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
    note = (
        f"Secret statistique : « < {ctx.min_count} » moins de {ctx.min_count} personnes ; « secret » : masqué "
        "pour qu'aucun chiffre masqué ne puisse être recalculé. Taux : fractions de 1 au format pourcentage."
    )
    notes = [note, *([EXAMPLE_NOTE] if ctx.dataset.is_example else [])]
    sheets = [
        Sheet(
            "Années de certification",
            PROMOTION_HEADERS,
            ["year", *["count"] * 5, "share", "share", "count", "share", "share"],
            promotions,
            notes=notes,
        ),
        Sheet("Promotions", COHORT_HEADERS, ["text", "count", "count", "count", *["share"] * 4], cohorts, notes=notes),
    ]
    data = workbook_bytes(
        sheets,
        data_date=ctx.dataset.data_date,
        title=f"Certification — {ctx.region.name} — {ctx.year}",
        subject="Certification « Piloter un tiers-lieu » : certifiés, insertion, résultats du jury",
    )
    return write_bytes_atomic(Path(path), data)
