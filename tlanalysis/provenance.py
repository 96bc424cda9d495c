"""Where a published figure comes from: the package version and content hashes.

One module for every stamp a build or a report writes (the version on a page, the key of a stored
protection, the fingerprint of a report, the hash of a data file), so that they all agree and none is
computed a second way. Nothing here imports pandas, papermill or plotly: the no-op build uses it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .config import PACKAGE_DIR, PUBLISHED_DIR, REFERENCE_DIR

#: Version written when tlanalysis runs from a checkout that was never installed.
UNKNOWN_VERSION = "0+unknown"


def package_version(name: str = "tlanalysis") -> str:
    """The installed version of a distribution (`UNKNOWN_VERSION` when it is not installed)."""
    try:
        return version(name)
    except PackageNotFoundError:
        return UNKNOWN_VERSION


#: The version of tlanalysis, as every page, workbook and key says it.
VERSION = package_version("tlanalysis")


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def text_sha256(text: str) -> str:
    """Hex SHA-256 of a text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def json_sha256(document: object) -> str:
    """Hex SHA-256 of a JSON document in canonical form (sorted keys; anything else as text)."""
    return text_sha256(json.dumps(document, sort_keys=True, ensure_ascii=True, default=str))


def _hash_files(paths: Iterable[Path], root: Path, digest) -> None:
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


def folder_hash(folder: Path) -> str:
    """Content hash of the files of a data folder (names and bytes; hidden files and Excel lock files
    `~$…` left out)."""
    digest = hashlib.sha256()
    files = [p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith((".", "~$"))]
    _hash_files(files, Path(folder), digest)
    return digest.hexdigest()


def _library_files() -> list[Path]:
    """The package's files: sources and whatever data or templates sit next to them (not caches,
    not the `_bundled` copies of the top-level folders, which are hashed on their own)."""
    files = []
    for path in PACKAGE_DIR.rglob("*"):
        parts = path.relative_to(PACKAGE_DIR).parts
        if (
            path.is_file()
            and parts[0] != "_bundled"
            and "__pycache__" not in parts
            and not any(part.startswith(".") for part in parts)
            and path.suffix not in (".pyc", ".pyo")
        ):
            files.append(path)
    return files


@lru_cache(maxsize=1)
def library_hash() -> str:
    """Content hash of the library: its sources (and files beside them) and the reference data it reads.
    Editing the library changes it, so that a build never reuses what an older library computed."""
    digest = hashlib.sha256()
    _hash_files(_library_files(), PACKAGE_DIR, digest)
    for folder in (REFERENCE_DIR, PUBLISHED_DIR):
        if folder.is_dir():
            digest.update(folder.name.encode())
            _hash_files([p for p in folder.iterdir() if p.is_file()], folder, digest)
    return digest.hexdigest()


def data_fingerprint(source_hashes: Mapping[str, str]) -> str:
    """The fingerprint of a dataset: one hash of its tables' source files (table name → SHA-256)."""
    return json_sha256(dict(sorted(source_hashes.items())))


__all__ = [
    "UNKNOWN_VERSION",
    "VERSION",
    "data_fingerprint",
    "file_sha256",
    "folder_hash",
    "json_sha256",
    "library_hash",
    "package_version",
    "text_sha256",
]
