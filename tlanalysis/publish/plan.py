"""Which reports to build: (year, region) pairs checked against the data, with their file names.

Rules (documented in `tlanalysis build --help`):

* no `--year`, no `--region`: every (year, region) with employment rows, plus the national
  report (« France ») of every survey year;
* `--year` only: for each year, the national report and every region with data that year;
* `--region` only: every survey year of each region (all years for France);
* both: every year × region pair, each of which must be in the data.

Report kinds (`tlanalysis.report.kinds`): each planned (year, region) has a report of every kind
asked for that covers it in the data — the annual report every pair, the certification report those
whose data holds certified holders or jury results of cohorts before that year in that region.

A region that does not exist, or a year the data does not hold, is a `UsageError`
(exit code 2) listing what is valid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import NATIONAL
from ..errors import UsageError
from ..report.kinds import DEFAULT, ReportKind

if TYPE_CHECKING:  # the dataset module imports pandas; only needed for annotations here
    from ..validate.dataset import Dataset


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by hyphens: « La Réunion » → "la-reunion"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "report"


@dataclass(frozen=True, order=True)
class Report:
    """One report to build: a survey year, a region (code None for the national report) and its kind."""

    year: int
    sort_key: str
    region_code: str | None
    region_name: str
    kind: ReportKind = DEFAULT

    @classmethod
    def make(cls, year: int, region_code: str | None, region_name: str, kind: ReportKind = DEFAULT) -> Report:
        # national first, then regions by INSEE code
        return cls(int(year), "" if region_code is None else region_code, region_code, region_name, kind)

    @property
    def notebook(self) -> Path:
        return self.kind.notebook

    @property
    def is_national(self) -> bool:
        return self.region_code is None

    @property
    def slug(self) -> str:
        prefix = self.kind.slug_prefix
        if self.is_national:
            return prefix + slugify(NATIONAL)
        return f"{prefix}{self.region_code}-{slugify(self.region_name)}"

    @property
    def key(self) -> str:
        """Stable identifier, also the path of the report under the output folder without suffix."""
        return f"{self.year}/{self.slug}"

    def html_path(self, out_dir: Path) -> Path:
        return out_dir / str(self.year) / f"{self.slug}.html"

    def notebook_path(self, out_dir: Path) -> Path:
        return out_dir / str(self.year) / f"{self.slug}.ipynb"

    def failed_notebook_path(self, out_dir: Path) -> Path:
        return out_dir / str(self.year) / f"{self.slug}.failed.ipynb"

    @property
    def title(self) -> str:
        return self.kind.report_title(self.region_name, self.year)

    @property
    def label(self) -> str:
        """How progress lines and the summary name it: « 2019 France », « 2019 France (certification) »."""
        return f"{self.year} {self.region_name}" + (f" ({self.kind.label})" if self.kind.label else "")


def plan_reports(
    dataset: Dataset, years: Iterable[int] = (), regions: Iterable[str] = (), kinds: Iterable[ReportKind] = (DEFAULT,)
) -> list[Report]:
    """The reports of each kind asked for, checked against the data; raises UsageError listing what is valid."""
    from ..reference import FRANCE, resolve_region
    from ..reference import regions as reference_regions
    from ..validate.selection import check_selection

    years, regions = list(years), list(regions)
    data_years = dataset.years
    region_years = dataset.region_years()
    names = {row.code: row.name for row in reference_regions().itertuples()}
    if not data_years:
        raise UsageError("the data holds no survey year: nothing to build")

    for year in years:
        if year not in data_years:
            raise UsageError(f"year {year} is not in the data; available years: " + ", ".join(map(str, data_years)))
    selected = [resolve_region(r) for r in regions]  # unknown region → UsageError with the valid ones

    planned: set[tuple[int, str | None, str]] = set()  # (year, region code, region name)
    if not selected:
        for year in years or data_years:
            planned.add((year, None, FRANCE.name))
            planned.update(
                (year, code, names.get(code, code)) for code, present in region_years.items() if year in present
            )
    else:
        for region in selected:
            if region.is_national:
                region_data_years = data_years
            else:
                region_data_years = region_years.get(region.code, [])
                if not region_data_years:
                    with_data = ", ".join(f"{code} {names.get(code, code)}" for code in sorted(region_years))
                    raise UsageError(
                        f"the data has no employment rows for {region.name}; regions with data: {NATIONAL}, {with_data}"
                    )
            for year in years or region_data_years:
                checked = check_selection(dataset, year, region.name if not region.is_national else NATIONAL)
                planned.add(
                    (
                        year,
                        None if checked.is_national else checked.code,
                        FRANCE.name if checked.is_national else checked.name,
                    )
                )
    return sorted(
        Report.make(year, code, name, kind)
        for kind in kinds
        for year, code, name in planned
        if kind.has_report(dataset, year, FRANCE if code is None else resolve_region(code))
    )
