"""Running the real `tlanalysis` command and builds in a subprocess, as a user would, and finding the
processes a build left behind."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from .paths import FIXTURES

FIXTURE_NOTEBOOK = FIXTURES / "report.ipynb"
FAILING_NOTEBOOK = FIXTURES / "report_failing.ipynb"
#: What a build with a fixture notebook makes by default: the reports that notebook stands in for.
ANNUAL_ONLY = ("annual",)
ENTRY = "import sys; from tlanalysis.cli import main; sys.argv[0] = 'tlanalysis'; main()"
#: Every process a test build starts inherits this variable (kernels too): see `processes_marked`.
MARK_VARIABLE = "TLANALYSIS_TEST_MARK"


def tlanalysis_command(*args: object) -> list[str]:
    return [sys.executable, "-c", ENTRY, *map(str, args)]


def marked_env(mark: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env[MARK_VARIABLE] = mark or uuid.uuid4().hex
    return env


def run_tlanalysis(
    *args: object, cwd: Path | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        tlanalysis_command(*args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env or marked_env(),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def processes_marked(mark: str) -> list[int]:
    """Pids of live processes whose environment carries the mark (Linux /proc; [] elsewhere)."""
    pids = []
    needle = f"{MARK_VARIABLE}={mark}".encode()
    proc = Path("/proc")
    if not proc.is_dir():
        return pids
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                status = (entry / "status").read_text()
                if "State:\tZ" not in status:  # zombies are dead already
                    pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def build(
    out: Path,
    *args: object,
    notebook: Path | None = FIXTURE_NOTEBOOK,
    data: Path | None = None,
    expect: int | None = 0,
    jobs: int = 2,
    env: dict | None = None,
    kinds: tuple[str, ...] | None = None,
) -> subprocess.CompletedProcess:
    """`tlanalysis build --out OUT ...` in a subprocess; checks the exit code (unless expect is None).

    `kinds`: `--kind` of each; by default only the annual reports when a fixture notebook stands in
    for the annual one, every kind with the bundled notebooks (`notebook=None`)."""
    command: list[object] = ["build", "--out", out, "--jobs", jobs]
    if notebook is not None:
        command += ["--notebook", notebook]
    for kind in ANNUAL_ONLY if kinds is None and notebook is not None else kinds or ():
        command += ["--kind", kind]
    if data is not None:
        command += ["--data", data]
    result = run_tlanalysis(*command, *args, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    if expect is not None:
        assert result.returncode == expect, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def build_state(out: Path):
    """The build state of the site in `out`, from the private state folder the builds of the tests use
    ($TLANALYSIS_STATE_DIR, set for the session in conftest.py)."""
    from tlanalysis.publish.cache import BuildState
    from tlanalysis.state import state_root

    return BuildState.load(Path(out).resolve(), state_root())


def build_state_file(out: Path) -> Path:
    """Where the build state of the site in `out` is written (it exists once a report is finished)."""
    from tlanalysis.publish.cache import STATE_FILE, BuildState
    from tlanalysis.state import state_root

    return BuildState(Path(out).resolve(), state_root()).folder / STATE_FILE


def interrupt_build(command: list, env: dict[str, str], flag, mark: str, out, settle: float = 10) -> None:
    """Run a build, press Ctrl-C once `flag` exists (the report's cell is running), and check what Ctrl-C
    promises: exit 130, no process of the build left (`mark`), no temporary file in `out`."""
    import signal
    import subprocess
    import time

    from tlanalysis.atomic import is_temp_name

    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, stdin=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while not flag.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert flag.exists(), process.communicate(timeout=5)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, (stdout, stderr)
    deadline = time.monotonic() + settle
    while processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not processes_marked(mark), "no worker, report process or kernel outlives the build"
    assert not [p for p in out.rglob("*") if is_temp_name(p.name)]
