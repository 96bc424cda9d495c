"""`ReportContext`: everything one report shows, computed once from checked parameters.

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

import pandas as pd

from ..protect import store as protection_store
from ..protect.annual import Protection
from ..protect.masked import Masked, is_masked
from ..reference import Region, regions
from ..validate.dataset import Dataset
from . import charts
from .params import ReportParameters
from .wording import computed_from, in_territory, territory_name


@dataclass(frozen=True, eq=False)
class ReportContext:
    """Everything a report shows, computed once from checked parameters.

    `figures` is `Protection.figures(year, region)`: counts and shares are numbers, or `Masked` values
    (text: « < 5 », « secret ») that the formatting functions write as their label.
    """

    params: ReportParameters
    figures: dict

    @classmethod
    def from_parameters(cls, params: ReportParameters) -> ReportContext:
        protection = protection_of(params)
        ctx = cls(params, protection.figures(params.year, params.region))
        ctx.__dict__["protection"] = protection  # the cached property, already known
        return ctx

    @property
    def year(self) -> int:
        return self.params.year

    @property
    def region(self) -> Region:
        return self.params.region

    @property
    def dataset(self) -> Dataset:
        return self.params.dataset

    @property
    def render(self) -> str:
        return self.params.render

    @property
    def min_count(self) -> int:
        return self.params.min_count

    @property
    def slug(self) -> str:
        return self.params.slug

    @property
    def is_national(self) -> bool:
        return self.region.is_national

    @property
    def place(self) -> str:
        """The territory in a sentence: « en Nouvelle-Aquitaine », « à La Réunion », « en France »."""
        return in_territory(self.region)

    @property
    def territory(self) -> str:
        return territory_name(self.region)

    def chart_id(self, name: str) -> str:
        return charts.chart_id(self.slug, name)

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

    # -- provenance

    def computed_from(self, table: str) -> str:
        """« Calculé à partir de employment.csv (empreinte SHA-256 1a2b3c4d5e6f) »: where a computed figure
        comes from."""
        return computed_from(self.dataset.sources.get(table), table)


def protection_of(params: ReportParameters) -> Protection | protection_store.StoredProtection:
    """The build's protection when the report was given its file (checked against the data: a stale
    file is an error, never used), else computed here (cached per dataset and k by `protect`)."""
    if params.protection_file is not None:
        return protection_store.load(params.protection_file, params.dataset, params.min_count)
    return protection_store.compute(params.dataset, params.min_count)


__all__ = ["ReportContext", "protection_of"]
