"""What earlier releases published, as a constraint on the protection of a new one.

A reader who saved an earlier site knows every figure it showed, and what its labels said of the
masked ones (« < k »: 0 to k - 1; « secret »: at least k holders or 1 job). A new release must not
undo that: a figure shown before whose data did not change keeps its value (it is public), a figure
masked before stays masked, within the range its labels gave, and the secondary suppression of the
new release takes both as given. `EarlierFigures.reconcile` maps the earlier figures onto the cells
of the new protection and tells which of them changed since (corrections).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .ledger import FILE_NAME, Cell, Ledger, Release, published_value, read_sites

#: A published figure in a release: its shown value, or its label (« < 5 », « secret »).
Published = int | str


def label_range(label: str, min_count: int, holders: bool) -> tuple[float, float]:
    """What a label tells a reader of a count: « < k » is 0..k-1; « secret » is at least k holders (every
    smaller count is « < k ») or 1 job (0 jobs are never sensitive, complements never 0)."""
    text = label.strip()
    if text.startswith("<"):
        return 0.0, float(int(text[1:].strip()) - 1)
    return (float(min_count) if holders else 1.0), math.inf


@dataclass
class Reconciled:
    """The earlier figures on the cells (classes) of a new protection."""

    #: class -> its value, shown before and unchanged: it stays shown
    known: dict[int, int] = field(default_factory=dict)
    #: class -> the range the labels of earlier releases give it, masked before and not shown since
    carried: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: keys of published figures whose value is not what an earlier release said (shown with another value,
    #: or outside its label's range): the data changed (a correction)
    corrected: list[tuple] = field(default_factory=list)
    #: keys published before that the new data has no report for
    gone: list[tuple] = field(default_factory=list)


class EarlierFigures:
    """The figures of the earlier releases of a series (one part: annual or certification), by key."""

    def __init__(self, releases: Iterable[tuple[int, Mapping[tuple, Published]]]) -> None:
        """`releases`: (k, {key: value or label}) of each earlier release, oldest first."""
        self.shown: dict[tuple, dict[int, None]] = {}
        self.labels: dict[tuple, list[tuple[str, int]]] = {}
        self.releases = 0
        for min_count, cells in releases:
            self.releases += 1
            for key, value in cells.items():
                if isinstance(value, str):
                    self.labels.setdefault(key, []).append((value, int(min_count)))
                else:
                    self.shown.setdefault(key, {})[int(value)] = None

    def __bool__(self) -> bool:
        return bool(self.shown or self.labels)

    def keys(self) -> set[tuple]:
        return set(self.shown) | set(self.labels)

    def range_of(self, key: tuple, holders: bool) -> tuple[float, float]:
        lo, hi = 0.0, math.inf
        for label, k in self.labels.get(key, []):
            a, b = label_range(label, k, holders)
            lo, hi = max(lo, a), min(hi, b)
        return lo, hi

    def reconcile(self, keys: Mapping[tuple, int | None], values: Sequence[int], holders: Sequence[bool]) -> Reconciled:
        """Map the earlier figures onto the classes of a model (`keys`: key -> class, None for a count of
        nothing, which is 0; `values` and `holders` per class)."""
        out = Reconciled()
        for key in sorted(self.keys(), key=str):
            if key not in keys:
                out.gone.append(key)
                continue
            cid = keys[key]
            value = 0 if cid is None else int(values[cid])
            is_holders = key[0] == "holders"
            shown = self.shown.get(key, {})
            lo, hi = self.range_of(key, is_holders)
            if any(v != value for v in shown) or not lo <= value <= hi:
                out.corrected.append(key)
                continue
            if cid is None:
                continue
            if shown:
                out.known[cid] = value
            elif key in self.labels:
                a, b = out.carried.get(cid, (0.0, math.inf))
                out.carried[cid] = (max(a, lo), min(b, hi))
        for cid in out.known:
            out.carried.pop(cid, None)
        return out


# --- the releases a build honours, and the one it records ------------------------------------------


class History:
    """The earlier releases a build honours (its output folder's ledger and the `--previous` sites), and
    the ledger its own release is added to."""

    def __init__(self, ledger: Ledger, honoured: list[Release], series: int, notes: list[str]) -> None:
        self.ledger = ledger
        self.honoured = honoured
        self.series = series
        #: what the build should say about them (a new series, the sites read)
        self.notes = notes
        self.annual = None
        self.certification = None

    @classmethod
    def open(
        cls,
        out_dir: Path,
        previous: Sequence[Path] = (),
        new_series: bool = False,
        min_count: int = 5,
        target_jobs: Sequence[str] = (),
    ) -> History:
        """The releases of `out_dir`'s ledger and of the `previous` sites; those of the latest series are
        honoured, unless `new_series`. A series keeps its k and its target jobs: changing either needs a
        new series (UsageError otherwise)."""
        ledger = Ledger.read(out_dir)
        if previous:
            ledger.merge(read_sites(previous))
        notes = []
        if new_series:
            series = ledger.series + 1
            honoured: list[Release] = []
            if ledger.releases:
                notes.append(
                    f"new series {series}: the {len(ledger.releases)} earlier release(s) are not honoured; "
                    "whoever saved them can still read them beside this one"
                )
        else:
            series = max(ledger.series, 1)
            honoured = ledger.current()
            for release in honoured:
                if release.min_count != int(min_count):
                    raise UsageError(
                        f"the release of {release.date} was protected with --min-count {release.min_count}, "
                        f"this build asks {min_count}: keep --min-count {release.min_count}, or start a new "
                        "series with --new-series (earlier sites stay readable beside the new one)"
                    )
                if release.certification and tuple(release.target_jobs) != tuple(target_jobs):
                    raise UsageError(
                        f"the release of {release.date} counted « le métier visé » as "
                        f"{','.join(release.target_jobs)}, this build asks {','.join(target_jobs)}: keep "
                        "--target-job, or start a new series with --new-series (earlier sites stay readable)"
                    )
            if honoured:
                notes.append(f"honouring {len(honoured)} earlier release(s) of series {series}")
        return cls(ledger, honoured, series, notes)

    @property
    def ids(self) -> list[str]:
        """The honoured releases (what a protection computed under this history depends on)."""
        return [r.id for r in self.honoured]

    def earlier(self, part: str) -> EarlierFigures | None:
        """The figures of the honoured releases for one part (annual, certification), None when there are none."""
        figures = EarlierFigures((r.min_count, r.cells(part)) for r in self.honoured)
        return figures if figures else None

    def outdated(self, stored_key: dict | None, key: dict) -> bool:
        """Whether the build must protect the data even with every page up to date: the stored protection
        (`stored_key`, None when there is none) was computed under other earlier releases than these (`key`:
        the protection key under them; the reports whose figures change are then built again), or the
        site's ledger does not record its pages yet."""
        if stored_key is None:
            return False
        return stored_key != key or self.ledger.site is None

    def protected(self, annual, certification=None) -> None:
        """The protections of this build (a `Protection` or `StoredProtection`; a `CertificationProtection`)."""
        self.annual, self.certification = annual, certification

    def corrected(self) -> list[tuple]:
        """Keys of figures an honoured release published with another value than the new data gives."""
        out = []
        reconciled = getattr(self.annual, "reconciled", None)
        if reconciled is not None:
            out += list(reconciled.corrected)
        if self.certification is not None:
            out += list(self.certification.corrected)
        return out

    def cells(self, reports: Iterable[tuple[str, int, str]]) -> tuple[dict[tuple, Cell], dict[tuple, Cell]]:
        """The annual and certification counts the pages of these reports (kind, year, scope) show."""
        from ..reference import FRANCE, find_region

        reports = list(reports)
        annual: dict[tuple, Cell] = {}
        certification: dict[tuple, Cell] = {}
        if self.annual is not None:
            cells = self.annual.report_cells([(y, s) for kind, y, s in reports if kind == "annual"])
            annual = {key: published_value(v) for key, v in cells.items()}
        regions = [(y, FRANCE if s == "FR" else find_region(s)) for kind, y, s in reports if kind == "certification"]
        if regions and self.certification is not None:
            cells = self.certification.published_cells(regions)
            certification = {key: published_value(v) for key, v in cells.items()}
        return annual, certification

    def changed_reports(self, reports: Iterable[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
        """Reports of the site (kind, year, scope) whose figures differ from those the site's latest release
        recorded: their pages must be built again."""
        latest = self.ledger.site_release()
        if latest is None:
            return []
        out = []
        for report in reports:
            annual, certification = self.cells([report])
            if any(latest.annual.get(k) != v for k, v in annual.items()) or any(
                latest.certification.get(k) != v for k, v in certification.items()
            ):
                out.append(report)
        return out

    def record(
        self,
        out_dir: Path,
        dataset,
        min_count: int,
        target_jobs: Sequence[str],
        reports: Iterable[tuple[str, int, str]],
    ) -> Release | None:
        """Record the release of the site as it now stands (`reports`: those its pages show) in the output
        folder's ledger, with every release read, and write it. None when nothing was protected in this
        build (nothing new was published)."""
        if self.annual is None:
            return None
        from datetime import UTC, datetime

        from ..provenance import VERSION

        reports = sorted(set(reports))
        annual, certification = self.cells(reports)
        release = Release(
            date=datetime.now(UTC).isoformat(timespec="seconds"),
            series=self.series,
            data=dataset.fingerprint,
            tlanalysis=VERSION,
            min_count=int(min_count),
            target_jobs=tuple(target_jobs),
            reports=tuple(reports),
            annual=annual,
            certification=certification,
            corrected=tuple(k for k in self.corrected() if k in annual or k in certification),
        )
        self.ledger.add(release)
        self.ledger.site = self.ledger.find(release.id)
        self.ledger.write(Path(out_dir) / FILE_NAME)
        return release


__all__ = ["EarlierFigures", "History", "Published", "Reconciled", "label_range"]
