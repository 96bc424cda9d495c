"""The stored protections: the build's, read by reports from the private state folder instead of
computed again.

Fast tests: the stored form gives exactly what a `Protection` gives, reports made from it are the
same markup, and a record edited by hand or made for other data is never used.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tlanalysis import report
from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.protect import store as protection_store
from tlanalysis.protect.annual import Protection, protect
from tlanalysis.protect.cache import forget
from tlanalysis.protect.masked import SMALL_COUNT, Masked
from tlanalysis.report import params as params_module
from tlanalysis.report.params import validate_parameters
from tlanalysis.state import ENV_VARIABLE, MANIFEST, key_digest
from tlanalysis.validate import store as data_store
from tlanalysis.validate.dataset import load_dataset


def _mask(value: Masked) -> tuple:
    # on disk a mask is its label (`masked.to_json`): « < k » or « secret », the reason is not kept
    return (value.label, value.reason == SMALL_COUNT and not value.share)


def same(a: object, b: object) -> bool:
    """Equal values of the same types, masks with the same label (Masked == str otherwise)."""
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
def root(sample, tmp_path_factory):
    """A state folder holding the sample's validated data and both protections, as a build leaves it."""
    from tlanalysis.publish.runner import ensure_protection

    root = tmp_path_factory.mktemp("state")
    key = data_store.data_key(SAMPLE_DATA_DIR)
    data_store.save(sample, key_digest(key), key, root)
    forget(sample)
    ensure_protection(sample, 5, root, certification=True, target_jobs=("facilitation",))
    forget(sample)
    return root


@pytest.fixture()
def state_key(root, monkeypatch):
    """The `state_key` a build gives its kernels, with the state folder in the environment."""
    monkeypatch.setenv(ENV_VARIABLE, str(root))
    data_store._MEMORY.clear()
    params_module._DATASETS.clear()
    return key_digest(data_store.data_key(SAMPLE_DATA_DIR))


def _record(root, sample, kind="annual", jobs=()) -> Path:
    return root / "protection" / key_digest(protection_store.protection_key(sample, 5, kind, jobs)) / "protection.json"


def stored(root, sample) -> protection_store.StoredProtection:
    forget(sample)
    found = protection_store.annual_protection(sample, 5, root)
    assert isinstance(found, protection_store.StoredProtection)
    forget(sample)
    return found


def test_stored_protection_gives_what_the_protection_gives(sample, root):
    protection = Protection(sample.employment, sample.holders, 5)
    from_state = stored(root, sample)
    assert from_state.reports == protection.reports and from_state.min_count == 5
    assert from_state.summary() == protection.summary() and from_state.unresolved == protection.unresolved
    cells = from_state.published_cells()
    assert set(cells) == set(protection.published_cells())
    assert all(same(cells[k], v) for k, v in protection.published_cells().items())
    assert any(isinstance(v, Masked) for v in cells.values()) and any(isinstance(v, int) for v in cells.values())
    for year, region in protection.reports:
        assert same(from_state.figures(year, region), protection.figures(year, region)), (year, region)
        expected, got = protection.situation_by_cohort(year, region), from_state.situation_by_cohort(year, region)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert all(same(x, y) for x, y in zip(got.to_numpy().ravel(), expected.to_numpy().ravel(), strict=True))
        if region.is_national:
            assert same(from_state.jobs_by_region(year), protection.jobs_by_region(year))
    key = ("jobs", 2019, "75", "total")
    assert same(from_state.value(key), protection.value(key))


def test_stored_form_is_plain_json_with_labels_never_masked_values(sample, root):
    document = json.loads(_record(root, sample).read_text(encoding="utf-8"))
    assert document["format"] == protection_store.FORMAT
    assert document["key"] == protection_store.protection_key(sample, 5)
    protection = protect(sample, 5)
    hidden = {k for k, v in protection.published_cells().items() if isinstance(v, Masked)}
    stored_cells = {(*json.loads(group), *rest): v for group, cells in document["cells"].items() for rest, v in cells}
    assert set(stored_cells) == set(protection.published_cells())
    assert {k for k, v in stored_cells.items() if isinstance(v, str)} == hidden
    assert {stored_cells[k] for k in hidden} == {"< 5", "secret"}  # the label only, never a value


def test_every_report_section_is_the_same_from_the_state(sample, state_key):
    for year, region in protect(sample, 5).reports:
        name = region.name
        direct = report.ReportContext.from_parameters(validate_parameters(year, name, render="report"))
        from_state = report.ReportContext.from_parameters(
            validate_parameters(year, name, "sample", render="report", state_key=state_key)
        )
        assert isinstance(from_state.protection, protection_store.StoredProtection)
        assert report.report_html(from_state) == report.report_html(direct), (year, name)


