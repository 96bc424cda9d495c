"""The certification report: its disclosure control against an independent attacker, and the built
pages (`tlanalysis build`, real papermill and nbconvert) opened in headless Chromium."""

from __future__ import annotations

import html
import json
import re

import nbformat
import numpy as np
import pytest
from openpyxl import load_workbook

from tlanalysis.compute.certification import blocs, competency_blocs
from tlanalysis.config import SAMPLE_DATA_DIR
from tlanalysis.protect.annual import protect
from tlanalysis.protect.certification import CertificationProtection
from tlanalysis.protect.masked import SECONDARY, SMALL_COUNT, Masked, is_masked
from tlanalysis.reference import FRANCE, find_region
from tlanalysis.report.formatting import plain_spaces
from tlanalysis.validate.dataset import load_dataset

from support.browser import assert_page_ok, open_page
from support.build import build
from support.certification_attacker import ROUTES, Attacker, K, _rate_numerator, promotion_attack


@pytest.fixture(scope="module")
def sample_protection():
    dataset = load_dataset()
    # as the reports have it: beside the annual reports' protection (tests/protect/test_certification_annual.py)
    return dataset, CertificationProtection(dataset.holders, dataset.assessments, K, annual=protect(dataset, K))


def test_no_masked_count_of_the_year_tables_can_be_pinned(sample_protection):
    dataset, protection = sample_protection
    regions = [find_region(c) for c in sorted(dataset.holders["region_code"].astype(str).unique())]
    attacker, masked = promotion_attack(protection, 2021, [FRANCE, *regions])
    assert len(masked) > 20  # small counts and complements: there is something to attack
    reasons = {
        r.reason for row in protection.promotions(2021) for r in row["certified_by_route"].values() if is_masked(r)
    }
    assert SMALL_COUNT in reasons
    for name in masked:
        low, high = attacker.range_of(name)
        assert high - low >= 1, f"{name} is pinned to {low} by the published figures"
    assert protection.audit() == []


def test_the_attacker_pins_what_primary_suppression_alone_leaves(sample_protection):
    """Without complements, NA 2018 (64 certified, 64 by training) gives away VAE = 0: the attacker sees it."""
    _, protection = sample_protection
    row = next(r for r in protection.promotions(2019, find_region("75")) if r["certification_year"] == 2018)
    attacker = Attacker()
    exact = {"formation": 64, "vae": Masked(SMALL_COUNT), "candidat_libre": Masked(SMALL_COUNT)}
    attacker.published("certified", 64)
    for route, value in exact.items():
        attacker.published(route, value)
    attacker.rel({"certified": 1, **dict.fromkeys(ROUTES, -1)}, 0, 0)
    assert attacker.range_of("vae") == (0, 0)
    # what the library does instead: a complement in that row (or France's total of the year, with the
    # other regions' counts of the year in its place)
    shown = [row["certified"], row["certified_by_route"]["formation"]]
    assert any(is_masked(v) and v.reason == SECONDARY for v in shown), shown


def test_no_masked_count_of_the_cohort_tables_can_be_pinned(sample_protection):
    _, protection = sample_protection
    cohorts = protection.cohort_results(2020)
    assert cohorts and any(is_masked(c["partial"]) for c in cohorts)
    codes = list(competency_blocs())
    for c in cohorts:
        attacker, masked = Attacker(), []
        for name in ("presented", "certified", "partial"):
            attacker.published(name, c[name])
            masked += [name] if is_masked(c[name]) else []
        counts = {f"bloc_{b}": c["blocs"][b] for b in blocs()} | {f"comp_{x}": c["competencies"][x] for x in codes}
        for name, rate in counts.items():
            attacker.var(name)
            if is_masked(rate):
                masked.append(name)
            _rate_numerator(attacker, name, rate, c["presented"], "presented")
        attacker.rel({"certified": 1, "partial": 1, "presented": -1}, -np.inf, 0)
        for b in blocs():
            attacker.le("certified", f"bloc_{b}")
            attacker.rel({f"bloc_{b}": 1, "certified": -1, "partial": -1}, -np.inf, 0)
            for x in codes:
                if competency_blocs()[x] == b:
                    attacker.le(f"bloc_{b}", f"comp_{x}")
                    attacker.le(f"comp_{x}", "presented")
        attacker.rel({**{f"bloc_{b}": 1 for b in blocs()}, "certified": -3, "partial": -1}, 0, np.inf)
        for name in masked:
            low, high = attacker.range_of(name)
            assert high - low >= 1, f"{c['cohort']} {name} is pinned to {low}"


def test_no_masking_with_k_1(sample_protection):
    dataset, _ = sample_protection
    open_protection = CertificationProtection(dataset.holders, dataset.assessments, 1)
    rows = open_protection.promotions(2019)
    assert all(not is_masked(v) for r in rows for v in r["certified_by_route"].values())
    assert rows[0]["certified_by_route"]["vae"] == 2


def _table_counts(html_text: str) -> list[str]:
    """The cells of the report's tables (text)."""
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html_text, re.S)
    return [re.sub(r"<[^>]+>", "", c).replace("\u202f", "").replace("\u00a0", " ").strip() for c in cells]


