"""The key figures of one report as an Excel workbook (XLSX), for funders who rework the numbers.

One sheet per table of the report — « Chiffres clés », « Contrats », « Fonctions », « Évolution »,
« Régions » (national report), « Situations », « Promotions », « Trajectoires » — and a « Sources » sheet:
the data files with their SHA-256, the published figures quoted in the report with their sources, the
date of the data and the disclosure rule. Built from the same `ReportContext` as the HTML report, so
every figure is the report's. Each sheet has its function (`key_figures_sheet`, `contracts_sheet`…);
a sheet that repeats a table of the page takes its name, headers and caption from the same
`tlanalysis.report.wording.Table` as the page, so the two label their rows and columns alike.

Cells: headers in French on row 1 (a sheet reads as a table: filters, `pandas.read_excel`), notes below
the table after an empty row. Numbers are numbers, with Excel number formats — Excel shows them in the
reader's locale, so `0.0%` is « 54,5 % » in a French Excel:

* counts `#,##0`; years `0` (never « 2 019 »);
* shares are fractions of 1, unrounded, shown `0.0%`; a growth `+0%`;
* a figure that cannot be computed (its base is zero) is the text « n.d. », as in the report.

Disclosure: figures are written as the context gives them — a `tlanalysis.report.ReportContext` holds
the figures protected by `tlanalysis.protect.annual` (`protect(...).figures(year, region)`), its protected
cohort table (`ctx.cohort_table`) and, for France, its protected jobs per region (`ctx.jobs_by_region`),
and these are the defaults here. A value that `tlanalysis.protect.masked.is_masked` says is masked is written
as its text (« < 5 », « secret »), and a share or total that would be derived from it is « secret » as
well. A rule of its own is applied on top for contexts built
otherwise (no share on fewer than `min_count` holders, cohorts of fewer than `min_count` holders without
detail); protected figures already satisfy it.

Data built from the bundled example data says so on every sheet (« Données d'exemple fictives »).

Deterministic: the document's created/modified dates are the data's date (`data_date`, never "now") and
the zip entries carry that date too, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import numbers
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compute.indicators import TRAJECTORIES, jobs_by, jobs_of_year, share
from ..protect.masked import SECRET, is_masked
from ..report.brand import HOUSE, Brand, mixed
from ..report.formatting import MISSING, fmt_date, fmt_int, fmt_year_span
from ..report.wording import (
    ANNUAL_HEADINGS,
    CERTIFICATION,
    CERTIFICATION_HOLDERS_FOLLOWED,
    COHORTS_TABLE,
    CONTRACTS_TABLE,
    DATA_DATE,
    DATA_FOLDER,
    EXAMPLE_DATA,
    EXAMPLE_FOLDER,
    EXAMPLE_NOTE,
    FACILITATION_JOBS,
    HOLDERS_FOLLOWED,
    HOLDERS_WITH_KNOWN_PATH,
    JOBS_CHANGE,
    KEY_FIGURES_SHEET,
    KEY_SITUATIONS,
    NETWORK,
    PERIOD,
    PRODUCED_WITH,
    REGION_CODE,
    REGIONS_TABLE,
    ROLES_TABLE,
    SHARE,
    SITUATIONS_TABLE,
    SOURCE,
    SOURCES_SHEET,
    STATISTICAL_SECRET,
    SURVEY_YEAR,
    TERRITORY,
    TOTAL,
    TRAJECTORIES_TABLE,
    TREND_TABLE,
    Table,
    annual_title,
    cohort_headers,
    contract_label,
    holders_share,
    jobs_counted,
    jobs_out_of,
    jobs_with_contract,
    masked_labels_key,
    role_label,
    see_section,
    sentence_case,
    situation_label,
    trajectory_label,
    trend_qualifier,
    yes_no,
)
from . import ExportError, write_bytes_atomic

# --- cell kinds and number formats ---------------------------------------------------------------

#: Excel number formats (locale-independent codes; Excel writes them with the reader's separators).
NUMBER_FORMATS = {
    "count": "#,##0",
    "share": "0.0%",
    "growth": "+0%;-0%;0%",
    "year": "0",
    "number": "#,##0.0##",
    "date": "dd/mm/yyyy",
}

#: Openings that make a spreadsheet read a text as a formula (and tab / carriage return, which some
#: tools strip before one): such texts are written with a quote prefix (`_set_text`).
FORMULA_OPENINGS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Withheld:
    """A figure withheld under the report's disclosure rule, written as `text`."""

    text: str = SECRET

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Typed:
    """A value with its own kind, in a column of another kind (the « Valeur » column of « Chiffres clés »)."""

    value: object
    kind: str


