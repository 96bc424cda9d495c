"""How sections handle masked figures (`tlanalysis.protect.masked.Masked`): shares, legends, notes.

A section never unwraps a masked figure: it writes it with `tlanalysis.report.formatting` (which writes
its label, « < 5 » or « secret »), derives nothing from it (a share of a masked count is masked),
and charts only `plottable` data with `CHART_NOTE` under the chart.
"""

from __future__ import annotations

from collections.abc import Iterable

from typing_extensions import TypeIs

from ..compute.indicators import share
from ..protect.masked import SMALL_COUNT, Masked, is_masked
from .formatting import fmt_int
from .html import Html, p
from .wording import ANNUAL_HEADINGS, CHART_NOTE, SECRET_KEY, STATISTICAL_SECRET, see_section, small_count_key


def shown(value: object) -> TypeIs[int | float]:
    """A figure that may be written and used (not masked, not missing)."""
    return value is not None and not is_masked(value)


def share_of(part: object, whole: object) -> float | Masked | None:
    """part / whole; masked (« secret ») when either is; None (« n.d. ») when whole is 0."""
    for term in (whole, part):
        if isinstance(term, Masked):
            return Masked(term.reason, term.min_count, share=True)
    return share(part, whole)  # type: ignore[arg-type]  # numbers once masked ones are out


def any_masked(values: Iterable[object]) -> bool:
    return any(is_masked(v) for v in values)


def legend(values: Iterable[object], min_count: int, unit: str = "titulaires") -> Html | str:
    """The note under a table or cards with masked values: what « < 5 » and « secret » mean. Empty without any."""
    masked = [v for v in values if isinstance(v, Masked)]
    if not masked:
        return ""
    parts = []
    if any(v.reason == SMALL_COUNT and not v.share for v in masked):
        parts.append(small_count_key(min_count, unit))
    if any(v.label != f"< {min_count}" for v in masked):
        parts.append(SECRET_KEY)
    methods = see_section(ANNUAL_HEADINGS["methods"])
    return p(" ; ".join(parts) + f" ({STATISTICAL_SECRET}, {methods}).", "tl-note")


def chart_note(masked: bool) -> Html | str:
    return p(CHART_NOTE, "tl-note") if masked else ""


def year_span(years: list[int]) -> str:
    """« de 2015 à 2018 », « en 2020 »."""
    first, last = min(years), max(years)
    return f"en {first}" if first == last else f"de {first} à {last}"


def cohorts_phrase(hold: dict, place: str | None = None) -> str:
    """« de la promotion commencée en 2020 », « des 6 promotions commencées en Nouvelle-Aquitaine de 2015
    à 2018 » (the number of cohorts and their years are public: they are not counts of people)."""
    where = f"{place} " if place else ""
    if hold["cohorts"] == 1:
        return f"de la promotion commencée {where}{year_span(hold['cohort_years'])}"
    return f"des {fmt_int(hold['cohorts'])} promotions commencées {where}{year_span(hold['cohort_years'])}"


__all__ = ["CHART_NOTE", "any_masked", "chart_note", "cohorts_phrase", "legend", "share_of", "shown", "year_span"]
