"""Releases that never undo each other (issue 16): a build protects its release under the earlier ones, and
an attacker holding every release pins nothing.

Two attackers read the releases: `support.lp_attacker.ReleasesAttacker` (written from the data and the
definitions, independent of the library's model; a figure is one unknown in two releases when its data did
not change) and the package's own `tlanalysis.protect.attack` (reads only the ledgers). Both read a release
through `support.published` (its ledger cells).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlanalysis.compute.indicators import SITUATIONS
from tlanalysis.protect.attack import pinned_cells, pinned_in
from tlanalysis.protect.ledger import FILE_NAME, Ledger, LedgerError, Release, read_sites
from tlanalysis.protect.releases import EarlierFigures, label_range

from support.frames import (
    assessments_of,
    candidate_rows,
    certification_rows,
    dataset,
    employment_of,
    holder_rows,
    holders_of,
    job_rows,
    jobs_for,
    people,
)
from support.lp_attacker import ReleasesAttacker
from support.published import AnnualView
from support.releases import publish, surveys_until

# --- the ledger -------------------------------------------------------------------------------------------


def _release(**cells) -> Release:
    return Release(
        date="2025-01-01T00:00:00+00:00",
        series=1,
        data="abc",
        tlanalysis="test",
        min_count=5,
        target_jobs=("facilitation",),
        reports=(("annual", 2019, "75"),),
        annual={("jobs", 2019, "75", "total"): 12, ("holders", 2019, "75", "situation", "autre"): "< 5", **cells},
    )


def test_the_ledger_round_trips_and_names_a_release_by_its_figures(tmp_path):
    release = _release()
    ledger = Ledger()
    assert ledger.add(release) and not ledger.add(replace(release, date="2026-01-01T00:00:00+00:00", id=""))
    ledger.site = release
    ledger.write(tmp_path / FILE_NAME)
    again = Ledger.read(tmp_path)
    assert again.releases == [release] and again.site == release
    assert again.releases[0].annual[("holders", 2019, "75", "situation", "autre")] == "< 5"
    assert _release(extra=1).id != release.id  # the id is the content's


def test_the_ledger_holds_labels_never_masked_values(tmp_path):
    document = json.loads(Ledger([_release()]).write(tmp_path / FILE_NAME).read_text(encoding="utf-8"))
    text = json.dumps(document)
    assert '"< 5"' in text and "small_count" not in text and "secondary" not in text


def test_an_edited_ledger_is_refused(tmp_path):
    path = Ledger([_release()]).write(tmp_path / FILE_NAME)
    path.write_text(path.read_text(encoding="utf-8").replace("12", "13"), encoding="utf-8")
    with pytest.raises(LedgerError, match="edited by hand"):
        Ledger.read(path)
    with pytest.raises(LedgerError, match="no release ledger"):
        read_sites([tmp_path / "elsewhere"])


def test_labels_say_what_a_reader_knows():
    assert label_range("< 5", 5, True) == (0, 4)
    assert label_range("secret", 5, True) == (5, float("inf"))
    assert label_range("secret", 5, False) == (1, float("inf"))


def test_reconcile_tells_corrections_from_figures_that_stay():
    earlier = EarlierFigures([(5, {("a",): 7, ("b",): "< 5", ("c",): "< 5", ("d",): 3, ("e",): "secret"})])
    keys = {("a",): 0, ("b",): 1, ("c",): 2, ("d",): 3}
    reconciled = earlier.reconcile(keys, [7, 4, 6, 4], [True] * 4)
    assert reconciled.known == {0: 7}
    assert reconciled.carried == {1: (0.0, 4.0)}
    assert reconciled.corrected == [("c",), ("d",)]  # 6 is not « < 5 »; 3 became 4
    assert reconciled.gone == [("e",)]


def test_a_certification_count_labelled_secret_holds_at_least_k_people():
    """« secret » on a certification count says at least k people, as on a holder count (1 is « < 5 »): a count
    that became 1 since is a correction, not a « secret » to carry (found by the certification attacker of the
    releases: a route shown « secret » beside its year's « < 3 » certified)."""
    key = ("promotion", 2019, "76", "route_candidat_libre")
    earlier = EarlierFigures([(5, {key: "secret", ("jobs", 2019, "76", "total"): "secret"})])
    reconciled = earlier.reconcile({key: 0, ("jobs", 2019, "76", "total"): 1}, [1, 1], [True, False])
    assert reconciled.corrected == [key] and reconciled.carried == {1: (1.0, float("inf"))}


# --- the case: a cell masked in one build, shown in the next ------------------------------------


def _two_years():
    """One region, cohorts of 2016 and 2017, surveys 2018 then 2019: the second build adds a report that
    could be protected otherwise than the first one was."""
    employment = employment_of(jobs_for("75", years=(2018,)))
    employment2 = employment_of(jobs_for("75", years=(2018, 2019)))
    holders = holders_of(
        people(14, 2016, "75")
        + people(3, 2016, "75", situation="autre", created=False)
        + people(8, 2016, "75", "demandeur_emploi", "autre_coordination", False)
        + people(9, 2017, "75", situation="recherche_emploi", created=False)
        + people(2, 2017, "75", situation="autre", created=False)
        + people(11, 2017, "75", "etudiant", "facilitation", False)
    )
    return employment, employment2, holders


def test_a_second_release_keeps_what_the_first_published():
    employment, employment2, holders = _two_years()
    _, first = publish(employment, holders, 5)
    _, second = publish(employment2, holders, 5, [first])
    for key, value in first.annual.items():
        assert second.annual[key] == value, key
    attacker = ReleasesAttacker(
        [
            (employment, holders, AnnualView(first, dataset(employment, holders))),
            (employment2, holders, AnnualView(second, dataset(employment2, holders))),
        ]
    )
    assert attacker.consistent() == [] and attacker.pinned() == []
    assert pinned_in([first, second]) == []


def test_the_attackers_see_a_release_that_undoes_another():
    """Release 2 shows, with the same data, a count release 1 masked: both attackers find it."""
    employment, employment2, holders = _two_years()
    protection1, first = publish(employment, holders, 5)
    _, second = publish(employment2, holders, 5, [first])
    key = next(k for k, v in first.annual.items() if v == "secret")
    value = protection1._model.values[protection1._model.keys[key]]
    leaky = replace(second, annual={**second.annual, key: value}, id="")
    found = pinned_in([first, leaky])
    assert any(cell.key == key and cell.value == value for cell in found), found
    attacker = ReleasesAttacker(
        [
            (employment, holders, AnnualView(first, dataset(employment, holders))),
            (employment2, holders, AnnualView(leaky, dataset(employment2, holders))),
        ]
    )
    assert attacker.consistent()  # shown and masked with unchanged data


def _certification_release(date: str, cells: dict[str, int | str]) -> Release:
    """A release of certification counts only (keys written "promotion/2018/75/certified"), built by hand."""
    return Release(
        date=date,
        series=1,
        data="same-data",
        tlanalysis="test",
        min_count=5,
        target_jobs=("facilitation",),
        reports=(("certification", 2020, "75"),),
        certification={
            tuple(int(p) if i == 1 and p.isdigit() else p for i, p in enumerate(k.split("/"))): v
            for k, v in cells.items()
        },
    )


def test_the_attacker_pins_certification_counts_two_releases_mask_differently():
    """Two releases of the same data whose certification masks differ: each alone pins nothing, both together
    give away the access route neither shows (20 − 10 − 8) and a cohort's partial successes (everyone
    presented validated bloc 1 in the second, so the first's 12 presented − 9 certified are the partial)."""
    first = {"promotion/2018/75/certified": 20, "promotion/2018/75/route_formation": "secret"}
    first |= {"promotion/2018/75/route_vae": "< 5", "promotion/2018/75/route_candidat_libre": 8}
    first |= {"cohort/NA-1/presented": 12, "cohort/NA-1/certified": 9, "cohort/NA-1/partial": "< 5"}
    second = {**first, "promotion/2018/75/route_formation": 10, "promotion/2018/75/route_candidat_libre": "secret"}
    second |= {"cohort/NA-1/certified": "secret", "cohort/NA-1/bloc_1": 12}
    one, two = _certification_release("2025-01-01", first), _certification_release("2026-01-01", second)
    assert pinned_in([one]) == [] and pinned_in([two]) == []
    found = {cell.key: cell.value for cell in pinned_in([one, two])}
    assert found[("promotion", 2018, "75", "route_vae")] == 2
    assert found[("cohort", "NA-1", "partial")] == 3
    # shown in one release, masked in the other: given away
    assert found[("promotion", 2018, "75", "route_formation")] == 10 and found[("cohort", "NA-1", "certified")] == 9
    # the second from other data, saying the row and the cohort changed (a correction): nothing is one count
    corrected = (("promotion", 2018, "75", "route_vae"), ("cohort", "NA-1", "presented"))
    other = replace(two, data="other-data", corrected=corrected, id="")
    assert pinned_in([one, other]) == []


@pytest.mark.xfail(strict=True, reason="a limit of the protection of one release, not of releases: see the docstring")
def test_a_cohort_all_certified_the_same_year_by_one_route():
    """Found by the attacker of the releases, in ONE release (k = 3): Bretagne's only cohort before 2017 has
    3 holders, all certified in 2016 by training. The annual report shows the cohort's 3 holders; the
    certification report masks Bretagne's 2016 certified (« secret », at least 3: so exactly 3) and its
    training route (« secret »: 3), so its « < 3 » VAE and free-candidate routes are 0. The certification
    protection sees it (its model is the same) but cannot mask an annual count, and its fallback (mask every
    certification count) keeps the labels that pin them. Needs the annual protection to mask the cohort row
    (or the certification report to leave the row out): not done here (issue 16's follow-up)."""
    holders = [(2016, "76", "etudiant", "autre_coordination", False, False, "P2016-76-b")]
    holders += [(2016, "53", "demandeur_emploi", "autre_coordination", False, True, "P2016-53-b")]
    holders += [(2016, "53", "demandeur_emploi", "inconnu", False, True, "P2016-53-b")] * 2
    certification = [(0, "formation", "facilitation", "poursuite_etudes")]
    _, release = publish(
        employment_of([(2018, "53", "CDI", "non_precise", 1, "D")]), holders_of(holders, certification), 3
    )
    assert pinned_in([release]) == []


# --- random small data, two to four releases ---------------------------------------------------------------

#: A change of the data between two releases: a job count, a holder's situation, a late answer, a row dropped.
corrections = st.lists(
    st.tuples(
        st.sampled_from(["count", "situation", "late", "drop"]),
        st.integers(0, 200),
        st.sampled_from(SITUATIONS),
        st.integers(0, 12),
    ),
    max_size=3,
)


def _corrected(jobs: list, holders: list, changes) -> tuple[list, list]:
    jobs, holders = list(jobs), list(holders)
    for what, i, situation, count in changes:
        if what == "count" and jobs:
            row = jobs[i % len(jobs)]
            jobs[i % len(jobs)] = (*row[:4], count, *row[5:])
        elif what == "situation" and holders:
            row = holders[i % len(holders)]
            holders[i % len(holders)] = (*row[:3], situation, *row[4:])
        elif what == "late" and holders:
            holders.append((*holders[i % len(holders)][:3], situation, *holders[i % len(holders)][4:]))
        elif what == "drop" and len(holders) > 1:
            del holders[i % len(holders)]
    return jobs, holders


def _releases(jobs, holders, n_releases: int, k: int, steps, certification=None, candidates=()) -> list[tuple]:
    """Release i publishes the survey years up to its cut (each release one more, the last ones repeating
    the latest year), after the corrections of its step. A release the build would refuse (some count it
    cannot protect under the earlier ones: `Protection.summary()["unresolved"]`, with k ≥ 3) ends the series.
    `certification`, `candidates`: the holders' certification columns and jury results (`support.frames`),
    whose reports each release publishes too."""
    years = sorted({row[0] for row in jobs})
    cuts = [years[min(i, len(years) - 1)] for i in range(n_releases)]
    out, earlier = [], []
    for i, cut in enumerate(cuts):
        if i:
            jobs, holders = _corrected(jobs, holders, steps[i - 1])
        employment = employment_of([row for row in jobs if row[0] <= cut])
        frame = holders_of(holders, certification)
        juries = _juries(holders, candidates)
        protection, release = publish(employment, frame, k, earlier, assessments=juries)
        if earlier and k >= 3 and protection.summary()["unresolved"]:
            break
        earlier.append(release)
        out.append((employment, frame, protection, release))
    return out


def _juries(holders: list, candidates) -> pd.DataFrame | None:
    """Jury results of candidates of the holders' cohorts (`support.frames.candidate_rows`), None without."""
    rows = []
    for number, (i, mode, bits) in enumerate(candidates if holders else ()):
        cohort_year, region, *_, label = holders[i % len(holders)]
        everything = 2**18 - 1
        acquired = {"all": everything, "but_one": everything & ~(1 << bits % 18), "random": bits}.get(mode)
        rows.append((number, label, cohort_year, region, acquired))
    return assessments_of(rows) if rows else None


def _audit(releases: list[tuple], k: int, reader: bool = True) -> None:
    """The independent attacker pins nothing; nor does the package's, which reads the ledgers only, annual and
    certification counts (`reader`: without corrections; after one, it takes a figure no release shows to have
    changed as unchanged, and may then pin an annual count to a value it never had: the certification counts
    are checked then when it pins no annual count). A certification count that one release pins alone is the
    known limit of the protection of one release (`test_a_cohort_all_certified_the_same_year_by_one_route`),
    not of releases: what the releases pin together must be pinned by one of them alone."""
    attacker = ReleasesAttacker(
        [(e, h, AnnualView(release, dataset(e, h))) for e, h, _, release in releases], labels=k >= 3
    )
    assert attacker.consistent() == []
    assert attacker.pinned(exact=False) == []
    if k >= 3:
        found = pinned_in([release for *_, release in releases])
        alone = {(cell.release, cell.key) for *_, release in releases for cell in pinned_in([release])}
        assert [key for _, key in alone if key[0] not in CERTIFICATION_KINDS] == []
        together = [cell for cell in found if (cell.release, cell.key) not in alone]
        if not reader and any(cell.key[0] not in CERTIFICATION_KINDS for cell in together):
            return  # a false alarm of the reader after a correction: the certification counts tied to it follow
        assert together == []


#: The first key part of the certification reports' counts in a ledger.
CERTIFICATION_KINDS = ("promotion", "cohort")


def _holders(rows):
    return [(*row[:6], f"S{row[0]}" if row[6] == "shared" else f"P{row[0]}-{row[1]}-{row[6]}") for row in rows]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    job_rows,
    holder_rows,
    st.integers(2, 4),
    st.sampled_from([3, 5]),
    certification_rows,
    candidate_rows,
    st.sampled_from([1, 4]),
)
def test_releases_of_random_data_pin_nothing(jobs, holders, n_releases, k, certification, candidates, scale):
    """Annual and certification reports (years of certification, jury results) of each release (`scale`: each
    holder that many times, so that certification counts are shown too)."""
    holders = _holders(holders) * scale
    _audit(_releases(jobs, holders, n_releases, k, [[]] * 3, certification, candidates), k)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    job_rows,
    holder_rows,
    st.integers(2, 4),
    st.sampled_from([3, 5]),
    st.lists(corrections, min_size=3, max_size=3),
    certification_rows,
    candidate_rows,
)
def test_releases_with_corrections_pin_nothing(jobs, holders, n_releases, k, steps, certification, candidates):
    _audit(_releases(jobs, _holders(holders), n_releases, k, steps, certification, candidates), k, reader=False)


