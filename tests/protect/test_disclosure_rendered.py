"""Disclosure, checked on what a reader sees: the rendered HTML of every report section, charts included.

tests/protect/test_disclosure.py checks the figures `Protection` gives. This file checks that the report shows
exactly those and nothing else: for random small datasets (tiny cohorts, a few tiers-lieux) and for the
bundled sample, every section of every report is rendered by calling the report functions (no
papermill), with the charts' HTML (`charts.chart_html`) and the workbook's sheets, and

1. every number a reader can see — in the text (tags stripped, French numbers « 1 234 », « 54,5 % »),
   in attributes, in the charts' data (x, y, values, link values) and labels (text, customdata, names,
   titles) — is *explained* by a figure the protection shows: a shown count or share of the report
   (jobs figures in the employment section, holders figures in the holders section), a share of a
   shown count over a shown total, a remainder of a shown total minus its shown parts (a chart's grey
   « Non diffusé »), a year, k, or a constant of the text (3 tiers-lieux, 85 %, ...). A masked figure's
   true value or share that shows up unexplained is reported as a leak;
2. every table cell at the place of a figure shows that figure as protected — a masked one as its
   label « < k » or « secret », never its value, even when the value happens to equal some other
   shown figure (which check 1 cannot tell apart);
3. every chart draws, for each category, the protected figure and nothing for a masked one;
4. the workbook's numbers are shown counts, shares or years, and its masked cells are labels.

`test_the_checker_catches_an_unprotected_report` renders a report from the raw figures and checks that
the checker fails on it, so that the checker is known to be able to fail.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlanalysis import load_dataset, report
from tlanalysis.compute.indicators import CONTRACTS, ROLES, SITUATIONS, TRAJECTORIES, holders_seen, key_figures, share
from tlanalysis.compute.indicators import situation_by_cohort as raw_cohort_table
from tlanalysis.export.workbook import Withheld, workbook_sheets
from tlanalysis.load.tables import RawTable
from tlanalysis.protect.annual import Protection
from tlanalysis.protect.masked import is_masked
from tlanalysis.reference import FRANCE, find_region
from tlanalysis.report import charts
from tlanalysis.report.formatting import fmt_date, fmt_int, fmt_pct, fmt_pct_more_than, plain_spaces
from tlanalysis.report.params import ReportParameters
from tlanalysis.report.published_figures import typeset
from tlanalysis.report.wording import CONTRACT_SHORT, role_label, situation_label, status_label, trajectory_label
from tlanalysis.schema import EMPLOYMENT, HOLDERS
from tlanalysis.validate.dataset import Dataset, SourceFile
from tlanalysis.validate.table import validate_table

from support.frames import object_rows
from support.pages import chart_numbers, numbers_in, page_numbers, plotted_charts

STATUSES = HOLDERS.column("status_at_entry").allowed_values
CHECKED_SECTIONS = ("title", "key_figures", "employment", "regions", "holders", "methods", "appendix")
# « certification » takes no data at all; « context » quotes data/published/ for the territory only
# (its tokens are added where the key figures and the appendix quote them).


class Tables(HTMLParser):
    """The tables of an HTML fragment: caption, header cells, body rows, footer rows (plain text)."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._part = "tbody"
        self._caption: list[str] | None = None
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "thead": [], "tbody": [], "tfoot": []})
        elif tag in ("thead", "tbody", "tfoot"):
            self._part = tag
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = plain_spaces("".join(self._caption)).strip()
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(plain_spaces("".join(self._cell)).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1][self._part].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)

    def by_caption(self, start: str) -> dict | None:
        found = [t for t in self.tables if t["caption"].startswith(start)]
        assert len(found) <= 1, start
        return found[0] if found else None


# --- what the protection allows a reader to see ----------------------------------------------------


def shown(value) -> bool:
    return value is not None and not is_masked(value)


def written(value) -> str:
    """How a figure must be written: a masked one as its label, a count with French digits."""
    return plain_spaces(fmt_int(value))


def written_share(part, whole) -> str:
    """A share of a count as the tables must write it: « secret » if either term is masked."""
    if not (shown(part) and shown(whole)):
        return "secret"
    return plain_spaces(fmt_pct(share(part, whole)))