@dataclass
class Sheet:
    """One sheet: a table (headers, column kinds, rows), an optional total row, and notes under it."""

    name: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[object]] = field(default_factory=list)
    total: list[object] | None = None
    notes: list[str] = field(default_factory=list)
    widths: list[int] | None = None


def masked_text(value: object) -> str | None:
    """The text to write instead of `value` when it is withheld, or None when it is a figure to write."""
    if isinstance(value, Withheld):
        return value.text
    if is_masked(value):
        return value.label
    return None


# --- content: pure functions of the report context -----------------------------------------------
#
# Figures are taken as the context gives them. Protected by `tlanalysis.protect`, any count or
# share may be a masked value (a `str` such as « < 5 »): nothing here adds, divides or compares a figure
# without checking `_hidden` first, and a value derived from a hidden one is hidden too. Such a figure is
# typed `Any`: a number, a masked text or None, told apart at run time by `_hidden`.


def _hidden(value: object) -> bool:
    return masked_text(value) is not None


def _at_least(n: Any, k: int) -> bool:
    """Whether a count is shown and at least k (a hidden count is not)."""
    return not _hidden(n) and n is not None and n >= k


def _ratio(part: Any, whole: Any) -> object:
    """part / whole; hidden if either is; None (« n.d. ») when whole is 0."""
    if _hidden(part) or _hidden(whole):
        return Withheld()
    return share(part, whole)


def _count_text(n: Any) -> str:
    """A count in a sentence: « 1 234 », or the masked text."""
    return masked_text(n) or fmt_int(n)


def _withheld(value: object, shown: bool) -> object:
    """The value, or « secret » when the report's rule withholds it (a value already masked stays as is)."""
    return value if shown or _hidden(value) else Withheld()


def _share_rows(
    counts: dict[str, object], total: object, label, shares: dict[str, object] | None = None, shown: bool = True
) -> tuple[list[list[object]], list[object]]:
    """Rows (label, count, share) and the total row; shares from `shares` when the figures give them."""
    rows = [
        [label(k), _withheld(n, shown), _withheld(shares[k] if shares is not None else _ratio(n, total), shown)]
        for k, n in counts.items()
    ]
    return rows, [TOTAL, total, _ratio(total, total)]


