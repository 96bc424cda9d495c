"""What changed between two builds: which reports were added, removed or changed, and which key
figures moved — so that an analyst can review a new year's data before sending the reports.

Reports are compared through the files every build writes: the page's bytes (`<slug>.html`)
and its key figures (`<slug>.json`, after disclosure control, so a diff never shows more than
the reports do).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from ..provenance import file_sha256


@dataclass
class ReportChange:
    key: str
    page_changed: bool
    figures: list[tuple[str, object, object]] = field(default_factory=list)  # (path, old, new)


@dataclass
class BuildDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ReportChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "changed": [
                {
                    "report": c.key,
                    "page_changed": c.page_changed,
                    "figures": [{"figure": p, "old": o, "new": n} for p, o, n in c.figures],
                }
                for c in self.changed
            ],
        }


def _reports(out_dir: Path) -> dict[str, Path]:
    """Report key ("2019/75-nouvelle-aquitaine") -> its HTML page, for every page with figures."""
    if not out_dir.is_dir():
        raise UsageError(f"build folder not found: {out_dir}")
    found = {}
    for html in sorted(out_dir.glob("*/*.html")):
        if html.with_suffix(".json").is_file():
            found[f"{html.parent.name}/{html.stem}"] = html
    if not found and not (out_dir / "index.html").is_file():
        raise UsageError(f"{out_dir} does not hold a tlanalysis build (no index.html, no reports)")
    return found


def _flatten(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        flat: dict[str, object] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def _figures(html: Path) -> dict[str, object]:
    return _flatten(json.loads(html.with_suffix(".json").read_text(encoding="utf-8")).get("figures", {}))


def compare_builds(old_dir: Path, new_dir: Path) -> BuildDiff:
    old, new = _reports(Path(old_dir)), _reports(Path(new_dir))
    diff = BuildDiff(added=sorted(set(new) - set(old)), removed=sorted(set(old) - set(new)))
    for key in sorted(set(old) & set(new)):
        before, after = _figures(old[key]), _figures(new[key])
        moved = [
            (path, before.get(path), after.get(path))
            for path in sorted(set(before) | set(after))
            if before.get(path) != after.get(path)
        ]
        page_changed = file_sha256(old[key]) != file_sha256(new[key])
        if moved or page_changed:
            diff.changed.append(ReportChange(key, page_changed, moved))
        else:
            diff.unchanged.append(key)
    return diff


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "—" if value is None else str(value)


def describe(diff: BuildDiff) -> str:
    lines = [
        f"{len(diff.changed)} changed, {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.unchanged)} unchanged"
    ]
    lines += [f"  added    {key}" for key in diff.added]
    lines += [f"  removed  {key}" for key in diff.removed]
    for change in diff.changed:
        lines.append(f"  changed  {change.key}" + ("" if change.figures else " (page only, same key figures)"))
        lines += [f"           {path}: {_show(old)} → {_show(new)}" for path, old, new in change.figures]
    return "\n".join(lines)
