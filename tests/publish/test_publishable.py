"""A site that can be published as it is: nothing private in the output folder, state that cannot lie or
run code, an audit before publishing (issue 17).

Real builds in subprocesses (papermill, nbconvert); each probe of the issue is a test here, tried as a
user or a careless colleague would.
"""

from __future__ import annotations

import json
import pickle
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import nbformat
import pytest

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.publish.audit import audit_site
from tlanalysis.state import ENV_VARIABLE, MANIFEST
from tlanalysis.validate.dataset import load_dataset

from support.build import build, marked_env, run_tlanalysis

pytestmark = pytest.mark.slow

REPORTS = ("--year", 2019, "--region", "Nouvelle-Aquitaine", "--region", "France")


class Payload:
    """A pickle that, loaded, creates a file: the proof that something unpickled it."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def files_of(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def state(tmp_path_factory) -> Path:
    """The private state folder of this module's builds."""
    return tmp_path_factory.mktemp("state")


def env_with(state: Path) -> dict[str, str]:
    env = marked_env()
    env[ENV_VARIABLE] = str(state)
    return env


@pytest.fixture(scope="module")
def site(tmp_path_factory, state) -> Path:
    """The bundled data's annual and certification reports of 2019, with JSON and XLSX."""
    out = tmp_path_factory.mktemp("site") / "reports"
    result = build(out, *REPORTS, "--formats", "html,xlsx", notebook=None, env=env_with(state))
    assert "audit: " in result.stdout and "checked — no personal data" in result.stdout
    return out


def test_the_output_folder_holds_only_what_may_be_published(site, state):
    names = files_of(site)
    assert not [n for n in names if any(part.startswith(".") for part in n.split("/"))], names
    assert {Path(n).suffix for n in names} <= {".html", ".ipynb", ".json", ".xlsx", ".js", ".css"}
    assert not list(site.rglob("*.pickle")) and not list(site.rglob("*.failed.ipynb"))
    # the build state is in the state folder, and nothing of it is a pickle
    kept = [p for p in state.rglob("*") if p.is_file()]
    assert kept and not [p for p in kept if p.read_bytes()[:1] == b"\x80"]
    # no holder id, no record identifier, no absolute path, nothing executable: the audit, with the data
    report = audit_site(site, dataset=load_dataset(SAMPLE_DATA_DIR), extra_paths=[SAMPLE_DATA_DIR, state])
    assert report.ok, report.describe()
    assert "record identifiers searched" in report.summary()
    holders = load_dataset(SAMPLE_DATA_DIR).holders["holder_id"]
    every_text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())
    assert not [h for h in holders if h in every_text]
    assert str(SAMPLE_DATA_DIR) not in every_text and str(state) not in every_text and str(site) not in every_text


def test_published_notebooks_name_no_path_of_the_machine(site):
    nb = nbformat.read(site / "2019" / "75-nouvelle-aquitaine.ipynb", as_version=4)
    meta = nb.metadata.papermill
    assert meta.input_path == "annual_report.ipynb"
    assert meta.output_path == "2019/75-nouvelle-aquitaine.ipynb"
    parameters = meta.parameters
    assert parameters["data_dir"] == "sample" and len(parameters["state_key"]) == 40
    assert not {"protection_file", "data_cache", "mapping"} & set(parameters)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "/" not in injected.source and "\\" not in injected.source


