"""One reading of published figures for every disclosure attacker of the tests.

An attacker reads what a user sees: the counts of every report, each shown or masked. They come either
from a protection object (what the notebooks read: `Protection`, `StoredProtection`,
`CertificationProtection`) or from a site's release ledger (`releases.json`: every release the site
published). Both are turned into the same views, so that the LP attacker, the exact attacker and the
certification attackers read a site, or several releases of it, the same way as a single protection:

* `AnnualView`: `.reports`, `.figures(year, region)`, `.situation_by_cohort(year, region)`,
  `.jobs_by_region(year)`, `.min_count` — the public API of `Protection`, answered from the cells of one
  release and the release's data (for the structure of the tables, never for a masked value);
* `CertificationView`: `.promotions(before, region)`, `.cohort_results(before, region)`, `.min_count`.

A label read from a ledger (« < 5 », « secret ») becomes a `Masked` value again (« < k » as a small count,
« secret » as a complement: the reason is not published, and no attacker uses it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tlanalysis.compute.certification import blocs, competency_blocs
from tlanalysis.compute.indicators import share
from tlanalysis.protect.annual import NATIONAL_SCOPE, PublishedReports
from tlanalysis.protect.ledger import Ledger, Release
from tlanalysis.protect.masked import SECONDARY, SMALL_COUNT, Masked, is_masked
from tlanalysis.protect.store import FORMAT, StoredProtection, grouped_cells
from tlanalysis.reference import FRANCE, Region, resolve_region


def as_value(cell: int | str, min_count: int) -> int | Masked:
    """A ledger cell as the reports' API gives it: a count, or a `Masked` value with the same label."""
    if isinstance(cell, str):
        return Masked(SMALL_COUNT if cell.startswith("<") else SECONDARY, min_count)
    return int(cell)


def releases_of(*sites: Path) -> list[Release]:
    """Every release of these sites, each once, oldest first."""
    ledger = Ledger()
    for site in sites:
        ledger.merge(Ledger.read(site))
    return ledger.releases


class AnnualView(StoredProtection):
    """The annual reports of one release, read from its ledger cells and the release's data."""

    def __init__(self, release: Release, dataset) -> None:
        reports = sorted({(y, s) for kind, y, s in release.reports if kind == "annual"})
        cells = {key: as_value(cell, release.min_count) for key, cell in release.annual.items()}
        document = {
            "format": FORMAT,
            "min_count": release.min_count,
            "key": {},
            "reports": reports,
            "cells": grouped_cells(cells),
            "unresolved": [],
            "summary": {},
        }
        super().__init__(document, dataset.employment, dataset.holders)
        self.release = release


def annual_view(source, dataset=None) -> PublishedReports:
    """The annual reports of a protection (as is) or of a release (with its data)."""
    if isinstance(source, Release):
        return AnnualView(source, dataset)
    return source


@dataclass
class CertificationView:
    """The certification reports of one release: the rows of `CertificationProtection.promotions` and
    `.cohort_results` (counts and rates), from the release's ledger cells."""

    release: Release
    protection: object  # a CertificationProtection of the release's data, for which years and cohorts exist
    #: a region's year is there only when one of the release's reports shows it
    partial = True

    @property
    def min_count(self) -> int:
        return self.release.min_count

    def _count(self, key: tuple) -> int | Masked:
        return as_value(self.release.certification[key], self.min_count)

    @staticmethod
    def _rate(numerator, base) -> float | Masked | None:
        for term in (base, numerator):
            if is_masked(term):
                return Masked(term.reason, term.min_count, share=True)
        return share(float(numerator), float(base)) if base else None

    def promotions(self, before: int | None = None, region: Region | str = FRANCE) -> list[dict]:
        region = resolve_region(region) if isinstance(region, str) else region
        scope = NATIONAL_SCOPE if region.is_national else region.code
        out = []
        for year in self.protection.years(before, region):
            if ("promotion", year, scope, "certified") not in self.release.certification:
                continue  # no report of the release shows that year
            count = lambda m, y=year: self._count(("promotion", y, scope, m))  # noqa: E731
            row: dict = {"certification_year": year, "certified": count("certified")}
            row["certified_by_route"] = {r: count(f"route_{r}") for r in ("formation", "vae", "candidat_libre")}
            row["certified_vae"] = row["certified_by_route"]["vae"]
            for s in ("6m", "2y"):
                for name in ("base", "employed", "target_job"):
                    row[f"{name}_{s}"] = count(f"{name}_{s}")
                row[f"insertion_global_{s}"] = self._rate(row[f"employed_{s}"], row[f"base_{s}"])
                row[f"insertion_target_job_{s}"] = self._rate(row[f"target_job_{s}"], row[f"base_{s}"])
            out.append(row)
        return out

    def cohort_results(self, before: int | None = None, region: Region | str = FRANCE) -> list[dict]:
        out = []
        for cohort in self.protection.cohorts(before, region):
            if ("cohort", cohort, "presented") not in self.release.certification:
                continue
            count = lambda m, c=cohort: self._count(("cohort", c, m))  # noqa: E731
            presented = count("presented")
            row = {
                "cohort": cohort,
                "presented": presented,
                "certified": count("certified"),
                "partial": count("partial"),
            }
            row["success_rate"] = self._rate(row["certified"], presented)
            row["blocs"] = {b: self._rate(count(f"bloc_{b}"), presented) for b in blocs()}
            row["competencies"] = {c: self._rate(count(f"competency_{c}"), presented) for c in competency_blocs()}
            out.append(row)
        return out


def cells_of(view) -> Mapping[tuple, int | Masked]:
    """Every published count of an annual view or protection, by key."""
    return view.published_cells()