@dataclass(frozen=True)
class _Workbook:
    """What the sheets of one report's workbook share: the report's rule (no share on fewer than
    `min_count` holders; nothing to hide when there is no one, shares on zero holders are « n.d. »), and
    the notes under every sheet."""

    ctx: Any
    holders_shown: bool
    trajectories_shown: bool
    common: tuple[str, ...]

    @classmethod
    def of(cls, ctx) -> _Workbook:
        hold, k = ctx.holder_figures, ctx.min_count
        n, tn = hold["n"], hold["trajectory_n"]
        common = [f"{ctx.territory}, enquête {ctx.year}. Source : voir la feuille « {SOURCES_SHEET.sheet} »."]
        if ctx.dataset.is_example:
            common.append(EXAMPLE_NOTE)
        return cls(ctx, _at_least(n, k) or n == 0, _at_least(tn, k) or tn == 0, tuple(common))

    @property
    def cohorts(self) -> str:
        """« 6 promotions 2015–2018 », or « aucune promotion suivie »."""
        hold = self.ctx.holder_figures
        if not hold["cohorts"]:
            return "aucune promotion suivie"
        plural = "s" if hold["cohorts"] > 1 else ""
        return f"{fmt_int(hold['cohorts'])} promotion{plural} {fmt_year_span(hold['cohort_years'])}"

    def secret(self, who: str, what: str) -> str:
        """« Secret statistique : moins de 5 titulaires suivis ; les parts ne sont pas diffusées. »"""
        return f"{sentence_case(STATISTICAL_SECRET)} : moins de {fmt_int(self.ctx.min_count)} {who} ; {what}"

    @property
    def secret_holders(self) -> str:
        return self.secret(HOLDERS_FOLLOWED, "les parts ne sont pas diffusées.")

    @property
    def secret_trajectories(self) -> str:
        return self.secret(HOLDERS_WITH_KNOWN_PATH, "le détail n'est pas diffusé.")


def key_figures_sheet(book: _Workbook) -> Sheet:
    """« Chiffres clés »: the report's key figures, labelled as its cards are, exact shares."""
    ctx = book.ctx
    rows = _job_figure_rows(ctx) + _holder_figure_rows(book)
    return Sheet(
        KEY_FIGURES_SHEET.sheet,
        list(KEY_FIGURES_SHEET.headers),
        ["text", "count", "text"],
        rows,
        notes=[*book.common, "Parts exactes, non arrondies (le rapport les arrondit à une décimale)."],
        widths=[62, 16, 48],
    )


def _job_figure_rows(ctx) -> list[list[object]]:
    jobs, year, first = ctx.jobs, ctx.year, ctx.jobs["first_year"]
    detail = (
        ""
        if _hidden(jobs["facilitation"]) or _hidden(jobs["total"])
        else jobs_out_of(_count_text(jobs["facilitation"]), _count_text(jobs["total"]))
    )
    rows: list[list[object]] = [
        [TERRITORY, Typed(ctx.territory, "text"), ""],
        [SURVEY_YEAR, Typed(year, "year"), ""],
        [sentence_case(jobs_counted(year)), Typed(jobs["total"], "count"), ""],
        *(
            [sentence_case(jobs_with_contract(c)), Typed(jobs["by_contract"].get(c, 0), "count"), ""]
            for c in ("CDI", "CDD")
        ),
        [sentence_case(FACILITATION_JOBS), Typed(jobs["facilitation"], "count"), ""],
        [f"{SHARE} des {FACILITATION_JOBS}", Typed(jobs["facilitation_share"], "share"), detail],
    ]
    if first and first != year:
        rows += [
            [
                f"{sentence_case(jobs_counted(first))} (première année d'enquête)",
                Typed(jobs["trend"].get(str(first), 0), "count"),
                "",
            ],
            [f"{JOBS_CHANGE} depuis {first}", Typed(jobs["growth_since_first_year"], "growth"), ""],
        ]
    return rows


def _holder_figure_rows(book: _Workbook) -> list[list[object]]:
    hold = book.ctx.holder_figures
    n, tn = hold["n"], hold["trajectory_n"]
    rows: list[list[object]] = [
        [sentence_case(CERTIFICATION_HOLDERS_FOLLOWED), Typed(n, "count"), book.cohorts],
        ["Promotions suivies", Typed(hold["cohorts"], "count"), fmt_year_span(hold["cohort_years"])],
    ]
    note = "" if book.holders_shown else book.secret_holders
    rows += [
        [holders_share(phrase), Typed(_withheld(hold["situation_shares"][key], book.holders_shown), "share"), note]
        for key, phrase in KEY_SITUATIONS.items()
    ]
    rows.append(["Titulaires dont le parcours relève de l'un des quatre cas", Typed(tn, "count"), ""])
    note = "" if book.trajectories_shown else book.secret_trajectories
    rows += [
        [
            f"{SHARE} : {trajectory_label(key)}",
            Typed(_withheld(hold["trajectory_shares"][key], book.trajectories_shown), "share"),
            note,
        ]
        for key in TRAJECTORIES
    ]
    return rows