class Expected:
    """Everything one report may show, from `Protection` alone (not from the report's code)."""

    def __init__(self, protection: Protection, year: int, region, dataset: Dataset) -> None:
        self.protection, self.year, self.region, self.k = protection, year, region, protection.min_count
        self.f = protection.figures(year, region)
        self.cohorts = protection.situation_by_cohort(year, region)
        self.by_region = protection.jobs_by_region(year) if region.is_national else {}
        self.truth = key_figures(dataset.employment, dataset.holders, year, region)
        self.truth_cohorts = raw_cohort_table(holders_seen(dataset.holders, year, region))
        jobs, hold = self.f["jobs"], self.f["holders"]
        years = {str(y) for y in [year, *dataset.years, *hold["cohort_years"]]}
        base = years | {fmt_int(self.k), "100 %"}
        self.regions_tokens = self._regions_tokens(base)
        self.jobs_tokens = set(base)
        self.job_counts = [
            v
            for v in [
                jobs["total"],
                *jobs["by_contract"].values(),
                *jobs["by_role"].values(),
                *jobs["trend"].values(),
                *self.by_region.values(),
            ]
            if shown(v)
        ]
        self.jobs_tokens |= {written(v) for v in self.job_counts}
        for n in [*jobs["by_contract"].values(), *jobs["by_role"].values(), *self.by_region.values()]:
            if shown(n) and shown(jobs["total"]) and jobs["total"]:
                self.jobs_tokens.add(written_share(n, jobs["total"]))
        if shown(jobs["facilitation_share"]) and jobs["facilitation_share"] is not None:
            self.jobs_tokens |= {
                plain_spaces(fmt_pct(jobs["facilitation_share"])),
                plain_spaces(fmt_pct_more_than(jobs["facilitation_share"])).replace("plus de ", ""),
            }
        growth = jobs["growth_since_first_year"]
        if shown(growth) and growth is not None:
            self.jobs_tokens.add(plain_spaces(fmt_pct(growth, 0, signed=True)))
        self.holders_tokens = set(base) | {fmt_int(hold["cohorts"])}
        holder_counts = [
            hold["n"],
            hold["trajectory_n"],
            *hold["situation_counts"].values(),
            *hold["trajectory_counts"].values(),
            *self.cohorts.to_numpy().ravel().tolist(),
        ]
        self.holder_counts = [v for v in holder_counts if shown(v)]
        self.holders_tokens |= {written(v) for v in self.holder_counts}
        self.holders_tokens |= {
            plain_spaces(fmt_pct(s))
            for s in [*hold["situation_shares"].values(), *hold["trajectory_shares"].values()]
            if shown(s) and s is not None
        }
        # Derived from shown figures only: a cohort cell's share of its cohort, the remainder of a shown total
        # minus its shown parts (grey « Non diffusé »), the Sankey's node totals when all their flows are shown.
        for _, row in object_rows(self.cohorts):
            cells = [row[s] for s in SITUATIONS]
            if shown(row["total"]):
                self.holders_tokens |= {written_share(c, row["total"]) for c in cells if shown(c)}
                self.holders_tokens.add(written(row["total"] - sum(c for c in cells if shown(c))))
        if shown(hold["n"]):
            self.holders_tokens.add(written(hold["n"] - sum(v for v in hold["situation_counts"].values() if shown(v))))
        groups = hold["trajectory_counts"]
        nodes = [
            ("demandeur_emploi_vers_actif",),
            ("etudiant_vers_actif",),
            ("actif_vers_createur", "changement_de_poste"),
            ("demandeur_emploi_vers_actif", "etudiant_vers_actif"),
            ("actif_vers_createur",),
            ("changement_de_poste",),
        ]
        for node in nodes:
            if all(shown(groups[g]) for g in node):
                total = sum(groups[g] for g in node)
                self.holders_tokens.add(written(total))
                if shown(hold["trajectory_n"]) and hold["trajectory_n"]:
                    self.holders_tokens.add(written_share(total, hold["trajectory_n"]))
        self.published_tokens = set()
        ctx_rows = report.context_rows(_Territory(region, year))
        for _, r in object_rows(ctx_rows):
            for text in (
                r["label_fr"],
                r["period"],
                r["source"],
                report.published_value(r),
                str(r["year"]) if pd.notna(r["year"]) else "",
                fmt_date(r["source_date"]) if r["source_date"] else "",
            ):
                self.published_tokens |= set(numbers_in(typeset(text)))

    def _regions_tokens(self, base: set[str]) -> set[str]:
        """« Les régions » (national report): each region's own shown figures (jobs of every year of its
        trend, facilitation share, holders followed), its change since its previous survey year when both
        counts are shown, and its share of the national jobs when both are shown."""
        tokens = set(base) | {"0 %"}  # the centre of the change map's scale
        self.regional: dict[str, dict] = {}  # region code -> its report's protected figures
        if not self.region.is_national:
            return tokens
        national = self.f["jobs"]["total"]
        for year, region in self.protection.reports:
            if year != self.year:
                continue
            f = self.protection.figures(year, region)
            if not region.is_national:
                self.regional[region.code] = f
            jobs = f["jobs"]
            trend = {int(y): n for y, n in jobs["trend"].items()}
            tokens |= {written(n) for n in [*trend.values(), f["holders"]["n"]] if shown(n)}
            if shown(jobs["facilitation_share"]) and jobs["facilitation_share"] is not None:
                tokens.add(plain_spaces(fmt_pct(jobs["facilitation_share"])))
            earlier = [y for y in trend if y < year]
            if earlier:
                previous, current = trend[max(earlier)], trend[year]
                if shown(previous) and shown(current) and previous:
                    change = (current - previous) / previous
                    tokens |= {plain_spaces(fmt_pct(change)), plain_spaces(fmt_pct(change, signed=True))}
            if not region.is_national and shown(jobs["total"]) and shown(national) and national:
                tokens.add(written_share(jobs["total"], national))
        return tokens

    def allowed(self, section: str, ctx) -> set[str]:
        if section == "title":  # the year, the region code and the data's date
            data_date = ctx.dataset.data_date
            return (
                {str(self.year)}
                | ({ctx.region.code} if ctx.region.code else set())
                | {str(data_date.year), str(data_date.day)}
            )
        if section == "employment":
            return self.jobs_tokens
        if section == "regions":
            return self.regions_tokens
        if section == "holders":
            return self.holders_tokens
        if section == "methods":
            # Constants of the text: the business rule (3 tiers-lieux, 85 %), « 1 par défaut », the
            # example « plus de 56 % », the 2019 report covering 2015 to 2018, the shares adding to 100 %,
            # INSEE 2016 regions; and k.
            return {fmt_int(self.k), "3", "85 %", "1", "56 %", "2019", "2015", "2018", "100 %", "2016"}
        quoted = set(self.published_tokens)
        if section == "appendix":
            for c in report.report_comparisons(ctx):
                for text in (
                    c.label_fr,
                    c.source,
                    report.published_value(
                        {"value": c.published, "precision": c.precision, "unit": c.unit, "qualifier": c.qualifier}
                    ),
                ):
                    quoted |= set(numbers_in(typeset(text)))
                if c.indicator.startswith("certification"):
                    quoted.add(fmt_int(c.computed))
        return self.jobs_tokens | self.holders_tokens | quoted

    def masked_truths(self) -> dict[str, str]:
        """Formatted true values of this report's masked counts and shares -> what they are (for messages)."""
        out: dict[str, str] = {}
        jobs, tjobs = self.f["jobs"], self.truth["jobs"]
        hold, thold = self.f["holders"], self.truth["holders"]
        pairs = [(jobs["total"], tjobs["total"], "jobs total")]
        pairs += [(jobs["by_contract"][c], tjobs["by_contract"][c], f"jobs {c}") for c in CONTRACTS]
        pairs += [(jobs["by_role"][o], tjobs["by_role"][o], f"jobs {o}") for o in ROLES]
        pairs += [(hold["n"], thold["n"], "holders n"), (hold["trajectory_n"], thold["trajectory_n"], "trajectory_n")]
        pairs += [(hold["situation_counts"][s], thold["situation_counts"][s], f"situation {s}") for s in SITUATIONS]
        pairs += [
            (hold["trajectory_counts"][g], thold["trajectory_counts"][g], f"trajectory {g}") for g in TRAJECTORIES
        ]
        for value, truth, what in pairs:
            if is_masked(value):
                out.setdefault(written(truth), what)
        shares = [(jobs["facilitation_share"], tjobs["facilitation_share"], "facilitation share")]
        shares += [(hold["situation_shares"][s], thold["situation_shares"][s], f"share {s}") for s in SITUATIONS]
        shares += [(hold["trajectory_shares"][g], thold["trajectory_shares"][g], f"share {g}") for g in TRAJECTORIES]
        for value, truth, what in shares:
            if is_masked(value) and truth is not None:
                out.setdefault(plain_spaces(fmt_pct(truth)), what)
        for (year, cohort), row in object_rows(self.cohorts):
            for column, value in row.items():
                if is_masked(value):
                    raw = self.truth_cohorts.loc[(year, cohort)]
                    truth = int(raw.sum()) if column == "total" else int(raw[column])
                    out.setdefault(written(truth), f"cohort {cohort} {column}")
        return out


