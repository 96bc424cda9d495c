"""How numbers and dates are written in the French reports (the words around them — category
labels, headers, sentences — are `tlanalysis.report.wording`'s, which writes numbers through here).

Every figure a report or chart shows goes through this module, so that one rule
holds everywhere:

* Numbers use the fr_FR locale of babel (CLDR): decimal comma, and a narrow
  no-break space (U+202F) between thousands: « 1 234 ». Percent signs follow a
  no-break space (U+00A0): « 54,5 % ». Both are correct French typography and
  keep a number from wrapping across lines, so they are kept in the HTML;
  `plain_spaces` turns them into ordinary spaces for comparisons in tests.
* Rounding is half up (« 13,45 » → « 13,5 »), as in published statistics;
  babel's own rounding is half-even, so values are rounded here first.
* Shares are fractions of 1 and are shown with at most one decimal, a trailing
  « ,0 » dropped: 0.545 → « 54,5 % », 0.27 → « 27 % », 0.5613 → « 56,1 % ».
* Headline shares of jobs are shown as the seed page does, « plus de 56 % »:
  the integer percent below the value, said to be exceeded (`fmt_pct_more_than`).
  The exact value (56,1 %) is given in the tables.
* A missing figure (None, NaN) is written « n.d. » (non disponible).
* A figure withheld by `tlanalysis.protect.annual` (a `Masked` value) is written as its label,
  « < 5 » or « secret », by every function here: a report never has to unwrap one to format it.

Plotly charts cannot call babel, so charts get `PLOTLY_SEPARATORS` for their
axes and pre-formatted strings (from here) for their hover labels.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TypeAlias

from babel.dates import format_date
from babel.numbers import format_decimal

from ..protect.masked import Masked

LOCALE = "fr_FR"

#: Written where a figure cannot be computed (its base is zero) or is not known.
MISSING = "n.d."

#: plotly `layout.separators`: decimal comma, space between thousands.
PLOTLY_SEPARATORS = ", "

NBSP = "\u00a0"  # no-break space, before « % »
NNBSP = "\u202f"  # narrow no-break space, between thousands

_NUMBER_PATTERN = "#,##0"

#: What the number formatters take: a number, a figure withheld by disclosure control, or nothing.
Figure: TypeAlias = "float | Decimal | Masked | None"


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return False


def _round(value: float | Decimal, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    # repr(round(x, 9)) drops binary noise first: 0.135 * 100 is 13.500000000000002
    # and 0.545 * 100 is 54.50000000000001, which must not decide a rounding.
    exact = Decimal(repr(round(float(value), 9)))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


def fmt_number(value: Figure, decimals: int = 1) -> str:
    """A number with at most `decimals` decimals, trailing zeros dropped: 2.25 → « 2,3 », 2.0 → « 2 »."""
    if isinstance(value, Masked):
        return value.label
    if value is None or _is_missing(value):
        return MISSING
    pattern = _NUMBER_PATTERN + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(_round(value, decimals), format=pattern, locale=LOCALE)


def fmt_int(value: Figure) -> str:
    """A count: 1234 → « 1 234 » (narrow no-break space)."""
    return fmt_number(value, 0)


def fmt_pct(share: Figure, decimals: int = 1, signed: bool = False) -> str:
    """A share given as a fraction of 1: 0.545 → « 54,5 % », 0.27 → « 27 % ».

    `signed` writes a sign for changes: 0.5 → « +50 % ».
    """
    if isinstance(share, Masked):
        return share.label
    if share is None or _is_missing(share):
        return MISSING
    text = fmt_number(100 * float(share), decimals)
    if signed and _round(100 * float(share), decimals) > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


def fmt_pct_more_than(share: Figure) -> str:
    """A headline share as a lower bound, like the seed page: 0.5613 → « plus de 56 % ».

    A whole percent is not « more than » itself: 0.56 → « 56 % ». The bound is the
    percent rounded down, so the statement is always true.
    """
    if isinstance(share, Masked):
        return share.label
    if share is None or _is_missing(share):
        return MISSING
    percent = Decimal(repr(round(100 * float(share), 9)))
    floor = percent.to_integral_value(rounding=ROUND_FLOOR)
    if floor == percent:
        return fmt_pct(share, 0)
    return f"plus de {fmt_number(floor, 0)}{NBSP}%"


_MONTH_ONLY = re.compile(r"^(\d{4})-(\d{2})$")


def fmt_date(value: dt.date | str | None) -> str:
    """A date in French: 2022-05-04 → « 4 mai 2022 », 2022-05-01 → « 1er mai 2022 ».

    Also takes the partial ISO dates sources give (« 2021 », « 2022-05 »); an empty
    value is « n.d. ».
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return MISSING
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit() and len(text) == 4:
            return text
        month = _MONTH_ONLY.match(text)
        if month:
            return format_date(dt.date(int(month[1]), int(month[2]), 1), "MMMM y", locale=LOCALE)
        value = dt.date.fromisoformat(text)
    if isinstance(value, dt.datetime):
        value = value.date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {format_date(value, 'MMMM y', locale=LOCALE)}"


def fmt_year_span(years: list[int]) -> str:
    """« 2015–2018 », « 2019 », or « n.d. » for no year."""
    if not years:
        return MISSING
    first, last = min(years), max(years)
    return str(first) if first == last else f"{first}–{last}"


def plain_spaces(text: str) -> str:
    """The text with no-break and narrow no-break spaces made ordinary spaces (for tests, search)."""
    return text.replace(NNBSP, " ").replace(NBSP, " ").replace("\u2009", " ")
