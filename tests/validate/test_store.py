"""The build's validated data: kernels take it instead of validating the same files again, and only
while every data file still has the content it was made from."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tlanalysis import report
from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.errors import ParameterError
from tlanalysis.report.params import validate_parameters
from tlanalysis.validate import cache as data_cache
from tlanalysis.validate.dataset import load_dataset


@pytest.fixture()
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    return folder


@pytest.fixture()
def cache(data, tmp_path):
    return data_cache.write(tmp_path / data_cache.FILE_NAME, load_dataset(data), False)


def test_cached_dataset_is_the_validated_one(data, cache):
    direct, loaded = load_dataset(data), data_cache.load(cache, data, False)
    assert loaded is not None
    cached, certification = loaded
    assert certification is None  # written without the certification protection
    pd.testing.assert_frame_equal(cached.employment, direct.employment, check_exact=True)
    pd.testing.assert_frame_equal(cached.holders, direct.holders, check_exact=True)
    assert cached.sources == direct.sources and cached.is_example == direct.is_example
    assert cached.data_dir == direct.data_dir and cached.data_date == direct.data_date


def test_a_changed_file_is_read_again(data, cache):
    employment = data / "employment.csv"
    lines = employment.read_text(encoding="utf-8").splitlines(keepends=True)
    employment.write_text("".join(lines[:-1]), encoding="utf-8")
    assert data_cache.load(cache, data, False) is None
    params = validate_parameters(2019, "75", data, data_cache=str(cache))
    assert len(params.dataset.employment) == len(load_dataset(data).employment)  # read from the folder


def test_other_options_or_broken_files_are_not_used(data, cache, tmp_path):
    assert data_cache.load(cache, data, True) is None  # made without --drop-personal-columns
    broken = tmp_path / "broken.pickle"
    broken.write_bytes(b"not a pickle")
    assert data_cache.load(broken, data, False) is None
    assert data_cache.load(tmp_path / "missing.pickle", data, False) is None
    with pytest.raises(ParameterError, match="data_cache"):
        validate_parameters(2019, "75", data, data_cache=3)


def test_report_from_the_cache_is_the_same(data, cache):
    direct = report.ReportContext.from_parameters(validate_parameters(2019, "75", data, render="report"))
    from tlanalysis.report import params as params_module

    params_module._DATASETS.clear()  # or the folder's dataset read just above is reused
    cached_params = validate_parameters(2019, "75", data, render="report", data_cache=str(cache))
    assert cached_params.dataset is not direct.dataset
    cached = report.ReportContext.from_parameters(cached_params)
    assert report.report_html(cached) == report.report_html(direct)


JOBS = ("facilitation", "autre_coordination")


def test_the_build_stores_the_certification_protection_of_its_target_jobs(data, tmp_path):
    import pickle

    from tlanalysis.publish.runner import DATA_CACHE_FILE, ensure_protection

    ensure_protection(load_dataset(data), 5, tmp_path, certification=True, target_jobs=JOBS)
    stored = pickle.loads((tmp_path / DATA_CACHE_FILE).read_bytes())["certification"]
    assert (stored.min_count, stored.target_jobs) == (5, JOBS)


def test_kernels_take_the_stored_certification_protection_only_for_its_target_jobs(data, tmp_path):
    """A report asking for the build's target jobs (in any order) gets the protection stored with the data;
    one asking for others computes its own. The stored one is marked (every year of certification one
    earlier), so that the figures tell which protection a report used."""
    from tlanalysis.protect.certification import CertificationProtection
    from tlanalysis.report import params as params_module
    from tlanalysis.report.certification import CertificationContext

    dataset = load_dataset(data)
    marked_holders = dataset.holders.assign(certification_year=dataset.holders["certification_year"] - 1)
    marked = CertificationProtection(marked_holders, dataset.assessments, 5, JOBS)
    cache = data_cache.write(tmp_path / data_cache.FILE_NAME, dataset, False, certification=marked)
    real = CertificationProtection(dataset.holders, dataset.assessments, 5).promotions(2019, "75")
    assert marked.promotions(2019, "75") != real

    params_module._DATASETS.clear()
    asked = ["autre_coordination", "facilitation"]
    same_jobs = CertificationContext.from_parameters(
        validate_parameters(2019, "75", data, data_cache=str(cache), target_jobs=asked)
    )
    assert same_jobs.target_jobs == JOBS
    assert same_jobs.promotions() == marked.promotions(2019, "75")
    other_jobs = CertificationContext.from_parameters(validate_parameters(2019, "75", data, data_cache=str(cache)))
    assert other_jobs.dataset is same_jobs.dataset  # the cached data, but not its protection
    assert other_jobs.promotions() == real