class _Territory:
    """What `report.context_rows` reads of a context."""

    def __init__(self, region, year) -> None:
        self.region, self.year, self.is_national = region, year, region.is_national


# --- the checks ------------------------------------------------------------------------------------


def check_tokens(ctx, expected: Expected, sections: dict[str, str]) -> None:
    truths = expected.masked_truths()
    for name in CHECKED_SECTIONS:
        markup = sections[name]
        tokens = page_numbers(markup)
        for _chart_id, (traces, layout) in plotted_charts(markup).items():
            tokens += chart_numbers(traces, layout)
        allowed = expected.allowed(name, ctx)
        unexplained = sorted({t for t in tokens if t not in allowed})
        leaks = [f"{t} (true value of the masked {truths[t]})" for t in unexplained if t in truths]
        assert not leaks, f"{ctx.slug} « {name} »: masked figures leak: {leaks}"
        assert not unexplained, f"{ctx.slug} « {name} »: numbers no shown figure explains: {unexplained}"


def _rows(table: dict, expected_rows: list[list[str]], footer: list[str] | None, where: str) -> None:
    assert table is not None, f"{where}: table missing"
    assert table["tbody"] == expected_rows, f"{where}: {table['tbody']} != {expected_rows}"
    if footer is not None:
        assert table["tfoot"] == [footer], f"{where}: {table['tfoot']} != {[footer]}"


