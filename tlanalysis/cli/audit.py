"""`tlanalysis audit SITE`: the check to run before publishing a site (the build runs it at its end)."""

from __future__ import annotations

from pathlib import Path

import click

from .options import data_options, previous_option, state_dir_option


@click.command()
@click.argument("site", type=click.Path(path_type=Path, file_okay=False))
@previous_option
@data_options
@state_dir_option
def audit(
    site: Path,
    previous: tuple[Path, ...],
    data_dir: Path,
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

    --data (with --mapping, --drop-personal-columns): the data folder the site was built from, whose record
    identifiers must not appear in it; by default, the data of the site's last build, from the private
    state folder.
    """
    import sys

    from ..errors import UsageError
    from ..publish.audit import audit_site, site_dataset
    from ..state import state_root

    if not site.is_dir():
        raise UsageError(f"site folder not found: {site}")
    root = state_root(state_dir)
    given = click.get_current_context().get_parameter_source("data_dir") != click.core.ParameterSource.DEFAULT
    if given:
        from ..validate.dataset import load_dataset

        dataset = load_dataset(data_dir, drop_personal_columns, mapping)
    else:
        dataset = site_dataset(site, root)
    extra: list[Path] = [data_dir, root] if given else [root]
    report = audit_site(site, dataset=dataset, previous=previous, extra_paths=extra)
    click.echo(report.describe() if not report.ok else report.summary())
    if not report.ok:
        sys.exit(1)
