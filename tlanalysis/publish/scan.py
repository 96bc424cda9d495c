"""What every file of a site says, as text, and what in that text must never be published.

`file_texts(path)` turns one file of a site into the texts a reader can get out of it: an HTML page
with its entities and its scripts' escapes undone, the strings of a JSON document or notebook, the
cells and properties of a workbook, the text, properties and links of a PDF, the text chunks of a PNG.
`Patterns` finds in a text personal-data shapes (`tlanalysis.personal`: e-mail, French phone and social
security numbers),
absolute paths (POSIX, Windows, UNC, `file:` links, and the folders of this machine) and the record
identifiers of the data a site was built from. Embedded images (base64) are left out: their bytes
are not text, and digits in them are not phone numbers.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import personal

#: Top folders of absolute paths on Linux and macOS machines (a path under another one is found when it
#: is a folder of this machine: see `Patterns`).
POSIX_ROOTS = (
    "home", "Users", "root", "tmp", "var", "private", "mnt", "media", "opt", "srv", "usr", "etc",
    "Volumes", "run", "data", "work", "builds", "scratch", "nfs", "gpfs", "net", "Library", "snap",
    "nix", "workspace", "workspaces", "github",
)  # fmt: skip
_PATH_TAIL = r"[^\s\"'<>|*?\]},;]*"
_POSIX_PATH = re.compile(r"/(?:" + "|".join(POSIX_ROOTS) + r")/[\w.@+-]+" + _PATH_TAIL)
_WINDOWS_PATH = re.compile(r":[\\/](?![\\/])")
_WINDOWS_TAIL = re.compile(r"[^\s\"'<>|*?:]+")
_UNC_PATH = re.compile(r"\\\\[A-Za-z0-9._$-]+\\" + _PATH_TAIL)
_FILE_URI = re.compile(r"(?:file|FILE|File):/" + _PATH_TAIL)
_TOKEN = re.compile(r"[\w.-]+")
_BASE64 = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+|[A-Za-z0-9+/]{200,}={0,2}")
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\/")


def _js_unescape(text: str) -> str:
    return _JS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else "/", text)


@dataclass(frozen=True)
class Hit:
    kind: str  # "email", "phone", "nir", "path", "identifier"
    text: str
    detail: str = ""  # for an identifier: its column (holder_id, ...)


class Patterns:
    """What must never be in a published file, for one site: generic shapes, the folders of this
    machine (`machine_paths`), and the record identifiers of the data (`identifiers`: text -> column).

    Every search starts from a literal (« @ », « / », « : », a digit, a word) so that a page of
    several megabytes is read in milliseconds; the context of each candidate is then checked."""

    def __init__(self, machine_paths: Iterable[str] = (), identifiers: dict[str, str] | None = None) -> None:
        self._machine = sorted({p.rstrip("/\\") for p in machine_paths if len(p.rstrip("/\\")) > 3}, key=len)
        self._identifiers = dict(identifiers or {})
        self._tokens = {i for i in self._identifiers if _TOKEN.fullmatch(i) and not i.endswith(".")}
        self._others = [i for i in self._identifiers if i not in self._tokens]

    def find(self, text: str) -> Iterator[Hit]:
        yield from (Hit(kind, found) for kind, found in personal.find(text))
        yield from self._paths(text)
        if self._identifiers:
            yield from self._records(text)

    def _paths(self, text: str) -> Iterator[Hit]:
        for start, end in self.path_spans(text):
            yield Hit("path", text[start:end])

    def path_spans(self, text: str) -> list[tuple[int, int]]:
        """Where absolute paths are in `text`: (start, end), in order, none inside another."""
        spans: list[tuple[int, int]] = []
        for m in _POSIX_PATH.finditer(text):
            if m.start() == 0 or (not text[m.start() - 1].isalnum() and text[m.start() - 1] not in "_.~/:@-"):
                spans.append((m.start(), m.end()))
        for m in _WINDOWS_PATH.finditer(text):
            start = m.start() - 1
            drive = start >= 0 and text[start].isascii() and text[start].isalpha()
            if drive and (start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")):
                tail = _WINDOWS_TAIL.match(text, m.end())
                if tail:
                    spans.append((start, tail.end()))
        for pattern in (_UNC_PATH, _FILE_URI):
            spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
        for path in self._machine:
            position = text.find(path)
            while position != -1:
                end = position + len(path)
                if personal.alone(text, position, end, before="._-", after="_-"):
                    tail = re.match(_PATH_TAIL, text[end : end + 300])
                    spans.append((position, end + (tail.end() if tail else 0)))
                position = text.find(path, end)
        # a path found twice (by its shape and as a folder of this machine) is one hit: the longest
        spans.sort(key=lambda span: (span[0], -span[1]))
        kept: list[tuple[int, int]] = []
        for start, end in spans:
            if kept and start < kept[-1][1]:
                continue
            kept.append((start, end))
        return kept

    def _records(self, text: str) -> Iterator[Hit]:
        found = {token.strip(".") for token in _TOKEN.findall(text)} & self._tokens
        for ident in sorted(found):
            yield Hit("identifier", ident, self._identifiers[ident])
        for ident in self._others:
            position = text.find(ident)
            while position != -1:
                if personal.alone(text, position, position + len(ident), before="_-", after="_-"):
                    yield Hit("identifier", ident, self._identifiers[ident])
                    break
                position = text.find(ident, position + 1)


# --- the texts of a file --------------------------------------------------------------------------


def _strings(value: object, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every key and string of a JSON document (base64 image outputs of a notebook left out)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            if key not in skip:
                yield from _strings(item, skip)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, skip)


_BINARY_OUTPUTS = frozenset({"image/png", "image/jpeg", "image/gif", "application/pdf"})


def html_texts(text: str) -> list[str]:
    """A page as a reader gets it: entities undone, and the escapes of its scripts' JSON undone."""
    text = _BASE64.sub(" ", text)
    return [_js_unescape(html.unescape(text))]


