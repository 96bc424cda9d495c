"""Identifiers that look personal (e-mail, phone, social security number) in `holder_id` or
`candidate_id` are refused like personal columns; `--drop-personal-columns` replaces them by row numbers."""

from __future__ import annotations

import re
import shutil

import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.errors import DataError
from tlanalysis.personal import kind_of
from tlanalysis.validate.dataset import load_dataset

from support.build import run_tlanalysis


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("jean.dupont@example.fr", "email"),
        ("06 12 34 56 78", "phone"),
        ("+33 6 12 34 56 78", "phone"),
        ("0612345678", "phone"),
        ("1 84 12 75 123 456 78", "nir"),
        ("184127512345678", "nir"),
        ("T-75-0001", None),
        ("C-2019-12", None),
        ("0.0612345678", None),
        ("ab184127512345678", None),
    ],
)
def test_personal_shapes(text, kind):
    assert kind_of(text) == kind


@pytest.fixture()
def personal_ids(tmp_path):
    """The bundled data with e-mail addresses as holder ids and phone numbers as candidate ids; holder
    T-75-0001 is also candidate C-75-0001's person (same e-mail in both tables)."""
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    holders = (folder / "holders.csv").read_text(encoding="utf-8")
    holders = re.sub(r"T-(\d\d)-(\d+)", r"titulaire.\1.\2@example.fr", holders)
    (folder / "holders.csv").write_text(holders, encoding="utf-8")
    assessments = (folder / "assessments.csv").read_text(encoding="utf-8")
    assessments = re.sub(r"C-(\d\d)-(\d\d)(\d\d)", r"06 \1 00 \2 \3", assessments)
    (folder / "assessments.csv").write_text(assessments, encoding="utf-8")
    return folder


def test_personal_identifiers_are_refused(personal_ids):
    with pytest.raises(DataError) as error:
        load_dataset(personal_ids)
    messages = [str(p) for p in error.value.problems]
    assert any("holders.csv, row 2, column 'holder_id'" in m and "an e-mail address" in m for m in messages)
    assert any("assessments.csv" in m and "a phone number" in m for m in messages)
    assert all("--drop-personal-columns" in m for m in messages if "looks like personal data" in m)
    result = run_tlanalysis("validate", "--data", personal_ids)
    assert result.returncode == 1 and "this identifier looks like personal data" in result.stderr
    assert "Traceback" not in result.stderr


def test_drop_personal_columns_replaces_ids_by_row_numbers(personal_ids):
    original = load_dataset(SAMPLE_DATA_DIR)
    dataset = load_dataset(personal_ids, drop_personal_columns=True)
    assert dataset.holders["holder_id"].tolist() == [str(row) for row in dataset.holders.index]
    assert not dataset.holders["holder_id"].str.contains("@").any()
    candidates = dataset.assessments["candidate_id"]
    assert not candidates.str.contains(" ").any() and candidates.str.startswith("A").all()
    # the same people: as many candidates, each with the results it had
    assert candidates.nunique() == original.assessments["candidate_id"].nunique()
    pairs = dataset.assessments.groupby("candidate_id", observed=True).size().sort_values().tolist()
    assert pairs == original.assessments.groupby("candidate_id", observed=True).size().sort_values().tolist()
    assert run_tlanalysis("validate", "--data", personal_ids, "--drop-personal-columns").returncode == 0


def test_a_candidate_who_is_a_holder_keeps_the_holders_number(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, folder)
    # holder T-75-0001 and candidate C-75-0001 (both of cohort NA-2015-1) become one person, named by e-mail
    for table, old in (("holders.csv", "T-75-0001"), ("assessments.csv", "C-75-0001")):
        text = (folder / table).read_text(encoding="utf-8")
        (folder / table).write_text(text.replace(old, "personne@example.fr"), encoding="utf-8")
    with pytest.raises(DataError, match="an e-mail address"):
        load_dataset(folder)
    dataset = load_dataset(folder, drop_personal_columns=True)
    holder = dataset.holders.loc[2, "holder_id"]  # the first holder, row 2 of holders.csv
    assert holder == "2"
    rows = dataset.assessments[dataset.assessments["candidate_id"] == holder]
    assert len(rows) == 18 and set(rows["cohort"].astype(str)) == {"NA-2015-1"}  # the holder's results
    assert "personne@example.fr" not in set(dataset.assessments["candidate_id"]) | set(dataset.holders["holder_id"])
