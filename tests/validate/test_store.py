"""The build's validated data in the private state folder: Parquet, sealed, checked against its sources;
kernels take it by its key instead of validating the same files again; nothing is ever unpickled."""

from __future__ import annotations

import json
import pickle
import shutil

import pandas as pd
import pytest

from tlanalysis import report
from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.errors import ParameterError
from tlanalysis.report import params as params_module
from tlanalysis.report.params import validate_parameters
from tlanalysis.state import MANIFEST, NOT_THERE, StateRejected, key_digest
from tlanalysis.validate import store
from tlanalysis.validate.dataset import load_dataset


@pytest.fixture()
def data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    return folder


@pytest.fixture()
def root(tmp_path):
    return tmp_path / "state"


@pytest.fixture()
def stored(data, root):
    """(digest, key) of the data sealed in the state folder; nothing kept in memory."""
    key = store.data_key(data)
    digest = key_digest(key)
    store.save(load_dataset(data), digest, key, root)
    store._MEMORY.clear()
    return digest, key


def test_stored_dataset_is_the_validated_one(data, root, stored):
    digest, key = stored
    direct, loaded = load_dataset(data), store.load(digest, root, key)
    for table in ("employment", "holders", "assessments"):
        pd.testing.assert_frame_equal(getattr(loaded, table), getattr(direct, table), check_exact=True)
        for column in getattr(direct, table).columns:  # categories keep their index name too
            if isinstance(getattr(direct, table)[column].dtype, pd.CategoricalDtype):
                assert getattr(loaded, table)[column].dtype == getattr(direct, table)[column].dtype
    assert loaded.sources == direct.sources and loaded.is_example == direct.is_example
    assert loaded.data_dir == direct.data_dir and loaded.data_date == direct.data_date
    assert loaded.fingerprint == direct.fingerprint


def test_records_are_typed_files_not_pickles(root, stored):
    folder = root / "data" / stored[0]
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["assessments.parquet", "dataset.json", "employment.parquet", "holders.parquet", MANIFEST]
    for path in folder.glob("*.parquet"):
        assert path.read_bytes()[:4] == b"PAR1"
    json.loads((folder / "dataset.json").read_text(encoding="utf-8"))


def test_a_changed_source_is_read_again(data, root, stored):
    digest, _ = stored
    employment = data / "employment.csv"
    lines = employment.read_text(encoding="utf-8").splitlines(keepends=True)
    employment.write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(StateRejected, match=r"employment\.csv changed"):
        store.load(digest, root)
    # the build computes another key for the changed folder: a new record
    assert key_digest(store.data_key(data)) != digest


def test_other_options_are_other_records(data):
    assert store.data_key(data) != store.data_key(data, drop_personal_columns=True)


def test_a_tampered_or_foreign_record_is_refused(data, root, stored, tmp_path):
    digest, key = stored
    folder = root / "data" / digest
    parquet = folder / "holders.parquet"
    original = parquet.read_bytes()
    parquet.write_bytes(original[:-10] + b"0123456789")
    with pytest.raises(StateRejected, match="content hash"):
        store.load(digest, root, key)
    parquet.write_bytes(original)
    # a manifest edited to match a changed file: its signature no longer holds
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"]["holders.parquet"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(StateRejected, match="not signed by this state folder"):
        store.load(digest, root, key)
    # the same record in another state folder (another machine): not signed by its key
    other = tmp_path / "other-state"
    store.save(load_dataset(data), digest, key, other)
    shutil.copytree(other / "data" / digest, folder, dirs_exist_ok=True)
    store.load(digest, other, key)
    with pytest.raises(StateRejected, match="not signed"):
        store.load(digest, root, key)
    with pytest.raises(StateRejected, match=NOT_THERE):
        store.load("0" * 40, root)


def test_a_pickle_planted_in_the_state_never_runs(data, root, stored, tmp_path):
    """Pickle payloads in place of every file of a record, and of its manifest: refused, never loaded."""
    digest, key = stored
    marker = tmp_path / "payload-ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    folder = root / "data" / digest
    for path in folder.iterdir():
        path.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(StateRejected):
        store.load(digest, root, key)
    warnings: list[str] = []
    dataset, again = store.load_or_validate(data, False, None, root, warnings.append)
    assert again == digest and len(dataset.holders) == len(load_dataset(data).holders)
    assert warnings and "ignored" in warnings[0]
    assert not marker.exists()
    store._MEMORY.clear()
    assert len(store.load(digest, root, key).holders) == len(dataset.holders)  # sealed again


def test_kernels_take_the_data_by_its_key(data, root, stored, monkeypatch):
    digest, _ = stored
    monkeypatch.setenv("TLANALYSIS_STATE_DIR", str(root))
    monkeypatch.chdir(data.parent)  # kernels run beside the data folder: its texts are read from there
    direct = report.ReportContext.from_parameters(validate_parameters(2019, "75", data, render="report"))
    params_module._DATASETS.clear()
    from_state = validate_parameters(2019, "75", "data", render="report", state_key=digest)
    assert from_state.dataset is not direct.dataset and from_state.state_root == root.resolve()
    assert report.report_html(report.ReportContext.from_parameters(from_state)) == report.report_html(direct)


def test_a_key_with_no_state_needs_the_data_folder(data, root, monkeypatch):
    monkeypatch.setenv("TLANALYSIS_STATE_DIR", str(root))
    store._MEMORY.clear()
    with pytest.raises(ParameterError, match="pass -p data_dir FOLDER"):
        validate_parameters(2019, "75", state_key="ab" * 20)
    params = validate_parameters(2019, "75", str(data), state_key="ab" * 20)
    assert params.state_root is None and len(params.dataset.holders)
    with pytest.raises(ParameterError, match="state_key"):
        validate_parameters(2019, "75", state_key="/home/someone/state")


def test_a_process_that_holds_the_data_reads_no_file(data, root, tmp_path):
    """What a report forked from the build gets: the dataset by its key, from memory."""
    dataset = load_dataset(data)
    store.remember("cd" * 20, dataset)
    assert store.load("cd" * 20, None) is dataset
    assert store.load("cd" * 20, tmp_path / "no-state") is dataset
