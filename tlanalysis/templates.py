"""Empty input templates and the data-format documentation, generated from `schema.py`."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .errors import UsageError
from .reference import regions
from .schema import TABLES, ColumnSpec, TableSpec

_KIND_FR = {
    "integer": "nombre entier",
    "count": "nombre entier ≥ 0 (1 par défaut)",
    "text": "texte",
    "region": "région (nom ou code INSEE)",
    "category": "liste de valeurs",
    "boolean": "oui / non",
}


def allowed_values_text(spec: ColumnSpec) -> str:
    if spec.kind == "region":
        return "; ".join(f"{r.code} {r.name}" for r in regions().itertuples())
    if spec.categories:
        return "; ".join(f"{c.value} ({c.label})" for c in spec.categories)
    return ""


def render_markdown() -> str:
    """docs/data-format.md: the input contract, for people."""
    lines = [
        "# Input data format",
        "",
        "Generated from `tlanalysis/schema.py` by `tlanalysis template DIR --docs docs/data-format.md`; "
        "do not edit by hand.",
        "",
        "A data folder holds two tables, each as `NAME.csv` (`,` or `;` separated, UTF-8 or Windows-1252) "
        "or `NAME.xlsx` (first sheet, or a sheet named like the table). Headers may be the English names "
        "below or their French labels; values are matched without regard to case, accents, hyphens or "
        "apostrophes. Row numbers in error messages are spreadsheet rows (the header is row 1).",
        "",
    ]
    for table in TABLES.values():
        lines += [
            f"## `{table.name}` ({table.label})",
            "",
            table.description,
            "",
            "| column | French header | required | type | description | allowed values |",
            "|---|---|---|---|---|---|",
        ]
        for c in table.columns:
            lines.append(
                f"| `{c.name}` | {c.label} | {'yes' if c.required else 'no'} | {_KIND_FR[c.kind]} | "
                f"{c.description} | "
                f"{allowed_values_text(c) if c.kind != 'region' else 'see data/reference/regions.csv'} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_templates(out_dir: Path, force: bool = False) -> list[Path]:
    """Write csv/NAME.csv and xlsx/NAME.xlsx for every table, plus LISEZMOI.md; never overwrite silently."""
    targets = [out_dir / "csv" / f"{t}.csv" for t in TABLES] + [out_dir / "xlsx" / f"{t}.xlsx" for t in TABLES]
    targets.append(out_dir / "LISEZMOI.md")
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise UsageError(
            "template files already exist (use --force to overwrite): " + ", ".join(str(p) for p in existing)
        )
    for table in TABLES.values():
        _write_csv(out_dir / "csv" / f"{table.name}.csv", table)
        _write_xlsx(out_dir / "xlsx" / f"{table.name}.xlsx", table)
    (out_dir / "LISEZMOI.md").write_text(render_markdown(), encoding="utf-8")
    return targets


def _write_csv(path: Path, table: TableSpec) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel then reads accents right
        csv.writer(handle, delimiter=";", lineterminator="\r\n").writerow([c.name for c in table.columns])


def _write_xlsx(path: Path, table: TableSpec) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.title = table.name
    sheet.append([c.name for c in table.columns])
    for index, spec in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(spec.name) + 4)
        if spec.kind in ("region", "text"):
            for row in range(2, 1001):  # text cells keep leading zeros ("04")
                sheet.cell(row=row, column=index).number_format = "@"
        if spec.categories:
            rule = DataValidation(
                type="list",
                formula1='"' + ",".join(spec.allowed_values) + '"',
                allow_blank=not spec.required,
                showErrorMessage=False,
            )
            rule.add(f"{letter}2:{letter}1000")
            sheet.add_data_validation(rule)
    help_sheet = book.create_sheet("valeurs_autorisees")
    help_sheet.append(["colonne", "intitulé", "obligatoire", "type", "description", "valeurs autorisées"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for spec in table.columns:
        help_sheet.append(
            [
                spec.name,
                spec.label,
                "oui" if spec.required else "non",
                _KIND_FR[spec.kind],
                spec.description,
                allowed_values_text(spec),
            ]
        )
    book.save(path)