def check_tables(ctx, e: Expected, sections: dict[str, str]) -> None:
    """Each cell at the place of a figure shows the protected figure (a masked one as its label)."""
    jobs, hold, y = e.f["jobs"], e.f["holders"], e.year
    tables = Tables(sections["employment"])
    total = jobs["total"]
    for caption, counts, label in (
        (f"Emplois par contrat, {y}", jobs["by_contract"], _contract_label),
        (f"Emplois par fonction, {y}", jobs["by_role"], role_label),
    ):
        _rows(
            tables.by_caption(caption),
            [[label(k), written(n), written_share(n, total)] for k, n in counts.items()],
            ["Total", written(total), written_share(total, total) if total else "n.d."],
            f"{ctx.slug} {caption}",
        )
    _rows(
        tables.by_caption("Emplois recensés par année d'enquête"),
        [[str(year), written(n)] for year, n in sorted(jobs["trend"].items())],
        None,
        f"{ctx.slug} trend",
    )
    if ctx.is_national:
        _rows(
            tables.by_caption(f"Emplois par région, {y}"),
            [
                [r.name, written(e.by_region[r.code]), written_share(e.by_region[r.code], total)]
                for r in ctx.regions_with_data()
            ],
            ["Total", written(total), written_share(total, total) if total else "n.d."],
            f"{ctx.slug} regions",
        )
    tables = Tables(sections["holders"])
    n = hold["n"]
    if any(shown(v) and v > 0 for v in [n, *hold["situation_counts"].values()]):
        _rows(
            tables.by_caption("Situation actuelle des titulaires"),
            [[situation_label(s), written(v), written_share(v, n)] for s, v in hold["situation_counts"].items()],
            ["Total", written(n), written_share(n, n)],
            f"{ctx.slug} situations",
        )
        _rows(
            tables.by_caption("Titulaires par promotion"),
            [[str(cohort), str(year)] + [written(v) for v in row] for (year, cohort), row in object_rows(e.cohorts)],
            None,
            f"{ctx.slug} cohorts",
        )
    else:
        assert tables.by_caption("Situation actuelle") is None and tables.by_caption("Titulaires par") is None
    counts, tn = hold["trajectory_counts"], hold["trajectory_n"]
    table = tables.by_caption("Parcours entre l'entrée en formation")
    if any(shown(v) and v > 0 for v in [tn, *counts.values()]):
        _rows(
            table,
            [[trajectory_label(g), written(counts[g]), written_share(counts[g], tn)] for g in TRAJECTORIES],
            ["Total", written(tn), written_share(tn, tn)],
            f"{ctx.slug} trajectories",
        )
    else:
        assert table is None