def test_certification_pages_in_chromium(browser, real_site):
    pages = {p.name for p in (real_site / "2019").glob("certification-*.html")}
    assert pages == {"certification-75-nouvelle-aquitaine.html", "certification-france.html"}
    for name in sorted(pages):
        page = real_site / "2019" / name
        report = open_page(browser, page)
        assert_page_ok(report, min_charts=3)
        assert "Données d'exemple fictives" in report.text
        assert "Certification et insertion" in report.text and "< 5" in report.text
        for cell in _table_counts(page.read_text(encoding="utf-8")):
            if re.fullmatch(r"\d+", cell):  # a count shown as a number is never a small count
                assert int(cell) >= K or int(cell) >= 1990, cell
    region = open_page(browser, real_site / "2019" / "certification-75-nouvelle-aquitaine.html")
    # NA 2016 promotion: 27 certified, 6-month insertion 13/19 = 68,4 %, in the target job 9/19 = 47,4 %
    for figure in ("Année d'obtention de la certification", "68,4 %", "47,4 %", "Taux de réussite", "89,3 %"):
        assert figure in region.text, figure
    figures = json.loads((real_site / "2019" / "certification-france.json").read_text(encoding="utf-8"))
    assert figures["kind"] == "certification" and figures["min_count"] == K
    first = figures["figures"]["promotions"]["2016"]
    assert (first["certification_year"], first["certified"], first["certified_vae"]) == (2016, 27, "< 5")
    index = open_page(browser, real_site / "index.html", wait_for_charts=False)
    assert "Suivi de la certification" in index.text
    certification_links = sorted(link.rsplit("/", 1)[-1] for link in index.links if "certification-" in link)
    # each report with the other files built, as the annual reports are listed
    assert certification_links == [
        "certification-75-nouvelle-aquitaine.html",
        "certification-75-nouvelle-aquitaine.json",
        "certification-france.html",
        "certification-france.json",
    ]


# --- the target jobs of the certification reports, through the real build ------------------------

TWO_JOBS = "facilitation,autre_coordination"
NA = "2019/certification-75-nouvelle-aquitaine"


def _built(out, *args):
    return build(out, "--year", 2019, "--region", "75", "--formats", "xlsx", *args, notebook=None, data=SAMPLE_DATA_DIR)


def _page_text(path) -> str:
    """The page's text, tags out, spaces plain and single."""
    text = plain_spaces(html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))))
    return " ".join(text.split())


@pytest.fixture(scope="module")
def target_job_builds(tmp_path_factory):
    """The same output folder built with the default target job, then with two (a new series of releases):
    the JSON, workbook and page of each build (read before the next one), and what each build said."""
    out = tmp_path_factory.mktemp("target-jobs") / "reports"
    kept = {}
    # other target jobs are other definitions: a new series of releases (refused within one, see test_build_releases)
    for name, args in (("default", ()), ("two", ("--target-job", TWO_JOBS, "--new-series"))):
        result = _built(out, *args)
        kept[name] = {
            "stdout": result.stdout,
            "json": json.loads((out / f"{NA}.json").read_text(encoding="utf-8")),
            "page": _page_text(out / f"{NA}.html"),
            "sources": {r[0]: r[1:] for r in load_workbook(out / f"{NA}.xlsx")["Sources"].iter_rows(values_only=True)},
            "parameters": nbformat.read(out / f"{NA}.ipynb", as_version=4).metadata.papermill.parameters,
        }
    kept["again"] = _built(out, "--target-job", "autre_coordination,facilitation").stdout
    return kept


@pytest.mark.slow
def test_target_jobs_change_the_figures_where_the_data_differ(target_job_builds):
    default, two = target_job_builds["default"], target_job_builds["two"]
    assert default["json"]["target_jobs"] == ["facilitation"]
    assert two["json"]["target_jobs"] == ["facilitation", "autre_coordination"]
    assert default["parameters"]["target_jobs"] == ["facilitation"]
    assert two["parameters"]["target_jobs"] == ["facilitation", "autre_coordination"]
    first, wider = default["json"]["figures"]["promotions"]["2016"], two["json"]["figures"]["promotions"]["2016"]
    # NA 2016, 19 in the 6-month base: 9 facilitators, 3 more in another coordination job
    assert (first["target_job_6m"], wider["target_job_6m"]) == (9, 12)
    assert first["insertion_target_job_6m"] == pytest.approx(9 / 19) and wider["insertion_target_job_6m"] == 12 / 19
    assert first["insertion_global_6m"] == wider["insertion_global_6m"] == 13 / 19  # not a target-job figure
    assert first["certified"] == wider["certified"] == 27
    assert "47,4 %" in default["page"] and "63,2 %" in two["page"] and "63,2 %" not in default["page"]
    one = "« En poste de facilitateur·rice »"
    both = "« En poste de facilitateur·rice » et « Autre poste de chargé·e de projet / coordinateur·rice »"
    for name, jobs in (("default", one), ("two", both)):
        page = target_job_builds[name]["page"]
        assert f"Métier visé {jobs} Dossier de données" in page, name  # the title block
        assert f"dans le métier visé : {jobs}) ÷ base" in page and f"Métier visé : {jobs}." in page, name
    assert two["sources"]["Métier visé"][0] == both
    assert default["sources"]["Métier visé"][0] == "« En poste de facilitateur·rice »"
    assert two["sources"]["Secret statistique"][0].startswith("k = 5 : ")


@pytest.mark.slow
def test_changing_the_target_jobs_rebuilds_only_the_certification_reports(target_job_builds):
    assert "2 built, 0 up to date" in target_job_builds["default"]["stdout"]
    rebuilt = target_job_builds["two"]["stdout"]
    assert "1 built, 1 up to date" in rebuilt  # the annual report does not use them
    assert "built   2019 Nouvelle-Aquitaine (certification)" in rebuilt
    assert "0 built, 2 up to date" in target_job_builds["again"]  # the same jobs, asked in another order