def test_a_trajectory_base_is_not_the_rest_of_a_region_shown_whole():
    """Found by the property test above (k = 3). The first release alone showed Occitanie 2018's 3 holders and
    France's 5 holders, 4 of them in a trajectory group, and masked Occitanie's trajectory base as « < 3 »: at
    most 5 - 4 = 1 holder of France, hence of Occitanie, is in no group, so that base was 3 - 1 = 2. The model
    knew a region's base adds up its blocks' but not that a block's holders in a group are at most its holders
    (holders per profile are >= 0); the test attacker took its unknowns as free, so it missed it too."""
    jobs = [
        (2018, "75", "CDI", "facilitation", 0, None),
        (2018, "76", "alternance", "technique", 0, "A"),
        (2019, "53", "autre", "administration", 10, "A"),
        (2018, "75", "alternance", "administration", 2, None),
        (2018, "53", "CDD", "non_precise", 5, "D"),
        (2019, "53", "alternance", "technique", 7, "D"),
        (2019, "75", "autre", "administration", 5, "A"),
        (2019, "76", "autre", "technique", 9, "A"),
        (2019, "75", "CDD", "autre", 2, None),
        (2020, "75", "CDD", "autre", 5, "B"),
        (2020, "53", "autre", "animation", 11, None),
        (2018, "75", "autre", "animation", 8, "A"),
        (2019, "76", "alternance", "animation", 11, "B"),
        (2019, "75", "CDD", "autre", 4, "C"),
        (2020, "75", "alternance", "facilitation", 0, "C"),
        (2019, "53", "CDI", "non_precise", 7, "B"),
    ]
    holders = [
        (2018, "76", "etudiant", "inconnu", False, False, "shared"),
        (2017, "76", "etudiant", "facilitation", True, False, "a"),
        (2017, "76", "etudiant", "facilitation", True, True, "a"),
        (2019, "76", "demandeur_emploi", "autre", True, False, "a"),
        (2017, "53", "demandeur_emploi", "facilitation", False, True, "a"),
        (2016, "75", "actif", "facilitation", True, False, "a"),
        (2016, "76", "demandeur_emploi", "inconnu", True, False, "a"),
        (2019, "76", "actif", "recherche_emploi", True, False, "a"),
    ]
    releases = _releases(jobs, _holders(holders), 3, 3, [[]] * 3)
    assert len(releases) == 3
    first = releases[0][3]
    assert first.annual[("holders", 2018, "76", "n")] == 3  # the region shown whole, as when it leaked
    assert pinned_in([first]) == []
    _audit(releases, 3)


