"""Empty input templates and the data-format documentation, generated from `schema.py`."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import UsageError
from ..load.mapping import MAPPING_FILE
from ..reference import regions
from ..schema import TABLES, ColumnSpec, TableSpec

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
        "A data folder holds the tables below (those marked optional may be left out), each as a file "
        "named like the table in English or French "
        "(`employment.csv`, `Emplois.xlsx`…) or as a sheet named like it in one workbook of any name "
        "(`employment`/`Emplois`, `holders`/`Titulaires`). Files may be `.csv` or `.txt` (`;`, `,` or tab "
        "separated; UTF-8, Windows-1252 or UTF-16 — Excel's « Texte Unicode »; Excel's `sep=;` first line "
        "and old Mac line ends are understood), `.xlsx`, `.xls` or `.ods` (the sheet named like the table, "
        "else the first). A title block above the header row is skipped. Headers may be the English names "
        "below or their French labels; values are matched without regard to case, accents, hyphens or "
        "apostrophes. Row numbers in error messages are spreadsheet rows (the header is row 1). Many "
        "identical problems are shown as one line with row ranges; `tlanalysis validate --json` lists each.",
        "",
        "Files in another layout are read through a mapping file: see "
        "[Reading any layout: tlanalysis.toml](#reading-any-layout-tlanalysistoml) below.",
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
    lines += mapping_markdown()
    return "\n".join(lines)


def write_templates(out_dir: Path, force: bool = False) -> list[Path]:
    """Write csv/NAME.csv and xlsx/NAME.xlsx for every table, LISEZMOI.md and a commented
    tlanalysis.toml; never overwrite silently."""
    targets = [out_dir / "csv" / f"{t}.csv" for t in TABLES] + [out_dir / "xlsx" / f"{t}.xlsx" for t in TABLES]
    targets += [out_dir / "LISEZMOI.md", out_dir / MAPPING_FILE]
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise UsageError(
            "template files already exist (use --force to overwrite): " + ", ".join(str(p) for p in existing)
        )
    for table in TABLES.values():
        _write_csv(out_dir / "csv" / f"{table.name}.csv", table)
        _write_xlsx(out_dir / "xlsx" / f"{table.name}.xlsx", table)
    (out_dir / "LISEZMOI.md").write_text(render_markdown(), encoding="utf-8")
    (out_dir / MAPPING_FILE).write_text(MAPPING_TEMPLATE, encoding="utf-8")
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


#: The commented mapping file `tlanalysis template` writes: every key, all commented out, so that
#: the file changes nothing until a line is uncommented.
MAPPING_TEMPLATE = """\
# tlanalysis.toml — how to read the files of this data folder when they are not in the template.
# Without this file (or with every line commented out, as here), tables are found by their names:
# employment.csv / Emplois.xlsx…, holders.csv / Titulaires.ods…, or sheets named so in one workbook.
# Uncomment and adapt what you need; `tlanalysis validate --data FOLDER` then checks the result.
# Another file can be given with `--mapping FILE` on every command that reads data.

# [employment]
# file = "enquete-2024.xlsx"      # a file of the folder: csv, txt, xlsx, xls, ods
# sheet = "Réponses"              # optional: the sheet of a workbook
# header_row = 3                  # optional: spreadsheet row of the header (default: found)
# layout = "wide"                 # "long" (default: one row per position or group) or "wide" (one row per place)
# year = 2024                     # the survey year as a constant; or give the column under [employment.columns]
#
# [employment.columns]            # input column of each field, as written in the file
# place = "Nom du tiers-lieu"
# departement = "Département"     # exactly one of: region, departement, commune
# # region = "Région"             # region names or INSEE region codes ("75", "04")
# # commune = "Code INSEE"        # 5-character INSEE commune codes ("33063", "2B050", "97416")
# # "long" layout only: contract = "Type de contrat", role = "Poste", count = "Nombre"
#
# [employment.contracts]          # "wide": job counts per contract; a place's jobs are their sum
# CDI = "Nb salariés CDI"
# CDD = "Nb salariés CDD"
# alternance = "Nb alternants"
# # autre = "Nb autres contrats"
#
# [employment.roles]              # "wide", optional: "of which" counts per role; the rest is « non précisée »
# facilitation = "Dont facilitation / coordination"
# animation = "Dont animation"
# # administration = "Dont administration", technique = "Dont technique", autre = "Dont autre fonction"
#
# [employment.join]               # optional: columns taken from a second file, matched on a key
# file = "bdftl-2023-01-fiche-identite.csv"
# on = "ID_UNIQUE"