def _contract_label(key: str) -> str:
    from tlanalysis.report.wording import contract_label

    return contract_label(key)


def check_charts(ctx, e: Expected, sections: dict[str, str]) -> None:
    """Every chart draws the protected figure of each category, and nothing for a masked one."""
    jobs, hold = e.f["jobs"], e.f["holders"]
    drawn = {
        **plotted_charts(sections["employment"]),
        **plotted_charts(sections["holders"]),
        **plotted_charts(sections["regions"]),
    }
    assert ctx.is_national or not sections["regions"], "« Les régions » is in the national report only"
    regional = {code: f["jobs"] for code, f in e.regional.items()}
    by_name = {find_region(code).name: code for code in regional}
    for chart_id, (traces, _) in drawn.items():
        name = chart_id.removeprefix(f"chart-{ctx.slug}-")
        if name == "contracts":
            (trace,) = traces
            inverse = {CONTRACT_SHORT[c]: c for c in CONTRACTS}
            for label, value in zip(trace["x"], trace["y"], strict=True):
                assert shown(jobs["by_contract"][inverse[label]]) and value == jobs["by_contract"][inverse[label]]
        elif name == "roles":
            (trace,) = traces
            inverse = {html.escape(role_label(o), quote=False): o for o in ROLES}
            for label, value in zip(trace["y"], trace["x"], strict=True):
                assert shown(jobs["by_role"][inverse[label]]) and value == jobs["by_role"][inverse[label]]
        elif name == "trend":
            (trace,) = traces
            for year, value in zip(trace["x"], trace["y"], strict=True):
                truth = jobs["trend"][year]
                assert (value is None) if is_masked(truth) else value == truth, (chart_id, year)
        elif name == "situations":
            (trace,) = traces
            inverse = {html.escape(situation_label(s), quote=False): s for s in SITUATIONS}
            for label, value in zip(trace["labels"], trace["values"], strict=True):
                if label == charts.WITHHELD_LABEL:
                    assert value == hold["n"] - sum(v for v in hold["situation_counts"].values() if shown(v))
                else:
                    count = hold["situation_counts"][inverse[label]]
                    assert shown(count) and value == count, (chart_id, label)
        elif name == "cohorts":
            inverse = {html.escape(situation_label(s), quote=False): s for s in SITUATIONS}
            rows = {html.escape(str(c), quote=False): row for (_, c), row in object_rows(e.cohorts)}
            for trace in traces:
                for cohort, value in zip(trace["y"], trace["x"], strict=True):
                    row = rows[cohort]
                    if trace["name"] == charts.WITHHELD_LABEL:
                        parts = [row[s] for s in SITUATIONS]
                        if value is not None:
                            assert shown(row["total"]) and value == row["total"] - sum(v for v in parts if shown(v))
                    else:
                        cell = row[inverse[trace["name"]]]
                        assert (value is None) if is_masked(cell) else value == cell, (chart_id, cohort, trace["name"])
        elif name == "trajectories":
            (trace,) = traces
            labels = [re.sub(r" \(\d[\d\u202f]*\)$", "", label) for label in trace["node"]["label"]]
            for s, t, value in zip(
                trace["link"]["source"], trace["link"]["target"], trace["link"]["value"], strict=True
            ):
                (group,) = [
                    g
                    for g, (status, outcome) in charts.builders._TRAJECTORY_FLOWS.items()
                    if html.escape(status_label(status), quote=False) == labels[s] and outcome == labels[t]
                ]
                count = hold["trajectory_counts"][group]
                assert shown(count) and value == count, (chart_id, group)
        elif name in ("regions-map", "regions-views"):
            # each region once per panel; a region with a scale is drawn with its shown figure, a masked
            # one only in a trace without a scale (grey), a region without a report in neither
            values = {
                "regions-map": [{c: j["total"] for c, j in regional.items()}],
                "regions-views": [
                    {c: _change(j, e.year) for c, j in regional.items()},
                    {c: j["facilitation_share"] for c, j in regional.items()},
                ],
            }[name]
            panels: dict[str, list[dict]] = {}
            for trace in traces:
                if trace["type"] == "choropleth":
                    panels.setdefault(trace.get("geo", "geo"), []).append(trace)
            assert len(panels) == len(values), chart_id
            for (_, panel), expected_values in zip(sorted(panels.items()), values, strict=True):
                seen = [c for t in panel for c in t["locations"]]
                assert sorted(seen) == sorted(find_region(c).code for c in _all_codes()), (chart_id, seen)
                for trace in panel:
                    scaled = trace.get("showscale") is not False
                    for code, z in zip(trace["locations"], trace["z"], strict=True):
                        truth = expected_values.get(code)
                        if scaled:
                            assert shown(truth) and truth is not None and abs(z - truth) < 1e-12, (chart_id, code)
                        else:
                            assert truth is None or truth == "secret" or is_masked(truth), (chart_id, code, truth)
        elif name == "regions-bar":
            (trace,) = traces
            for label, value in zip(trace["y"], trace["x"], strict=True):
                total = regional[by_name[html.unescape(label)]]["total"]
                assert shown(total) and value == total, (chart_id, label)
            assert list(trace["x"]) == sorted(trace["x"]), "bars from the largest at the top"
        elif name == "regions-trends":
            for trace in traces:
                (label,) = {c[0].split(" — ")[0] for c in trace["customdata"]}
                trend = regional[by_name[html.unescape(label)]]["trend"]
                for year, value in zip(trace["x"], trace["y"], strict=True):
                    truth = trend.get(year)
                    assert (value is None) if truth is None or is_masked(truth) else value == truth, (chart_id, year)
        else:
            raise AssertionError(f"unknown chart {chart_id}")