def test_pinned_cells_reads_sites(tmp_path):
    employment, employment2, holders = _two_years()
    _, first = publish(employment, holders, 5)
    _, second = publish(employment2, holders, 5, [first])
    for site in ("site1", "site2"):
        (tmp_path / site).mkdir()
    Ledger([first]).write(tmp_path / "site1" / FILE_NAME)
    Ledger([first, second]).write(tmp_path / "site2" / FILE_NAME)
    assert pinned_cells([tmp_path / "site1", tmp_path / "site2"]) == []


# --- the attackers read a site --------------------------------------------------------------------------


def _site_release(dataset, site, previous=()):
    """What a build does for the protection and the ledger (`ensure_protection`, the release it records),
    without notebooks: every report of the data, annual and certification."""
    from tlanalysis.protect.releases import History
    from tlanalysis.publish.plan import plan_reports
    from tlanalysis.publish.runner import ensure_protection
    from tlanalysis.report.kinds import registered

    site.mkdir(exist_ok=True)
    history = History.open(site, previous, False, 5, ("facilitation",))
    state = site.with_name(site.name + "-state")  # the build's private state folder, beside the site
    ensure_protection(dataset, 5, state, certification=True, history=history)
    reports = plan_reports(dataset, (), (), registered())
    history.record(site, dataset, 5, ("facilitation",), [(r.kind.name, r.year, r.region_code or "FR") for r in reports])
    return history


