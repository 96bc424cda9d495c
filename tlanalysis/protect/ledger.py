"""The release ledger: what a site published, release by release (`OUT/releases.json`).

Public by construction: for every published count of every report of the site, its shown value or
its label (« < 5 », « secret », as the pages write it), with the release's date, the fingerprint of
the data it was computed from, k and the target jobs. It holds nothing the pages do not already show
(no masked value, no reason why a count is masked), so it is published with the site; whoever saves
the site saves it too.

A later build reads the ledger of its output folder and of any earlier site given with `--previous`,
and protects the new release so that every release of the series together reveals nothing
(`tlanalysis.protect.releases`); it then appends its own release. `--new-series` starts a new series
(after a change of k or of definitions), which later builds honour alone.

Layout (format 1):

    {"format": 1, "about": "...",
     "releases": [{"id": "sha256:…", "date": "2025-03-01T10:00:00+00:00", "series": 1,
                   "data": "<fingerprint>", "tlanalysis": "0.1.0", "min_count": 5,
                   "target_jobs": ["facilitation"],
                   "reports": [["annual", 2019, "75"], ["certification", 2020, "FR"], …],
                   "corrected": [["jobs", 2019, "75", "total"], …],
                   "annual": [[["jobs", 2019, "75"], [[["total"], 269], [["contract", "CDI"], 195], …]], …],
                   "certification": [[["promotion", 2018, "75"], [[["certified"], 64], …]], …]}]}

Cells are grouped by their first three key parts (kind, year or cohort, scope). The `id` is a hash of
the release's content (not its date): building the same figures again adds no release.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import atomic
from ..errors import UsageError
from ..provenance import json_sha256
from .masked import Masked, is_masked

#: The ledger's name in a site (public, beside index.html).
FILE_NAME = "releases.json"
#: Version of the layout.
FORMAT = 1
#: Parts of a release: the annual reports' counts, and the certification reports' counts.
PARTS = ("annual", "certification")

_ABOUT = (
    "Release ledger of a tlanalysis site: every count the reports of each release published, with its "
    "value or its label (« < k », « secret »), never a masked value. Later builds read it so that no "
    "release undoes another (docs/disclosure.md, « Releases »)."
)

Cell = int | str


def published_value(value: int | Masked) -> Cell:
    """A published count as the ledger stores it: its value, or its label when masked."""
    if is_masked(value):
        return value.label
    return int(value)


@dataclass(frozen=True)
class Release:
    """One build's published figures."""

    date: str
    series: int
    data: str
    tlanalysis: str
    min_count: int
    target_jobs: tuple[str, ...]
    reports: tuple[tuple[str, int, str], ...]
    annual: Mapping[tuple, Cell] = field(default_factory=dict)
    certification: Mapping[tuple, Cell] = field(default_factory=dict)
    corrected: tuple[tuple, ...] = ()
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", "sha256:" + json_sha256(self._content())[:32])

    def _content(self) -> dict:
        return {
            "series": self.series,
            "data": self.data,
            "min_count": self.min_count,
            "target_jobs": list(self.target_jobs),
            "reports": [list(r) for r in self.reports],
            "annual": _grouped(self.annual),
            "certification": _grouped(self.certification),
            "corrected": [list(k) for k in self.corrected],
        }

    def cells(self, part: str) -> Mapping[tuple, Cell]:
        return self.annual if part == "annual" else self.certification

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "date": self.date,
            "tlanalysis": self.tlanalysis,
            **self._content(),
        }

    @classmethod
    def from_json(cls, document: Mapping, where: str) -> Release:
        try:
            release = cls(
                date=str(document["date"]),
                series=int(document["series"]),
                data=str(document["data"]),
                tlanalysis=str(document.get("tlanalysis", "")),
                min_count=int(document["min_count"]),
                target_jobs=tuple(str(j) for j in document.get("target_jobs", [])),
                reports=tuple((str(k), int(y), str(s)) for k, y, s in document["reports"]),
                annual=_ungrouped(document.get("annual", [])),
                certification=_ungrouped(document.get("certification", [])),
                corrected=tuple(_key(k) for k in document.get("corrected", [])),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise LedgerError(f"{where}: a release cannot be read ({exc!r})") from None
        stated = str(document.get("id", ""))
        if stated and stated != release.id:
            raise LedgerError(f"{where}: release {stated} does not hold the figures its id says (edited by hand?)")
        return release


class LedgerError(UsageError):
    """A ledger that cannot be read (not JSON, unknown format, a release altered by hand)."""


def _key(parts: Iterable) -> tuple:
    return tuple(int(p) if isinstance(p, int) and not isinstance(p, bool) else str(p) for p in parts)


def _grouped(cells: Mapping[tuple, Cell]) -> list:
    groups: dict[tuple, list] = {}
    for key in sorted(cells, key=_order):
        groups.setdefault(tuple(key[:3]), []).append([list(key[3:]), cells[key]])
    return [[list(group), rows] for group, rows in groups.items()]


def _ungrouped(groups: Iterable) -> dict[tuple, Cell]:
    out: dict[tuple, Cell] = {}
    for group, rows in groups:
        for rest, value in rows:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise ValueError(f"cell {[*group, *rest]} holds {value!r}, not a count or a label")
            out[_key([*group, *rest])] = value
    return out


def _order(key: tuple) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in key)


