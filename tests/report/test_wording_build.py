"""The wording of real built reports (`tlanalysis build`, real papermill and nbconvert): territories said
as French says them, and a workbook that labels its figures as its page does."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.report.formatting import plain_spaces

from support.build import build

YEAR = 2023
PAGES = {
    "04": "04-la-reunion",
    "32": "32-hauts-de-france",
    "France": "france",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The bundled data with Bretagne's rows moved to the Hauts-de-France, built for 2023 with
    workbooks: La Réunion, the Hauts-de-France and France, each with its certification report."""
    data = tmp_path_factory.mktemp("hauts-de-france-data")
    for name in ("employment.csv", "holders.csv", "assessments.csv"):
        frame = pd.read_csv(SAMPLE_DATA_DIR / name, dtype=str, keep_default_na=False)
        frame["region"] = frame["region"].replace({"53": "32"})
        frame.to_csv(data / name, index=False)
    out = tmp_path_factory.mktemp("wording-site") / "reports"
    regions = [arg for code in PAGES for arg in ("--region", code)]
    build(out, "--year", YEAR, *regions, "--formats", "xlsx", notebook=None, data=data)
    return out / str(YEAR)


def _text(markup: str) -> str:
    """A page's text as a reader sees it: tags out, entities decoded, spaces plain and single."""
    markup = re.sub(r"<style.*?</style>|<script.*?</script>", " ", markup, flags=re.S)
    return " ".join(plain_spaces(html.unescape(re.sub(r"<[^>]+>", " ", markup))).split())


def _page(site, name: str) -> str:
    return (site / f"{name}.html").read_text(encoding="utf-8")


# --- territories --------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("code", "place", "wrong"),
    [("04", "à La Réunion", "en La Réunion"), ("32", "dans les Hauts-de-France", "en Hauts-de-France")],
)
def test_the_reports_say_the_territory_as_french_does(site, code, place, wrong):
    """« à La Réunion », « dans les Hauts-de-France »: in the certification report (its title, its
    captions, its workbook) as in the annual one, never « en La Réunion »."""
    certification = _text(_page(site, f"certification-{PAGES[code]}"))
    annual = _text(_page(site, PAGES[code]))
    assert f"Certification et insertion {place} — {YEAR}" in certification
    assert f"Certifiés et taux d'insertion par année d'obtention de la certification, {place}" in certification
    assert f"Emploi et certification {place} — {YEAR}" in annual
    for text in (certification, annual):
        assert wrong not in text
    for name in (f"certification-{PAGES[code]}", PAGES[code]):
        rows = {r[0]: r[1] for r in load_workbook(site / f"{name}.xlsx")["Sources"].iter_rows(values_only=True) if r}
        assert place in rows["Rapport"] and wrong not in rows["Rapport"], name


# --- a workbook labels what its page labels -----------------------------------------------------------

TABLE = re.compile(r'<table class="tl-table">(.*?)</table>', re.S)
CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.S)


def _cells(markup: str) -> list[str]:
    return [_text(c) for c in CELL.findall(markup)]


def page_tables(markup: str) -> dict[str, dict]:
    """Each table of a page by its caption (the qualifier after the comma dropped): its headers, the
    label of each row (first cell) and of its total row."""
    tables = {}
    for body in TABLE.findall(markup):
        caption = re.search(r"<caption>(.*?)</caption>", body, re.S)
        head = re.search(r"<thead>(.*?)</thead>", body, re.S)
        rows = re.findall(r"<tr>(.*?)</tr>", re.search(r"<tbody>(.*?)</tbody>", body, re.S).group(1), re.S)
        foot = re.search(r"<tfoot>(.*?)</tfoot>", body, re.S)
        key = _text(caption.group(1)).split(", ")[0] if caption else ""
        tables[key] = {
            "headers": _cells(head.group(1)),
            "rows": [_cells(r)[0] for r in rows],
            "total": _cells(foot.group(1))[0] if foot else None,
        }
    return tables


def workbook_sheets(path) -> dict[str, dict]:
    """Each sheet's headers, row labels (first column, down to the first empty row) and total label."""
    sheets = {}
    for sheet in load_workbook(path).worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        headers = [str(h) for h in rows[0] if h is not None]
        body = []
        for row in rows[1:]:
            if row[0] is None:
                break
            body.append(plain_spaces(str(row[0])))
        total = body.pop() if body and body[-1] == "Total" else None
        sheets[sheet.title] = {"headers": headers, "rows": body, "total": total}
    return sheets


def card_labels(markup: str) -> list[str]:
    return [_text(label) for label in re.findall(r'<span class="tl-label">(.*?)(?:<sup|</span>)', markup, re.S)]


#: Workbook sheet → the caption of the page's table it repeats.
ANNUAL = {
    "Contrats": "Emplois par contrat",
    "Fonctions": "Emplois par fonction",
    "Évolution": "Emplois recensés par année d'enquête",
    "Régions": "Emplois par région",
    "Situations": "Situation actuelle des titulaires",
    "Promotions": "Titulaires par promotion et situation actuelle",
    "Trajectoires": "Parcours entre l'entrée en formation et aujourd'hui",
}
CERTIFICATION = {
    "Années de certification": "Certifiés et taux d'insertion par année d'obtention de la certification",
    "Promotions": "Résultats du jury par promotion",
}


def _same_labels(sheet: dict, table: dict, name: str) -> None:
    extra = [h for h in sheet["headers"] if h not in table["headers"]]
    assert [h for h in sheet["headers"] if h not in extra] == table["headers"], name
    assert extra in ([], ["Code INSEE"]), name  # the workbook may add a column, never rename one
    assert sheet["rows"] == table["rows"], name
    assert sheet["total"] == table["total"], name


@pytest.mark.slow
def test_a_workbook_labels_its_figures_as_its_page_does(site):
    """The national report of one build, page and workbook: every sheet that repeats a table has its
    headers and row labels; the key figures are named as the cards name them."""
    markup = _page(site, "france")
    tables, sheets = page_tables(markup), workbook_sheets(site / "france.xlsx")
    assert set(ANNUAL) <= set(sheets)
    for sheet, caption in ANNUAL.items():
        _same_labels(sheets[sheet], tables[caption], sheet)

    key_figures = set(sheets["Chiffres clés"]["rows"])
    cards = card_labels(markup)
    assert {"emplois recensés en 2023", "emplois en CDI", "emplois en CDD"} <= set(cards)
    for card in cards:
        named = {card[:1].upper() + card[1:], f"Part des titulaires {card}"} & key_figures
        if card.startswith(("emplois", "aujourd'hui", "sur un autre", "en recherche")):
            assert named, card
    for label in tables["Parcours entre l'entrée en formation et aujourd'hui"]["rows"]:
        assert f"Part : {label}" in key_figures

    markup = _page(site, "certification-france")
    tables, sheets = page_tables(markup), workbook_sheets(site / "certification-france.xlsx")
    for sheet, caption in CERTIFICATION.items():
        _same_labels(sheets[sheet], tables[caption], sheet)
