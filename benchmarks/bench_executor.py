"""Per report: forked reports against kernels, Ploomber's grid and the plain papermill + nbconvert loop,
side by side in one run; then the national build (320 reports) with `--jobs 2`.

Comparison (default), the same annual reports of the bundled data for every method (`--reports N`: the
whole years of the plan until N; default 16):

(a) plain loop: for each report `papermill … -p render report`, then `jupyter nbconvert --to html
    --no-input` (a new interpreter and kernel, every import, twice per report);
(b) Ploomber's grid: a `pipeline.yaml` with one `NotebookRunner` task per report (grid), HTML product,
    `Parallel` executor with 2 processes, `ploomber build --force`; run in the benchmark's own virtual
    environment (`pip install ploomber` there, tlanalysis visible through a .pth file); skipped with the
    reason when it cannot be installed;
(c) `tlanalysis build --jobs 2 --force --executor kernel` (a kernel per report: the build before forks);
(d) `tlanalysis build --jobs 2 --force --executor fork` (reports forked from warm workers).

Each is timed as a user runs it (subprocesses, start-up included): wall seconds per report and CPU
seconds per report (`getrusage(RUSAGE_CHILDREN)`: the command and everything it started). The builds
run on a state folder prepared by one untimed build (validated data and protection stored), as a user's
second build would. For (c) and (d), where a report's seconds go (the build's per-report timings: kernel
wait, execution, HTML export, products, fork).

National (`--national`, also run by default): `python -m tlanalysis.sample --national DIR` (18 regions,
320 reports), then `tlanalysis build --data DIR --jobs 2` from an empty state and output folder (HTML;
goal < 75 s), and with `--formats html,pdf,png,svg,xlsx` (`--formats-too`; goal < 6 minutes).

Products (`--products`, also run by default): chart images through kaleido against `Plotly.toImage` in a
page of the worker's browser, and PDFs printed in a new context per report against one page reused.

Usage: python benchmarks/bench_executor.py [--reports N] [--no-ploomber] [--no-plain] [--national-only]
       [--no-national] [--formats-too] [--no-products]
Goals: (d) per report ≥ 15× faster than (a) and ≥ 2× faster than (b).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
PLOOMBER_ENV = Path(os.environ.get("BENCH_PLOOMBER_ENV") or RESULTS / "ploomber-venv")
ENTRY = "import sys; from tlanalysis.cli import main; sys.argv[0] = 'tlanalysis'; main()"


def run(command: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the command and its descendants, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"failed ({result.returncode}): {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result.stdout


def tlanalysis(*args: object) -> list[str]:
    return [sys.executable, "-c", ENTRY, *map(str, args)]


def annual_reports(count: int) -> list[tuple[int, str, str]]:
    from tlanalysis import load_dataset
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.publish.plan import plan_reports
    from tlanalysis.report.kinds import ANNUAL

    reports = plan_reports(load_dataset(SAMPLE_DATA_DIR), kinds=(ANNUAL,))
    chosen: list[tuple[int, str, str]] = []
    for year in sorted({r.year for r in reports}):  # whole years (a build selects by --year) until `count`
        if len(chosen) >= count:
            break
        chosen += [(r.year, r.region_name, r.slug) for r in reports if r.year == year]
    return chosen


def selection_args(reports) -> list[str]:
    args: list[str] = []
    for year in sorted({y for y, _, _ in reports}):
        args += ["--year", str(year)]
    return args


def plain_loop(reports, work: Path) -> tuple[float, float]:
    from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR

    wall = cpu = 0.0
    for year, region, slug in reports:
        executed = work / f"{year}-{slug}.ipynb"
        params = ["-p", "year", str(year), "-p", "region", region, "-p", "data_dir", str(SAMPLE_DATA_DIR)]
        command = [sys.executable, "-m", "papermill", "--no-progress-bar", "-k", "python3", str(REPORT_NOTEBOOK)]
        w, c, _ = run([*command, str(executed), *params, "-p", "render", "report"], cwd=work)
        wall, cpu = wall + w, cpu + c
        export = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--no-input", str(executed)]
        w, c, _ = run(export, cwd=work)
        wall, cpu = wall + w, cpu + c
    return wall, cpu


def ploomber_python() -> tuple[Path | None, str]:
    """The benchmark's own environment with Ploomber (made on first use), or None and why not."""
    python = PLOOMBER_ENV / "bin" / "python"
    if not python.is_file():
        subprocess.run([sys.executable, "-m", "venv", str(PLOOMBER_ENV)], check=True)
        site = subprocess.run(
            [sys.executable, "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True
        ).stdout.strip()
        own = subprocess.run(
            [str(python), "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True
        ).stdout.strip()
        # tlanalysis and its dependencies as installed (addsitedir: their own .pth files, the editable install's)
        Path(own, "tlanalysis-venv.pth").write_text(f"import site; site.addsitedir({site!r})\n")
    check = subprocess.run([str(python), "-c", "import ploomber"], capture_output=True)
    if check.returncode != 0:
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", "ploomber"], capture_output=True, text=True)
        if done.returncode != 0:
            return None, "pip install ploomber failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    return python, ""


def ploomber_grid(reports, work: Path, python: Path) -> tuple[float, float]:
    from tlanalysis.config import REPORT_NOTEBOOK, SAMPLE_DATA_DIR

    nb = json.loads(REPORT_NOTEBOOK.read_text(encoding="utf-8"))
    for cell in nb["cells"]:  # Ploomber passes `product` (and `upstream`): declared in the parameters cell
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"])
            cell["source"] = source + "\nproduct = None\nupstream = None\n"
    (work / "report.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    grid = "\n".join(
        f"      - year: [{year}]\n        region: [{json.dumps(region, ensure_ascii=False)}]\n"
        f"        slug: [{json.dumps(slug)}]"
        for year, region, slug in reports
    )
    (work / "pipeline.yaml").write_text(
        "executor:\n  dotted_path: ploomber.executors.Parallel\n  processes: 2\n"
        "tasks:\n"
        "  - source: report.ipynb\n"
        "    name: report-[[year]]-[[slug]]\n"
        "    static_analysis: disable\n"
        "    nbconvert_export_kwargs:\n      exclude_input: true\n"
        "    product:\n      nb: out/[[year]]-[[slug]].ipynb\n      html: out/[[year]]-[[slug]].html\n"
        "    nb_product_key: [nb, html]\n"
        f"    params:\n      render: report\n      data_dir: {json.dumps(str(SAMPLE_DATA_DIR))}\n"
        f"    grid:\n{grid}\n",
        encoding="utf-8",
    )
    ploomber = [str(python.parent / "ploomber"), "build", "--force", "--entry-point", "pipeline.yaml"]
    # nbconvert's templates are in the data folder of tlanalysis' environment, not of Ploomber's
    env = dict(os.environ, JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    wall, cpu, _ = run(ploomber, cwd=work, env=env)
    built = list((work / "out").glob("*.html"))
    if len(built) != len(reports):
        raise RuntimeError(f"Ploomber built {len(built)} pages of {len(reports)}")
    return wall, cpu


def where_time_goes(state_dir: Path, out: Path | None = None) -> dict[str, float]:
    """Mean seconds per report of each step the build of `out` records (its build.json timings)."""
    totals: dict[str, float] = {}
    count = 0
    for path in state_dir.glob("sites/*/build.json"):
        recorded = json.loads(path.read_text(encoding="utf-8"))
        if out is not None and Path(recorded.get("out_dir", "")) != out.resolve():
            continue
        for entry in recorded["reports"].values():
            count += 1
            for name, value in entry.get("timings", {}).items():
                totals[name] = totals.get(name, 0.0) + float(value)
    return {name: round(value / max(count, 1), 3) for name, value in sorted(totals.items())}


def build(out: Path, state: Path, *args: object) -> tuple[float, float, str]:
    return run(tlanalysis("build", "--out", out, "--state-dir", state, "--no-audit", *args))


def comparison(count: int, plain: bool, ploomber: bool) -> dict:
    reports = annual_reports(count)
    n = len(reports)
    print(f"{n} annual reports of the bundled data: " + ", ".join(f"{y} {r}" for y, r, _ in reports), flush=True)
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        state = work / "state"
        select = [*selection_args(reports), "--kind", "annual", "--jobs", "2"]
        build(work / "warm", state, *select)  # stores the validated data and the protection (untimed)
        for executor in ("kernel", "fork"):
            out, own_state = work / f"site-{executor}", work / f"state-{executor}"
            shutil.copytree(state, own_state)  # the stored data and protection, and this site's timings only
            build(out, own_state, *select)  # the site exists: --force below rebuilds every report
            wall, cpu, stdout = build(out, own_state, *select, "--force", "--executor", executor)
            built = int(re.search(r"(\d+) built", stdout).group(1))
            steps = where_time_goes(own_state, out)
            rows[f"tlanalysis --executor {executor}"] = {"wall": wall, "cpu": cpu, "reports": built, "steps": steps}
            print(f"  tlanalysis {executor}: {wall:.1f} s, {cpu:.1f} CPU s for {built} reports; {steps}", flush=True)
        if ploomber:
            python, why = ploomber_python()
            if python is None:
                rows["Ploomber grid (2 processes)"] = {"skipped": why}
                print(f"  Ploomber: skipped ({why})", flush=True)
            else:
                grid = work / "ploomber"
                grid.mkdir()
                wall, cpu = ploomber_grid(reports, grid, python)
                rows["Ploomber grid (2 processes)"] = {"wall": wall, "cpu": cpu, "reports": n}
                print(f"  Ploomber: {wall:.1f} s, {cpu:.1f} CPU s", flush=True)
        if plain:
            loop = work / "plain"
            loop.mkdir()
            wall, cpu = plain_loop(reports, loop)
            rows["plain papermill + nbconvert loop"] = {"wall": wall, "cpu": cpu, "reports": n}
            print(f"  plain loop: {wall:.1f} s, {cpu:.1f} CPU s", flush=True)
    fork = rows["tlanalysis --executor fork"]
    per_fork = fork["wall"] / fork["reports"]
    print("\n| method | reports | wall s | s / report | CPU s / report | × slower than fork |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in rows.items():
        if "skipped" in row:
            print(f"| {name} | skipped: {row['skipped']} | | | | |")
            continue
        per = row["wall"] / row["reports"]
        row["per_report"], row["cpu_per_report"], row["ratio"] = per, row["cpu"] / row["reports"], per / per_fork
        print(
            f"| {name} | {row['reports']} | {row['wall']:.1f} | {per:.3f} | {row['cpu'] / row['reports']:.3f} "
            f"| {per / per_fork:.1f}× |"
        )
    return rows


def national(formats_too: bool) -> dict:
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "national"
        run([sys.executable, "-m", "tlanalysis.sample", "--national", str(data)])
        variants = [("html", ())]
        if formats_too:
            variants.append(("html,pdf,png,svg,xlsx", ("--formats", "html,pdf,png,svg,xlsx")))
        for name, extra in variants:
            out, state = work / f"out-{len(rows)}", work / f"state-{len(rows)}"
            wall, cpu, stdout = build(out, state, "--data", data, "--jobs", "2", *extra)
            built = int(re.search(r"(\d+) built", stdout).group(1))
            protection = re.search(r"computed in ([\d.]+) s", stdout)
            steps = where_time_goes(state, out)
            rows[name] = {
                "wall": wall,
                "cpu": cpu,
                "reports": built,
                "protection": float(protection.group(1)) if protection else None,
                "steps": steps,
            }
            print(
                f"national build, --formats {name}: {wall:.1f} s wall, {cpu:.1f} CPU s, {built} reports "
                f"({cpu / built:.3f} CPU s per report), protection {rows[name]['protection']} s; per report {steps}",
                flush=True,
            )
            shutil.rmtree(out, ignore_errors=True)
    return rows


def products_comparison() -> dict:
    """Chart images: kaleido (a persistent browser, one tab) against `Plotly.toImage` in a page where
    plotly.js is loaded once; PDF: a new browser context per report against one page reused. Same charts
    and pages, side by side in one process, each tool warmed by one item first."""
    from tlanalysis.config import SAMPLE_DATA_DIR
    from tlanalysis.export.images import ChartImageExporter, PageChartImages
    from tlanalysis.export.pdf import PdfPrinter
    from tlanalysis.report.kinds import ANNUAL
    from tlanalysis.report.params import validate_parameters

    charts = []
    for region in ("France", "Nouvelle-Aquitaine", "Occitanie"):
        ctx = ANNUAL.make_context(validate_parameters(2019, region, SAMPLE_DATA_DIR, render="report"))
        charts += [fig for fig, _ in ctx.charts()]
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with PdfPrinter() as printer:
            for name, tool in (("kaleido", ChartImageExporter()), ("page", PageChartImages(printer))):
                try:
                    tool.render(charts[0], "png")
                    start = time.perf_counter()
                    for fig in charts:
                        for fmt in ("png", "svg"):
                            tool.render(fig, fmt)
                    seconds = time.perf_counter() - start
                finally:
                    tool.close()
                rows[f"images: {name}"] = {"items": 2 * len(charts), "seconds": seconds}
            out = work / "site"
            run(tlanalysis("build", "--out", out, "--state-dir", work / "state", "--no-audit", "--year", "2019"))
            pages = sorted((out / "2019").glob("*.html"))
            for name, fresh in (("pdf: a context per report", True), ("pdf: one page reused", False)):
                printer.fresh_context = fresh
                printer.print(pages[0], work / "warm.pdf", title="t", date_fr="d")
                start = time.perf_counter()
                for page in pages:
                    printer.print(page, work / f"{page.stem}.pdf", title="t", date_fr="d")
                rows[name] = {"items": len(pages), "seconds": time.perf_counter() - start}
    print("\n| product | items | s | s / item |\n|---|---:|---:|---:|")
    for name, row in rows.items():
        print(f"| {name} | {row['items']} | {row['seconds']:.2f} | {row['seconds'] / row['items']:.3f} |")
    return rows


def main() -> None:
    args = sys.argv[1:]
    count = int(args[args.index("--reports") + 1]) if "--reports" in args else 16
    results: dict[str, object] = {"load": os.getloadavg()}
    if "--national-only" not in args:
        results["comparison"] = comparison(count, "--no-plain" not in args, "--no-ploomber" not in args)
    if "--products" in args or ("--national-only" not in args and "--no-products" not in args):
        results["products"] = products_comparison()
    if "--no-national" not in args:
        results["national"] = national("--formats-too" in args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "executor.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