@dataclass
class Ledger:
    """The releases of one or several sites, oldest first, each once."""

    releases: list[Release] = field(default_factory=list)
    #: the release the pages of the site show now (the latest one a build into its folder recorded)
    site: Release | None = None

    def find(self, release_id: str) -> Release | None:
        return next((r for r in self.releases if r.id == release_id), None)

    def site_release(self) -> Release | None:
        return self.site

    @classmethod
    def read(cls, path: Path) -> Ledger:
        """The ledger in `path` (a file, or a site folder holding `releases.json`); empty when there is none."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE_NAME
        if not path.exists():
            return cls()
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LedgerError(f"{path}: not a release ledger ({exc})") from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise LedgerError(f"{path}: not a release ledger of format {FORMAT}")
        ledger = cls()
        for i, entry in enumerate(document.get("releases", [])):
            ledger.add(Release.from_json(entry, f"{path}, release {i + 1}"))
        ledger.site = ledger.find(str(document.get("site", "")))
        return ledger

    def add(self, release: Release) -> bool:
        """Add a release unless it is already there; False when it was."""
        if any(r.id == release.id for r in self.releases):
            return False
        self.releases.append(release)
        self.releases.sort(key=lambda r: (r.date, r.series))
        return True

    def merge(self, other: Ledger) -> Ledger:
        for release in other.releases:
            self.add(release)
        return self

    def write(self, path: Path) -> Path:
        """Write atomically (a reader never sees half a ledger)."""
        path = Path(path)
        if path.is_dir():
            path = path / FILE_NAME
        document = {
            "format": FORMAT,
            "about": _ABOUT,
            "site": self.site.id if self.site else None,
            "releases": [r.to_json() for r in self.releases],
        }
        atomic.write_text(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n")
        return path

    @property
    def series(self) -> int:
        """The latest series (0 when there is no release)."""
        return max((r.series for r in self.releases), default=0)

    def current(self) -> list[Release]:
        """The releases of the latest series: those a new release of it must honour."""
        series = self.series
        return [r for r in self.releases if r.series == series]

    @property
    def latest(self) -> Release | None:
        return self.releases[-1] if self.releases else None


def read_sites(sites: Iterable[Path]) -> Ledger:
    """Every release of these sites (folders or ledger files), each once; a site without a ledger is an error."""
    ledger = Ledger()
    for site in sites:
        site = Path(site)
        path = site / FILE_NAME if site.is_dir() else site
        if not path.exists():
            raise LedgerError(
                f"{site} holds no release ledger ({FILE_NAME}): only sites built by tlanalysis with "
                "releases can be given as earlier releases"
            )
        ledger.merge(Ledger.read(path))
    return ledger


__all__ = ["FILE_NAME", "FORMAT", "Ledger", "LedgerError", "Release", "published_value", "read_sites"]