def test_a_hand_edited_protection_is_recomputed_never_published(sample, root, state_key, tmp_path, monkeypatch):
    """The probe of the issue: jobs 269 → 999 and a situation count set to 3 in the stored protection.
    The edit breaks its content hash (and, hash updated too, its signature): the report computes the
    protection again, with a warning, and shows 269."""
    path = _record(root, sample)
    original = path.read_bytes()
    document = json.loads(original)
    entry = next(cell for cell in document["cells"][json.dumps(["jobs", 2019, "75"])] if cell[0] == ["total"])
    assert entry[1] == 269
    entry[1] = 999
    situation = next(c for c in document["cells"][json.dumps(["holders", 2019, "75"])] if c[0][0] == "situation")
    situation[1] = 3
    log = tmp_path / "computed.log"
    monkeypatch.setenv(protection_store.LOG_VARIABLE, str(log))
    try:
        for update_manifest in (False, True):
            edited = json.dumps(document, separators=(",", ":")).encode() + b"\n"
            path.write_bytes(edited)
            if update_manifest:  # a careful forger updates the hash in the manifest too
                manifest_path = path.parent / MANIFEST
                manifest = json.loads(manifest_path.read_text())
                manifest["files"]["protection.json"] = hashlib.sha256(edited).hexdigest()
                manifest_path.write_text(json.dumps(manifest))
            forget()
            data_store._MEMORY.clear()
            with pytest.warns(protection_store.StateWarning, match="stored protection was ignored"):
                ctx = report.ReportContext.from_parameters(
                    validate_parameters(2019, "75", "sample", render="report", state_key=state_key)
                )
            assert isinstance(ctx.protection, Protection)
            assert ctx.figures["jobs"]["total"] == 269
            assert "999" not in report.key_figures_html(ctx)
        assert len(log.read_text().splitlines()) == 2  # computed, not read
    finally:
        path.write_bytes(original)
        forget()


def test_a_record_for_another_k_data_or_version_is_another_record(sample, tmp_path):
    key = protection_store.protection_key(sample, 5)
    assert protection_store.protection_key(sample, 3) != key
    assert protection_store.protection_key(sample, 5, "certification", ("facilitation",)) != key
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    lines = (data / "employment.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (data / "employment.csv").write_text("".join(lines[:-1]), encoding="utf-8")  # one row less
    assert protection_store.protection_key(load_dataset(data), 5)["data"] != key["data"]
    assert set(key) == {"kind", "data", "min_count", "tlanalysis", "library"}


def test_the_certification_protection_is_stored_as_cells(sample, root, state_key):
    """Its cells are JSON (labels for masks) and a report made from them is the computed one's."""
    from tlanalysis.protect.certification import CertificationProtection
    from tlanalysis.report.certification import SECTIONS, CertificationContext, section_html

    def report_html(ctx):
        return {name: section_html(ctx, name) for name in SECTIONS}

    document = json.loads(_record(root, sample, "certification", ["facilitation"]).read_text(encoding="utf-8"))
    values = [v for cells in document["cells"].values() for _, v in cells]
    assert values and all(isinstance(v, int) or v in ("< 5", "secret") for v in values)
    forget()
    params = validate_parameters(2019, "75", "sample", render="report", state_key=state_key)
    from_state = CertificationContext.from_parameters(params)
    assert from_state.protection.stored
    computed = CertificationProtection(sample.holders, sample.assessments, 5, ("facilitation",), protect(sample, 5))
    assert same(from_state.promotions(), computed.promotions(2019, "75"))
    assert same(from_state.cohorts(), computed.cohort_results(2019, "75"))
    forget()
    direct = CertificationContext.from_parameters(validate_parameters(2019, "75", render="report"))
    assert not direct.protection.stored
    assert report_html(from_state) == report_html(direct)


def test_one_cache_for_both_protections(sample):
    """A protection is made once per dataset object and k (and target jobs): `protect`, the store and
    the certification protection all answer from `protect.cache`."""
    from tlanalysis.protect.certification import protect_certification

    forget()
    first = protect(sample, 5)
    assert protection_store.annual_protection(sample, 5) is first
    certification = protect_certification(sample, 5)
    assert protection_store.certification_protection(sample, 5, ("facilitation",)) is certification
    assert protect(load_dataset(SAMPLE_DATA_DIR), 5) is not first  # another dataset object
    forget()