def test_the_three_attackers_read_a_site(tmp_path):
    """The shared reading of a site (`support.published`: its ledger cells as the reports' API) feeds the
    exact attacker, the LP attacker and the certification attackers: none finds anything on the sample's."""
    from tlanalysis import load_dataset
    from tlanalysis.protect.certification import CertificationProtection

    from support.certification_attacker import joint_attack, pinned
    from support.exact_attacker import Attacker
    from support.lp_attacker import LPAttacker
    from support.published import CertificationView

    sample = load_dataset()
    _site_release(sample, tmp_path / "site")
    (release,) = Ledger.read(tmp_path / "site").releases
    assert release.certification and any(v == "< 5" for v in release.certification.values())
    annual = AnnualView(release, sample)
    Attacker(sample.employment, sample.holders, annual).assert_safe()
    lp = LPAttacker(sample.employment, sample.holders, annual)
    assert lp.consistent() == [] and lp.pinned(exact=False) == []
    structure = CertificationProtection(sample.holders, sample.assessments, 5)
    attacker, masked = joint_attack(sample, annual, CertificationView(release, structure))
    assert len(masked) > 20 and pinned(attacker, masked) == []


# --- the national generator, two releases ----------------------------------------------------------------


@pytest.mark.slow
def test_two_national_releases_pin_nothing(tmp_path):
    """Issue 16's scenario at the level of the build's protection and ledger (`ensure_protection`, the
    release a build records): surveys up to 2023, then 2024 added (holders unchanged), into the same folder
    (the first site saved before) and into a new one with the first as `--previous`."""
    from tlanalysis.protect.masked import is_masked
    from tlanalysis.sample import write_national
    from tlanalysis.validate.dataset import load_dataset

    data = tmp_path / "data"
    write_national(data)
    later = load_dataset(data)
    earlier = load_dataset(surveys_until(data, tmp_path / "data-2023", 2023))

    release = _site_release
    site, saved, fresh = tmp_path / "site", tmp_path / "saved", tmp_path / "fresh"
    release(earlier, site)
    shutil.copytree(site, saved)
    same = release(later, site)
    release(later, fresh, [saved])
    one, two = Ledger.read(site).releases
    assert [r.id for r in Ledger.read(fresh).releases] == [one.id, two.id]  # the same figures
    for key, value in one.annual.items():
        assert two.annual.get(key, value) == value, key
    for key, value in one.certification.items():
        assert two.certification.get(key, value) == value, key
    assert pinned_cells([saved, site]) == [] and pinned_cells([saved, fresh]) == []
    attacker = ReleasesAttacker(
        [(e.employment, e.holders, AnnualView(r, e)) for e, r in ((earlier, one), (later, two))]
    )
    assert attacker.consistent() == []
    assert attacker.pinned(exact=False) == []
    figures = same.annual.figures(2024, "France")
    jobs, holders = figures["jobs"], figures["holders"]
    key = [jobs["total"], *jobs["by_contract"].values(), jobs["facilitation"], holders["n"], holders["trajectory_n"]]
    key += [*holders["situation_counts"].values(), *holders["trajectory_counts"].values()]
    assert not any(is_masked(v) for v in key), key
