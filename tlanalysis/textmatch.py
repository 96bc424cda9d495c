"""Loose matching of what people type in spreadsheets.

Region names, contracts and job titles arrive with any case, accents or none,
hyphens or spaces, straight or curly apostrophes, and French inclusive writing
(« facilitateur·rice »). `match_key` folds all of that away so that one table of
accepted spellings per category is enough.
"""

from __future__ import annotations

import re
import unicodedata

_INCLUSIVE = re.compile(r"[·•.\-/(]\s*(?:e|rice|trice|euse|ice|ère|ere)s?\)?(?=\s|$)")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_'’`´ʼ.,;:/()·•]+")


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def match_key(value: object) -> str:
    """Fold case, accents, hyphens, apostrophes, spaces and inclusive-writing endings.

    >>> match_key("Provence-Alpes-Côte d’Azur") == match_key("provence alpes cote d'azur")
    True
    >>> match_key("Facilitateur·rice")
    'facilitateur'
    """
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = _INCLUSIVE.sub("", text)
    return _SEPARATORS.sub("", strip_accents(text))
