"""The no-op build's stamp (`publish.unchanged`): anything a build is made from, or any file of its site, that
changes makes another stamp; how reports run does not. End to end (the no-op itself, the imports it does
without, a failed build not stamped): test_build.py."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.protect.ledger import FILE_NAME
from tlanalysis.publish.runner import BuildOptions
from tlanalysis.publish.unchanged import KEPT, Unchanged, build_stamp, inputs_digest, record, recorded, site_listing
from tlanalysis.report.kinds import registered

from support.paths import FIXTURES


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, data)
    (data / "tlanalysis.toml").write_text("# mapping\n", encoding="utf-8")
    (data / "textes" / "2021").mkdir(parents=True)
    (data / "textes" / "2021" / "75.md").write_text("Un texte.\n", encoding="utf-8")
    out = tmp_path / "site"
    (out / "2021").mkdir(parents=True)
    (out / "2021" / "france.html").write_text("<html>page</html>", encoding="utf-8")
    (out / FILE_NAME).write_text("{}", encoding="utf-8")
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / FILE_NAME).write_text('{"releases": []}', encoding="utf-8")
    notebook = tmp_path / "report.ipynb"
    shutil.copy(FIXTURES / "report.ipynb", notebook)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text("# outside the folder\n", encoding="utf-8")
    return {"data": data, "out": out, "earlier": earlier, "notebook": notebook, "mapping": mapping}


def stamp_of(folders: dict[str, Path], **changes) -> str:
    options = replace(
        BuildOptions(
            data_dir=folders["data"],
            out_dir=folders["out"],
            mapping=folders["mapping"],
            previous=(folders["earlier"],),
        ),
        **changes,
    )
    kinds = tuple(replace(k, notebook=folders["notebook"]) if k.name == "annual" else k for k in registered())
    inputs = inputs_digest(options.published_choices(), kinds, folders["data"], options.mapping, options.previous)
    return build_stamp(inputs, site_listing(folders["out"]))


def append(path: Path, text: str = "\n") -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def touch(path: Path) -> None:
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))


CHANGES = {
    "a data file's content": lambda f: append(f["data"] / "employment.csv", "2021,75,X,CDI,facilitation,1\n"),
    "a data file added": lambda f: (f["data"] / "notes.csv").write_text("a\n1\n", encoding="utf-8"),
    "the folder's mapping file": lambda f: append(f["data"] / "tlanalysis.toml", "# edited\n"),
    "the --mapping file": lambda f: append(f["mapping"], "# edited\n"),
    "a report's text": lambda f: append(f["data"] / "textes" / "2021" / "75.md", "Encore.\n"),
    "a text added": lambda f: (f["data"] / "textes" / "avant-propos.md").write_text("Avant.\n", encoding="utf-8"),
    "the notebook": lambda f: append(f["notebook"], " "),
    "the earlier site's ledger": lambda f: append(f["earlier"] / FILE_NAME, " "),
    "a page edited": lambda f: append(f["out"] / "2021" / "france.html", "<!-- -->"),
    "a page touched": lambda f: touch(f["out"] / "2021" / "france.html"),
    "a page removed": lambda f: (f["out"] / "2021" / "france.html").unlink(),
    "the site's ledger removed": lambda f: (f["out"] / FILE_NAME).unlink(),
    "a file added to the site": lambda f: (f["out"] / "2021" / "extra.txt").write_text("x", encoding="utf-8"),
    "a hidden file added to the site": lambda f: (f["out"] / ".hidden").write_text("x", encoding="utf-8"),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_changed_input_or_site_file_changes_the_stamp(folders, change):
    before = stamp_of(folders)
    assert stamp_of(folders) == before  # the same inputs: the same stamp
    CHANGES[change](folders)
    assert stamp_of(folders) != before


OPTIONS = {
    "years": (2021,),
    "regions": ("Bretagne",),
    "kinds": ("annual",),
    "formats": ("html", "xlsx"),
    "min_count": 3,
    "drop_personal_columns": True,
    "target_jobs": ("facilitation", "coordination"),
    "standalone": True,
    "audit": False,
    "new_series": True,
    "notebook": Path("other.ipynb"),
    "brand_file": Path("brand.yml"),
}


@pytest.mark.parametrize("option", sorted(OPTIONS))
def test_an_option_that_changes_what_is_published_changes_the_stamp(folders, option):
    assert stamp_of(folders, **{option: OPTIONS[option]}) != stamp_of(folders)


def test_how_reports_run_does_not_change_the_stamp(folders):
    assert stamp_of(folders, jobs=7, executor="kernel", report_timeout=5.0) == stamp_of(folders)


def test_stamps_kept_and_found():
    stamps: dict = {}
    for number in range(KEPT + 3):
        stamps = record(stamps, f"s{number}", Unchanged([f"2021/r{number}"], ["note"]))
    assert len(stamps) == KEPT and "s0" not in stamps
    assert recorded(stamps, f"s{KEPT + 2}") == Unchanged([f"2021/r{KEPT + 2}"], ["note"])
    assert recorded(stamps, "s0") is None
    assert recorded({"s": {"planned": "not a list"}}, "s") is None
    assert recorded(None, "s") is None


def test_the_brand_is_checked_by_its_bytes_and_its_logos(tmp_path):
    from tlanalysis.report.brand import fingerprint_of

    brand, logo = tmp_path / "_brand.yml", tmp_path / "logo.png"
    brand.write_text("meta:\n  name: Réseau\nlogo: logo.png\n", encoding="utf-8")
    logo.write_bytes(b"\x89PNG one")
    made = Unchanged([], [], (str(brand), str(logo), fingerprint_of(brand.read_bytes(), logo.read_bytes())))
    assert made.same_brand(brand)
    assert Unchanged.from_dict(made.as_dict()) == made
    assert not made.same_brand(None) and not made.same_brand(tmp_path / "other.yml")
    logo.write_bytes(b"\x89PNG two")
    assert not made.same_brand(brand)
    logo.unlink()
    assert not made.same_brand(brand)
    house = Unchanged([], [])
    assert house.same_brand(None) and not house.same_brand(brand)
