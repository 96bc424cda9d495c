"""The network's own words in its reports: Markdown texts from the data folder, with live figures.

Layout of the data folder (French names, as the analysts who write them)::

    textes/avant-propos.md                  the foreword of the index (reports/index.html)
    textes/<year>/<region>.md               the text of the annual report of that year and region
    textes/<year>/certification-<region>.md the text of the certification report

`<region>` is the region's INSEE code (`75`, `04`) or `france` for the national report (a region's
name, slugged as in the report's file name, `nouvelle-aquitaine`, works too). A report without a text
file has no text: nothing is invented.

A text may say `{{ emplois.total }}`, `{{ titulaires.situation.facilitation }}`… : each placeholder is a
figure the report already publishes (its key-figures document, `context.document()["figures"]`), written
as its tables write it: French numbers (« 1 234 », « 54,5 % »), and a masked figure as its label
(« secret », « < 5 »), never its value. `placeholders` lists the names of a report; `tlanalysis
placeholders` prints them with their values. An unknown name is an error that names the file, the line
and the closest name. The text is Markdown without raw HTML (CommonMark: `<b>` is shown as text).

The build's fingerprint of a report covers its own text file (`text_fingerprint`): changing a text
rebuilds that report only; the data folder's hash covers its top-level files, not `textes/`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from ..config import TEXTS_DIR  # the folder of the texts, inside the data folder
from ..errors import TLAnalysisError
from ..protect.masked import is_masked
from .formatting import MISSING, fmt_int, fmt_pct
from .html import Html, esc
from .wording import contract_label, role_label, situation_label, trajectory_label

#: The index's foreword, inside `TEXTS_DIR`.
FOREWORD = "avant-propos.md"

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class TextError(TLAnalysisError):
    """A network text cannot be rendered (unknown placeholder, unreadable file): says file and line."""


# --- placeholders ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    """One figure a text may quote: its name, its value as the report publishes it, how it is written."""

    name: str
    value: object
    style: str  # "count", "share", "year"
    meaning: str

    def text(self) -> str:
        """The value as the report's tables write it; a masked figure as its label (never its value)."""
        value = self.value
        if is_masked(value):
            return value.label
        if isinstance(value, str):  # a masked label read back from a key-figures JSON
            return value
        if value is None:
            return MISSING
        if self.style == "share":
            return fmt_pct(value)  # type: ignore[arg-type]
        if self.style == "year":
            return str(int(value))  # type: ignore[call-overload]
        return fmt_int(value)  # type: ignore[arg-type]


def _entries(figures: Mapping) -> Iterator[tuple[str, object, str, str]]:
    """(name, value, style, meaning) of every placeholder of an annual report's figures."""
    jobs, holders = figures.get("jobs", {}), figures.get("holders", {})
    yield "annee", figures.get("year"), "year", "année du rapport"
    if jobs:
        yield "emplois.total", jobs.get("total"), "count", "emplois recensés"
        yield "emplois.facilitation", jobs.get("facilitation"), "count", "emplois de facilitation / coordination"
        yield "emplois.part_facilitation", jobs.get("facilitation_share"), "share", "part de la facilitation"
        for code, value in jobs.get("by_contract", {}).items():
            yield f"emplois.contrat.{code.lower()}", value, "count", f"emplois : {contract_label(code)}"
        for code, value in jobs.get("by_role", {}).items():
            yield f"emplois.fonction.{code}", value, "count", f"emplois : {role_label(code)}"
        for year, value in jobs.get("trend", {}).items():
            yield f"emplois.annee.{year}", value, "count", f"emplois recensés à l'enquête {year}"
        if jobs.get("first_year") is not None:
            yield "emplois.premiere_annee", jobs.get("first_year"), "year", "première année d'enquête"
    if holders:
        yield "titulaires.total", holders.get("n"), "count", "titulaires suivis"
        yield "titulaires.promotions", holders.get("cohorts"), "count", "promotions"
        for code, value in holders.get("situation_shares", {}).items():
            yield f"titulaires.situation.{code}", value, "share", f"part des titulaires : {situation_label(code)}"
        for code, value in holders.get("situation_counts", {}).items():
            yield f"titulaires.nombre.{code}", value, "count", f"titulaires : {situation_label(code)}"
        yield "titulaires.parcours_connus", holders.get("trajectory_n"), "count", "titulaires au parcours connu"
        for code, value in holders.get("trajectory_shares", {}).items():
            yield f"titulaires.parcours.{code}", value, "share", f"part des parcours : {trajectory_label(code)}"
        for code, value in holders.get("trajectory_counts", {}).items():
            yield f"titulaires.parcours_nombre.{code}", value, "count", f"titulaires : {trajectory_label(code)}"


#: A figure whose path holds one of these is a share (« 54,5 % »): rates, insertion, blocs and competencies
#: validated (the certification report's key-figures document).
_SHARE_KEYS = ("rate", "insertion", "share", "blocs.", "competencies.")


