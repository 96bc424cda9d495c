"""Releases made in the tests as a build makes them, without notebooks: protect the data under the
earlier releases, and record what the reports of every (year, region) show."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from tlanalysis.protect.annual import Protection
from tlanalysis.protect.ledger import Release, published_value
from tlanalysis.protect.releases import EarlierFigures


def changed(reconciled) -> list[tuple]:
    """What a build says changed since the earlier releases (as `History.corrected`)."""
    return [*reconciled.corrected, *reconciled.gone, *reconciled.added] if reconciled else []


def publish(
    employment: pd.DataFrame,
    holders: pd.DataFrame,
    min_count: int,
    earlier: Sequence[Release] = (),
    date: str = "",
) -> tuple[Protection, Release]:
    """The protection of every report of the data under the `earlier` releases, and the release of all its
    annual reports (`date`: its place among the releases, oldest first)."""
    figures = EarlierFigures.of(list(earlier))
    protection = Protection(employment, holders, min_count, figures if figures else None)
    reports = sorted(set(protection._reports))
    cells = {key: published_value(v) for key, v in protection.report_cells(reports).items()}
    release = Release(
        date=date or f"release-{len(earlier) + 1:02d}",
        series=1,
        data=f"data-{pd.util.hash_pandas_object(employment).sum()}-{pd.util.hash_pandas_object(holders).sum()}",
        tlanalysis="test",
        min_count=min_count,
        target_jobs=(),
        reports=tuple(("annual", y, s) for y, s in reports),
        annual=cells,
        corrected=tuple(changed(protection.reconciled)),
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