def _jobs_sheet(book: _Workbook, table: Table, counts: dict, label) -> Sheet:
    """Jobs of the year by contract or role, with their share of the total, as the page's table."""
    rows, total = _share_rows(counts, book.ctx.jobs["total"], label)
    kinds = ["text", "count", "share"]
    return Sheet(table.sheet, list(table.headers), kinds, rows, total, [table.note(book.ctx.year), *book.common])


def contracts_sheet(book: _Workbook) -> Sheet:
    return _jobs_sheet(book, CONTRACTS_TABLE, book.ctx.jobs["by_contract"], contract_label)


def roles_sheet(book: _Workbook) -> Sheet:
    return _jobs_sheet(book, ROLES_TABLE, book.ctx.jobs["by_role"], role_label)


def trend_sheet(book: _Workbook) -> Sheet:
    ctx = book.ctx
    trend = sorted((int(y), count) for y, count in ctx.jobs["trend"].items())
    return Sheet(
        TREND_TABLE.sheet,
        list(TREND_TABLE.headers),
        ["year", "count"],
        [[y, count] for y, count in trend],
        notes=[TREND_TABLE.note(trend_qualifier(ctx.year)), *book.common],
    )


def regions_sheet(book: _Workbook, jobs_by_region: dict | None) -> Sheet:
    """National report: jobs per region with data, with the region's INSEE code (a column the page has not)."""
    ctx = book.ctx
    if jobs_by_region is None:
        jobs_by_region = getattr(ctx, "jobs_by_region", None)
    by_region = (
        jobs_by(jobs_of_year(ctx.dataset.employment, ctx.year, ctx.region), "region_code")
        if jobs_by_region is None
        else jobs_by_region
    )
    total = ctx.jobs["total"]
    rows = [
        [r.name, r.code, by_region.get(r.code, 0), _ratio(by_region.get(r.code, 0), total)]
        for r in ctx.regions_with_data()
    ]
    name, *figures = REGIONS_TABLE.headers
    return Sheet(
        REGIONS_TABLE.sheet,
        [name, REGION_CODE, *figures],
        ["text", "text", "count", "share"],
        rows,
        [TOTAL, "", total, _ratio(total, total)],
        [REGIONS_TABLE.note(ctx.year), *book.common],
    )


def situations_sheet(book: _Workbook) -> Sheet:
    ctx, hold = book.ctx, book.ctx.holder_figures
    n, shown = hold["n"], book.holders_shown
    held = f"Titulaires des promotions commencées avant {ctx.year} ({book.cohorts}) ; situation au dernier suivi."
    rows, total = _share_rows(hold["situation_counts"], n, situation_label, hold["situation_shares"], shown)
    return Sheet(
        SITUATIONS_TABLE.sheet,
        list(SITUATIONS_TABLE.headers),
        ["text", "count", "share"],
        rows,
        total if n != 0 else None,
        [held, *([] if shown else [book.secret_holders]), *book.common],
    )


def cohorts_sheet(book: _Workbook, table) -> Sheet:
    """Holders per cohort and situation; a cohort smaller than k is shown without detail."""
    k = book.ctx.min_count
    rows, small = _cohort_rows(table, k)
    situations = [str(c) for c in table.columns if str(c) != "total"]
    notes = [f"{COHORTS_TABLE.caption()} (situation au dernier suivi)."]
    if small:
        notes.append(f"Une promotion de moins de {fmt_int(k)} titulaires est présentée sans détail.")
    return Sheet(
        COHORTS_TABLE.sheet,
        cohort_headers(situations),
        ["text", "year"] + ["count"] * len(situations) + ["count"],
        rows,
        notes=notes + list(book.common),
    )


