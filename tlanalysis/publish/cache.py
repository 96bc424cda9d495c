"""Incremental builds: what a report depends on, and the build-state file that remembers it.

A report is up to date when its fingerprint is unchanged and its output files are
still the ones the build wrote (same size and modification time). The fingerprint
covers everything that can change the output:

* the notebook file's content and the report's parameters (year, region, data folder,
  render mode, minimum count);
* the content of every file of the data folder (hidden files and Excel lock files
  `~$…` excepted);
* the package version and the content of the tlanalysis package (sources and the files beside
  them) and of the reference/published data it reads, so that editing the library rebuilds;
* the output mode (site or standalone) and the versions of plotly and nbconvert.

Nothing here imports papermill, nbconvert or plotly: the no-op path stays fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .. import atomic
from ..provenance import VERSION, file_sha256, folder_hash, json_sha256, library_hash, package_version

STATE_FILE = ".tlanalysis-build.json"
STATE_FORMAT = 1


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
    """Size and modification time of an output file, None if missing."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


class BuildState:
    """The `OUT/.tlanalysis-build.json` file: one entry per report key ("2019/france")."""

    def __init__(self, out_dir: Path, reports: dict[str, dict] | None = None):
        self.out_dir = out_dir
        self.reports: dict[str, dict] = reports or {}

    @property
    def path(self) -> Path:
        return self.out_dir / STATE_FILE

    @classmethod
    def load(cls, out_dir: Path) -> BuildState:
        try:
            content = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls(out_dir)
        if not isinstance(content, dict) or content.get("format") != STATE_FORMAT:
            return cls(out_dir)
        reports = content.get("reports")
        return cls(out_dir, reports if isinstance(reports, dict) else {})

    def save(self) -> None:
        text = json.dumps(
            {"format": STATE_FORMAT, "reports": dict(sorted(self.reports.items()))}, ensure_ascii=False, indent=1
        )
        atomic.write_text(self.path, text + "\n")

    def outputs_intact(self, entry: dict) -> bool:
        """The files an entry lists are there, unchanged since the build wrote them."""
        for relative, stamp in entry.get("files", {}).items():
            if file_stamp(self.out_dir / relative) != stamp:
                return False
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
