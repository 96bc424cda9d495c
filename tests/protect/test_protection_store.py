"""The protection file: the build's protection, read by reports instead of computed again.

Fast tests: the stored form gives exactly what a `Protection` gives, reports made from it are the
same markup, and a file that is not the protection of the data at hand is refused.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from tlanalysis import report
from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.errors import ParameterError
from tlanalysis.protect import store as protection_store
from tlanalysis.protect.annual import protect
from tlanalysis.protect.masked import Masked
from tlanalysis.protect.store import StaleProtectionError
from tlanalysis.report.params import validate_parameters
from tlanalysis.validate.dataset import load_dataset


def _mask(value: Masked) -> tuple:
    return (value.reason, value.share, value.min_count, str(value))


def same(a: object, b: object) -> bool:
    """Equal values of the same types, masks with the same reason and kind (Masked == str otherwise)."""
    if isinstance(a, Masked) or isinstance(b, Masked):
        return type(a) is type(b) and _mask(a) == _mask(b)
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@pytest.fixture(scope="module")
def sample():
    return load_dataset(SAMPLE_DATA_DIR)


@pytest.fixture(scope="module")
def stored_file(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("protection") / protection_store.FILE_NAME
    protection_store.write(path, protect(sample, 5), protection_store.protection_key(sample, 5))
    return path


def test_stored_protection_gives_what_the_protection_gives(sample, stored_file):
    protection = protect(sample, 5)
    stored = protection_store.load(stored_file, sample, 5)
    assert stored.reports == protection.reports and stored.min_count == 5
    assert stored.summary() == protection.summary() and stored.unresolved == protection.unresolved
    cells = stored.published_cells()
    assert set(cells) == set(protection.published_cells())
    assert all(same(cells[k], v) for k, v in protection.published_cells().items())
    assert any(isinstance(v, Masked) for v in cells.values()) and any(isinstance(v, int) for v in cells.values())
    for year, region in protection.reports:
        assert same(stored.figures(year, region), protection.figures(year, region)), (year, region)
        expected, got = protection.situation_by_cohort(year, region), stored.situation_by_cohort(year, region)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert all(same(x, y) for x, y in zip(got.to_numpy().ravel(), expected.to_numpy().ravel(), strict=True))
        if region.is_national:
            assert same(stored.jobs_by_region(year), protection.jobs_by_region(year))
    key = ("jobs", 2019, "75", "total")
    assert same(stored.value(key), protection.value(key))


def test_file_is_plain_json_without_masked_values(sample, stored_file):
    document = json.loads(stored_file.read_text(encoding="utf-8"))
    assert document["format"] == protection_store.FORMAT
    assert document["key"] == protection_store.protection_key(sample, 5)
    protection = protect(sample, 5)
    hidden = {k for k, v in protection.published_cells().items() if isinstance(v, Masked)}
    stored_cells = {
        (kind, int(year), scope, *rest): v
        for group, cells in document["cells"].items()
        for kind, year, scope in [group.split("|")]
        for rest, v in cells
    }
    assert set(stored_cells) == set(protection.published_cells())
    assert {k for k, v in stored_cells.items() if isinstance(v, dict)} == hidden
    assert all(set(stored_cells[k]) == {"masked", "share"} for k in hidden)  # the label only, never a value


def test_every_report_section_is_the_same_from_the_file(stored_file):
    for year, region in protect(load_dataset(SAMPLE_DATA_DIR), 5).reports:
        name = region.name
        direct = report.ReportContext.from_parameters(validate_parameters(year, name, render="report"))
        from_file = report.ReportContext.from_parameters(
            validate_parameters(year, name, render="report", protection_file=str(stored_file))
        )
        assert isinstance(from_file.protection, protection_store.StoredProtection)
        assert report.report_html(from_file) == report.report_html(direct), (year, name)


def test_the_file_is_read_not_recomputed(sample, stored_file, tmp_path, monkeypatch):
    """A figure changed in the file shows in the report: the report took it from there."""
    document = json.loads(stored_file.read_text(encoding="utf-8"))
    entry = next(cell for cell in document["cells"]["jobs|2019|75"] if cell[0] == ["total"])
    assert entry[1] == 269
    entry[1] = 424242
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document), encoding="utf-8")
    log = tmp_path / "computed.log"
    monkeypatch.setenv(protection_store.LOG_VARIABLE, str(log))
    ctx = report.ReportContext.from_parameters(
        validate_parameters(2019, "75", render="report", protection_file=str(tampered))
    )
    assert "424 242" in report.key_figures_html(ctx).replace("\u202f", " ").replace("\xa0", " ")
    assert not log.exists()  # nothing computed
    report.ReportContext.from_parameters(validate_parameters(2019, "75", render="report"))
    assert len(log.read_text().splitlines()) == 1  # without the file, the report computes it (once)


def test_a_file_for_another_k_is_refused(stored_file):
    with pytest.raises(StaleProtectionError, match="different min_count"):
        report.ReportContext.from_parameters(
            validate_parameters(2019, "75", render="report", min_count=3, protection_file=str(stored_file))
        )


def test_a_file_for_other_data_is_refused(stored_file, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    lines = (data / "employment.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "employment.csv").write_text("".join(lines[:-1]), encoding="utf-8")  # one row less
    with pytest.raises(StaleProtectionError, match="different data"):
        report.ReportContext.from_parameters(
            validate_parameters(2019, "75", data, render="report", protection_file=str(stored_file))
        )


def test_a_file_for_another_version_or_format_is_refused(sample, stored_file, tmp_path):
    document = json.loads(stored_file.read_text(encoding="utf-8"))
    document["key"]["tlanalysis"] = "0.0.0-old"
    old = tmp_path / "old.json"
    old.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(StaleProtectionError, match="different tlanalysis"):
        protection_store.load(old, sample, 5)
    document["format"] = 0
    old.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(StaleProtectionError, match="cannot be read"):
        protection_store.load(old, sample, 5)
    assert protection_store.stored_key(old) is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": 1, "key"', encoding="utf-8")
    with pytest.raises(StaleProtectionError, match="cannot be read"):
        protection_store.load(broken, sample, 5)


def test_protection_file_parameter_is_checked(tmp_path):
    with pytest.raises(ParameterError, match="protection_file: file not found"):
        validate_parameters(2019, "75", protection_file=str(tmp_path / "missing.json"))
    with pytest.raises(ParameterError, match="not a file path"):
        validate_parameters(2019, "75", protection_file=3)
    assert validate_parameters(2019, "75", protection_file="").protection_file is None