def trajectories_sheet(book: _Workbook) -> Sheet:
    hold, shown = book.ctx.holder_figures, book.trajectories_shown
    tn = hold["trajectory_n"]
    rows, total = _share_rows(hold["trajectory_counts"], tn, trajectory_label, hold["trajectory_shares"], shown)
    note = f"{TRAJECTORIES_TABLE.caption()} ; parts calculées sur les titulaires relevant de l'un des quatre cas."
    return Sheet(
        TRAJECTORIES_TABLE.sheet,
        list(TRAJECTORIES_TABLE.headers),
        ["text", "count", "share"],
        rows,
        total if tn != 0 else None,
        [note, *([] if shown else [book.secret_trajectories]), *book.common],
    )


def _with_masked_note(sheet: Sheet, book: _Workbook) -> Sheet:
    """The sheet, with what « secret » and « < k » mean when it shows one, before the notes every sheet shares."""
    cells = [c.value if isinstance(c, Typed) else c for row in [*sheet.rows, sheet.total or []] for c in row]
    if any(_hidden(c) for c in cells):
        k = book.ctx.min_count
        note = (
            f"{masked_labels_key(k)} ({STATISTICAL_SECRET}) ; "
            f"« < {fmt_int(k)} » : entre 0 et {fmt_int(k - 1)} titulaires."
        )
        at = next((i for i, text in enumerate(sheet.notes) if text in book.common), len(sheet.notes))
        sheet.notes.insert(at, note)
    return sheet


def workbook_sheets(ctx, *, cohort_table=None, jobs_by_region: dict | None = None) -> list[Sheet]:
    """The sheets of one report's workbook, as plain data (`ctx`: a `tlanalysis.report.ReportContext`).

    The key figures are `ctx.figures`, as given. Two tables are not in them: the cohort × situation table
    (default `ctx.cohort_table`, protected in a `ReportContext`) and the national report's jobs per region
    code (default `ctx.jobs_by_region`, protected; computed from `ctx.dataset` only for a context without
    it). Pass others to override them.
    """
    book = _Workbook.of(ctx)
    sheets = [key_figures_sheet(book), contracts_sheet(book), roles_sheet(book), trend_sheet(book)]
    if ctx.is_national:
        sheets.append(regions_sheet(book, jobs_by_region))
    sheets += [
        situations_sheet(book),
        cohorts_sheet(book, ctx.cohort_table if cohort_table is None else cohort_table),
        trajectories_sheet(book),
    ]
    return [_with_masked_note(sheet, book) for sheet in sheets]


def _cohort_rows(table, min_count: int) -> tuple[list[list[object]], bool]:
    """Cohort × situation rows; a cohort of fewer than `min_count` holders (or of hidden size) is shown
    without detail. `table`: rows (cohort_year, cohort), one column per situation, optionally `total`."""
    situations = [c for c in table.columns if str(c) != "total"]
    rows, small = [], False
    # rows as dicts of the cells themselves: `iterrows` makes a Series of each row, which pandas may turn
    # into plain text when every cell is masked (with pyarrow installed), losing the masks
    for (start, cohort), values in zip(table.index, table.to_numpy(dtype=object).tolist(), strict=True):
        counts = dict(zip(table.columns, values, strict=True))
        size = counts["total"] if "total" in table.columns else int(sum(counts[s] for s in situations))
        cells = [counts[s] for s in situations]
        if not _at_least(size, min_count):
            small = True
            size = size if _hidden(size) else Withheld(f"< {min_count}")
            cells = [c if _hidden(c) else Withheld() for c in cells]
        rows.append([str(cohort), int(start)] + [c if _hidden(c) else int(c) for c in cells] + [size])
    return rows, small


#: Column widths of a « Sources » sheet (Élément, Valeur, Détail, then the blocks' further columns).
SOURCES_WIDTHS = [44, 60, 66, 48, 18, 48]


