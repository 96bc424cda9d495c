"""« Annexe : chiffres calculés et chiffres publiés »: what the data give back of what was published.

`tlanalysis.compute.reconcile.comparisons` finds the published figures of the same indicator, year and
territory as the report, and compares them with raw computed values. The appendix shows the
*protected* computed value instead (the report's own figure, read from `ctx.figures` with the same
reader `reconcile.COMPUTED`), and for a masked one neither its value nor whether it matches: « concorde »
next to « plus de 56 % » would say where the masked value lies.
"""

from __future__ import annotations

from typing import Any

from ..compute.reconcile import COMPUTED, STRUCTURE, Comparison, comparisons
from ..protect.masked import Masked, is_masked
from .context import ReportContext
from .formatting import fmt_int, fmt_pct
from .html import Html, p, section, table_html
from .published_figures import published_value, typeset
from .wording import INDICATOR, SOURCE, STATISTICAL_SECRET

UNVERIFIABLE = f"non vérifiable ({STATISTICAL_SECRET})"


class _Hole:
    """A masked figure as `reconcile.COMPUTED` reads it: arithmetic on it (`100 * share`) gives it back."""

    def __init__(self, masked: Masked) -> None:
        self.masked = masked

    def __mul__(self, other: object) -> _Hole:
        return self

    __rmul__ = __truediv__ = __rtruediv__ = __add__ = __radd__ = __sub__ = __rsub__ = __mul__


def _holed(value: Any) -> Any:
    if isinstance(value, Masked):
        return _Hole(value)
    if isinstance(value, dict):
        return {k: _holed(v) for k, v in value.items()}
    return value


def protected_value(ctx: ReportContext, comparison: Comparison) -> float | Masked | None:
    """The report's figure for a comparison, in the published unit, or the `Masked` value it is."""
    if comparison.indicator in STRUCTURE:
        return comparison.computed
    value = COMPUTED[comparison.indicator](_holed(ctx.figures))
    if isinstance(value, _Hole):
        return value.masked
    return None if value is None else float(value)


def _written(value: float | Masked | None, unit: str) -> str:
    if isinstance(value, Masked) or value is None:
        return fmt_int(value)  # the label, or « n.d. »
    return fmt_pct(value / 100) if unit == "percent" else fmt_int(value)


def _verdict(value: float | Masked | None, comparison: Comparison) -> Html:
    if is_masked(value):
        return Html(UNVERIFIABLE)
    if value is None:
        return Html("non calculable")
    if comparison.matches:
        return Html('<span class="tl-ok">concorde</span>')
    return Html('<span class="tl-gap">écart</span>')


def report_comparisons(ctx: ReportContext) -> list[Comparison]:
    """The published figures of the report's year and territory the data can speak to."""
    try:
        return comparisons(ctx.dataset, ctx.year, None if ctx.is_national else ctx.region.code)
    except FileNotFoundError:
        return []


def reconciliation_html(ctx: ReportContext) -> Html:
    """Computed and published side by side, with the published precision, a verdict and the source."""
    found = report_comparisons(ctx)
    if not found:
        return section(
            p(
                f"Aucun chiffre publié ne porte sur les indicateurs de ce rapport pour {ctx.year} et "
                f"{ctx.territory} : il n'y a rien à rapprocher."
            )
        )
    rows = []
    for c in found:
        value = protected_value(ctx, c)
        published = published_value(
            {"value": c.published, "precision": c.precision, "unit": c.unit, "qualifier": c.qualifier}
        )
        rows.append(
            [
                typeset(c.label_fr),
                str(c.year) if c.year is not None else "—",
                _written(value, c.unit),
                published,
                _verdict(value, c),
                typeset(c.source),
            ]
        )
    masked = any(is_masked(protected_value(ctx, c)) for c in found)
    return section(
        p(
            f"Chiffres déjà publiés sur les mêmes indicateurs, pour {ctx.year} et {ctx.territory}, en regard des "
            "chiffres de ce rapport. « concorde » : le chiffre calculé est celui que la source publie, "
            "à la précision de sa "
            "publication (« plus de », « environ », nombre de décimales) ; « écart » : il ne l'est pas."
        ),
        table_html([INDICATOR, "Année", "Calculé", "Publié", "Comparaison", SOURCE], rows, numeric={2, 3}),
        p(
            "Un chiffre masqué par le secret statistique n'est pas comparé : dire s'il concorde renseignerait sur "
            "sa valeur.",
            "tl-note",
        )
        if masked
        else "",
    )


__all__ = ["UNVERIFIABLE", "protected_value", "reconciliation_html", "report_comparisons"]
