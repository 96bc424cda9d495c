"""What personal data looks like in a text: e-mail addresses, French phone numbers and social security
numbers (NIR).

One definition for the two places that look for them: the validation, which refuses identifiers of
that shape in `holder_id` / `candidate_id` (`validate.identifiers`), and the audit of a published site
(`publish.scan`). Every search starts from a literal or a digit (never from a look-behind), so a page
of several megabytes is read in milliseconds; the context of each candidate is then checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SEP = "[ .\u00a0\u202f-]"  # between groups of digits: space, dot, hyphen, non-breaking spaces
#: e-mail addresses: found from their « @domain.tld », the local part read backwards.
_EMAIL_DOMAIN = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
_EMAIL_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
#: French phone numbers: 0X XX XX XX XX, +33 X XX XX XX XX, 0033 …
_PHONES = (
    re.compile(r"0[1-9](?:" + _SEP + r"?\d{2}){4}"),
    re.compile(r"(?:\+|00)33" + _SEP + r"?(?:\(0\)" + _SEP + r"?)?[1-9](?:" + _SEP + r"?\d{2}){4}"),
)
_NIR_SEP = "[ .\u00a0\u202f]"
#: French social security numbers (NIR): sex, year, month, département (or 2A/2B), commune, order[, key].
_NIR = re.compile(
    rf"[12]{_NIR_SEP}?\d{{2}}{_NIR_SEP}?(?:0[1-9]|1[0-2]|[2-9]\d){_NIR_SEP}?(?:\d{{2}}|2[AB]){_NIR_SEP}?"
    rf"\d{{3}}{_NIR_SEP}?\d{{3}}(?:{_NIR_SEP}?\d{{2}})?"
)

#: Kinds of personal data, as messages name them.
KINDS = {"email": "an e-mail address", "phone": "a phone number", "nir": "a social security number"}


def alone(text: str, start: int, end: int, before: str = ".,+/-", after: str = ",") -> bool:
    """Whether text[start:end] stands alone: no letter, digit, `_` or `before` just before it; no letter,
    digit, `_` or `after` just after it; and it is not the integer part of a decimal number."""
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] in before or text[start - 1] == "_"):
        return False
    if end < len(text):
        following = text[end]
        if following.isalnum() or following in after or following == "_":
            return False
        if following == "." and end + 1 < len(text) and text[end + 1].isdigit():
            return False
    return True


def find(text: str) -> Iterator[tuple[str, str]]:
    """Every (kind, text found) of personal data in `text`; kinds are those of `KINDS`."""
    if "@" in text:
        for m in _EMAIL_DOMAIN.finditer(text):
            start = m.start()
            while start > 0 and start > m.start() - 64 and text[start - 1] in _EMAIL_LOCAL:
                start -= 1
            local = text[start : m.start()].lstrip(".-+%")
            if local and (start == 0 or not text[start - 1].isalnum()):
                yield "email", local + m.group()
    for pattern in _PHONES:
        for m in pattern.finditer(text):
            if alone(text, m.start(), m.end()):
                yield "phone", m.group()
    for m in _NIR.finditer(text):
        if alone(text, m.start(), m.end()):
            yield "nir", m.group()


def kind_of(text: str) -> str | None:
    """The kind of personal data `text` holds (`KINDS`), None when it holds none."""
    return next((kind for kind, _ in find(text)), None)


__all__ = ["KINDS", "alone", "find", "kind_of"]
