"""The project's own files: dependencies declared twice must agree, docs generated from the schema
must be current, the README's two commands must be the ones CI runs."""

import functools
import operator
import re
import tomllib
from pathlib import Path

import yaml

from tlanalysis.validate.templates import render_markdown

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


CHECK_COMMAND = "ruff check . && ruff format --check . && mypy && lint-imports"


def test_readme_check_command_runs_on_ci_before_the_tests():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b.strip() for b in re.findall(r"```bash\n(.*?)\n```", readme, re.S)]
    assert CHECK_COMMAND in blocks, "the README must give the contributors' check command"
    ci = (ROOT / ".ci" / "run").read_text()
    check_line = next(line for line in ci.splitlines() if line.startswith(CHECK_COMMAND))
    assert "exit 1" in check_line, "set -e does not stop at a failure inside an && list"
    assert ci.index(CHECK_COMMAND) < ci.index("python -m pytest")
    assert "pre-commit" not in ci, "pre-commit fetches hooks from git hosts: CI runs the check command instead"


def test_lint_and_type_configuration():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ruff = config["tool"]["ruff"]
    assert "*.ipynb" in ruff["extend-include"], "ruff must lint the notebooks too"
    assert {"F", "E", "W", "I", "B", "UP"} <= set(ruff["lint"]["select"])
    mypy = config["tool"]["mypy"]
    assert mypy["files"] == ["tlanalysis"]
    for flag in ("check_untyped_defs", "no_implicit_optional", "strict_equality", "warn_unused_ignores"):
        assert mypy[flag] is True, flag
    for override in mypy.get("overrides", []):
        assert not override.get("ignore_missing_imports") or not any(
            module.startswith("tlanalysis") for module in override["module"]
        ), "ignore_missing_imports is for untyped third-party libraries only"


def test_pre_commit_config_runs_ruff_and_strips_notebooks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "nbstripout"} <= hooks