def _all_codes() -> list[str]:
    from tlanalysis.reference import regions

    return list(regions()["code"])


def _change(jobs: dict, year: int):
    """A region's change since its previous survey year, from its protected trend (None: no earlier year)."""
    trend = {int(y): n for y, n in jobs["trend"].items()}
    earlier = [y for y in trend if y < year]
    if not earlier:
        return None
    previous, current = trend[max(earlier)], trend[year]
    if not (shown(previous) and shown(current)):
        return "secret"
    return (current - previous) / previous if previous else None


def check_regions_table(ctx, e: Expected, sections: dict[str, str]) -> None:
    """« Les régions comparées »: each region's protected figures, a masked one as its label."""
    table = Tables(sections["regions"]).by_caption(f"Les régions comparées, {e.year}")
    if not ctx.is_national:
        assert table is None
        return
    rows = []
    for code, f in e.regional.items():
        jobs = f["jobs"]
        change = _change(jobs, e.year)
        trend = {int(y): n for y, n in jobs["trend"].items()}
        earlier = [y for y in trend if y < e.year]
        rows.append(
            [
                find_region(code).name,
                written(jobs["total"]),
                str(max(earlier)) if earlier else "—",
                "—" if not earlier else "secret" if change == "secret" else plain_spaces(fmt_pct(change, signed=True)),
                plain_spaces(fmt_pct(jobs["facilitation_share"])),
                written(f["holders"]["n"]),
            ]
        )
    assert table is not None, f"{ctx.slug}: regions compared table missing"
    assert sorted(table["tbody"]) == sorted(rows), f"{ctx.slug}: {table['tbody']} != {rows}"
    shown_jobs = [int(r[1].replace(" ", "")) for r in table["tbody"] if r[1] not in ("secret", f"< {e.k}")]
    assert shown_jobs == sorted(shown_jobs, reverse=True), "regions ranked by jobs"
    assert table["tfoot"][0][:2] == ["France entière", written(e.f["jobs"]["total"])]


