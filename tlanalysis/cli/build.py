"""`tlanalysis build`: the click command. Heavy imports stay inside the function."""

from __future__ import annotations

from pathlib import Path

import click

from .options import (
    data_option,
    json_option,
    kind_option,
    mapping_option,
    min_count_option,
    personal_columns_option,
    previous_option,
    region_option,
    state_dir_option,
    target_jobs_option,
    year_option,
)


@click.command()
@data_option
@mapping_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("reports"),
    show_default=True,
    help="Output folder (created if needed).",
)
@year_option(repeatable=True)
@region_option(repeatable=True)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Reports built in parallel.  [default: number of CPU cores]",
)
@click.option("--force", is_flag=True, help="Rebuild every selected report, even those that are up to date.")
@click.option(
    "--standalone",
    is_flag=True,
    help="Self-contained pages (plotly.js and styles inlined in each, to send by e-mail) "
    "instead of pages sharing OUT/assets/.",
)
@click.option(
    "--notebook",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Notebook of the annual reports (parameters: year, region, data_dir, render, min_count), instead of "
    "the bundled one; the other kinds of report (certification) keep theirs and are built as usual.  "
    "[default: the bundled annual report]",
)
@kind_option(repeatable=True)
@click.option(
    "--formats",
    default="html",
    show_default=True,
    metavar="LIST",
    help="Comma-separated products: html, pdf (A4, page numbers), png and svg (every chart), "
    "xlsx (key figures workbook), pptx and odp (an editable deck in the network's brand: native charts with "
    "their data; odp needs LibreOffice Impress). A JSON of the key figures is always written.",
)
@min_count_option
@personal_columns_option
@target_jobs_option
@click.option(
    "--brand",
    "brand_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="The network's brand.yml (name, logo, colours, fonts) for every page, the index, PDF, workbook and "
    "deck. Default: the data folder's _brand.yml, if any; without one, the house look.",
)
@click.option(
    "--diff",
    "diff_with",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="OLD_DIR",
    help="After building, list the reports and key figures that differ from the earlier build in OLD_DIR.",
)
@state_dir_option
@click.option(
    "--no-audit",
    "no_audit",
    is_flag=True,
    help="Do not audit the output folder at the end (see `tlanalysis audit`).",
)
@previous_option
@click.option(
    "--new-series",
    is_flag=True,
    help="Start a new series of releases (after a change of --min-count or --target-job): earlier releases "
    "are not honoured, and whoever saved them can read them beside the new one.",
)
@click.option(
    "--executor",
    type=click.Choice(["auto", "fork", "kernel"]),
    default="auto",
    envvar="TLANALYSIS_EXECUTOR",
    show_default=True,
    help="How reports run: fork (each in a process forked from a warm worker: fast; Linux), kernel (each on "
    "its own Jupyter kernel: every platform), auto (fork where it is safe, kernels elsewhere). Also "
    "$TLANALYSIS_EXECUTOR.",
)
@click.option(
    "--timeout",
    "report_timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=1800,
    show_default=True,
    metavar="SECONDS",
    help="A report running longer fails (its notebook is kept for reading); the others go on.",
)
def build(
    data_dir: Path,
    mapping: Path | None,
    out_dir: Path,
    years: tuple[int, ...],
    regions: tuple[str, ...],
    jobs: int | None,
    force: bool,
    standalone: bool,
    notebook: Path | None,
    kinds: tuple[str, ...],
    formats: str,
    min_count: int,
    drop_personal_columns: bool,
    target_jobs: str,
    brand_file: Path | None,
    diff_with: Path | None,
    state_dir: Path | None,
    no_audit: bool,
    previous: tuple[Path, ...],
    new_series: bool,
    executor: str,
    report_timeout: float,
) -> None:
    """Execute the notebook of each kind of report for every (year, region) and publish offline HTML with an index.

    \b
    Layout of the output folder:
      OUT/index.html                  region × year table linking every report
      OUT/<year>/<slug>.html          the report (e.g. 2019/75-nouvelle-aquitaine.html, 2019/france.html)
      OUT/<year>/<slug>.ipynb         the executed notebook, kept for audit
      OUT/<year>/certification-<slug>.html  the certification report (certification_report.ipynb),
                                      where the data has certification data before that year
                                      (--notebook replaces the annual reports' notebook only)
      OUT/assets/                     plotly.js and style sheets shared by the pages
      OUT/releases.json               the release ledger: every count the site published (public; later
                                      builds keep it, see --previous)

    The output folder holds only what may be published. What the build keeps for itself — the
    validated data, the protection, what each report was built from, the failed reports' notebooks,
    the lock — is in the private state folder (--state-dir), never in OUT. The build ends with
    `tlanalysis audit OUT` (--no-audit to skip): exit 1 if something in OUT must not be published.

    Selection: with --year only, the national report and every region with data that year;
    with --region only, every year of those regions; with both, every pair (each must be in
    the data). Reports whose notebook, parameters, data files and library are unchanged, and
    whose files are intact, are skipped (--force rebuilds them); changing --target-job rebuilds
    the certification reports only.

    A report that fails does not stop the others; its earlier page, if any, is removed (a page
    never outlives the inputs it was built from) and the index shows the failure. Exit codes:
    0 all built, 1 invalid data, a report failed, the audit found something or a file could not be
    written (a full disk: the earlier site is kept), 2 usage error, 130/143 interrupted.
    """
    from ..compute.target_jobs import check_target_jobs
    from ..errors import UsageError
    from ..publish.products import parse_formats
    from ..publish.runner import BuildOptions, run_build

    try:
        checked_jobs = check_target_jobs(target_jobs.split(","))
    except UsageError as exc:
        raise UsageError(f"--target-job {target_jobs}: {exc}") from None
    if diff_with is not None and not diff_with.is_dir():
        raise click.BadParameter(f"folder not found: {diff_with}", param_hint="--diff")
    options = BuildOptions(
        data_dir=data_dir,
        out_dir=out_dir,
        years=years,
        regions=regions,
        jobs=jobs,
        force=force,
        standalone=standalone,
        notebook=notebook,
        kinds=tuple(kinds) or None,
        min_count=min_count,
        drop_personal_columns=drop_personal_columns,
        formats=parse_formats(formats),
        mapping=mapping.resolve() if mapping is not None else None,
        target_jobs=checked_jobs,
        brand_file=brand_file,
        state_dir=state_dir,
        audit=not no_audit,
        previous=tuple(previous),
        new_series=new_series,
        executor=executor,
        report_timeout=report_timeout,
    )
    try:
        run_build(options, echo=click.echo)
    finally:
        if diff_with is not None:
            from ..publish.diff import compare_builds, describe

            click.echo(f"compared with {diff_with}: " + describe(compare_builds(diff_with, out_dir)))


@click.command()
@click.argument("old_dir", type=click.Path(path_type=Path, file_okay=False))
@click.argument("new_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("reports"))
@json_option("the differences")
def diff(old_dir: Path, new_dir: Path, as_json: bool) -> None:
    """List the reports and key figures that differ between two builds (NEW_DIR: reports/)."""
    import json

    from ..publish.diff import compare_builds, describe

    result = compare_builds(old_dir, new_dir)
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2) if as_json else describe(result))
