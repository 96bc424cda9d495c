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


def counts_people(key: tuple) -> bool:
    """Whether a published count is of people (holders, the certification reports' counts: « secret » is at
    least k of them) rather than of jobs (« secret » is at least 1)."""
    return key[0] != "jobs"


@dataclass
class Reconciled:
    """The earlier figures on the cells (classes) of a new protection."""

    #: class -> its value, shown before and unchanged: it stays shown
    known: dict[int, int] = field(default_factory=dict)
    #: class -> the range the labels of earlier releases give it, masked before and not shown since
    carried: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: keys of published figures whose value is not what their latest release said (shown with another
    #: value, or outside its label's range): the data changed since (a correction)
    corrected: list[tuple] = field(default_factory=list)
    #: keys published before that the new data has no report for
    gone: list[tuple] = field(default_factory=list)
    #: keys of reports published before that the new data gives and the earlier did not (a cohort row)
    added: list[tuple] = field(default_factory=list)
    #: keys whose latest publication can be their present value, but an older one cannot
    stale: list[tuple] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the data of published figures changed since some earlier release: the earlier releases
        then need unknowns of their own (`tlanalysis.protect.annual_earlier`)."""
        return bool(self.corrected or self.gone or self.added or self.stale)


def consistent(cell: Published, min_count: int, value: float, holders: bool) -> bool:
    """Whether a count of `value` could be published as `cell` (its value, or a label's range)."""
    if isinstance(cell, str):
        lo, hi = label_range(cell, min_count, holders)
        return lo <= value <= hi
    return int(cell) == value


class EarlierFigures:
    """The figures of the earlier releases of a series (one part: annual or certification), by key."""

    def __init__(
        self, releases: Iterable[tuple[int, Mapping[tuple, Published]]], sources: Sequence[Release] = ()
    ) -> None:
        """`releases`: (k, {key: value or label}) of each earlier release, oldest first; `sources`: the
        releases themselves, when there are (a correction needs their structure, see `annual_earlier`)."""
        #: key -> (k, value or label) in each release that published it, oldest first
        self.history: dict[tuple, list[tuple[int, Published]]] = {}
        self.releases = 0
        self.sources = list(sources)
        #: the reports (year, scope) whose pages the releases showed
        self.reports = {(y, s) for r in self.sources for kind, y, s in r.reports if kind == "annual"}
        for min_count, cells in releases:
            self.releases += 1
            for key, value in cells.items():
                self.history.setdefault(key, []).append((int(min_count), value))

    @classmethod
    def of(cls, releases: Sequence[Release], part: str = "annual") -> EarlierFigures:
        """The figures of one part (annual, certification) of these releases."""
        return cls(((r.min_count, r.cells(part)) for r in releases), releases)

    def __bool__(self) -> bool:
        return bool(self.history)

    def keys(self) -> set[tuple]:
        return set(self.history)

    def reconcile(self, keys: Mapping[tuple, int | None], values: Sequence[int], holders: Sequence[bool]) -> Reconciled:
        """Map the earlier figures onto the classes of a model (`keys`: key -> class, None for a count of
        nothing, which is 0; `values` and `holders` per class).

        A figure's latest publications that can be its present value say what a reader knows of it now:
        shown, it stays shown; masked, it stays masked within their labels' range. When its latest
        publication cannot be its present value, its data changed since (`corrected`); when only an older
        one cannot, it changed before (`stale`): either way the earlier releases need unknowns of their own."""
        out = Reconciled()
        for key in sorted(self.history, key=str):
            if key not in keys:
                out.gone.append(key)
                continue
            cid = keys[key]
            value = 0 if cid is None else int(values[cid])
            is_holders = counts_people(key)
            lo, hi, shown, run = 0.0, math.inf, False, 0
            for k, cell in reversed(self.history[key]):
                if not consistent(cell, k, value, is_holders):
                    break
                run += 1
                if isinstance(cell, str):
                    a, b = label_range(cell, k, is_holders)
                    lo, hi = max(lo, a), min(hi, b)
                else:
                    shown = True
            if run == 0:
                out.corrected.append(key)
                continue
            if run < len(self.history[key]):
                out.stale.append(key)
            if cid is None:
                continue
            if shown:
                out.known[cid] = value
            else:
                a, b = out.carried.get(cid, (0.0, math.inf))
                out.carried[cid] = (max(a, lo), min(b, hi))
        for cid in out.known:
            out.carried.pop(cid, None)
        if self.reports:  # counts a report shown before has now and did not have then: its data changed
            out.added = sorted(
                (k for k in keys if (k[1], k[2]) in self.reports and k not in self.history and k[0] != "hidden"),
                key=str,
            )
        return out


# --- the releases a build honours, and the one it records ------------------------------------------


class ReleaseConflict(UsageError):
    """The new release cannot be protected under the earlier ones it must honour."""


def _notes(ledger: Ledger, new_series: bool) -> list[str]:
    """What a build says of the releases it honours (`History.open`)."""
    if new_series:
        if not ledger.releases:
            return []
        return [
            f"new series {ledger.series + 1}: the {len(ledger.releases)} earlier release(s) are not honoured; "
            "whoever saved them can still read them beside this one"
        ]
    honoured = ledger.current()
    return [f"honouring {len(honoured)} earlier release(s) of series {max(ledger.series, 1)}"] if honoured else []


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
        if new_series:
            series = ledger.series + 1
            honoured: list[Release] = []
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
        return cls(ledger, honoured, series, _notes(ledger, new_series))

    def notes_again(self, new_series: bool = False) -> list[str]:
        """What `open` would say of the releases as they now stand (after `record`): what the same build
        asked again says (a no-op build, `publish.unchanged`, says it without reading the ledger)."""
        return _notes(self.ledger, new_series)

    def earlier(self, part: str) -> EarlierFigures | None:
        """The figures of the honoured releases for one part (annual, certification), None when there are none."""
        figures = EarlierFigures.of(self.honoured, part)
        return figures if figures else None

    def agrees(self, protection) -> bool:
        """Whether a protection (of the present data) shows every annual count of the honoured releases as they
        published it: then it is a protection under them too (it reveals nothing they did not), and a build
        keeps it rather than compute it again."""
        for release in self.honoured:
            for key, cell in release.annual.items():
                try:
                    value = protection.value(key)
                except KeyError:
                    return False
                if published_value(value) != cell:
                    return False
        return True

    def agrees_certification(self, protection) -> bool:
        """Whether a certification protection shows every certification count of the honoured releases as
        they published it (as `agrees` for the annual counts)."""
        cells = protection.published_cells()
        for release in self.honoured:
            for key, cell in release.certification.items():
                if key not in cells or published_value(cells[key]) != cell:
                    return False
        return True

    def outdated(self, load) -> bool:
        """Whether a build whose every page is up to date must protect the data all the same: the stored
        protection (`load()`, the `StoredProtection` of the data at hand) does not show an honoured release's
        figures as it published them (a `--previous` site given since: the reports whose figures change
        are then built again), or the site's ledger does not record its pages yet."""
        if self.ledger.site is None:
            return True
        if not self.honoured:
            return False
        stored = load()
        return stored is None or not self.agrees(stored)

    def check(self, annual) -> None:
        """Refuse a protection that leaves counts a reader of the earlier releases could still work out (with
        k ≥ 3 every count is protected when there are none): a correction can make that happen whatever the
        new release masks, and publishing it would give them away."""
        unresolved = annual.unresolved if self.honoured and annual.min_count >= 3 else []
        if unresolved:
            shown = "; ".join(" ".join(str(p) for p in key) for key in unresolved[:5])
            raise ReleaseConflict(
                f"{len(unresolved)} count(s) of this release cannot be protected against the earlier releases "
                f"(e.g. {shown}): the data changed since in a way a reader of both could use. Check the "
                "correction, or start a new series with --new-series (the earlier sites stay readable)"
            )

    def protected(self, annual, certification=None) -> None:
        """The protections of this build (a `Protection` or `StoredProtection`; a `CertificationProtection`)."""
        self.annual, self.certification = annual, certification

    def corrected(self) -> list[tuple]:
        """Keys of figures whose data changed since the honoured release that last published them: shown with
        another value, outside a label's range, no longer published, or new in a report published before."""
        out = []
        reconciled = getattr(self.annual, "reconciled", None)
        if reconciled is not None:
            out += [*reconciled.corrected, *reconciled.gone, *reconciled.added]
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
            cells = self.certification.report_cells(regions)
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
            corrected=tuple(self.corrected()),
        )
        added = self.ledger.add(release)
        site = self.ledger.find(release.id)
        # The site's ledger holds its own series only: the figures of an earlier series, which this one does
        # not honour, are no longer on its pages, and beside this series' they could give counts away.
        earlier_series = [r for r in self.ledger.releases if r.series != self.series]
        if earlier_series:
            self.ledger.releases = [r for r in self.ledger.releases if r.series == self.series]
        path = Path(out_dir) / FILE_NAME
        if added or earlier_series or site != self.ledger.site or not path.exists():
            self.ledger.site = site
            self.ledger.write(path)
        return release


__all__ = [
    "EarlierFigures",
    "History",
    "Published",
    "Reconciled",
    "ReleaseConflict",
    "consistent",
    "counts_people",
    "label_range",
]