def check_workbook(ctx, e: Expected) -> None:
    """The workbook's numbers are shown counts, shares or years; a masked figure is never a number."""
    jobs, hold = e.f["jobs"], e.f["holders"]
    counts = {v for v in [*e.job_counts, *e.holder_counts, hold["cohorts"]] if shown(v)}
    shares = [
        s
        for s in [
            jobs["facilitation_share"],
            jobs["growth_since_first_year"],
            *hold["situation_shares"].values(),
            *hold["trajectory_shares"].values(),
        ]
        if shown(s)
    ]
    for n in [*jobs["by_contract"].values(), *jobs["by_role"].values(), *e.by_region.values(), jobs["total"]]:
        if shown(n) and shown(jobs["total"]) and jobs["total"]:
            shares.append(share(n, jobs["total"]))
    if any(shown(n) and n for n in (hold["n"], hold["trajectory_n"])):
        shares.append(1.0)
    truths = e.masked_truths()
    allowed = e.jobs_tokens | e.holders_tokens | {"3", "85 %"} | {r.code for r in ctx.regions_with_data()}
    for sheet in workbook_sheets(ctx):
        cells = [c.value if hasattr(c, "kind") else c for row in [*sheet.rows, sheet.total or []] for c in row]
        for cell in cells + sheet.notes:
            if isinstance(cell, bool) or cell is None:
                continue
            if isinstance(cell, (int, np.integer)):
                assert cell in counts or 1900 < cell < 2100, f"{ctx.slug} « {sheet.name} »: {cell} is no shown count"
            elif isinstance(cell, float):
                assert any(abs(cell - s) < 1e-12 for s in shares), f"{ctx.slug} « {sheet.name} »: {cell} is no share"
            elif is_masked(cell) or isinstance(cell, Withheld):
                assert str(cell) in (f"< {e.k}", "secret"), (sheet.name, cell)
            elif "« < " in str(cell) and "entre 0 et" in str(cell):
                continue  # the legend: « < 5 » is between 0 and k - 1
            else:
                leaked = [t for t in numbers_in(str(cell)) if t in truths and t not in allowed]
                assert not leaked, f"{ctx.slug} « {sheet.name} »: {cell!r} writes the masked {leaked}"


def check_report(ctx, protection: Protection, workbook: bool = True) -> None:
    expected = Expected(protection, ctx.year, ctx.region, ctx.dataset)
    sections = report.report_html(ctx)
    check_tokens(ctx, expected, sections)
    check_tables(ctx, expected, sections)
    check_charts(ctx, expected, sections)
    check_regions_table(ctx, expected, sections)
    if workbook:
        check_workbook(ctx, expected)


def contexts(dataset: Dataset, min_count: int) -> list:
    protection = Protection(dataset.employment, dataset.holders, min_count)
    return [
        (
            report.ReportContext.from_parameters(
                ReportParameters(year, region, dataset.data_dir, dataset, "report", min_count)
            ),
            protection,
        )
        for year, region in protection.reports
    ]


# --- random small datasets ---------------------------------------------------------------------------


def tidy(table, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(rows[0])).astype("string")
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return validate_table(RawTable(Path("generated.csv"), frame), table)


SOURCES = {
    "employment": SourceFile(Path("employment.csv"), "c0ffee" * 10 + "beef"),
    "holders": SourceFile(Path("holders.csv"), "deadbeef" * 8),
}


def make_dataset(job_rows: list[tuple], holder_rows: list[tuple], places: bool) -> Dataset:
    employment = tidy(
        EMPLOYMENT,
        [
            dict(year=y, region=r, contract=c, role=o, count=n, **({"tiers_lieu": p or ""} if places else {}))
            for y, r, c, o, n, p in job_rows
        ],
    )
    holders_rows = [
        {
            "holder_id": f"H{i}",
            "cohort": cohort,
            "cohort_year": y,
            "region": r,
            "status_at_entry": s,
            "situation": t,
            "created_business": "oui" if b else "non",
            "changed_job": "oui" if c else "non",
        }
        for i, (y, r, cohort, s, t, b, c) in enumerate(holder_rows)
    ]
    holders = (
        tidy(HOLDERS, holders_rows)
        if holders_rows
        else tidy(
            HOLDERS,
            [
                {
                    "holder_id": "H0",
                    "cohort": "X",
                    "cohort_year": 2015,
                    "region": "75",
                    "status_at_entry": "actif",
                    "situation": "inconnu",
                    "created_business": "non",
                    "changed_job": "non",
                }
            ],
        ).iloc[:0]
    )
    return Dataset(employment, holders, Path("generated"), dict(SOURCES), is_example=False)


