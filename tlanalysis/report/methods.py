"""The reference sections: the certification's structure, and « Méthodes et sources » (definitions,
disclosure rules as in docs/disclosure.md, presentation rules, sources)."""

from __future__ import annotations

from ..protect.annual import MAX_PLACE_SHARE, MIN_PLACES
from ..provenance import VERSION
from ..reference import certification
from .context import ReportContext
from .formatting import fmt_int, fmt_pct
from .headline import example_banner_html
from .html import Html, bullets, esc, h3, p, section
from .wording import CERTIFICATION, CERTIFICATION_CODE, PRODUCED_WITH, STATISTICAL_SECRET, data_files, sentence_case


def certification_html() -> Html:
    """The 3 units and 18 competencies of « Piloter un tiers-lieu », from data/reference/certification.csv."""
    table = certification()
    units = list(dict.fromkeys(table["unit"]))
    parts: list[object] = [
        p(
            f"La certification {CERTIFICATION} (Répertoire spécifique de France Compétences, {CERTIFICATION_CODE}, "
            f"certificateur : Coopérative des Tiers-Lieux) comprend {fmt_int(len(units))} blocs de compétences et "
            f"{fmt_int(len(table))} compétences."
        )
    ]
    for unit in units:
        rows = table[table["unit"] == unit]
        n = len(rows)
        parts.append(
            Html(
                f"<h3>Bloc {esc(unit)} — {esc(rows['unit_title'].iloc[0])} "
                f'<span class="tl-note">({fmt_int(n)} compétence{"s" if n > 1 else ""})</span></h3>'
            )
        )
        items = "".join(
            f'<li><span class="tl-code">{esc(r.competency_code)}</span>{esc(r.competency_title)}</li>'
            for r in rows.itertuples()
        )
        parts.append(Html(f'<ol class="tl-competencies">{items}</ol>'))
    return section(*parts)


_DEFINITIONS = [
    (
        "Emplois d'une année",
        "somme des postes (colonne « Nombre », 1 par défaut) des lignes de l'enquête de "
        "l'année dans la région ; pour la France, toutes les régions présentes dans les données.",
    ),
    (
        "Part des emplois de facilitation",
        "emplois dont la fonction est « facilitation, coordination du lieu » "
        "rapportés à l'ensemble des emplois de l'année. Les chiffres clés l'arrondissent à l'entier inférieur "
        "(« plus de 56\u00a0% ») ; les tableaux donnent la valeur à une décimale.",
    ),
    (
        "Évolution",
        "emplois de chaque année d'enquête jusqu'à l'année du rapport ; la croissance rapporte "
        "l'écart entre l'année du rapport et la première année d'enquête au nombre d'emplois de cette "
        "première année.",
    ),
    (
        "Titulaires suivis",
        "titulaires de la région dont la promotion a commencé avant l'année du rapport : une "
        "promotion est suivie à partir de l'année qui suit son début (le rapport 2019 couvre les promotions "
        "2015 à 2018).",
    ),
    (
        "Situation actuelle",
        "situation au dernier suivi ; les parts sont calculées sur tous les titulaires "
        "suivis, situation inconnue comprise, et leur somme vaut 100\u00a0%.",
    ),
    (
        "Parcours",
        "quatre groupes disjoints entre l'entrée en formation et le dernier suivi, « en emploi » "
        "désignant un poste de facilitation, un autre poste de coordination ou un autre emploi : "
        "demandeur·se d'emploi à l'entrée et en emploi aujourd'hui ; étudiant·e à l'entrée et en emploi "
        "aujourd'hui ; actif·ve à l'entrée ayant créé son entreprise ; actif·ve à l'entrée n'ayant pas créé "
        "d'entreprise mais ayant changé de poste. Les parts sont calculées sur les titulaires relevant de l'un "
        "des quatre groupes.",
    ),
]


def _places_known(ctx: ReportContext | None) -> bool | None:
    """Whether the employment data names the tiers-lieu of its rows (None without a context)."""
    if ctx is None:
        return None
    column = ctx.dataset.employment.get("tiers_lieu")
    return column is not None and bool(column.astype("object").fillna("").astype(str).str.strip().ne("").any())