def json_texts(data: bytes) -> list[str]:
    """The strings of a JSON document or notebook, one per line (raises ValueError if it is not JSON)."""
    document = json.loads(data.decode("utf-8"))
    return ["\n".join(_BASE64.sub(" ", s) for s in _strings(document, _BINARY_OUTPUTS))]


def xlsx_texts(path: Path | io.BytesIO) -> tuple[list[str], list[str]]:
    """(texts, problems) of a workbook: every cell, shared string and property as text; formulas,
    macros and links to other files are problems (a published workbook holds data only)."""
    texts: list[str] = []
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            lower = name.lower()
            if lower.endswith("vbaproject.bin") or lower.endswith(".bin"):
                problems.append(f"macros or binary part {name}")
                continue
            if "externallink" in lower:
                problems.append(f"a link to another workbook ({name})")
            if not lower.endswith((".xml", ".rels")):
                continue
            xml = archive.read(name).decode("utf-8", errors="replace")
            if lower.startswith("xl/worksheets/") and re.search(r"<f[ .\u00a0\u202f]", xml):
                problems.append(f"formulas in {name}")
            texts.append(html.unescape(re.sub(r"<[^>]+>", "\n", xml)))
            texts.append(" ".join(re.findall(r'(?:Target|r:id|href)="([^"]*)"', xml)))
    return texts, problems


def deck_texts(path: Path | io.BytesIO) -> tuple[list[str], list[str]]:
    """(texts, problems) of a deck (PPTX, ODP: zips of XML): every text, property and link; a chart's
    data workbook embedded in it read like a workbook; macros, scripts and binary parts are problems."""
    texts: list[str] = []
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            lower = name.lower()
            if lower.endswith(".bin") or lower.startswith(("basic/", "scripts/")) or "vbaproject" in lower:
                problems.append(f"macros or binary part {name}")
                continue
            if lower.endswith(".xlsx"):  # a native chart's data
                inner_texts, inner_problems = xlsx_texts(io.BytesIO(archive.read(name)))
                texts += inner_texts
                problems += [f"{name}: {problem}" for problem in inner_problems]
                continue
            if not lower.endswith((".xml", ".rels")):
                continue
            xml = archive.read(name).decode("utf-8", errors="replace")
            # an ODF script or event listener (the empty <office:scripts/> every ODP has is not one)
            if re.search(r"<(?:script:[\w-]+|office:script\b|office:event-listeners\b)", xml):
                problems.append(f"a script in {name}")
            texts.append(html.unescape(re.sub(r"<[^>]+>", "\n", xml)))
            texts.append(" ".join(re.findall(r'(?:Target|r:id|href)="([^"]*)"', xml)))
    return texts, problems


def pdf_texts(path: Path) -> tuple[list[str], list[str]]:
    """(texts, problems) of a PDF: the text of every page, its properties and its links (pypdfium2);
    JavaScript or launch actions are problems."""
    import pypdfium2 as pdfium

    data = path.read_bytes()
    problems = [f"a PDF action {m.decode()}" for m in set(re.findall(rb"/(JavaScript|JS|Launch)\b", data))]
    texts = [" ".join(m.decode("latin-1") for m in re.findall(rb"/URI\s*\(([^)]*)\)", data))]
    document = pdfium.PdfDocument(data)
    try:
        texts.append("\n".join(str(v) for v in document.get_metadata_dict().values()))
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
    finally:
        document.close()
    return texts, problems


def png_texts(data: bytes) -> list[str]:
    """The text chunks (tEXt, iTXt, zTXt) of a PNG image."""
    import struct
    import zlib

    texts = []
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"tEXt":
            texts.append(body.replace(b"\0", b" ").decode("latin-1"))
        elif kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            try:
                texts.append(keyword.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
            except zlib.error:
                texts.append(keyword.decode("latin-1"))
        elif kind == b"iTXt":
            texts.append(body.replace(b"\0", b" ").decode("utf-8", errors="replace"))
        position += 12 + length
    return texts


def without_paths(text: str) -> str:
    """`text` with every absolute path it names cut to its last part (for messages that are published)."""
    out, last = [], 0
    patterns = Patterns()
    for start, end in patterns.path_spans(text):
        out.append(text[last:start])
        out.append(re.split(r"[\\/]", text[start:end].rstrip("\\/"))[-1])
        last = end
    out.append(text[last:])
    return "".join(out)
