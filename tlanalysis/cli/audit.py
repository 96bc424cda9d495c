"""`tlanalysis audit SITE`: the check to run before publishing a site (the build runs it at its end)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("site", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--previous",
    "previous",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    multiple=True,
    metavar="DIR",
    help="An earlier release of the reports (a saved site; repeatable): the attacker reads them all together.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="The data folder the site was built from, whose record identifiers must not appear in it.  "
    "[default: the data of the site's last build, from the private state folder]",
)
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="Mapping file saying how to read the data folder's files (with --data).",
)
@click.option(
    "--drop-personal-columns",
    is_flag=True,
    help="Read the data folder ignoring personal-looking columns (with --data), as the build did.",
)
@click.option(
    "--state-dir",
    "state_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Private state folder of the builds.  [default: $TLANALYSIS_STATE_DIR, else the user's cache folder]",
)
def audit(
    site: Path,
    previous: tuple[Path, ...],
    data_dir: Path | None,
    mapping: Path | None,
    drop_personal_columns: bool,
    state_dir: Path | None,
) -> None:
    """Check that everything in SITE may be published: exit 1 with the list of what was found (what,
    where, how to fix it), 0 and a one-line summary otherwise.

    \b
    Every file is read (HTML, JSON, notebooks, XLSX, SVG, PNG, PDF text, properties and links) for:
      personal data (e-mail addresses, phone and social security numbers),
      the record identifiers of the data (holder and candidate ids, place codes),
      absolute paths of a machine, pickles and executable content (scripts from elsewhere, formulas
      or macros in a workbook), and files a site does not hold (hidden files, build state);
    then the published figures of every release (SITE and --previous) go through the LP attacker:
    a masked figure it can work out is a finding.
    """
    import sys

    from ..errors import UsageError
    from ..publish.audit import audit_site, site_dataset
    from ..state import state_root

    if not site.is_dir():
        raise UsageError(f"site folder not found: {site}")
    root = state_root(state_dir)
    if data_dir is not None:
        from ..validate.dataset import load_dataset

        dataset = load_dataset(data_dir, drop_personal_columns, mapping)
    else:
        dataset = site_dataset(site, root)
    report = audit_site(site, dataset=dataset, previous=previous, extra_paths=[p for p in (data_dir, root) if p])
    click.echo(report.describe() if not report.ok else report.summary())
    if not report.ok:
        sys.exit(1)