def test_audit_names_a_planted_email_path_and_pickle(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    clean = run_tlanalysis("audit", copy)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.startswith("audit: ") and len(clean.stdout.strip().splitlines()) == 1
    page = copy / "2019" / "france.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>jean.dupont@example.fr</p></body>"))
    figures = copy / "2019" / "france.json"
    document = json.loads(figures.read_text(encoding="utf-8"))
    document["note"] = "/home/alice/enquete/emplois.csv"
    figures.write_text(json.dumps(document), encoding="utf-8")
    (copy / "2019" / "cache.pkl").write_bytes(pickle.dumps({"a": 1}))
    (copy / ".tlanalysis-data.pickle").write_bytes(pickle.dumps(Payload(tmp_path / "ran")))
    result = run_tlanalysis("audit", copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    out = result.stdout
    assert "an e-mail address" in out and "2019/france.html: 'jean.dupont@example.fr'" in out
    assert "an absolute path" in out and "2019/france.json: '/home/alice/enquete/emplois.csv'" in out
    assert "a pickle" in out and "2019/cache.pkl" in out and ".tlanalysis-data.pickle" in out
    assert out.count("fix: ") >= 3
    assert not (tmp_path / "ran").exists()


def test_a_planted_pickle_never_runs_and_the_build_goes_on(site, state, tmp_path):
    """Where the old `.tlanalysis-data.pickle` lived, and in every file of the new state: the payload
    never runs; the state is ignored with a warning and rebuilt; the build succeeds."""
    out = tmp_path / "reports"
    shutil.copytree(site, out)
    marker = tmp_path / "payload-ran"
    payload = pickle.dumps(Payload(marker))
    (out / ".tlanalysis-data.pickle").write_bytes(payload)
    private = tmp_path / "state"
    shutil.copytree(state, private)
    for path in private.rglob("*"):
        if path.is_file() and path.name not in ("secret.key", "build.lock"):
            path.write_bytes(payload)
    (out / "2019" / "france.html").unlink()
    result = build(out, *REPORTS, "--formats", "html,xlsx", notebook=None, env=env_with(private))
    assert not marker.exists()
    assert "removed from reports/ what an earlier version kept there" in result.stdout
    assert not (out / ".tlanalysis-data.pickle").exists()
    assert "warning: the stored validated data was ignored" in result.stdout
    assert "4 built" in result.stdout  # the build state was not trusted either: every report rebuilt
    assert json.loads((out / "2019" / "75-nouvelle-aquitaine.json").read_text())["figures"]["jobs"]["total"] == 269


def test_a_hand_edited_protection_is_recomputed(site, state, tmp_path):
    """`.tlanalysis-protection.json` edited by hand (jobs 269 → 999): never published. The same edit in
    the protection the build keeps: ignored with a warning, computed again."""
    out = tmp_path / "reports"
    shutil.copytree(site, out)
    private = tmp_path / "state"
    shutil.copytree(state, private)
    (out / ".tlanalysis-protection.json").write_text('{"jobs": 999}', encoding="utf-8")
    edited = 0
    for path in (private / "protection").rglob("protection.json"):
        text = path.read_text(encoding="utf-8")
        if '[["total"],269]' in text:
            path.write_text(text.replace('[["total"],269]', '[["total"],999]'), encoding="utf-8")
            edited += 1
    assert edited == 1
    (out / "2019" / "75-nouvelle-aquitaine.html").unlink()
    result = build(out, *REPORTS, "--formats", "html,xlsx", notebook=None, env=env_with(private))
    assert "warning: the stored protection was ignored" in result.stdout
    assert "protection of every report of the data: computed in" in result.stdout
    figures = json.loads((out / "2019" / "75-nouvelle-aquitaine.json").read_text(encoding="utf-8"))["figures"]
    assert figures["jobs"]["total"] == 269
    assert "999" not in (out / "2019" / "75-nouvelle-aquitaine.html").read_text(encoding="utf-8")
    assert not (out / ".tlanalysis-protection.json").exists()


def test_a_moved_or_copied_site_builds_incrementally(site, state, tmp_path):
    copy = tmp_path / "elsewhere" / "site"
    shutil.copytree(site, copy)  # new modification times: recognised by content
    result = build(copy, *REPORTS, "--formats", "html,xlsx", notebook=None, env=env_with(state))
    assert "0 built, 4 up to date" in result.stdout
    again = build(copy, *REPORTS, "--formats", "html,xlsx", notebook=None, env=env_with(state))
    assert "0 built, 4 up to date" in again.stdout
    # a copied file changed by hand is not the build's any more
    page = copy / "2019" / "france.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Tiers-lieux", "Tiers lieux"), encoding="utf-8")
    assert "1 built, 3 up to date" in build(copy, *REPORTS, "--formats", "html,xlsx", notebook=None,
                                            env=env_with(state)).stdout  # fmt: skip


