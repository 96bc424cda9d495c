"""The validated data of a build, so that report kernels do not read and validate it again.

`tlanalysis build` has read and validated the data folder once before its workers start; it
writes the tidy frames to `OUT/.tlanalysis-data.pickle` (`write`) with the content hashes of the
files they came from. A report given that file (notebook parameter `validate.cache`) takes the frames
from it when every data file still has the hash it had (`load`), and reads the folder itself
otherwise: a changed file is never answered from the cache. On national-size data this saves
about a third of a second of CPU per report (reading, parsing and validating 50,000 rows).

The file is a pickle: like Python's own `__pycache__`, it is trusted as much as the output folder
the build writes it to.
"""

from __future__ import annotations

import pickle
from pathlib import Path

#: The file's name in a build's output folder.
FILE_NAME = ".tlanalysis-data.pickle"
FORMAT = 2


def _listing(data_dir: Path) -> list[tuple[str, int, int]]:
    """The folder's files as (name, size, mtime): a file added, removed or touched makes the cache stale."""
    return sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in Path(data_dir).iterdir() if p.is_file())


def _key(data_dir: Path, sources: dict, drop_personal_columns: bool, mapping: Path | None) -> dict:
    from ..provenance import VERSION, library_hash, package_version

    return {
        "data_dir": str(Path(data_dir).resolve()),
        "listing": _listing(data_dir),
        "sources": {name: [str(Path(s.path).resolve()), s.sha256] for name, s in sorted(sources.items())},
        "drop_personal_columns": bool(drop_personal_columns),
        "mapping": str(Path(mapping).resolve()) if mapping is not None else None,
        "tlanalysis": VERSION,
        "library": library_hash(),
        "pandas": package_version("pandas"),
    }


def write(
    path: Path, dataset, drop_personal_columns: bool, mapping: Path | None = None, certification: object = None
) -> Path:
    """Write the validated `dataset` atomically, keyed by its folder and the hashes of the files
    (data, joined file, mapping) it was read from; with `certification`, the protection of its
    certification reports, computed once by the build (a `CertificationProtection`)."""
    from .. import atomic

    document = {
        "format": FORMAT,
        "key": _key(dataset.data_dir, dataset.sources, drop_personal_columns, mapping),
        "dataset": dataset,
        "certification": certification,
    }
    atomic.write_bytes(Path(path), pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
    return Path(path)


def load(path: Path, data_dir: Path, drop_personal_columns: bool, mapping: Path | None = None):
    """The `Dataset` of `data_dir` from the cache and the certification protection stored with it (or
    None), or None when the cache is not that of the files now in the folder (then the caller reads
    the folder)."""
    from ..provenance import file_sha256
    from .dataset import SourceFile

    try:
        with open(path, "rb") as handle:
            document = pickle.load(handle)
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return None
        dataset = document["dataset"]
        sources = {name: SourceFile(src.path, file_sha256(src.path)) for name, src in dataset.sources.items()}
        current = _key(data_dir, sources, drop_personal_columns, mapping)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, KeyError, TypeError):
        return None
    if document.get("key") != current:
        return None
    return dataset, document.get("certification")
