"""Command line: the only place where errors become messages and exit codes.

Exit codes: 0 success, 1 invalid data (or a failed report), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import DataError, TLAnalysisError
from .audit import audit as _audit_command
from .build import build as _build_command
from .build import diff as _diff_command
from .options import (
    data_options,
    json_option,
    kind_option,
    min_count_option,
    region_option,
    target_jobs_option,
    year_option,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tlanalysis")
def cli() -> None:
    """tlanalysis: validated data, indicators and reports for tiers-lieux networks."""


@cli.command()
@data_options
@json_option("the problems (every problem, ungrouped)")
def validate(data_dir: Path, mapping: Path | None, drop_personal_columns: bool, as_json: bool) -> None:
    """Check a data folder and report every problem at once (identical problems grouped)."""
    from ..validate.dataset import load_dataset

    try:
        dataset = load_dataset(data_dir, drop_personal_columns, mapping)
    except DataError as exc:
        if as_json:
            click.echo(
                json.dumps(
                    {"valid": False, "problems": [p.as_dict() for p in exc.problems]}, ensure_ascii=False, indent=2
                )
            )
            sys.exit(1)
        raise
    if as_json:
        click.echo(json.dumps({"valid": True, "problems": []}))
        return
    click.echo(
        # rows as read (a wide survey's place is one row read, several tidy rows)
        f"{data_dir}: valid ({dataset.employment.index.nunique()} employment rows, {len(dataset.holders)} holders"
        + (f", {len(dataset.assessments)} assessment rows)" if dataset.assessments is not None else ")")
        + (" — example data" if dataset.is_example else "")
    )


@cli.command()
@year_option()
@region_option()
@data_options
@json_option("the indicators")
def indicators(
    year: int, region: str, data_dir: Path, mapping: Path | None, drop_personal_columns: bool, as_json: bool
) -> None:
    """Compute the indicators of one year and region."""
    from ..compute.indicators import key_figures
    from ..validate.dataset import load_dataset
    from ..validate.selection import check_selection

    dataset = load_dataset(data_dir, drop_personal_columns, mapping)
    selected = check_selection(dataset, year, region)
    figures = key_figures(dataset.employment, dataset.holders, year, selected)
    figures["example_data"] = dataset.is_example
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(_describe(figures))


def _describe(f: dict) -> str:
    def pct(x):
        return "n/a" if x is None else f"{100 * x:.1f} %"

    jobs, holders = f["jobs"], f["holders"]
    lines = [
        f"{f['region']} {f['year']}" + (" (example data)" if f.get("example_data") else ""),
        f"  jobs: {jobs['total']} (" + ", ".join(f"{k} {v}" for k, v in jobs["by_contract"].items()) + ")",
        f"  facilitation: {jobs['facilitation']} ({pct(jobs['facilitation_share'])})",
        f"  holders: {holders['n']} in {holders['cohorts']} cohorts",
        "  situations: " + ", ".join(f"{k} {pct(v)}" for k, v in holders["situation_shares"].items()),
        f"  trajectories (n={holders['trajectory_n']}): "
        + ", ".join(f"{k} {pct(v)}" for k, v in holders["trajectory_shares"].items()),
    ]
    return "\n".join(lines)


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite existing template files.")
@click.option(
    "--docs",
    "docs_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the data-format documentation (Markdown) to this file.",
)
def template(out_dir: Path, force: bool, docs_file: Path | None) -> None:
    """Write empty input templates (CSV and XLSX), a commented tlanalysis.toml, and the allowed values."""
    from ..validate.templates import render_markdown, write_templates

    for path in write_templates(out_dir, force):
        click.echo(f"wrote {path}")
    if docs_file is not None:
        docs_file.write_text(render_markdown(), encoding="utf-8")
        click.echo(f"wrote {docs_file}")


@cli.command()
@data_options
def check(data_dir: Path, mapping: Path | None, drop_personal_columns: bool) -> None:
    """Compare computed figures with the published ones (data/published/); exit 1 on any mismatch."""
    from ..compute.reconcile import comparisons
    from ..validate.dataset import load_dataset

    dataset = load_dataset(data_dir, drop_personal_columns, mapping)
    found = comparisons(dataset)
    mismatches = [c for c in found if not c.matches]
    for c in found:
        computed = "n/a" if c.computed is None else f"{c.computed:.4g}"
        click.echo(
            f"{'ok      ' if c.matches else 'MISMATCH'} {c.indicator} {c.year or ''} {c.region}: computed "
            f"{computed}, published {c.qualifier} {c.published:g} {c.unit} (precision {c.precision:g})"
        )
    click.echo(
        f"{len(found)} published figures compared, {len(mismatches)} mismatch(es)"
        + (" — example data" if dataset.is_example else "")
    )
    if mismatches:
        sys.exit(1)


@cli.command()
@data_options
@region_option(default="France")
@target_jobs_option
@json_option("the certification's figures")
@click.option(
    "--dossier",
    "dossier",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the France Compétences table (exact figures, working document, not for publication) "
    "to this XLSX file.",
)
def certification(
    data_dir: Path,
    mapping: Path | None,
    drop_personal_columns: bool,
    region: str,
    target_jobs: str,
    as_json: bool,
    dossier: Path | None,
) -> None:
    """Certification follow-up: insertion rates per year of certification (France Compétences), success and
    bloc/competency validation per cohort (assessments)."""
    from ..compute.certification import certification_figures, json_view
    from ..reference import resolve_region
    from ..validate.dataset import load_dataset

    selected = resolve_region(region)
    dataset = load_dataset(data_dir, drop_personal_columns, mapping)
    figures = certification_figures(dataset.holders, dataset.assessments, selected, target_jobs.split(","))
    if dossier is not None:
        from ..errors import UsageError
        from ..export.dossier import write_dossier

        if dossier.suffix.lower() != ".xlsx":
            raise UsageError(f"--dossier {dossier}: the dossier is an Excel workbook, give a file name ending in .xlsx")
        try:
            write_dossier(figures, dossier, dataset)
        except OSError as exc:
            raise UsageError(f"cannot write the dossier {dossier}: {exc.strerror or exc}") from None
    if as_json:
        click.echo(json.dumps(json_view(figures), ensure_ascii=False, indent=2))
    else:
        click.echo(_describe_certification(figures, dataset.is_example))
    if dossier is not None:
        click.echo(f"wrote {dossier} (working document for the certifier's file: not for publication)", err=as_json)


def _describe_certification(f: dict, example: bool) -> str:
    def pct(x):
        return "n/a" if x is None else f"{100 * x:.1f} %"

    lines = [f"{f['region']} certification" + (" (example data)" if example else "")]
    for p in f["promotions"]:
        lines.append(
            f"  {p['certification_year']}: {p['certified']} certified ({p['certified_vae']} VAE); "
            f"6 months: global {pct(p['insertion_global_6m'])}, target job {pct(p['insertion_target_job_6m'])}; "
            f"2 years: global {pct(p['insertion_global_2y'])}, target job {pct(p['insertion_target_job_2y'])}"
        )
    for c in f["assessments"]["cohorts"]:
        lines.append(
            f"  {c['cohort']}: {c['presented']} presented, {c['certified']} certified, {c['partial']} partial "
            f"(success {pct(c['success_rate'])})"
        )
    if not f["promotions"] and not f["assessments"]["cohorts"]:
        lines.append("  no certification data (certification_year in holders, or an assessments file)")
    return "\n".join(lines)


@cli.command()
@year_option()
@region_option()
@data_options
@kind_option()
@min_count_option
@json_option("the placeholders and their values")
def placeholders(
    year: int,
    region: str,
    data_dir: Path,
    mapping: Path | None,
    drop_personal_columns: bool,
    kind: str,
    min_count: int,
    as_json: bool,
) -> None:
    """The {{ placeholders }} a network's text may quote in a report, with their values as the report shows
    them (after disclosure control: a masked figure is its label); checks the report's text file, if any
    (textes/<year>/<region>.md in the data folder)."""
    from ..report.kinds import kind_named
    from ..report.params import validate_parameters

    report_kind = kind_named(kind)
    params = validate_parameters(
        year, region, data_dir, "report", min_count, drop_personal_columns, str(mapping) if mapping else None
    )
    context = report_kind.make_context(params)
    values = context.placeholders()  # type: ignore[attr-defined]
    text = context.text_file()  # type: ignore[attr-defined]
    if text is not None:
        context.text_parts()  # type: ignore[attr-defined]  # raises TextError, naming file, line, closest name
    if as_json:
        listing = {name: {"value": p.text(), "meaning": p.meaning} for name, p in values.items()}
        click.echo(
            json.dumps({"placeholders": listing, "text": text.name if text else None}, ensure_ascii=False, indent=2)
        )
        return
    width = max((len(name) for name in values), default=0) + 6
    for name, placeholder in values.items():
        click.echo(f"{'{{ ' + name + ' }}':<{width}}  {placeholder.text():>10}  {placeholder.meaning}")
    click.echo(f"text: {text} (every placeholder known)" if text else "text: none for this report")


cli.add_command(_build_command)
cli.add_command(_diff_command)
cli.add_command(_audit_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: user errors are printed without traceback, with a reliable exit code."""
    try:
        cli.main(args=argv, prog_name="tlanalysis", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except TLAnalysisError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    sys.exit(0)
