"""The command line's shared options: declared once (`tlanalysis.cli.options`), so a command cannot say
one thing of `--data` and another command something else; every command that reads data reads it the
same way (`--mapping` included)."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict

import click

from tlanalysis.cli import cli
from tlanalysis.config import SAMPLE_DATA_DIR

from support.cli import run_cli

#: Options that mean different things in different commands (`template --force` overwrites templates,
#: `build --force` rebuilds reports): each declared where it is used.
DIFFERENT_MEANINGS = {"--force"}


def _options() -> dict[str, list[tuple[str, click.Option]]]:
    found = defaultdict(list)
    for name, command in cli.commands.items():
        for param in command.params:
            if isinstance(param, click.Option):
                found[param.opts[0]].append((name, param))
    return found


def test_an_option_of_several_commands_says_one_thing():
    """Same name, same parameter, same type and the same help (a repeatable --region adds what repeating
    means; --json names what it prints)."""
    shared = {name: uses for name, uses in _options().items() if len(uses) > 1 and name not in DIFFERENT_MEANINGS}
    assert {"--data", "--mapping", "--drop-personal-columns", "--region", "--year", "--json", "--target-job"} <= set(
        shared
    )
    for name, uses in shared.items():
        helps = {command: option.help or "" for command, option in uses}
        if name == "--json":
            assert all(re.fullmatch(r"Print .+ as JSON instead of text\.", h) for h in helps.values()), helps
            continue
        first_sentences = {h.split(". ")[0].rstrip(".") for h in helps.values()}
        assert len(first_sentences) == 1, helps
        kinds = {(type(o.type).__name__, o.is_flag, o.name if not o.multiple else o.name.rstrip("s")) for _, o in uses}
        assert len(kinds) == 1, (name, kinds)


def test_every_command_that_reads_data_takes_the_same_data_options():
    options = _options()
    readers = {command for command, _ in options["--data"]}
    assert readers == {"validate", "indicators", "check", "certification", "build", "audit", "placeholders"}
    for name in ("--mapping", "--drop-personal-columns"):
        assert {command for command, _ in options[name]} == readers, name


def test_certification_reads_a_folder_through_a_mapping(tmp_path):
    """A holders file whose certification year is headed « Obtenue en »: `certification --mapping` reads
    it as the bundled data."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("employment.csv", "assessments.csv"):
        shutil.copy(SAMPLE_DATA_DIR / name, folder / name)
    holders = (SAMPLE_DATA_DIR / "holders.csv").read_text(encoding="utf-8")
    (folder / "holders.csv").write_text(holders.replace(",certification_year,", ",Obtenue en,", 1), encoding="utf-8")
    mapping = tmp_path / "read.toml"
    mapping.write_text('[holders]\n[holders.columns]\ncertification_year = "Obtenue en"\n', encoding="utf-8")

    expected = run_cli("certification", "--region", "75", "--json")
    result = run_cli("certification", "--region", "75", "--json", "--data", folder, "--mapping", mapping)
    assert result.returncode == 0, result.stderr
    mine, bundled = json.loads(result.stdout), json.loads(expected.stdout)
    assert mine["promotions"] == bundled["promotions"] and mine["promotions"]
