"""The options more than one command takes, each declared once: one name, one type, one help text.

Where commands differ in how they take an option (`indicators` needs one region, `build` takes several
and defaults to all), the declaration is a factory whose arguments say so; the words stay the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config import DEFAULT_MIN_COUNT, SAMPLE_DATA_DIR

F = TypeVar("F", bound=Callable[..., Any])

#: Where the data is.
data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=SAMPLE_DATA_DIR,
    show_default="bundled example data",
    help="Folder holding the employment and holders tables (csv, txt, xlsx, xls, ods; or one workbook with both).",
)

#: How to read it.
mapping_option = click.option(
    "--mapping",
    "mapping",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Mapping file saying how to read the folder's files (default: DATA/tlanalysis.toml if present).",
)

#: What to do with personal-looking columns.
personal_columns_option = click.option(
    "--drop-personal-columns",
    is_flag=True,
    help="Ignore holders' columns that look like personal data instead of refusing the file.",
)


def data_options(command: F) -> F:
    """--data, --mapping and --drop-personal-columns: how every command that reads data reads it."""
    return data_option(mapping_option(personal_columns_option(command)))


def json_option(what: str) -> Callable[[F], F]:
    """--json: print `what` (« the indicators ») as JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON instead of text.")


def year_option(*, repeatable: bool = False) -> Callable[[F], F]:
    """--year: one survey year (required), or several (`repeatable`, default: every year of the data)."""
    help_text = "Survey year."
    if repeatable:
        return click.option(
            "--year",
            "years",
            type=int,
            multiple=True,
            metavar="YEAR",
            help=f"{help_text} Repeatable; default: every year in the data.",
        )
    return click.option("--year", type=int, required=True, help=help_text)


_REGION_HELP = "Region name or INSEE code, or 'France' for all regions together (the national report)."


def region_option(*, repeatable: bool = False, default: str | None = None) -> Callable[[F], F]:
    """--region: one region (required unless a `default` is given), or several (`repeatable`, default:
    every region with data, plus France)."""
    if repeatable:
        return click.option(
            "--region",
            "regions",
            multiple=True,
            metavar="REGION",
            help=f"{_REGION_HELP} Repeatable; default: every region with data, plus France.",
        )
    return click.option(
        "--region", default=default, required=default is None, show_default=default is not None, help=_REGION_HELP
    )


#: The disclosure threshold k.
min_count_option = click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=DEFAULT_MIN_COUNT,
    show_default=True,
    help="Smallest number of holders a published figure may rest on (statistical disclosure).",
)


def kind_option(*, repeatable: bool = False) -> Callable[[F], F]:
    """--kind: one kind of report (default: the annual report), or several (`repeatable`, default: every
    kind)."""
    from ..report.kinds import DEFAULT, registered

    help_text = f"Kind of report: {', '.join(k.name for k in registered())}."
    if repeatable:
        return click.option(
            "--kind", "kinds", multiple=True, metavar="KIND", help=f"{help_text} Repeatable; default: every kind."
        )
    return click.option("--kind", "kind", default=DEFAULT.name, show_default=True, metavar="KIND", help=help_text)


#: What « le métier visé » means in the certification's figures.
target_jobs_option = click.option(
    "--target-job",
    "target_jobs",
    default="facilitation",
    show_default=True,
    metavar="LIST",
    help="Target job(s) of the certification's insertion rate in « le métier visé », comma-separated: "
    "facilitation, autre_coordination, autre_emploi.",
)


__all__ = [
    "data_option",
    "data_options",
    "json_option",
    "kind_option",
    "mapping_option",
    "min_count_option",
    "personal_columns_option",
    "previous_option",
    "region_option",
    "state_dir_option",
    "target_jobs_option",
    "year_option",
]


#: Where the builds keep their private state (`tlanalysis.state`).
state_dir_option = click.option(
    "--state-dir",
    "state_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Private state folder of the builds (validated data, protections, what was built, the lock): never "
    "published.  [default: $TLANALYSIS_STATE_DIR, else the user's cache folder]",
)

#: Earlier sites whose releases count (`tlanalysis.protect.releases`): a build does not undo them, the
#: audit's attacker reads them together with the site.
previous_option = click.option(
    "--previous",
    "previous",
    type=click.Path(path_type=Path, file_okay=False),
    multiple=True,
    metavar="DIR",
    help="An earlier site (a folder holding releases.json: one published before, or saved by a reader; "
    "repeatable): its releases count with the site's own — a build does not undo them, the audit's attacker "
    "reads them all together. See docs/disclosure.md, « Releases ».",
)
