"""Releases made in the tests as a build makes them, without notebooks: protect the data under the
earlier releases, and record what the reports of every (year, region) show."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from tlanalysis.compute.certification import has_certification_data
from tlanalysis.protect.annual import NATIONAL_SCOPE, Protection
from tlanalysis.protect.certification import CertificationProtection
from tlanalysis.protect.ledger import Release, published_value
from tlanalysis.protect.releases import EarlierFigures
from tlanalysis.reference import FRANCE, find_region
from tlanalysis.validate.dataset import Dataset


def changed(reconciled) -> list[tuple]:
    """What a build says changed since the earlier releases (as `History.corrected`)."""
    return [*reconciled.corrected, *reconciled.gone, *reconciled.added] if reconciled else []


def publish(
    employment: pd.DataFrame,
    holders: pd.DataFrame,
    min_count: int,
    earlier: Sequence[Release] = (),
    date: str = "",
    assessments: pd.DataFrame | None = None,
) -> tuple[Protection, Release]:
    """The protection of every report of the data under the `earlier` releases, and the release of all its
    annual reports (`date`: its place among the releases, oldest first), and of the certification reports of
    the same (year, region) when the holders have certification columns or there are jury results."""
    figures = EarlierFigures.of(list(earlier))
    protection = Protection(employment, holders, min_count, figures if figures else None)
    reports = sorted(set(protection._reports))
    cells = {key: published_value(v) for key, v in protection.report_cells(reports).items()}
    certification_cells, certification_reports, corrected = {}, [], changed(protection.reconciled)
    if "certification_year" in holders.columns or assessments is not None:
        data = Dataset(employment, holders, Path("generated"), assessments=assessments)
        earlier_figures = EarlierFigures.of(list(earlier), "certification")
        certification = CertificationProtection(
            holders, assessments, min_count, ("facilitation",), protection, earlier_figures or None
        )
        regions = [(y, FRANCE if s == NATIONAL_SCOPE else find_region(s)) for y, s in reports]
        regions = [(y, r) for y, r in regions if has_certification_data(data, y, r)]
        certification_reports = [("certification", y, r.code or NATIONAL_SCOPE) for y, r in regions]
        certification_cells = {k: published_value(v) for k, v in certification.report_cells(regions).items()}
        corrected += certification.corrected
    release = Release(
        date=date or f"release-{len(earlier) + 1:02d}",
        series=1,
        data="data-"
        + "-".join(
            str(pd.util.hash_pandas_object(t).sum()) for t in (employment, holders, assessments) if t is not None
        ),
        tlanalysis="test",
        min_count=min_count,
        target_jobs=("facilitation",) if certification_reports else (),
        reports=tuple(("annual", y, s) for y, s in reports) + tuple(certification_reports),
        annual=cells,
        certification=certification_cells,
        corrected=tuple(corrected),
    )
    return protection, release


def surveys_until(source: Path, folder: Path, year: int) -> Path:
    """A copy of a data folder (`employment.csv` and the rest) as it was when `year` was the last survey: the
    employment rows of later years dropped, holders unchanged (another data fingerprint, as on disk)."""
    shutil.copytree(source, folder)
    employment = pd.read_csv(folder / "employment.csv", dtype=str, keep_default_na=False)
    employment = employment[employment["year"].astype(int) <= year]
    employment.to_csv(folder / "employment.csv", index=False)
    return folder
