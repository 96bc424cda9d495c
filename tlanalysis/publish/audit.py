"""`tlanalysis audit SITE`: the check an analyst runs before publishing a site (and the build runs at
its end), as a reader of the site would look at it.

Every file of the site is read (`scan.file_texts`) and searched for what must never be published:
personal-data shapes (e-mail addresses, phone and social security numbers), the record identifiers of
the data the site was built from (holder and candidate ids, place names), absolute paths of a
machine, pickles, executables, scripts loaded from elsewhere, formulas or macros in a workbook, and any
file a tlanalysis site does not hold (hidden files, unknown types). Then the published figures of every
report, with those of the earlier releases given (`--previous`), go to the LP attacker of the
disclosure tests (`attack`): a masked figure it pins down is a finding.

Each finding says what was found, where, and how to fix it; `AuditReport.ok` is False when there is one.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import scan

#: Kinds of finding -> (what it is, how to fix it).
KINDS: dict[str, tuple[str, str]] = {
    "email": (
        "an e-mail address",
        "remove it from the data (or the text that carries it) and build again; personal data is never published",
    ),
    "phone": (
        "a phone number",
        "remove it from the data (or the text that carries it) and build again; personal data is never published",
    ),
    "nir": (
        "a social security number",
        "remove it from the data and build again; personal data is never published",
    ),
    "identifier": (
        "a record identifier of the data",
        "no page may name a person or a record: find what writes it (a notebook of your own, a label "
        "column holding ids) and build again",
    ),
    "path": (
        "an absolute path of a machine",
        "build again with this version of tlanalysis (it writes paths relative to the site); remove the "
        "file if it was added by hand",
    ),
    "pickle": (
        "a pickle (Python objects that run code when loaded)",
        "delete the file: a site holds pages, products and shared assets only",
    ),
    "executable": (
        "executable content",
        "delete the file or the part named: a site holds pages, products and shared assets only",
    ),
    "file": (
        "a file a tlanalysis site does not publish",
        "delete it before publishing (build state lives in the private state folder, never in the site)",
    ),
    "unreadable": (
        "a file that cannot be read as its type",
        "delete it and build again",
    ),
    "disclosure": (
        "a masked figure that a reader can work out",
        "build again (the protection is recomputed); if it persists, report it to the tlanalysis maintainers",
    ),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    where: str  # the file, relative to the site (or a report and figure, for the attacker)
    found: str  # the text found, or what is wrong

    @property
    def what(self) -> str:
        return KINDS[self.kind][0]

    @property
    def fix(self) -> str:
        return KINDS[self.kind][1]


@dataclass
class AuditReport:
    site: Path
    files: int = 0
    findings: list[Finding] = field(default_factory=list)
    #: What was checked beyond the generic shapes ("3,712 record identifiers"), or why not.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def summary(self) -> str:
        """One line: what was checked and what was found."""
        if self.ok:
            return (
                f"audit: {self.files} files of {self.site.name}/ checked — no personal data, record identifier, "
                "absolute path, pickle or executable content, no masked figure pinned"
                + (f" ({'; '.join(self.notes)})" if self.notes else "")
            )
        return f"audit: {len(self.findings)} problem(s) in {self.files} files of {self.site.name}/ — not publishable"

    def describe(self, limit: int = 50) -> str:
        """The findings, grouped by kind: what, where (at most `limit` places each), how to fix it."""
        lines = [self.summary()]
        by_kind: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_kind.setdefault(finding.kind, []).append(finding)
        for kind, found in by_kind.items():
            what, fix = KINDS[kind]
            lines.append(f"  {what} ({len(found)}):")
            for finding in found[:limit]:
                lines.append(f"    {finding.where}: {finding.found}")
            if len(found) > limit:
                lines.append(f"    … and {len(found) - limit} more")
            lines.append(f"    fix: {fix}")
        lines += [f"  note: {note}" for note in self.notes if not self.ok]
        return "\n".join(lines)


# --- which files a site holds ------------------------------------------------------------------------

#: Text files a site may hold, read as text.
TEXT_SUFFIXES = frozenset({".html", ".htm", ".svg", ".css", ".js", ".txt", ".md", ".csv"})
JSON_SUFFIXES = frozenset({".json", ".ipynb", ".geojson"})
#: Binary files a site may hold: their first bytes.
MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".ico": (b"\x00\x00\x01\x00",),
    ".pdf": (b"%PDF-",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
}
_EXECUTABLE_MAGIC = (
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java executable"),
    (b"#!", "a script"),
)
_EXECUTABLE_SUFFIXES = frozenset(
    {".py", ".pyc", ".pyo", ".pyd", ".so", ".dll", ".exe", ".bat", ".cmd", ".ps1", ".sh", ".jar", ".com",
     ".msi", ".scr", ".vbs", ".app", ".dylib", ".xlsm", ".xlam", ".docm", ".lnk"}
)  # fmt: skip
_PICKLE_SUFFIXES = frozenset({".pickle", ".pkl", ".pck", ".joblib", ".npy", ".npz", ".dill", ".cloudpickle"})
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_EMBEDDING = re.compile(r"<(iframe|object|embed|applet)\b", re.IGNORECASE)
_JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
_SVG_ACTIVE = re.compile(r"<script\b|\son[a-z]+\s*=", re.IGNORECASE)


def looks_like_pickle(data: bytes) -> bool:
    """A pickle's opening: protocol 2+ (0x80, version), or protocol 0/1 opcodes that parse to a STOP
    (pickletools only parses: nothing runs)."""
    if len(data) >= 2 and data[0] == 0x80 and 2 <= data[1] <= 5:
        return True
    if not data or data[:1] not in b"(c]}\x80KJMNSTUVXdelp":
        return False
    import pickletools

    try:
        ops = [op.name for op, _, _ in pickletools.genops(data[:65536])]
    except Exception:
        return False
    return bool(ops) and ops[-1] == "STOP" and len(ops) > 1


def _executable(data: bytes) -> str | None:
    return next((what for magic, what in _EXECUTABLE_MAGIC if data.startswith(magic)), None)


@dataclass
class _Known:
    """Library files a site copies as they are (plotly.js): checked by their hash, not read."""

    hashes: set[str] = field(default_factory=set)
    inline: list[str] = field(default_factory=list)

    @classmethod
    def collect(cls) -> _Known:
        known = cls()
        try:
            from .export import plotly_js_path

            data = plotly_js_path().read_bytes()
        except (OSError, RuntimeError):
            return known
        known.hashes.add(hashlib.sha256(data).hexdigest())
        known.inline.append(data.decode("utf-8", errors="replace"))
        return known


def machine_paths(*extra: Path | str | None) -> list[str]:
    """Folders of this machine whose path must never be published: home, working and temporary
    folders, the Python installation, tlanalysis itself, and `extra` (the data, the site, the state)."""
    from ..config import PACKAGE_DIR

    candidates: list[Path | str | None] = [
        Path.home(),
        Path.cwd(),
        tempfile.gettempdir(),
        sys.prefix,
        sys.base_prefix,
        PACKAGE_DIR.parent,
        *extra,
    ]
    out: set[str] = set()
    for item in candidates:
        if item is None:
            continue
        path = Path(item)
        if not path.is_absolute() or len(path.parts) < 2:
            continue
        for form in {str(path), path.as_posix(), str(path.resolve())}:
            out.add(form)
    return sorted(out)


def _relative_script(page: Path, source: str, site: Path) -> bool:
    """A script the page loads from inside the site (a relative path to an existing file)."""
    if re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|/|\\)", source, re.IGNORECASE):
        return False
    target = (page.parent / source.split("?")[0].split("#")[0]).resolve()
    try:
        target.relative_to(site.resolve())
    except ValueError:
        return False
    return target.is_file()


def _file_findings(path: Path, relative: str, site: Path, patterns: scan.Patterns, known: _Known) -> list[Finding]:
    """Everything wrong with one file of a site."""
    findings: list[Finding] = []
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if any(part.startswith(".") for part in Path(relative).parts):
        findings.append(Finding("file", relative, "a hidden file (build state, or a leftover of an interrupted build)"))
    if suffix in _PICKLE_SUFFIXES or looks_like_pickle(data):
        return [*findings, Finding("pickle", relative, "pickled Python objects")]
    executable = _executable(data)
    if executable or suffix in _EXECUTABLE_SUFFIXES:
        return [*findings, Finding("executable", relative, executable or f"a {suffix} file")]
    texts: list[str] = []
    if suffix in TEXT_SUFFIXES:
        if hashlib.sha256(data).hexdigest() in known.hashes:
            return findings
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return [*findings, Finding("unreadable", relative, "not UTF-8 text")]
        for library in known.inline:
            if library in text:
                text = text.replace(library, "")
        if suffix in (".html", ".htm"):
            for source in _SCRIPT_SRC.findall(text):
                if not _relative_script(path, source, site):
                    findings.append(Finding("executable", relative, f"a script loaded from outside the site: {source}"))
            findings += [Finding("executable", relative, f"an embedded <{tag}>") for tag in _EMBEDDING.findall(text)]
            if _JS_URL.search(text):
                findings.append(Finding("executable", relative, "a javascript: link"))
        elif suffix == ".svg" and _SVG_ACTIVE.search(text):
            findings.append(Finding("executable", relative, "a script or event handler in an SVG image"))
        texts = scan.html_texts(text)
    elif suffix in JSON_SUFFIXES:
        try:
            texts = scan.json_texts(data)
        except (UnicodeDecodeError, ValueError):
            return [*findings, Finding("unreadable", relative, f"not a JSON document ({suffix})")]
    elif suffix in MAGIC:
        if not data.startswith(MAGIC[suffix]):
            return [*findings, Finding("unreadable", relative, f"its content is not a {suffix} file")]
        problems: list[str] = []
        try:
            if suffix == ".pdf":
                texts, problems = scan.pdf_texts(path)
            elif suffix == ".xlsx":
                texts, problems = scan.xlsx_texts(path)
            elif suffix in (".pptx", ".odp"):
                texts, problems = scan.deck_texts(path)
            elif suffix == ".png":
                texts = scan.png_texts(data)
        except Exception as exc:  # a damaged file: say so rather than stop the audit
            return [*findings, Finding("unreadable", relative, f"{type(exc).__name__}: {exc}")]
        findings += [Finding("executable", relative, problem) for problem in problems]
    else:
        findings.append(Finding("file", relative, f"a {suffix or 'extension-less'} file"))
        texts = [data.decode("utf-8", errors="replace")]
    seen: set[tuple[str, str]] = set()
    for text in texts:
        for hit in patterns.find(text):
            if (hit.kind, hit.text) in seen:
                continue
            seen.add((hit.kind, hit.text))
            found = f"{hit.detail} {hit.text!r}" if hit.detail else repr(hit.text)
            findings.append(Finding(hit.kind, relative, found))
    return findings


# --- the record identifiers of the data ----------------------------------------------------------------

#: Columns whose values identify a record (a person, a candidate, a place), by table.
IDENTIFIER_COLUMNS = (("holders", "holder_id"), ("assessments", "candidate_id"), ("employment", "tiers_lieu"))


def _searchable(value: str, column: str) -> bool:
    """Whether a value can be told apart from ordinary text: ids of at least 4 characters with a letter
    (numbers such as "1024" are everywhere in a page), or 8 digits and more; a place's name only when it
    is a code (no space, a digit), since a place's name is not a person's and may be public."""
    if len(value) < 4:
        return False
    if column == "tiers_lieu":
        return " " not in value and any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
    return any(c.isalpha() for c in value) or (value.isdigit() and len(value) >= 8)


def record_identifiers(dataset) -> tuple[dict[str, str], int]:
    """(identifier -> its column, how many identifiers are too short or plain to search)."""
    found: dict[str, str] = {}
    skipped = 0
    for table, column in IDENTIFIER_COLUMNS:
        frame = getattr(dataset, table, None)
        if frame is None or column not in frame.columns:
            continue
        for value in frame[column].dropna().astype(str).str.strip().unique():
            if _searchable(value, column):
                found.setdefault(value, column)
            elif column != "tiers_lieu":
                skipped += 1
    return found, skipped


# --- the audit -------------------------------------------------------------------------------------------


def site_files(site: Path) -> list[Path]:
    """Every file under the site (hidden ones included), symbolic links not followed."""
    out = []
    for folder, dirs, files in os.walk(site):
        dirs.sort()
        out += [Path(folder) / name for name in sorted(files)]
    return out


def audit_site(
    site: Path,
    *,
    dataset=None,
    previous: Iterable[Path] = (),
    extra_paths: Iterable[Path | str] = (),
    attack: bool = True,
) -> AuditReport:
    """Audit every file of `site` (see the module doc). `dataset`: the data the site was built from,
    whose record identifiers must not appear; `previous`: earlier releases for the attacker;
    `extra_paths`: more folders of this machine to look for (the data, the state folder)."""
    site = Path(site)
    report = AuditReport(site.resolve())
    identifiers: dict[str, str] = {}
    if dataset is not None:
        identifiers, skipped = record_identifiers(dataset)
        report.notes.append(
            f"{len(identifiers)} record identifiers searched"
            + (f", {skipped} too short or numeric to search" if skipped else "")
        )
    else:
        report.notes.append("record identifiers not searched: the data of this site is unknown (give --data)")
    patterns = scan.Patterns(machine_paths(site.resolve(), *extra_paths), identifiers)
    known = _Known.collect()
    files = site_files(site)
    report.files = len(files)
    for path in files:
        relative = path.relative_to(site).as_posix()
        try:
            report.findings += _file_findings(path, relative, site, patterns, known)
        except OSError as exc:
            report.findings.append(Finding("unreadable", relative, exc.strerror or str(exc)))
    if attack:
        findings, note = attack_figures(site, list(previous))
        report.findings += findings
        report.notes.append(note)
    return report


def site_dataset(site: Path, root: Path):
    """The data a site was last built from, as its build kept it in the private state folder (checked),
    or None when there is none on this machine."""
    from ..state import StateRejected
    from ..validate import store
    from .cache import BuildState

    state = BuildState.load(Path(site).resolve(), root)
    if not state.data_key:
        return None
    try:
        return store.load(state.data_key, root)
    except StateRejected:
        return None


def attack_figures(site: Path, previous: list[Path]) -> tuple[list[Finding], str]:
    """The LP attacker of the disclosure tests over the published figures of `site` and the `previous`
    releases (their release ledgers, `protect.ledger`): a finding per masked figure it pins down."""
    import importlib

    try:  # the releases work (issue 16): `/work/notes/ATTACK_API.md`
        pinned_cells = importlib.import_module("tlanalysis.protect.attack").pinned_cells
        FILE_NAME = importlib.import_module("tlanalysis.protect.ledger").FILE_NAME
    except (ImportError, AttributeError):
        return [], "LP attacker: not in this version of tlanalysis"
    sites = [Path(site), *previous]
    without = [s for s in sites if not (s / FILE_NAME).is_file()]
    if without:
        names = ", ".join(f"{s.name}/" for s in without)
        return [], f"LP attacker: not run, no release ledger ({FILE_NAME}) in {names} (built before it existed)"
    started = time.monotonic()
    found = pinned_cells(sites)
    findings = [Finding("disclosure", f"release of {cell.date}", cell.describe()) for cell in found]
    what = f"{len(sites)} site{'s' if len(sites) > 1 else ''}"
    seconds = time.monotonic() - started
    return findings, f"LP attacker over {what}: {len(found)} masked figure(s) pinned ({seconds:.1f} s)"
