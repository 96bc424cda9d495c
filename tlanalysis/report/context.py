"""`ReportContext`: everything one annual report shows, computed once from checked parameters (the
parameters, provenance, sections and key-figures document every kind shares are `base.BaseReportContext`).

Every figure comes from `tlanalysis.protect.annual`: `protect(dataset, min_count)` protects all the
reports of the dataset together (in a build, once: read here from its `protect.store` file), and
the context keeps its `figures(year, region)` (the structure of `indicators.key_figures`, masked
values inside), its cohort table and, for France, its jobs per region.
Nothing here reads a raw count: a report built from a context cannot show a masked figure unless a
section recomputes one, which no section does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import pandas as pd

from ..protect import store as protection_store
from ..protect.annual import Protection
from ..protect.masked import Masked, is_masked
from ..reference import Region, regions
from . import wording
from .base import BaseReportContext, protection_of
from .kinds import ANNUAL, ReportKind
from .params import ReportParameters


@dataclass(frozen=True, eq=False)
class ReportContext(BaseReportContext):
    """Everything an annual report shows, computed once from checked parameters.

    `figures` is `Protection.figures(year, region)`: counts and shares are numbers, or `Masked` values
    (text: « < 5 », « secret ») that the formatting functions write as their label.
    """

    figures: dict
    kind: ClassVar[ReportKind] = ANNUAL

    @property
    def title(self) -> str:
        return wording.annual_title(self.place, self.year)

    @property
    def kind_label(self) -> str:
        return wording.ANNUAL_KICKER

    @classmethod
    def from_parameters(cls, params: ReportParameters) -> ReportContext:
        protection = protection_of(params)
        ctx = cls(params, protection.figures(params.year, params.region))
        ctx.__dict__["protection"] = protection  # the cached property, already known
        return ctx

    def key_figures(self) -> dict:
        return self.figures

    def document(self) -> dict:
        # the annual report's JSON predates report kinds: it has no "kind" key (scripts read it as it is)
        return {key: value for key, value in super().document().items() if key != "kind"}

    # -- protected figures

    @cached_property
    def protection(self) -> Protection | protection_store.StoredProtection:
        """The protection of every report of the dataset: read from the build's file, or computed."""
        return protection_of(self.params)

    @cached_property
    def cohort_table(self) -> pd.DataFrame:
        """Holders per cohort (rows (cohort_year, cohort)) and situation, plus `total`: ints or `Masked`."""
        return self.protection.situation_by_cohort(self.year, self.region)

    @cached_property
    def jobs_by_region(self) -> dict[str, int | Masked]:
        """National report: jobs of the year per region code with data (ints or `Masked`)."""
        return self.protection.jobs_by_region(self.year) if self.is_national else {}

    @property
    def jobs(self) -> dict:
        return self.figures["jobs"]

    @property
    def holder_figures(self) -> dict:
        return self.figures["holders"]

    @property
    def holders_disclosed(self) -> bool:
        """Whether the number of holders followed is shown (and so the holders' section has something to show)."""
        return not is_masked(self.holder_figures["n"])

    @property
    def trajectories_disclosed(self) -> bool:
        return not is_masked(self.holder_figures["trajectory_n"])

    def regions_with_data(self) -> list[Region]:
        codes = {code for code, years in self.dataset.region_years().items() if self.year in years}
        return [Region(r.code, r.name, r.iso_3166_2) for r in regions().itertuples() if r.code in codes]


__all__ = ["ReportContext", "protection_of"]
