"""The no-op build: a build asked again of inputs and a site that are exactly as the last clean build left
them does nothing, and knows it without reading the data.

Deciding report by report (`cache`) needs the plan, and the plan needs the data's years and regions: the
validated data (pandas, Parquet) and the stored protection would be loaded only to find that nothing is to
be done. So a clean build (no report failed, the audit found nothing) also records a **stamp** of
everything it was built from and everything it left, in the site's build state (sealed):

* the content of the data folder (every file's bytes, as the reports' fingerprints hash it) and of its
  texts (`textes/`, every file under it), the mapping file and each kind's notebook (path and content);
  the brand (`--brand` or the data folder's `_brand.yml`, and its logo) is recorded with the stamp and
  checked by its bytes;
* the options that change what is published: years, regions, kinds, formats, `--min-count`,
  `--drop-personal-columns`, `--target-job`, `--standalone`, the audit, `--new-series`, and the earlier
  sites given with `--previous` (their folders and the content of their release ledgers);
* the library (version and content hash of its sources and reference data), the versions of Python and of
  the packages whose output a report carries (pandas, pyarrow, numpy, plotly, nbconvert, papermill, scipy,
  highspy);
* every file of the output folder: path, size and modification time (the pages, notebooks, products, the
  ledger, the index, the assets; a file added, removed, edited or touched changes the stamp).

A later build with `force` unset computes the same stamp first (hashing files: no pandas, no plotly, no
scipy) and, when it is one of the stamps recorded, reports every planned report up to date, prints what
the last build said of the releases it honours and that the audit has nothing new to read, and stops. Anything
else (a stamp not recorded, a state that cannot be read) is the ordinary build, which decides report by
report and records a new stamp when it ends clean. The stamp is a shortcut to the answer the ordinary
build would give, never another answer: whatever it does not cover makes it differ.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import TEXTS_DIR
from ..provenance import VERSION, file_sha256, folder_hash, json_sha256, library_hash, package_version

if TYPE_CHECKING:
    from ..report.kinds import ReportKind

#: Version of the stamp's layout (a new one makes every stamp recorded before unknown).
STAMP_FORMAT = 1
#: The packages whose versions a report's output depends on.
TOOLS = ("pandas", "pyarrow", "numpy", "plotly", "nbconvert", "papermill", "scipy", "highspy")
#: Stamps kept per site (the same site built clean with a few selections, e.g. one year then every year).
KEPT = 8


@dataclass(frozen=True)
class Unchanged:
    """What a no-op build says (the reports it would plan, the lines the last build would print about the
    releases it honours) and the brand it was built with: its file, its logo's file and its fingerprint
    (`report.brand`), None for the house look."""

    planned: list[str]
    notes: list[str]
    brand: tuple[str, str | None, str] | None = None

    def as_dict(self) -> dict:
        return {"planned": self.planned, "notes": self.notes, "brand": list(self.brand) if self.brand else None}

    @classmethod
    def from_dict(cls, entry: object) -> Unchanged | None:
        if not isinstance(entry, dict):
            return None
        planned, notes, brand = entry.get("planned"), entry.get("notes"), entry.get("brand")
        if not isinstance(planned, list) or not isinstance(notes, list):
            return None
        if brand is not None:
            if not (isinstance(brand, list) and len(brand) == 3 and all(isinstance(b, str | None) for b in brand)):
                return None
            brand = (str(brand[0]), brand[1], str(brand[2]))
        return cls([str(p) for p in planned], [str(n) for n in notes], brand)

    def same_brand(self, current: Path | None) -> bool:
        """Whether the brand file a build would use now (`report.brand.brand_file`, None: the house look) is
        the one recorded, with the same bytes and the same logo's bytes (checked without parsing it)."""
        from ..report.brand import fingerprint_of

        if self.brand is None or current is None:
            return self.brand is None and current is None
        source, logo, fingerprint = self.brand
        if str(current) != source:
            return False
        try:
            return fingerprint_of(Path(source).read_bytes(), Path(logo).read_bytes() if logo else None) == fingerprint
        except OSError:
            return False


def _hash_or_none(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def site_listing(out_dir: Path) -> list[tuple[str, int, int]]:
    """Every file of the output folder (hidden ones included, links not followed): path, size, mtime."""
    listing = []
    for folder, dirs, files in os.walk(out_dir):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            try:
                stat = path.stat(follow_symlinks=False)
            except OSError:
                continue
            listing.append((path.relative_to(out_dir).as_posix(), stat.st_size, stat.st_mtime_ns))
    return listing


def _tree_hash(folder: Path) -> str | None:
    """Names and bytes of every file under `folder` (the network's texts), None when there is none."""
    if not folder.is_dir():
        return None
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def inputs_digest(
    choices: Mapping[str, object],
    kinds: Sequence[ReportKind],
    data_dir: Path,
    mapping: Path | None = None,
    previous: Sequence[Path] = (),
) -> str:
    """The hash of what a build is made from (see the module doc): `choices` are its options that change
    what is published (`BuildOptions.published_choices`), `kinds` its kinds of report (with their
    notebooks), the folders resolved. Taken before anything is read: a file that changes while the build
    runs makes the next build's digest differ (it builds again), never the other way round."""
    from ..protect.ledger import FILE_NAME

    earlier = []
    for site in previous:
        site = Path(site).resolve()
        ledger = site / FILE_NAME if site.is_dir() else site
        earlier.append([str(site), _hash_or_none(ledger)])
    return json_sha256(
        {
            "format": STAMP_FORMAT,
            "data_dir": str(data_dir),
            "data": folder_hash(data_dir),
            "texts": _tree_hash(data_dir / TEXTS_DIR),
            "mapping": [str(mapping), _hash_or_none(mapping)] if mapping is not None else None,
            "notebooks": {kind.name: [str(kind.notebook), file_sha256(kind.notebook)] for kind in kinds},
            "choices": dict(choices),
            "previous": earlier,
            "library": [VERSION, library_hash()],
            "python": sys.version,
            "tools": {name: package_version(name) for name in TOOLS},
        }
    )


def build_stamp(inputs: str, listing: list[tuple[str, int, int]]) -> str:
    """The stamp of a build: the digest of its inputs (`inputs_digest`) and the files of its site
    (`site_listing`)."""
    return json_sha256({"inputs": inputs, "site": listing})


def recorded(stamps: object, stamp: str) -> Unchanged | None:
    """What the build state recorded for `stamp` (None: not recorded, or not readable)."""
    if not isinstance(stamps, dict):
        return None
    return Unchanged.from_dict(stamps.get(stamp))


def record(stamps: object, stamp: str, unchanged: Unchanged) -> dict:
    """The stamps to keep once a clean build ends with `stamp`: the newest `KEPT` (those that name files the
    site no longer has never match again)."""
    kept = {k: v for k, v in stamps.items() if k != stamp} if isinstance(stamps, dict) else {}
    kept[stamp] = unchanged.as_dict()
    return dict(list(kept.items())[-KEPT:])


__all__ = ["KEPT", "STAMP_FORMAT", "Unchanged", "build_stamp", "inputs_digest", "record", "recorded", "site_listing"]
