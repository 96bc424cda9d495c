"""The project's own files: dependencies declared twice must agree, docs generated from the schema
must be current, the README's two commands must be the ones CI runs."""

import functools
import operator
import re
import tomllib
from pathlib import Path

import yaml

from tlanalysis.templates import render_markdown

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


#: conda-forge names that differ from PyPI's.
CONDA_NAMES = {"python-kaleido": "kaleido"}


def _pinned(requirements) -> dict[str, str]:
    pinned = {}
    for requirement in requirements:
        requirement = requirement.split("#")[0].strip()
        name = _name(requirement)
        pinned[CONDA_NAMES.get(name, name)] = requirement[len(name) :].strip()
    return pinned


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _pinned(
        project["dependencies"] + functools.reduce(operator.iadd, project["optional-dependencies"].values(), [])
    )
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = _pinned(d for d in env["dependencies"] if isinstance(d, str) and _name(d) not in ("python", "pip"))
    assert conda == declared
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part, "environment.yml must install the package itself"


def test_data_format_doc_is_generated_from_the_schema():
    doc = ROOT / "docs" / "data-format.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), (
        "run `tlanalysis template DIR --docs docs/data-format.md`"
    )


def test_readme_opens_with_the_build_and_test_commands():
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    build, test = blocks[0].strip(), blocks[1].strip()
    assert build.endswith("tlanalysis build") and "pip install" in build
    assert test.endswith("python -m pytest")
    assert test in (ROOT / ".ci" / "run").read_text(), ".ci/run must run the README's test command verbatim"
