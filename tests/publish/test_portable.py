"""The portable path (Windows, macOS without fork), forced on Linux with $TLANALYSIS_PORTABLE=1 so that it
runs on every CI run: kernels instead of forked reports, TCP transport instead of Unix sockets, process
trees killed through psutil instead of process groups, no SIGUSR1; the lock is a filelock everywhere."""

from __future__ import annotations

import uuid

import pytest

from support.build import build, interrupt_build, marked_env, tlanalysis_command
from support.notebooks import hanging_notebook, notebook, outputs_text

pytestmark = pytest.mark.slow


def portable_env(mark: str | None = None) -> dict[str, str]:
    env = marked_env(mark)
    env["TLANALYSIS_PORTABLE"] = "1"
    return env


def test_the_portable_path_builds_on_kernels_over_tcp(tmp_path):
    transport = notebook(
        tmp_path / "transport.ipynb",
        "from ipykernel.kernelapp import IPKernelApp\n"
        "print('TRANSPORT', IPKernelApp.instance().transport if IPKernelApp.initialized() else 'none')\n",
    )
    out = tmp_path / "reports"
    result = build(
        out, "--year", 2021, "--region", "Bretagne", "--region", "Occitanie", notebook=transport, env=portable_env()
    )
    assert "(kernels)" in result.stdout
    for page in ("53-bretagne", "76-occitanie"):
        assert "TRANSPORT tcp" in outputs_text(out / "2021" / f"{page}.ipynb")
        assert (out / "2021" / f"{page}.html").is_file()


def test_ctrl_c_on_the_portable_path_leaves_no_process(tmp_path):
    hanging, flag = hanging_notebook(tmp_path)
    out = tmp_path / "reports"
    mark = uuid.uuid4().hex
    command = tlanalysis_command(
        "build", "--out", out, "--notebook", hanging, "--kind", "annual", "--year", 2021, "--region", "Occitanie"
    )
    interrupt_build(command, portable_env(mark), flag, mark, out, settle=10)
    assert not (out / "2021" / "76-occitanie.html").exists()