def provenance_rows(
    dataset, data_date: dt.date, first: Sequence[Sequence[object]], then: Sequence[Sequence[object]]
) -> list[list[object]]:
    """The rows every « Sources » sheet has, around its own: the example-data warning, `first` (what
    the workbook is), the date and folder of the data, `then` (definitions, rules), the tlanalysis
    version; after an empty row, the data files with their SHA-256 and the table each one holds."""
    from ..provenance import VERSION

    warning: list[object] = ["Avertissement", EXAMPLE_NOTE, ""]
    rows: list[list[object]] = [
        *([warning] if dataset.is_example else []),
        *(list(row) for row in first),
        [DATA_DATE, Typed(dt.datetime.combine(data_date, dt.time()), "date"), fmt_date(data_date)],
        [DATA_FOLDER, dataset.data_dir.name, EXAMPLE_FOLDER if dataset.is_example else ""],
        *(list(row) for row in then),
        [PRODUCED_WITH, f"tlanalysis {VERSION}", ""],
        [],
        [
            Typed("Fichier de données", "header"),
            Typed("Empreinte SHA-256 (courte)", "header"),
            Typed("Empreinte SHA-256", "header"),
            Typed("Table", "header"),
        ],
    ]
    for name, source in dataset.sources.items():
        rows.append([source.path.name, source.short_hash, source.sha256, name])
    return rows


def sources_sheet(ctx, data_date: dt.date) -> Sheet:
    """« Sources »: what the figures were computed from, and the published figures the report quotes."""
    from ..report.formatting import fmt_pct

    try:  # the disclosure module is optional here (see the module doc)
        from ..protect.annual import MAX_PLACE_SHARE, MIN_PLACES
    except ImportError:
        MIN_PLACES, MAX_PLACE_SHARE = 3, 0.85
    from ..report import context_rows, published_value

    k = fmt_int(ctx.min_count)
    rule = [
        sentence_case(STATISTICAL_SECRET),
        f"effectifs de titulaires inférieurs à {k} notés « < {k} » ; emplois de moins de "
        f"{fmt_int(MIN_PLACES)} tiers-lieux ou dont un tiers-lieu représente plus de "
        f"{fmt_pct(MAX_PLACE_SHARE, 0)} notés « secret » ; parts de chiffres masqués et chiffres "
        "qui permettraient de les retrouver par différence notés « secret »",
        see_section(ANNUAL_HEADINGS["methods"], of_report=True),
    ]
    report = ["Rapport", annual_title(ctx.place, ctx.year), ctx.slug]
    brand = getattr(ctx, "brand", HOUSE)
    first = [[NETWORK, brand.name, ""], report] if brand.name else [report]
    rows = provenance_rows(ctx.dataset, data_date, first, [rule])
    published = context_rows(ctx)
    rows.append([])
    if published.empty:
        rows.append(["Chiffres publiés", "aucun chiffre publié enregistré pour ce territoire", ""])
    else:
        rows.append(
            [
                Typed("Chiffre publié (contexte)", "header"),
                Typed(PERIOD, "header"),
                Typed("Valeur publiée", "header"),
                Typed(SOURCE, "header"),
                Typed("Date de la source", "header"),
                Typed("Lien", "header"),
            ]
        )
        for _, r in published.iterrows():
            period = r["period"] or ("" if r["year"] is None or _is_nan(r["year"]) else str(int(r["year"])))
            rows.append(
                [
                    str(r["label_fr"]),
                    period,
                    published_value(r),
                    str(r["source"]),
                    fmt_date(r["source_date"]) if r["source_date"] else "",
                    str(r["source_url"] or ""),
                ]
            )
    notes = [
        "Les chiffres publiés sont cités avec leur précision d'origine ; ils ne sont pas calculés à partir "
        "des données de ce classeur."
    ]
    return Sheet(
        SOURCES_SHEET.sheet, list(SOURCES_SHEET.headers), ["text"] * 6, rows, notes=notes, widths=SOURCES_WIDTHS
    )


