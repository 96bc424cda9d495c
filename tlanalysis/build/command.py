"""`tlanalysis build`: the click command. Heavy imports stay inside the function."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import SAMPLE_DATA_DIR


@click.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=SAMPLE_DATA_DIR,
              show_default="bundled example data", help="Folder holding employment.csv|xlsx and holders.csv|xlsx.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("reports"),
              show_default=True, help="Output folder (created if needed).")
@click.option("--year", "years", type=int, multiple=True, metavar="YEAR",
              help="Survey year to build (repeatable). Default: every year in the data.")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Region name or INSEE code, or 'France' for the national report (repeatable). "
                   "Default: every region with data, plus France.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Reports built in parallel.  [default: number of CPU cores]")
@click.option("--force", is_flag=True, help="Rebuild every selected report, even those that are up to date.")
@click.option("--standalone", is_flag=True,
              help="Self-contained pages (plotly.js and styles inlined in each, to send by e-mail) "
                   "instead of pages sharing OUT/assets/.")
@click.option("--notebook", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Report notebook to execute (parameters: year, region, data_dir, render, min_count).  "
                   "[default: the bundled annual report]")
def build(data_dir: Path, out_dir: Path, years: tuple[int, ...], regions: tuple[str, ...], jobs: int | None,
          force: bool, standalone: bool, notebook: Path | None) -> None:
    """Execute the report notebook for every (year, region) and publish offline HTML with an index.

    \b
    Layout of the output folder:
      OUT/index.html                  region × year table linking every report
      OUT/<year>/<slug>.html          the report (e.g. 2019/75-nouvelle-aquitaine.html, 2019/france.html)
      OUT/<year>/<slug>.ipynb         the executed notebook, kept for audit
      OUT/<year>/<slug>.failed.ipynb  the executed notebook of a report that failed
      OUT/assets/                     plotly.js and style sheets shared by the pages
      OUT/.tlanalysis-build.json      what each report was built from (incremental builds)

    Selection: with --year only, the national report and every region with data that year;
    with --region only, every year of those regions; with both, every pair (each must be in
    the data). Reports whose notebook, parameters, data files and library are unchanged, and
    whose files are intact, are skipped (--force rebuilds them).

    A report that fails does not stop the others; its earlier page, if any, is removed (a page
    never outlives the inputs it was built from) and the index shows the failure. Exit codes:
    0 all built, 1 invalid data or a report failed, 2 usage error, 130/143 interrupted.
    """
    from ..config import REPORT_NOTEBOOK
    from .runner import BuildOptions, run_build

    run_build(BuildOptions(data_dir=data_dir, out_dir=out_dir, years=years, regions=regions, jobs=jobs,
                           force=force, standalone=standalone, notebook=notebook or REPORT_NOTEBOOK),
              echo=click.echo)
