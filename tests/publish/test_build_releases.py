"""Releases through the real `tlanalysis build` (issue 16): the ledger a build writes, later builds into the same
folder or with `--previous`, `--new-series`, a change of k, corrections.

Builds of the fixture notebook (fast) over the bundled sample's 2021 reports; the ledger is compared with the
key figures JSON the build writes beside each page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.protect.attack import pinned_cells
from tlanalysis.protect.ledger import FILE_NAME, Ledger

from support.build import build

pytestmark = pytest.mark.slow

YEAR = ("--year", 2021)


def _data(folder: Path, last_year: int | None = None, bump: bool = False) -> Path:
    """The bundled sample, up to `last_year`; `bump`: one job more in a 2021 row of Nouvelle-Aquitaine (a
    late answer)."""
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    employment = pd.read_csv(folder / "employment.csv", dtype=str)
    if last_year is not None:
        employment = employment[employment["year"].astype(int) <= last_year]
    if bump:
        row = employment.index[(employment["year"] == "2021") & (employment["region"] == "75")][0]
        employment.loc[row, "count"] = str(int(employment.loc[row, "count"]) + 1)
    employment.to_csv(folder / "employment.csv", index=False)
    return folder


def _ledger(site: Path) -> Ledger:
    return Ledger.read(site / FILE_NAME)


@pytest.fixture(scope="module")
def first_site(tmp_path_factory) -> tuple[Path, Path]:
    """A site built from the sample up to 2022: (its data, the site)."""
    root = tmp_path_factory.mktemp("releases")
    data = _data(root / "data", last_year=2022)
    site = root / "site"
    build(site, *YEAR, data=data)
    return data, site


def test_a_build_records_what_its_pages_show(first_site):
    _, site = first_site
    document = json.loads((site / FILE_NAME).read_text(encoding="utf-8"))
    assert "small_count" not in json.dumps(document) and "secondary" not in json.dumps(document)
    (release,) = _ledger(site).releases
    assert _ledger(site).site == release
    assert sorted(release.reports) == [("annual", 2021, s) for s in ("04", "53", "75", "76", "FR")]
    for page in site.glob("2021/*.json"):
        figures = json.loads(page.read_text(encoding="utf-8"))
        scope = figures["region_code"] or "FR"
        jobs, holders = figures["figures"]["jobs"], figures["figures"]["holders"]
        assert release.annual[("jobs", 2021, scope, "total")] == jobs["total"]
        for contract, value in jobs["by_contract"].items():
            assert release.annual[("jobs", 2021, scope, "contract", contract)] == value
        assert release.annual[("holders", 2021, scope, "n")] == holders["n"]
        for situation, value in holders["situation_counts"].items():
            assert release.annual[("holders", 2021, scope, "situation", situation)] == value
        for year, value in jobs["trend"].items():
            assert release.annual[("jobs", int(year), scope, "total")] == value
    assert pinned_cells([site]) == []


def test_building_again_adds_no_release(first_site):
    data, site = first_site
    again = build(site, *YEAR, data=data)
    assert "honouring 1 earlier release(s)" in again.stdout
    assert "0 built, 5 up to date" in again.stdout
    assert len(_ledger(site).releases) == 1


def _keeps(earlier, later) -> None:
    """Every figure of the earlier release that the later one shows has the same value or label."""
    for key, value in earlier.annual.items():
        if key in later.annual:
            assert later.annual[key] == value, key


def test_a_later_release_keeps_what_the_earlier_one_published(first_site, tmp_path):
    """The same folder after the next survey (the first site saved before, as a reader would), and a new
    folder given the first site with --previous: both keep the first release's figures."""
    _, first = first_site
    data = _data(tmp_path / "data")
    saved = tmp_path / "saved"
    shutil.copytree(first, saved)
    same = tmp_path / "same"
    shutil.copytree(first, same)
    build(same, *YEAR, "--year", 2022, "--year", 2023, data=data)
    one, two = _ledger(same).releases
    assert _ledger(same).site == two and two.series == one.series == 1
    _keeps(one, two)
    assert pinned_cells([saved, same]) == []

    fresh = tmp_path / "fresh"
    result = build(fresh, *YEAR, "--year", 2022, "--year", 2023, "--previous", saved, data=data)
    assert "honouring 1 earlier release(s)" in result.stdout
    assert [r.id for r in _ledger(fresh).releases] == [one.id, two.id]  # the same protection, the same release
    assert pinned_cells([saved, fresh]) == []


def test_a_correction_is_said_and_kept_apart(first_site, tmp_path):
    _, first = first_site
    data = _data(tmp_path / "data", last_year=2022, bump=True)
    site = tmp_path / "site"
    shutil.copytree(first, site)
    result = build(site, *YEAR, data=data)
    assert "published before changed with the data (corrections)" in result.stdout
    _, two = _ledger(site).releases
    assert ("jobs", 2021, "75", "total") in two.corrected or ("jobs", 2021, "FR", "total") in two.corrected


def test_a_new_series_and_a_change_of_k(first_site, tmp_path):
    data, first = first_site
    site = tmp_path / "site"
    shutil.copytree(first, site)
    refused = build(site, *YEAR, "--min-count", 3, data=data, expect=2)
    assert "--min-count 5" in refused.stderr and "--new-series" in refused.stderr
    result = build(site, *YEAR, "--min-count", 3, "--new-series", data=data)
    assert "new series 2" in result.stdout and "can still read them" in result.stdout
    (two,) = _ledger(site).releases  # the site's ledger holds its own series only
    assert (two.series, two.min_count) == (2, 3)
    (one,) = _ledger(first).releases
    assert (one.series, one.min_count) == (1, 5)
    missing = build(tmp_path / "other", *YEAR, "--previous", tmp_path / "nowhere", data=data, expect=2)
    assert "holds no release ledger" in missing.stderr