def _is_nan(value: object) -> bool:
    try:
        return math.isnan(value)  # type: ignore[arg-type]
    except TypeError:
        return False


# --- writing -------------------------------------------------------------------------------------


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raise TypeError(f"data_date must be a date, got {type(value).__name__}")


def _cell_value(value: object, kind: str) -> tuple[object, str | None]:
    """(what to write, number format or None)."""
    if isinstance(value, Typed):
        return _cell_value(value.value, value.kind)
    text = masked_text(value)
    if text is not None:
        return text, None
    if value is None or _is_nan(value):
        return (MISSING, None) if kind in ("count", "share", "growth", "number", "year") else ("", None)
    if isinstance(value, bool):
        return yes_no(value), None
    if isinstance(value, numbers.Integral):
        return int(value), NUMBER_FORMATS.get(kind if kind != "text" else "count")
    if isinstance(value, numbers.Real):
        return float(value), NUMBER_FORMATS.get(kind if kind not in ("text", "count") else "number")
    if isinstance(value, dt.datetime):
        return value, NUMBER_FORMATS["date"]
    return str(value), None


def _set_text(cell, text: str) -> None:
    """Write `text` as text, never as a formula: openpyxl makes a formula of any text beginning with « = »,
    and spreadsheets read « +, -, @ » openings as formulas when a cell is edited. The cell is typed as
    a string and marked with a quote prefix (the apostrophe Excel and LibreOffice show), so a cohort
    labelled « =HYPERLINK(…) » stays a label in the workbook sent to funders."""
    cell.value = text
    cell.data_type = "s"
    if text[:1] in FORMULA_OPENINGS:
        cell.quotePrefix = True


def _write_sheet(wb, sheet: Sheet, brand: Brand = HOUSE) -> None:
    """One sheet: headers, rows (every text written as text, `_set_text`), notes, widths; headers in the
    network's colour with a brand."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    ws = wb.create_sheet(sheet.name)
    bold = Font(bold=True)
    # the house's pale teal, or a pale tint of the network's colour (dark text stays readable on it)
    fill = "E4F2F4" if brand.is_house else mixed(brand.primary, "#ffffff", 0.88)[1:].upper()
    header_fill = PatternFill("solid", fgColor=fill)
    rule = Side(style="thin", color="9AA5B1")
    note_font = Font(italic=True, color="52606D")
    for c, header in enumerate(sheet.headers, start=1):
        cell = ws.cell(1, c)
        _set_text(cell, str(header))
        cell.font, cell.fill, cell.border = bold, header_fill, Border(bottom=rule)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    body = [(row, False) for row in sheet.rows] + ([(sheet.total, True)] if sheet.total else [])
    r = 1
    for row, is_total in body:
        r += 1  # an empty row stays empty: it separates the blocks of « Sources »
        for c, value in enumerate(row, start=1):
            kind = sheet.kinds[c - 1] if c - 1 < len(sheet.kinds) else "text"
            if isinstance(value, Typed) and value.kind == "header":
                cell = ws.cell(r, c)
                _set_text(cell, str(value.value))
                cell.font, cell.fill, cell.border = bold, header_fill, Border(bottom=rule)
                continue
            written, number_format = _cell_value(value, kind)
            cell = ws.cell(r, c)
            if isinstance(written, str):
                _set_text(cell, written)
            else:
                cell.value = written
            if number_format:
                cell.number_format = number_format
            if isinstance(written, str) and kind in ("count", "share", "growth", "number"):
                cell.alignment = Alignment(horizontal="right")  # « secret », « n.d. » where a number would be
            elif isinstance(written, str):
                cell.alignment = Alignment(vertical="top", wrap_text=len(written) > 60)
            if is_total:
                cell.font, cell.border = bold, Border(top=rule)
    if sheet.notes:
        r += 2
        for note in sheet.notes:
            cell = ws.cell(r, 1)
            _set_text(cell, note)
            cell.font = note_font
            r += 1
    widths = sheet.widths or _widths(sheet)
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def _widths(sheet: Sheet) -> list[int]:
    """Column widths from the content (deterministic), between 10 and 60 characters."""
    widths = []
    for i, header in enumerate(sheet.headers):
        cells = [row[i] for row in sheet.rows + ([sheet.total] if sheet.total else []) if i < len(row)]
        texts = [str(c.value if isinstance(c, Typed) else c) for c in cells if isinstance(c, (str, Typed))]
        longest = max([len(header)] + [len(t) for t in texts] + [8])
        widths.append(max(10, min(60, longest + 2)))
    return widths


def _normalized_zip(data: bytes, when: dt.datetime) -> bytes:
    """The same zip with every entry dated `when` (zip stores local date and time, no zone)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def workbook_bytes(
    sheets: list[Sheet],
    *,
    data_date: dt.date | dt.datetime,
    title: str,
    subject: str = "",
    description: str = "",
    brand: Brand = HOUSE,
) -> bytes:
    """The XLSX file of `sheets`, dated `data_date` (document properties and zip entries); with a brand,
    in the network's colour and titled with its name."""
    try:
        from openpyxl import Workbook
        from openpyxl.writer.excel import ExcelWriter
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise ExportError("the workbook export needs openpyxl: `pip install openpyxl`") from exc
    when = _as_datetime(data_date)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for sheet in sheets:
        _write_sheet(wb, sheet, brand)
    props = wb.properties
    props.creator = props.lastModifiedBy = "tlanalysis"
    if brand.name:
        title = f"{brand.name} — {title}"
    props.title, props.subject, props.description = title, subject, description
    props.language = "fr-FR"
    props.created = props.modified = when
    buffer = io.BytesIO()
    # openpyxl's save_workbook would stamp the modification date with "now": write through ExcelWriter.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return _normalized_zip(buffer.getvalue(), when)