def test_a_failed_report_leaves_none_of_its_products(tmp_path, state):
    from support.build import FAILING_NOTEBOOK

    out = tmp_path / "reports"
    selection = ("--year", 2021, "--region", "Bretagne", "--region", "Occitanie")
    build(out, *selection, "--formats", "html,xlsx", env=env_with(state))
    products = [out / "2021" / f"53-bretagne.{suffix}" for suffix in ("html", "ipynb", "json", "xlsx")]
    assert all(p.is_file() for p in products)
    result = build(out, *selection, "--formats", "html,xlsx", notebook=FAILING_NOTEBOOK, expect=1, env=env_with(state))
    assert "2021 Bretagne: ValueError" in result.stdout
    assert not [p for p in products if p.exists()], "no product may outlive a failed build of its report"
    assert not list(out.rglob("*.failed.ipynb"))  # kept privately, with its path printed
    assert "executed notebook (private, not published):" in result.stdout
    assert (out / "2021" / "76-occitanie.xlsx").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "échec" in index and "failed.ipynb" not in index


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_ends_with_a_message_and_the_earlier_site(site, state, tmp_path):
    """Every file larger than 200 KiB fails to be written (a real OSError from the system: a file size
    limit), as on a full disk: exit 1, a clear message, no traceback, the earlier pages and index kept."""
    out = tmp_path / "reports"
    shutil.copytree(site, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    from support.build import tlanalysis_command

    result = subprocess.run(
        tlanalysis_command("build", "--out", out, *REPORTS, "--formats", "html,xlsx", "--force", "--jobs", 2),
        capture_output=True,
        text=True,
        env=env_with(state),
        timeout=600,
        preexec_fn=_limit_file_size(200 * 1024),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "error: cannot write" in result.stderr and "The build stopped" in result.stderr
    assert "kept as they were" in result.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert (out / "index.html").is_file() and after[out / "index.html"] == before[out / "index.html"]
    big = [p for p, data in before.items() if len(data) > 200 * 1024]
    assert big and all(after.get(p) == before[p] for p in big)  # what could not be written is as it was
    assert not [p for p in after if p.name.startswith(".")]  # no temporary file left


def test_the_audit_can_be_skipped_and_run_alone(site, state, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(site, out)
    (out / "2019" / "france.html").unlink()
    skipped = build(out, *REPORTS, "--formats", "html,xlsx", "--no-audit", notebook=None, env=env_with(state))
    assert "audit:" not in skipped.stdout
    alone = run_tlanalysis("audit", out, "--data", SAMPLE_DATA_DIR, env=env_with(state))
    assert alone.returncode == 0 and "record identifiers searched" in alone.stdout
    # without --data, the audit takes the data of the site's last build from the state folder
    assert "record identifiers searched" in run_tlanalysis("audit", out, env=env_with(state)).stdout
    # a build whose output the audit refuses ends with exit 1
    (out / "notes.txt").write_text("contact: marie.curie@example.org\n", encoding="utf-8")
    (out / "2019" / "france.html").unlink()
    refused = build(out, *REPORTS, "--formats", "html,xlsx", notebook=None, expect=1, env=env_with(state))
    assert "marie.curie@example.org" in refused.stdout and "not publishable" in refused.stderr


def test_the_state_folder_is_documented_and_chosen(tmp_path):
    """--state-dir, then $TLANALYSIS_STATE_DIR, then the user's cache folder (platformdirs)."""
    from platformdirs import user_cache_dir

    from tlanalysis.state import state_root

    assert state_root(tmp_path) == tmp_path.resolve()
    env = marked_env()
    env.pop(ENV_VARIABLE, None)
    code = "from tlanalysis.state import state_root; print(state_root())"
    import sys

    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert shown.stdout.strip() == str(Path(user_cache_dir("tlanalysis", appauthor=False)))
    help_text = run_tlanalysis("build", "--help").stdout
    assert "--state-dir" in help_text and "--no-audit" in help_text
    assert MANIFEST == "manifest.json"


def test_a_national_generator_site_is_publishable(tmp_path, state):
    """The national generator (two regions, the last survey year): the build's audit passes, and no
    file of the site holds a holder id, a candidate id or a path of the machine."""
    import sys

    data = tmp_path / "national"
    subprocess.run(
        [sys.executable, "-m", "tlanalysis.sample", "--national", str(data), "--regions", "2"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    dataset = load_dataset(data)
    year = max(dataset.years)
    out = tmp_path / "site"
    result = build(out, "--year", year, "--formats", "html,xlsx", notebook=None, data=data, env=env_with(state))
    assert "checked — no personal data" in result.stdout
    report = audit_site(out, dataset=dataset, extra_paths=[data, state])
    assert report.ok, report.describe()
    texts = "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file())
    ids = set(dataset.holders["holder_id"])
    if dataset.assessments is not None:
        ids |= set(dataset.assessments["candidate_id"])
    assert not [i for i in ids if len(i) > 3 and i in texts]
    assert str(data) not in texts and str(tmp_path) not in texts
