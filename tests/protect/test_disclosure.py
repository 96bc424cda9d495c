"""Statistical disclosure control (tlanalysis.protect.annual).

Unit tests of each rule, and an ATTACKER written independently of the implementation
(`support.exact_attacker`): it reads every number the protected reports show, writes each as a
linear equation over the unknowns, and checks that no masked figure is a linear combination of shown
ones, none is pinned by the labels, non-negativity and the additive relations of the reports, no
figure is shown in one place and masked in another, no count of fewer than k holders is shown (a
count of nothing excepted), and every share shown has a shown numerator and base.
"""

from __future__ import annotations

import copy
import json
import pickle

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlanalysis import load_dataset
from tlanalysis.compute.indicators import ROLES, SITUATIONS
from tlanalysis.errors import UsageError
from tlanalysis.protect.annual import Protection, protect
from tlanalysis.protect.masked import Masked, is_masked, masked_label, plottable
from tlanalysis.reference import FRANCE

from support.exact_attacker import Attacker, attack
from support.frames import (
    BRE,
    NA,
    OCC,
    dataset,
    employment_of,
    holder_rows,
    holders_of,
    job_rows,
    jobs_for,
    people,
)


def test_the_attacker_finds_a_leak_when_there_is_one():
    """Without secondary suppression, n minus the shown situations gives the masked one back."""
    employment = employment_of(jobs_for("75"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(3, 2017, "75", situation="autre", created=False)
        + [(2017, "75", "actif", s, True, False) for s in SITUATIONS if s not in ("facilitation", "autre")] * 6
    )
    protection = Protection(employment, holders, 5)
    attacker = Attacker(employment, holders, protection)
    leaky = dict(attacker.cells["holders"].items())
    for cell in leaky.values():  # show every complement
        if "secret" in cell["labels"]:
            cell["labels"], cell["shown"] = set(), {cell["truth"]}
    assert attacker.linearly_determined("holders")


def test_the_attacker_finds_masked_parts_adding_up_to_zero():
    """20 + 9 of 29 holders shown: the four masked situations add up to 0, so they are all 0."""
    employment = employment_of(jobs_for("75"))
    holders = holders_of(people(20, 2017, "75") + people(9, 2017, "75", situation="recherche_emploi", created=False))
    protection = Protection(employment, holders, 5)
    counts = protection.figures(2019, NA)["holders"]["situation_counts"]
    assert is_masked(counts["recherche_emploi"]) or is_masked(counts["facilitation"])  # the library's complement
    attacker = Attacker(employment, holders, protection)
    assert attacker.pinned("holders", labels=False) == []
    for cell in attacker.cells["holders"].values():  # without the complements
        if "secret" in cell["labels"]:
            cell["labels"], cell["shown"] = set(), {cell["truth"]}
    assert "Nouvelle-Aquitaine 2019 situation autre = 0" in attacker.pinned("holders", labels=False)


# --- Masked values -----------------------------------------------------------------------------------


def test_masked_values_are_their_label_and_cannot_be_summed():
    small, secondary, rule = Masked("small_count", 5), Masked("secondary", 5), Masked("business_rule", 5)
    assert (str(small), str(secondary), str(rule)) == ("< 5", "secret", "secret")
    assert str(Masked("small_count", 11)) == "< 11"
    assert str(Masked("small_count", 5, share=True)) == "secret"
    assert small.reason == "small_count" and small.min_count == 5 and not small.share
    assert is_masked(small) and not is_masked(3) and not is_masked("< 5")
    assert masked_label(small) == "< 5" and masked_label(small, 11) == "< 11" and masked_label(rule, 3) == "secret"
    with pytest.raises(TypeError):
        masked_label(3)
    with pytest.raises(TypeError):
        sum([1, small])
    with pytest.raises(AttributeError):
        small.reason = "secondary"
    with pytest.raises(ValueError):
        Masked("because")
    assert json.dumps({"n": small}) == '{"n": "< 5"}'
    for clone in (pickle.loads(pickle.dumps(small)), copy.deepcopy(small)):
        assert is_masked(clone) and clone.reason == "small_count" and str(clone) == "< 5"
    assert plottable({"a": 3, "b": small, "c": 0}) == {"a": 3, "c": 0}


# --- primary suppression --------------------------------------------------------------------------------


def _two_regions() -> tuple[pd.DataFrame, pd.DataFrame]:
    employment = employment_of(jobs_for("75") + jobs_for("76"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(9, 2017, "75", situation="recherche_emploi", created=False)
        + people(3, 2017, "75", situation="autre", created=False)
        + people(12, 2017, "76")
        + people(8, 2017, "76", situation="recherche_emploi", created=False)
        + people(6, 2017, "76", situation="autre", created=False)
        + people(2, 2017, "76", situation="inconnu", created=False)
        + people(2, 2017, "76", situation="autre_emploi", status="demandeur_emploi")
    )
    return employment, holders


def test_a_count_below_k_is_shown_as_less_than_k():
    employment, holders = _two_regions()
    f = Protection(employment, holders, 5).figures(2019, NA)
    value = f["holders"]["situation_counts"]["autre"]
    assert is_masked(value) and value.reason == "small_count" and str(value) == "< 5"
    assert f["holders"]["n"] == 32 and f["holders"]["situation_counts"]["facilitation"] == 20
    k11 = Protection(employment, holders, 11).figures(2019, NA)["holders"]["situation_counts"]
    assert str(k11["recherche_emploi"]) == "< 11"
    attack(employment, holders)


def test_a_share_with_a_small_numerator_is_masked_and_a_zero_count_too():
    employment, holders = _two_regions()
    f = Protection(employment, holders, 5).figures(2019, NA)["holders"]
    assert is_masked(f["situation_shares"]["autre"]) and f["situation_shares"]["autre"].share
    assert is_masked(f["situation_counts"]["inconnu"])  # 0 is below k too
    assert f["situation_shares"]["facilitation"] == pytest.approx(20 / 32)


def test_a_small_base_masks_every_share():
    employment = employment_of(jobs_for("75"))
    holders = holders_of(people(3, 2017, "75"))
    f = Protection(employment, holders, 5).figures(2019, NA)["holders"]
    assert is_masked(f["n"]) and str(f["n"]) == "< 5"
    assert all(is_masked(v) for v in f["situation_shares"].values())
    assert all(is_masked(v) for v in f["trajectory_shares"].values())
    assert f["cohorts"] == 1  # the number of cohorts is not a count of people
    attack(employment, holders)


def test_a_count_of_nothing_at_all_is_public():
    employment = employment_of(jobs_for("75", years=(2016, 2019)))
    holders = holders_of(people(30, 2017, "75"))
    f = Protection(employment, holders, 5).figures(2016, NA)["holders"]
    assert f["n"] == 0 and f["situation_counts"]["facilitation"] == 0 and f["situation_shares"]["facilitation"] is None


# --- secondary suppression ------------------------------------------------------------------------------


def test_one_masked_part_of_a_shown_total_gets_a_complement():
    employment = employment_of(jobs_for("75"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(9, 2017, "75", situation="recherche_emploi", created=False)
        + people(6, 2017, "75", situation="autre_emploi", created=False)
        + people(3, 2017, "75", situation="autre", created=False)
        + people(7, 2017, "75", situation="inconnu", created=False)
        + people(8, 2017, "75", situation="autre_coordination")
    )
    p = Protection(employment, holders, 5)
    f = p.figures(2019, NA)["holders"]
    counts = f["situation_counts"]
    assert f["n"] == 53
    masked = {s for s, v in counts.items() if is_masked(v)}
    assert {"autre"} < masked, "3 is masked, and n minus the other situations must not give it back"
    assert any(counts[s].reason == "secondary" for s in masked)
    assert counts["facilitation"] == 20, "the complement is a cheap cell, not a headline one"
    attack(employment, holders)


def test_france_minus_the_other_regions_does_not_give_a_masked_regional_cell():
    employment, holders = _two_regions()
    p = Protection(employment, holders, 5)
    na = p.figures(2019, NA)["holders"]["situation_counts"]
    occ = p.figures(2019, OCC)["holders"]["situation_counts"]
    fr = p.figures(2019, FRANCE)["holders"]["situation_counts"]
    assert is_masked(na["autre"]) and not is_masked(occ["autre"])  # 3 and 6
    assert is_masked(fr["autre"]), "France (9) minus Occitanie (6) would give Nouvelle-Aquitaine's 3"
    attack(employment, holders)


def test_next_year_minus_this_year_does_not_give_a_masked_cohort_cell():
    # Report 2018 covers the 2016 cohort, report 2019 the 2016 and 2017 cohorts: their difference is the
    # 2017 cohort, whose « autre » cell is 2.
    employment = employment_of(jobs_for("75", years=(2018, 2019)))
    holders = holders_of(
        people(15, 2016, "75")
        + people(10, 2016, "75", situation="autre", created=False)
        + people(12, 2017, "75")
        + people(2, 2017, "75", situation="autre", created=False)
        + people(8, 2017, "75", situation="recherche_emploi", created=False)
    )
    p = Protection(employment, holders, 5)
    assert is_masked(p.situation_by_cohort(2019, NA).loc[(2017, "P2017-75"), "autre"])
    autre_2018 = p.figures(2018, NA)["holders"]["situation_counts"]["autre"]
    autre_2019 = p.figures(2019, NA)["holders"]["situation_counts"]["autre"]
    assert autre_2018 == 10 or is_masked(autre_2018)
    assert is_masked(autre_2018) or is_masked(autre_2019)
    attack(employment, holders)


# --- business rule for jobs --------------------------------------------------------------------------------


def _jobs(rows) -> Protection:
    return Protection(employment_of(rows), holders_of([]), 5)


def test_jobs_of_two_tiers_lieux_are_secret():
    rows = [
        *jobs_for("75", places=("A", "B", "C")),
        (2019, "76", "CDI", "facilitation", 4, "X"),
        (2019, "76", "CDI", "animation", 4, "Y"),
    ]
    p = _jobs(rows)
    total = p.figures(2019, OCC)["jobs"]["total"]
    assert is_masked(total) and total.reason == "business_rule" and str(total) == "secret"
    assert is_masked(p.jobs_by_region(2019)["76"])
    assert is_masked(p.figures(2019, FRANCE)["jobs"]["total"]) or is_masked(p.figures(2019, NA)["jobs"]["total"])
    attack(employment_of(rows), holders_of([]))


def test_jobs_dominated_by_one_tiers_lieu_are_secret():
    rows = [
        *jobs_for("75"),
        (2019, "76", "CDI", "facilitation", 90, "X"),
        (2019, "76", "CDI", "animation", 5, "Y"),
        (2019, "76", "CDD", "animation", 5, "Z"),
    ]
    f = _jobs(rows).figures(2019, OCC)["jobs"]
    assert f["total"].reason == "business_rule"  # X holds 90 % of the jobs
    assert f["by_contract"]["CDI"].reason == "business_rule"
    assert is_masked(f["facilitation_share"])
    attack(employment_of(rows), holders_of([]))


def test_business_rule_needs_the_tiers_lieu_column():
    rows = [(2019, "76", "CDI", "facilitation", 90), (2019, "76", "CDI", "animation", 5)]
    p = _jobs(rows)
    f = p.figures(2019, OCC)["jobs"]
    assert f["total"] == 95 and f["by_contract"]["CDI"] == 95 and f["by_contract"]["CDD"] == 0
    assert p.summary()["business_rule"] == 0


def test_jobs_without_a_tiers_lieu_count_as_one_unidentified_place():
    rows = [
        (2019, "76", "CDI", "facilitation", 5, "X"),
        (2019, "76", "CDI", "facilitation", 5, None),
        (2019, "76", "CDI", "animation", 5, None),
    ]
    assert _jobs(rows).figures(2019, OCC)["jobs"]["total"].reason == "business_rule"  # 2 places
    rows.append((2019, "76", "CDI", "animation", 5, "Y"))
    assert _jobs(rows).figures(2019, OCC)["jobs"]["total"] == 20


def test_a_cell_of_no_jobs_is_not_sensitive():
    rows = [(2019, "76", "CDI", o, 5, p) for o in ROLES for p in "XYZ"]
    f = _jobs(rows).figures(2019, OCC)["jobs"]
    assert f["by_contract"]["CDD"] == 0 and f["total"] == 5 * 3 * len(ROLES)


def test_k_equal_to_one_masks_only_the_business_rule_and_its_complements():
    employment, holders = _two_regions()
    p = Protection(employment, holders, 1)
    summary = p.summary()
    assert summary["small_count"] == summary["secondary"] == summary["business_rule"] == 0
    assert p.figures(2019, NA)["holders"]["situation_counts"]["inconnu"] == 0
    rows = [*jobs_for("75"), (2019, "76", "CDI", "facilitation", 4, "X"), (2019, "76", "CDI", "animation", 4, "Y")]
    p = Protection(employment_of(rows), holders, 1)
    figures = [p.figures(2019, r) for r in (NA, OCC, FRANCE)]
    reasons = {
        v.reason
        for f in figures
        for v in (f["jobs"]["total"], *f["jobs"]["by_contract"].values(), *f["jobs"]["by_role"].values())
        if is_masked(v)
    }
    assert reasons == {"business_rule", "secondary"}
    assert not any(is_masked(v) for f in figures for v in f["holders"]["situation_counts"].values())
    attack(employment_of(rows), holders, 1)


# --- API --------------------------------------------------------------------------------------------------


def test_protect_is_computed_once_per_dataset_and_k():
    employment, holders = _two_regions()
    ds = dataset(employment, holders)
    assert protect(ds) is protect(ds, 5)
    assert protect(ds, 3) is not protect(ds, 5) and protect(ds, 3).min_count == 3
    assert protect(dataset(employment, holders)) is not protect(ds)


def test_unknown_reports_and_bad_k_are_usage_errors():
    employment, holders = _two_regions()
    p = Protection(employment, holders)
    with pytest.raises(UsageError):
        p.figures(2019, BRE)
    with pytest.raises(UsageError):
        p.figures(2020, NA)
    assert p.figures(2019, "Nouvelle-Aquitaine")["holders"]["n"] == 32
    for bad in (0, -1, 2.5, True):
        with pytest.raises(UsageError):
            Protection(employment, holders, bad)


def test_cohort_table_has_a_total_column_and_object_values():
    employment, holders = _two_regions()
    table = Protection(employment, holders).situation_by_cohort(2019, NA)
    assert table.dtypes.eq(object).all()
    assert list(table.columns) == [*SITUATIONS, "total"]
    assert table.loc[(2017, "P2017-75"), "total"] == 32 and table.loc[(2017, "P2017-75"), "facilitation"] == 20


# --- the bundled sample -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return load_dataset()


@pytest.fixture(scope="module")
def sample_protection(sample):
    return Protection(sample.employment, sample.holders, 5)


def test_published_page_figures_stay_visible(sample_protection):
    f = sample_protection.figures(2019, NA)
    jobs, hold = f["jobs"], f["holders"]
    assert (jobs["total"], jobs["by_contract"]["CDI"], jobs["by_contract"]["CDD"], jobs["facilitation"]) == (
        269,
        195,
        74,
        151,
    )
    assert jobs["facilitation_share"] == pytest.approx(151 / 269)
    assert hold["n"] == 200
    assert {s: hold["situation_shares"][s] for s in ("facilitation", "autre_coordination", "recherche_emploi")} == (
        {"facilitation": 0.545, "autre_coordination": 0.27, "recherche_emploi": 0.135}
    )
    assert hold["trajectory_n"] == 150
    assert hold["trajectory_counts"] == {
        "demandeur_emploi_vers_actif": 54,
        "etudiant_vers_actif": 15,
        "actif_vers_createur": 75,
        "changement_de_poste": 6,
    }
    assert list(hold["trajectory_shares"].values()) == pytest.approx([0.36, 0.10, 0.50, 0.04])
    assert str(hold["situation_counts"]["autre"]) == "< 5"  # 3


def test_sample_reports_resist_the_attacker(sample, sample_protection):
    Attacker(sample.employment, sample.holders, sample_protection).assert_safe()
    assert sample_protection.summary()["business_rule"] > 0  # e.g. La Réunion: 3 tiers-lieux for 6 jobs


# --- property: random small datasets -------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(job_rows, holder_rows, st.sampled_from([2, 3, 5]), st.booleans())
def test_no_report_reveals_a_masked_figure(jobs, holders, k, with_places):
    if not with_places:
        jobs = [row[:5] for row in jobs]
    holders = [(*row[:6], f"S{row[0]}" if row[6] == "shared" else f"P{row[0]}-{row[1]}-{row[6]}") for row in holders]
    attack(employment_of(jobs), holders_of(holders), k)


def test_france_minus_france_does_not_pin_a_regional_trajectory_base():
    """Found by the attacker: France 2019 − France 2018 gives the 2018 cohorts' trajectory base, and
    Nouvelle-Aquitaine 2019 minus that gives Nouvelle-Aquitaine 2018's. The two France counts are linked
    through counts no report shows (a cohort's holders per trajectory group), which the model must know."""
    jobs = [(2018, "75", "CDI", "facilitation", 0, "A")] * 6 + [(2019, "75", "CDI", "facilitation", 0, "A")]
    seeker = ("demandeur_emploi", "facilitation", False, False, "a")
    holders = [(2016, "75", *seeker)] * 2 + [(2016, "76", *seeker)] * 2 + [(2018, "75", *seeker)]
    attack(employment_of(jobs), holders_of(holders), 2)


def test_a_shared_cohort_read_in_a_year_without_its_regions_report_does_not_pin_a_trajectory_base():
    """Found by the property test (k = 3, tiers-lieux given): reports are Bretagne and Nouvelle-Aquitaine
    2018, Occitanie 2020, France 2018 and 2020. France 2020 - France 2018 = Occitanie's 2018 cohort's
    trajectory base (1), Occitanie 2020 - that = its earlier cohorts' (2), and France 2018 - Nouvelle-Aquitaine
    2018 - those = Bretagne 2018's (2). The chain goes through France's row of cohort S2016, shared by
    Nouvelle-Aquitaine and Occitanie, in 2018 when Occitanie has no report: the model must know that every
    count is a sum of (region, cohort) blocks, not only the relations the reports spell out."""
    jobs = [(2018, "75", "CDI", "facilitation", 0, "A")] * 7
    jobs += [(2018, "53", "CDI", "facilitation", 0, "A"), (2020, "76", "CDI", "facilitation", 0, "A")]
    holders = [
        (2016, "75", "demandeur_emploi", "facilitation", False, True, "P2016-75-a"),
        (2016, "75", "demandeur_emploi", "facilitation", True, False, "S2016"),
        (2016, "75", "etudiant", "facilitation", True, True, "P2016-75-a"),
        (2018, "76", "etudiant", "autre_emploi", False, False, "P2018-76-a"),
        (2017, "53", "actif", "recherche_emploi", True, True, "P2017-53-a"),
        (2016, "76", "demandeur_emploi", "facilitation", False, True, "S2016"),
        (2017, "53", "actif", "recherche_emploi", True, True, "P2017-53-a"),
        (2017, "76", "actif", "autre", True, True, "S2017"),
    ]
    attack(employment_of(jobs), holders_of(holders), 3)


def test_france_is_its_regions_even_when_they_report_in_other_years():
    """France 2018 counts the 2016-2017 cohorts of Bretagne, Nouvelle-Aquitaine and Occitanie; the first two
    report in 2018, Occitanie only in 2020, with no newer cohort: France 2018's trajectory base is
    Bretagne 2018 + Nouvelle-Aquitaine 2018 + Occitanie 2020 (9 + 11 + 6), which the reports' own relations
    (France = the regions of the same year) do not say and the blocks do."""
    jobs = [(2018, "75", "CDI", "facilitation", 1), (2018, "53", "CDI", "facilitation", 1)]
    jobs += [(2020, "76", "CDI", "facilitation", 1)]
    holders = [(*row, "S2016") for row in people(2, 2016, "75") + people(6, 2016, "76")]
    holders += [(*row, "P2017-75") for row in people(9, 2017, "75", situation="autre")]
    holders += [(*row, "P2017-53") for row in people(9, 2017, "53", situation="autre")]
    attack(employment_of(jobs), holders_of(holders), 5)


def test_a_count_first_met_as_an_unshown_one_is_still_masked_below_k():
    """France 2018 sees one cohort, Nouvelle-Aquitaine's 2016 one, whose count per trajectory group the model
    first met as a count no report shows (a row of Nouvelle-Aquitaine 2020's table): it is a count of
    holders all the same, masked below k (1 seeker back in work was shown)."""
    jobs = [(2018, "53", "CDI", "facilitation", 1), (2020, "75", "CDI", "facilitation", 1)]
    seeker = ("demandeur_emploi", "facilitation", False, False)
    holders = [(2016, "75", *seeker, "P2016")] + [(2016, "75", "actif", "facilitation", False, False, "P2016")] * 6
    holders += [(2018, "75", *seeker, "P2018")] * 6
    employment, holders = employment_of(jobs), holders_of(holders)
    counts = Protection(employment, holders, 5).figures(2018, FRANCE)["holders"]["trajectory_counts"]
    assert str(counts["demandeur_emploi_vers_actif"]) == "< 5"
    attack(employment, holders)


def test_a_cohort_shared_by_two_regions_does_not_pin_the_trajectory_base_of_one():
    """Found by the property test (k = 2): cohort « shared » has one holder in Nouvelle-Aquitaine and one in
    Occitanie; Nouvelle-Aquitaine reports in 2018, Occitanie in 2019, France in both. France 2019 - France
    2018 - Occitanie's newer blocks gave Occitanie 2019's trajectory base before every count was tied to its
    (region, cohort) blocks."""
    jobs = [(2018, "75", "CDI", "facilitation", 0, "A")] * 2 + [(2019, "76", "CDI", "facilitation", 0, "A")]
    seeker = ("demandeur_emploi", "facilitation", False, False)
    holders = [(2016, "75", *seeker, "a")] * 5 + [(2016, "76", *seeker, "a")]
    holders += [(2017, "76", *seeker, "shared"), (2017, "75", *seeker, "shared")]
    attack(employment_of(jobs), holders_of(holders), 2)