@st.composite
def small_datasets(draw):
    codes = draw(st.lists(st.sampled_from(["75", "76", "04"]), min_size=1, max_size=3, unique=True))
    years = draw(st.lists(st.sampled_from([2018, 2019, 2020]), min_size=1, max_size=2, unique=True))
    places = draw(st.booleans())
    n_places = draw(st.integers(1, 4))
    job_rows = []
    for code in codes:
        for year in years:
            for _ in range(draw(st.integers(1, 5))):
                place = draw(st.sampled_from(["A", "B", "C", "D", None][:n_places]))
                job_rows.append(
                    (
                        year,
                        code,
                        draw(st.sampled_from(CONTRACTS)),
                        draw(st.sampled_from(ROLES)),
                        draw(st.integers(0, 12)),
                        place,
                    )
                )
    holder_rows = []
    for _ in range(draw(st.integers(0, 5))):  # cohorts, tiny or not, also in a region without jobs
        year = draw(st.integers(2015, 2019))
        code = draw(st.sampled_from([*codes, "53"]))
        cohort = f"P{year}-{code}-{draw(st.sampled_from('ab'))}"
        size = draw(st.one_of(st.integers(1, 4), st.integers(5, 30)))
        for _ in range(size):
            holder_rows.append(
                (
                    year,
                    code,
                    cohort,
                    draw(st.sampled_from(STATUSES)),
                    draw(st.sampled_from(SITUATIONS)),
                    draw(st.booleans()),
                    draw(st.booleans()),
                )
            )
    return make_dataset(job_rows, holder_rows, places)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(small_datasets(), st.sampled_from([3, 5]))
def test_rendered_reports_show_no_masked_figure(dataset, min_count):
    for ctx, protection in contexts(dataset, min_count):
        check_report(ctx, protection)


# --- the bundled sample ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_dataset()


def test_every_report_of_the_sample_shows_no_masked_figure(sample):
    """The 30 reports of the sample (every region's survey years, and France), protected together."""
    checked = []
    for ctx, protection in contexts(sample, 5):
        check_report(ctx, protection)
        checked.append(ctx.slug)
    assert {"75-2019", "france-2019", "04-2021", "france-2021"} <= set(checked) and len(checked) == 30


def test_the_checker_catches_an_unprotected_report(sample):
    """The same checks on a report built from raw figures (no protection) must fail."""
    protection = Protection(sample.employment, sample.holders, 5)
    for year, code in ((2019, "75"), (2021, "04"), (2019, None)):
        region = FRANCE if code is None else find_region(code)
        ctx = report.ReportContext.from_parameters(ReportParameters(year, region, sample.data_dir, sample, "report", 5))
        raw = report.ReportContext(ctx.params, key_figures(sample.employment, sample.holders, year, ctx.region))
        cohorts = raw_cohort_table(holders_seen(sample.holders, year, ctx.region)).astype(object)
        cohorts["total"] = cohorts.sum(axis=1)
        object.__setattr__(raw, "cohort_table", cohorts)  # the cached property, replaced by the raw table
        with pytest.raises(AssertionError, match=r"leak|!=|no shown"):
            check_report(raw, protection)
        sections = report.report_html(raw)
        expected = Expected(protection, year, ctx.region, sample)
        with pytest.raises(AssertionError, match="leak"):
            check_tokens(raw, expected, sections)


class _RawFigures:
    """Stands in for a `Protection` and gives the raw figures: what « Les régions » must never show."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def figures(self, year, region):
        return key_figures(self.dataset.employment, self.dataset.holders, year, region)


def test_the_checker_catches_unprotected_regions(sample):
    """« Les régions » drawn from each region's raw figures must fail the checks."""
    protection = Protection(sample.employment, sample.holders, 5)
    ctx = report.ReportContext.from_parameters(ReportParameters(2021, FRANCE, sample.data_dir, sample, "report", 5))
    object.__setattr__(ctx, "protection", _RawFigures(sample))  # the cached property, replaced
    expected = Expected(protection, 2021, FRANCE, sample)
    sections = {**report.report_html(report.ReportContext.from_parameters(ctx.params)), "regions": ""}
    sections["regions"] = report.section_html(ctx, "regions")
    with pytest.raises(AssertionError, match=r"no shown|leak"):
        check_tokens(ctx, expected, sections)
    with pytest.raises(AssertionError):
        check_regions_table(ctx, expected, sections)
    with pytest.raises(AssertionError):
        check_charts(ctx, expected, sections)