def _flattened(figures: Mapping, prefix: str = "") -> Iterator[tuple[str, object, str, str]]:
    """Every figure of a key-figures document under its path of keys (kinds without their own names)."""
    for key, value in figures.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flattened(value, f"{name}.")
        elif isinstance(value, bool | list | tuple):
            continue
        elif isinstance(value, int | float) or value is None or isinstance(value, str):
            if isinstance(value, str) and not is_masked(value) and value != "secret" and not value.startswith("<"):
                continue  # labels (a cohort's name), not figures
            style = "share" if any(part in name for part in _SHARE_KEYS) else "count"
            if str(key).endswith("year"):
                style = "year"
            yield name, value, style, str(key)


#: How the placeholders of each kind are named (others: the paths of their key-figures document).
_NAMING: dict[str, Callable[[Mapping], Iterator[tuple[str, object, str, str]]]] = {"annual": _entries}


def placeholders(kind: str, figures: Mapping) -> dict[str, Placeholder]:
    """The placeholders of a report of this kind, from its published figures (`document()["figures"]`
    or the same document read back from the build's JSON)."""
    naming = _NAMING.get(kind, _flattened)
    return {name: Placeholder(name, value, style, meaning) for name, value, style, meaning in naming(figures)}


# --- files -------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _region_stems(code: str | None, name: str) -> tuple[str, ...]:
    if code is None:
        return ("france",)
    return (code.lower(), f"{code.lower()}-{_slug(name)}", _slug(name))


def text_path(data_dir: Path, year: int, code: str | None, name: str, prefix: str = "") -> Path | None:
    """The text file of a report, if the data folder has one: the region's INSEE `code` (None for
    France) and `name`; `prefix`: the kind's file prefix ("certification-")."""
    folder = Path(data_dir) / TEXTS_DIR / str(year)
    for stem in _region_stems(code, name):
        path = folder / f"{prefix}{stem}.md"
        if path.is_file():
            return path
    return None


def foreword_path(data_dir: Path) -> Path | None:
    path = Path(data_dir) / TEXTS_DIR / FOREWORD
    return path if path.is_file() else None


def text_fingerprint(data_dir: Path, year: int, code: str | None, name: str, prefix: str = "") -> str | None:
    """The content hash of a report's text (None without one): part of the report's fingerprint."""
    path = text_path(data_dir, year, code, name, prefix)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None


def _read(path: Path, shown_as: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TextError(f"{shown_as}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise TextError(f"{shown_as}: cannot be read ({exc.strerror})") from None


# --- rendering ---------------------------------------------------------------------------------------


def substitute(source: str, values: Mapping[str, Placeholder], shown_as: str) -> str:
    """The text with every `{{ name }}` replaced by its figure; an unknown name is a `TextError` naming
    the file, the line and the closest name."""
    problems = []
    for number, line in enumerate(source.splitlines(), start=1):
        for match in _PLACEHOLDER.finditer(line):
            name = match.group(1)
            if name not in values:
                close = difflib.get_close_matches(name, list(values), n=1, cutoff=0.5)
                hint = f"; did you mean {{{{ {close[0]} }}}}?" if close else ""
                problems.append(f"{shown_as}, line {number}: unknown placeholder {{{{ {name} }}}}{hint}")
    if problems:
        listing = "`tlanalysis placeholders --year Y --region R` lists the names of a report"
        raise TextError("\n".join([*problems, listing]))
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)].text(), source)


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False})


def markdown_html(source: str) -> Html:
    """Markdown as HTML, raw HTML shown as text; a level-1 heading becomes level 2 (the page has its
    title); links keep their text and address (a report is read offline: no script, no image)."""
    rendered = _MARKDOWN.render(source)
    rendered = re.sub(r"<(/?)h1>", r"<\1h2>", rendered)
    rendered = re.sub(r"<img [^>]*alt=\"([^\"]*)\"[^>]*>", r"\1", rendered)  # images: their alternative text
    return Html(rendered)


def render_text(path: Path, values: Mapping[str, Placeholder], shown_as: str | None = None) -> Html:
    """A text file as HTML with its figures (`shown_as`: how errors name the file, e.g. its path inside
    the data folder)."""
    where = shown_as or path.name
    return markdown_html(substitute(_read(path, where), values, where))


def text_block(body: Html, label: str) -> Html:
    """A text in the page: a region named for screen readers, in the report's style."""
    return Html(f'<section class="tl-text" aria-label="{esc(label)}">{body}</section>')


__all__ = [
    "FOREWORD",
    "TEXTS_DIR",
    "Placeholder",
    "TextError",
    "foreword_path",
    "markdown_html",
    "placeholders",
    "render_text",
    "substitute",
    "text_block",
    "text_fingerprint",
    "text_path",
]
