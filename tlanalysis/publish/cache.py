"""Incremental builds: what a report depends on, and the build state that remembers it.

A report is up to date when its fingerprint is unchanged and its output files are
still the ones the build wrote (same size and modification time, or — for a site copied or moved
elsewhere — the same content). The fingerprint covers everything that can change the output:

* the notebook file's content and the report's parameters (year, region, the data folder's name and
  the key of its validated data, render mode, minimum count);
* the content of every file of the data folder (hidden files and Excel lock files
  `~$…` excepted);
* the package version and the content of the tlanalysis package (sources and the files beside
  them) and of the reference/published data it reads, so that editing the library rebuilds;
* the output mode (site or standalone) and the versions of plotly and nbconvert.

The build state lives in the private state folder (`tlanalysis.state`, `sites/<hash of the output
folder>/`), sealed like every record there: it names the machine's folders and the failed reports'
notebooks, which are not for publication. A site moved or copied to another folder starts from the state
of the site whose files it holds, so it builds incrementally where it can.

Nothing here imports papermill, nbconvert or plotly: the no-op path stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..provenance import VERSION, file_sha256, folder_hash, json_sha256, library_hash, package_version
from ..state import NOT_THERE, StateRejected, key_digest, read_sealed, write_sealed

STATE_FILE = "build.json"
STATE_FORMAT = 2


@dataclass(frozen=True)
class Inputs:
    """What every report of one build shares."""

    notebook_sha256: str
    data_sha256: str
    sources_sha256: str
    tlanalysis_version: str
    mode: str  # "site" or "standalone"
    tools: str  # plotly and nbconvert versions

    @classmethod
    def collect(cls, notebook: Path, data_dir: Path, mode: str) -> Inputs:
        return cls(
            notebook_sha256=file_sha256(notebook),
            data_sha256=folder_hash(data_dir),
            sources_sha256=library_hash(),
            tlanalysis_version=VERSION,
            mode=mode,
            tools=f"plotly {package_version('plotly')}; nbconvert {package_version('nbconvert')}",
        )

    def fingerprint(self, parameters: dict) -> str:
        return json_sha256({"inputs": self.__dict__, "parameters": parameters})


def file_stamp(path: Path) -> dict | None:
    """Size, modification time and SHA-256 of an output file, None if missing. The hash lets a copied or
    moved site (new modification times) be recognised as the same files."""
    try:
        stat = path.stat()
        digest = file_sha256(path)
    except OSError:
        return None
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest}


def site_key(out_dir: Path) -> dict:
    """The key of a site's build state: its folder (a moved or copied site starts from the state of the
    site whose files it holds, see `BuildState.load`)."""
    return {"site": str(Path(out_dir).resolve())}


class BuildState:
    """What a build remembers of its site, in the private state folder (`sites/<digest>/build.json`,
    sealed): one entry per report key ("2019/france"), with its fingerprint, its files (size,
    modification time, SHA-256), durations, error. Failed reports' notebooks are kept beside it
    (`failed/`), never in the site."""

    def __init__(self, out_dir: Path, root: Path, reports: dict[str, dict] | None = None):
        self.out_dir = out_dir
        self.root = root
        self.reports: dict[str, dict] = reports or {}
        #: The key of the validated data of the last build (`validate.store`): what the audit reads.
        self.data_key: str | None = None
        #: A stamp of the site's files when an audit last found nothing in them (a no-op build skips it).
        self.audited: str | None = None
        #: A stamp of what the index page was last written from, and of the page (a no-op build keeps it).
        self.indexed: str | None = None
        #: Stamps of the clean builds of this site (`unchanged`): what a no-op build recognises.
        self.stamps: dict[str, dict] = {}
        #: Entries whose stamps `outputs_intact` refreshed (files copied with new times): saved with the state.
        self.refreshed = False

    @property
    def folder(self) -> Path:
        return self.root / "sites" / key_digest(site_key(self.out_dir))

    @property
    def lock_path(self) -> Path:
        return self.folder / "build.lock"

    def failed_notebook_path(self, key: str) -> Path:
        """Where the executed notebook of a failed report is kept (private: its traceback names files)."""
        return self.folder / "failed" / f"{key}.ipynb"

    @classmethod
    def load(cls, out_dir: Path, root: Path, warn: Callable[[str], None] = lambda message: None) -> BuildState:
        """The state of the site in `out_dir`; for a site moved or copied there, the entries of the site it
        was copied from (each report is up to date only if its files still have their content)."""
        state = cls(out_dir, root)
        try:
            files, _ = read_sealed(state.folder, "site", site_key(out_dir), root)
            content = json.loads(files[STATE_FILE].decode("utf-8"))
        except StateRejected as exc:
            if str(exc) != NOT_THERE:
                warn(f"the build state of {out_dir.name}/ was ignored ({exc}): every report is built again")
                return state
            state.reports = state._adopted()
            return state
        except (KeyError, ValueError):
            return state
        if (
            isinstance(content, dict)
            and content.get("format") == STATE_FORMAT
            and isinstance(content.get("reports"), dict)
        ):
            state.reports = content["reports"]
            key, audited = content.get("data_key"), content.get("audited")
            state.data_key = key if isinstance(key, str) else None
            state.audited = audited if isinstance(audited, str) else None
            indexed = content.get("indexed")
            state.indexed = indexed if isinstance(indexed, str) else None
            stamps = content.get("stamps")
            state.stamps = stamps if isinstance(stamps, dict) else {}
        return state

    def _adopted(self) -> dict[str, dict]:
        """The entries of the other site whose files this folder holds the most of (same sizes)."""
        best: dict[str, dict] = {}
        best_score = 0
        sites = self.root / "sites"
        for folder in sorted(sites.iterdir()) if sites.is_dir() else []:
            if folder == self.folder:
                continue
            try:
                files, _ = read_sealed(folder, "site", None, self.root)
                reports = json.loads(files[STATE_FILE].decode("utf-8")).get("reports", {})
            except (StateRejected, KeyError, ValueError, AttributeError):
                continue
            kept = {
                key: {k: v for k, v in entry.items() if k not in ("failed_notebook",)}
                for key, entry in reports.items()
                if isinstance(entry, dict) and entry.get("status") == "ok" and self._same_sizes(entry)
            }
            if len(kept) > best_score:
                best, best_score = kept, len(kept)
        return best

    def _same_sizes(self, entry: dict) -> bool:
        stamps = entry.get("files") or {}
        return bool(stamps) and all(
            isinstance(s, dict) and (self.out_dir / r).is_file() and (self.out_dir / r).stat().st_size == s.get("size")
            for r, s in stamps.items()
        )

    def save(self) -> None:
        text = json.dumps(
            {
                "format": STATE_FORMAT,
                "out_dir": str(self.out_dir),
                "data_key": self.data_key,
                "audited": self.audited,
                "indexed": self.indexed,
                "stamps": self.stamps,
                "reports": dict(sorted(self.reports.items())),
            },
            ensure_ascii=False,
            indent=1,
        )
        write_sealed(
            self.folder, "site", site_key(self.out_dir), {STATE_FILE: (text + "\n").encode("utf-8")}, self.root
        )
        self.refreshed = False

    def outputs_intact(self, entry: dict) -> bool:
        """The files an entry lists are there, unchanged since the build wrote them (same size and time,
        or, for a copy, the same content)."""
        for relative, stamp in entry.get("files", {}).items():
            path = self.out_dir / relative
            try:
                stat = path.stat()
            except OSError:
                return False
            if not isinstance(stamp, dict) or stat.st_size != stamp.get("size"):
                return False
            if stat.st_mtime_ns != stamp.get("mtime_ns"):
                if stamp.get("sha256") != file_sha256(path):
                    return False
                stamp["mtime_ns"] = stat.st_mtime_ns
                self.refreshed = True
        return all((self.out_dir / relative).is_file() for relative in entry.get("assets", []))

    def is_up_to_date(self, key: str, fingerprint: str) -> bool:
        entry = self.reports.get(key)
        return (
            entry is not None
            and entry.get("status") == "ok"
            and entry.get("fingerprint") == fingerprint
            and bool(entry.get("files"))
            and self.outputs_intact(entry)
        )