def disclosure_rules(ctx: ReportContext | None = None) -> list[str]:
    """The disclosure rules in French, as docs/disclosure.md states them, with this report's k."""
    k = fmt_int(ctx.min_count if ctx else 5)
    places, share = fmt_int(MIN_PLACES), fmt_pct(MAX_PLACE_SHARE, 0)
    holders = (
        f"Titulaires : ce sont des personnes. Tout effectif de titulaires inférieur à {k}, zéro compris, "
        f"est remplacé par « < {k} » : nombre de titulaires suivis, par situation, par parcours, par "
        "promotion, et croisement promotion × situation, en région comme pour la France. C'est la règle de "
        "la statistique publique pour les effectifs de personnes."
    )
    if ctx is not None and ctx.min_count <= 1:
        holders = (
            "Titulaires : avec un seuil de 1 (paramètre min_count), aucun effectif de titulaires n'est "
            "masqué pour sa petite taille."
        )
    jobs = (
        f"Emplois : un nombre d'emplois (total, par contrat ou par fonction, d'une région ou de la France) "
        f"n'est pas diffusé, et noté « secret », s'il provient de moins de {places} tiers-lieux ou si un seul "
        f"tiers-lieu en représente plus de {share} (règle de la statistique publique sur les entreprises). "
        "Un nombre nul d'emplois n'est pas concerné."
    )
    if _places_known(ctx) is False:
        jobs += (
            " Les données de ce rapport n'indiquent pas le tiers-lieu de chaque emploi : la règle ne peut pas "
            "s'y appliquer."
        )
    return [
        holders,
        jobs,
        "Parts : une part n'est pas diffusée (« secret ») quand l'effectif qu'elle rapporte ou sa base est masqué.",
        "Secret secondaire : pour qu'aucun chiffre masqué ne puisse être retrouvé par différence — un total moins "
        "ses autres parties, la France moins les autres régions, le suivi d'une année moins celui de l'année "
        "précédente —, d'autres chiffres sont masqués à leur tour et notés « secret ». Tous les rapports tirés des "
        "mêmes données (chaque région et la France, chaque année d'enquête) sont protégés ensemble : un chiffre "
        "masqué l'est partout où il apparaît.",
        "Les graphiques ne représentent aucun chiffre masqué. Quand une partie d'un total publié est masquée, elle "
        "apparaît en gris, sans valeur, sous « Non diffusé ».",
        "Le nombre de promotions et leurs années de début, ainsi que la liste des régions enquêtées, ne sont pas "
        "des effectifs : ils restent affichés.",
    ]


def methods_html(ctx: ReportContext | None = None) -> Html:
    """Every definition used in the report, in French (they follow tlanalysis.compute.indicators and
    docs/indicators.md), the disclosure rules (docs/disclosure.md) and the sources."""
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>" for term, text in _DEFINITIONS)
    rules = [
        "Les parts sont arrondies à la décimale la plus proche (au plus une décimale, « ,0 » omis) ; une part "
        "est notée « n.d. » quand son effectif de référence est nul.",
        "Les chiffres de contexte sont ceux des sources citées, avec leur précision d'origine (« environ », "
        "« plus de »).",
        "Les nombres suivent l'usage français : virgule décimale, espace fine insécable entre les milliers.",
    ]
    parts: list[object] = [
        Html(f'<dl class="tl-defs">{items}</dl>'),
        h3(sentence_case(STATISTICAL_SECRET)),
        p(
            "Aucun chiffre de ce rapport ne doit permettre de reconnaître une personne ou un tiers-lieu. Les règles "
            "suivantes sont appliquées avant tout affichage :"
        ),
        bullets(disclosure_rules(ctx)),
        h3("Règles de présentation"),
        bullets(rules),
        h3("Sources"),
    ]
    if ctx is not None:
        files = data_files(ctx.dataset.sources.values())
        parts.append(
            p(
                f"Données : {files or 'fichiers sans empreinte'}, dossier « {ctx.dataset.data_dir.name} ». "
                "Référentiels : régions INSEE 2016 et structure de la certification (data/reference/) ; "
                "chiffres publiés (data/published/)."
            )
        )
        if ctx.dataset.is_example:
            parts.append(example_banner_html())
    parts.append(p(f"{PRODUCED_WITH} tlanalysis {VERSION}.", "tl-note"))
    return section(*parts)


__all__ = ["certification_html", "disclosure_rules", "methods_html"]