def key_figures_workbook(
    ctx,
    path: Path,
    *,
    data_date: dt.date | dt.datetime | None = None,
    cohort_table=None,
    jobs_by_region: dict | None = None,
) -> Path:
    """Write the key figures of the report `ctx` (a `ReportContext`) to the XLSX `path`, atomically.

    `data_date`: the date of the data (default `ctx.dataset.data_date`), shown on « Sources » and used as
    the document's created/modified date, so two runs on the same data give identical files.
    `cohort_table`, `jobs_by_region`: the protected tables when the figures are protected (see
    `workbook_sheets`). Returns `path`.
    """
    date = _as_datetime(ctx.dataset.data_date if data_date is None else data_date)
    sheets = [
        *workbook_sheets(ctx, cohort_table=cohort_table, jobs_by_region=jobs_by_region),
        sources_sheet(ctx, date.date()),
    ]
    example = f" ({EXAMPLE_DATA.lower()})" if ctx.dataset.is_example else ""
    data = workbook_bytes(
        sheets,
        data_date=date,
        title=f"{KEY_FIGURES_SHEET.sheet} — {ctx.territory} — {ctx.year}{example}",
        subject=f"Emploi dans les tiers-lieux et devenir des titulaires de la certification {CERTIFICATION}",
        description=(EXAMPLE_NOTE if ctx.dataset.is_example else "")
        + f" Rapport {ctx.slug}, données du {fmt_date(date.date())}.",
        brand=getattr(ctx, "brand", HOUSE),
    )
    return write_bytes_atomic(Path(path), data)


__all__ = [
    "EXAMPLE_NOTE",
    "NUMBER_FORMATS",
    "SECRET",
    "Sheet",
    "Typed",
    "Withheld",
    "key_figures_workbook",
    "masked_text",
    "provenance_rows",
    "sources_sheet",
    "workbook_bytes",
    "workbook_sheets",
]