# [holders]                       # same keys for holders (long layout only)
# file = "suivi.xlsx"
# [holders.columns]
# holder_id = "N° de dossier"
# cohort = "Promotion"
"""

_CENSUS_EXAMPLE = {
    "bdftl-2023-01-fiche-identite.csv": (
        "ID_UNIQUE;NOM_TL;Insee;REGION_TL;DEPARTEMENT_TL\n"
        "TL001;La Fabrique;33063;Nouvelle-Aquitaine;Gironde\n"
        "TL002;Le Hangar;2B050;Corse;Haute-Corse\n"
        "TL003;Case Numérique;97416;La Réunion;La Réunion\n"
    ),
    "bdftl-2023-02-emplois.csv": (
        "ID_UNIQUE;NB_CDI;NB_CDD;NB_ALTERNANTS;DONT_FACILITATION;DONT_ANIMATION\n"
        "TL001;3;1;;2;1\n"
        "TL002;0;2;1;1;\n"
        "TL003;1;0;0;;\n"
    ),
    "tlanalysis.toml": (
        "[employment]\n"
        'file = "bdftl-2023-02-emplois.csv"\n'
        'layout = "wide"\n'
        "year = 2023\n"
        "[employment.columns]\n"
        'place = "NOM_TL"\n'
        'commune = "Insee"             # or: departement = "DEPARTEMENT_TL", or: region = "REGION_TL"\n'
        "[employment.contracts]\n"
        'CDI = "NB_CDI"\n'
        'CDD = "NB_CDD"\n'
        'alternance = "NB_ALTERNANTS"\n'
        "[employment.roles]\n"
        'facilitation = "DONT_FACILITATION"\n'
        'animation = "DONT_ANIMATION"\n'
        "[employment.join]\n"
        'file = "bdftl-2023-01-fiche-identite.csv"\n'
        'on = "ID_UNIQUE"\n'
    ),
}


def census_example() -> dict[str, str]:
    """The worked example of docs/data-format.md (file name -> text); the tests read it through the CLI."""
    return dict(_CENSUS_EXAMPLE)


def mapping_markdown() -> list[str]:
    """The mapping section of docs/data-format.md."""
    fence = "```"
    lines = [
        "## Reading any layout: `tlanalysis.toml`",
        "",
        "A data folder may hold a `tlanalysis.toml` file (or any command that reads data may be given "
        "`--mapping FILE`) saying how to read its files. Without it, tables and columns are found by their "
        "names as above; a table or field the mapping leaves out is still found that way. "
        "`tlanalysis template DIR` writes a commented `tlanalysis.toml` with every key. One section per table "
        "(`[employment]`, `[holders]`), each with these keys, all optional:",
        "",
        "| key | meaning |",
        "|---|---|",
        "| `file` | a file of the data folder: csv, txt, xlsx, xls, ods |",
        "| `sheet` | the sheet of a workbook (default: the one named like the table, else the first) |",
        "| `header_row` | spreadsheet row of the header (default: the first row naming two known columns) |",
        '| `layout` | `"long"` (default): one row per position or group of positions; `"wide"`: one row per '
        "place (employment only) |",
        "| `year` | the survey year as a constant (`year = 2024`), when it is not a column |",
        '| `[T.columns]` | `field = "input column as written"`; fields are those of the tables above, with '
        "`place` for `tiers_lieu`, and the location as exactly one of `region`, `departement`, `commune` |",
        '| `[T.contracts]` | wide layout: job counts per contract (`CDI = "Nb salariés CDI"`); a place\'s '
        "jobs are their sum; a blank cell is 0 |",
        '| `[T.roles]` | wide layout, optional: « dont » counts per role (`facilitation = "Dont facilitation"`) |',
        "| `[T.join]` | `file` and `on`: the columns the mapping names that are not in `file` are taken from "
        "this second file, from its row with the same value in column `on` |",
        "",
        "**Locations.** `region` takes region names or INSEE region codes; `departement` takes département "
        'names or codes (`"33"`, `"2A"`, `"974"`, `"Gironde"`, `"33 - Gironde"`); `commune` takes 5-character '
        'INSEE commune codes (`"33063"`, `"2B050"`, `"97416"`), whose first two characters (three for '
        "overseas, 97x) are the département. Each is brought back to its region through the 101 départements "
        "of `data/reference/departements.csv` (INSEE COG 2024). Two-character region and département codes "
        'overlap (`"11"`, `"75"`, `"93"`…), so the mapping says which one a column holds; in a region '
        "column, a value that is a département and not a region gets a hint.",
        "",
        "**Wide layout and « Fonction non précisée ».** A one-row-per-place survey gives jobs per contract and, "
        "separately, how many of them have each role; it does not give the contract × role split, and none is "
        "invented. Jobs the role counts leave out have the role `non_precise` (« Fonction non précisée » in "
        "reports). A place whose role counts exceed its jobs is an error naming the file, the row and the "
        "columns. In the tidy employment table each place becomes one row per contract with jobs (role "
        "`non_precise`, count = its jobs), then for each role given a pair of rows (C, role, +n) and "
        "(C, `non_precise`, −n), where C is the place's first contract with jobs: each pair adds nothing to "
        "any contract or to the total, so jobs by contract, by role and in total are exactly the survey's. "
        "The contract of a pair means nothing: only the margins of a wide survey are meaningful (and only "
        "margins are published). A place without a `place` column is named after its row (« ligne 5 »).",
        "",
        "**Errors** name the input file, its row and the input column as written; a column from a joined "
        "file is reported in that file, at its row. A mistake in the mapping file names the file and the key.",
        "",
        "### Worked example: a census in two `;` files joined on `ID_UNIQUE`",
        "",
        "The national census keeps the identity of places and their staff in separate files; the identity "
        "file gives the `Insee` commune code and the `REGION_TL`/`DEPARTEMENT_TL` names:",
        "",
    ]
    for name, text in _CENSUS_EXAMPLE.items():
        lang = "toml" if name.endswith(".toml") else "text"
        lines += [f"`{name}`:", "", fence + lang, text.rstrip("\n"), fence, ""]
    lines += [
        "With a holders table beside them, `tlanalysis indicators --year 2023 --region France --data FOLDER` "
        "counts 8 jobs: CDI 4, CDD 3, alternance 1; facilitation 3, animation 1 and 4 « non précisée » "
        "(1 at La Fabrique, 2 at Le Hangar, 1 at Case Numérique); 4 jobs in Nouvelle-Aquitaine (75, from "
        "commune 33063, Gironde), 3 in Corse (94, from 2B050) and 1 in La Réunion (04, from 97416).",
        "",
    ]
    return lines
