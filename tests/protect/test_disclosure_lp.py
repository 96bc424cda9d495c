"""Disclosure audited by linear programming (tests/support/lp_attacker.py, independent of the implementation).

The attacker reads every figure of every report through the public API, writes what a reader knows
as a linear program (shown figures, every additive relation, share × base, the labels' bounds) and
computes the least and largest value of every masked figure: none may be pinned to one value.
"""

from __future__ import annotations

import pickle
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tlanalysis import load_dataset
from tlanalysis.compute.indicators import SITUATIONS
from tlanalysis.protect.annual import Protection
from tlanalysis.protect.masked import Masked, is_masked
from tlanalysis.reference import FRANCE
from tlanalysis.sample import make_national
from tlanalysis.schema import EMPLOYMENT, HOLDERS
from tlanalysis.validate.table import validate_table

from support.frames import (
    NA,
    OCC,
    employment_of,
    holder_rows,
    holders_of,
    job_rows,
    jobs_for,
    people,
)
from support.lp_attacker import LPAttacker


def audit(employment, holders, k: int = 5, exact: bool = True) -> LPAttacker:
    attacker = LPAttacker(employment, holders, Protection(employment, holders, k), labels=k >= 3)
    assert attacker.consistent() == []
    assert attacker.pinned(exact=exact) == []
    return attacker


# --- the attacker can fail -------------------------------------------------------------------------------


def _one_small_situation():
    employment = employment_of(jobs_for("75"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(3, 2017, "75", situation="autre", created=False)
        + [(2017, "75", "actif", s, True, False) for s in SITUATIONS if s not in ("facilitation", "autre")] * 6
    )
    return employment, holders


def test_the_attacker_pins_a_masked_figure_when_its_complements_are_shown():
    employment, holders = _one_small_situation()
    attacker = LPAttacker(employment, holders, Protection(employment, holders, 5))
    assert attacker.pinned() == []
    for figure in attacker.figures.values():  # show every complement
        if "secret" in figure.labels:
            figure.labels, figure.shown = set(), {figure.truth}
    assert "Nouvelle-Aquitaine 2019 situation autre (holders) = 3" in attacker.pinned()
    assert "Nouvelle-Aquitaine 2019 situation autre (holders) = 3" in attacker.pinned(exact=False)


def test_the_attacker_uses_the_labels_bounds():
    """3 « autre » and one complement of 6 under a shown total: the pair adds up to 9; « < 5 » and « secret »
    (at least 5) leave « autre » between 0 and 4, non-negativity alone between 0 and 9."""
    employment, holders = _one_small_situation()
    protection = Protection(employment, holders, 5)
    counts = protection.figures(2019, NA)["holders"]["situation_counts"]
    masked = {s: v.reason for s, v in counts.items() if is_masked(v)}
    assert masked.pop("autre") == "small_count" and list(masked.values()) == ["secondary"], counts
    where = "Nouvelle-Aquitaine 2019 situation autre (holders)"
    assert LPAttacker(employment, holders, protection).ranges()[where] == pytest.approx((0, 4, 3))
    assert LPAttacker(employment, holders, protection, labels=False).ranges()[where] == pytest.approx((0, 9, 3))


def test_the_attacker_reads_shares_with_their_base():
    """A share shown with its base gives its numerator: a masked numerator with a shown share is a leak."""
    employment, holders = _one_small_situation()
    protection = Protection(employment, holders, 5)
    figures = protection.figures(2019, NA)
    assert is_masked(figures["holders"]["situation_shares"]["autre"])
    attacker = LPAttacker(employment, holders, protection)
    attacker.share(3 / 52, Masked("small_count"), 52, "holders", attacker._columns("holders"), "forged share")
    assert any("forged share" in p for p in attacker.consistent())


# --- random small data sets -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(job_rows, holder_rows, st.sampled_from([2, 3, 5]), st.booleans())
def test_no_masked_figure_of_a_random_data_set_is_pinned(jobs, holders, k, with_places):
    if not with_places:
        jobs = [row[:5] for row in jobs]
    holders = [(*row[:6], f"S{row[0]}" if row[6] == "shared" else f"P{row[0]}-{row[1]}-{row[6]}") for row in holders]
    # exact=False: a feasible table that moves a figure proves it free; the others get their exact range.
    audit(employment_of(jobs), holders_of(holders), k, exact=False)


def test_two_regions_france_minus_one_region():
    employment = employment_of(jobs_for("75") + jobs_for("76"))
    holders = holders_of(
        people(20, 2017, "75")
        + people(9, 2017, "75", situation="recherche_emploi", created=False)
        + people(3, 2017, "75", situation="autre", created=False)
        + people(12, 2017, "76")
        + people(6, 2017, "76", situation="autre", created=False)
    )
    attacker = audit(employment, holders)
    assert attacker.protection.figures(2019, OCC)["holders"]["n"] == 18
    assert attacker.protection.figures(2019, FRANCE)["holders"]["n"] == 50


# --- the bundled sample and the national data ------------------------------------------------------------


def test_the_sample_resists_the_lp_attacker():
    sample = load_dataset()
    audit(sample.employment, sample.holders, exact=False)


def _tidy(frame, table):
    from pathlib import Path

    from tlanalysis.load.tables import RawTable

    raw = frame.astype("string")
    raw.index = raw.index + 2
    return validate_table(RawTable(Path(f"{table.name}.csv"), raw), table)


@pytest.fixture(scope="module")
def national():
    employment, holders = make_national()
    return _tidy(employment, EMPLOYMENT), _tidy(holders, HOLDERS)


@pytest.mark.slow
def test_the_national_data_resist_the_lp_attacker(national):
    """Every report of the national generator (18 regions x 10 years + France), protected together."""
    employment, holders = national
    start = time.perf_counter()
    protection = Protection(employment, holders, 5)
    elapsed = time.perf_counter() - start
    summary = protection.summary()
    assert summary["small_count"] > 1000 and summary["business_rule"] > 0 and summary["unresolved"] == 0
    attacker = LPAttacker(employment, holders, protection)
    assert attacker.consistent() == []
    assert attacker.pinned(exact=False) == []
    # No national key figure is masked unless it is sensitive itself.
    for year, region in protection.reports:
        if not region.is_national:
            continue
        f = protection.figures(year, region)
        jobs, hold = f["jobs"], f["holders"]
        key = [jobs["total"], jobs["by_contract"]["CDI"], jobs["by_contract"]["CDD"], jobs["facilitation"]]
        key += [hold["n"], hold["trajectory_n"], *hold["situation_counts"].values()]
        key += list(hold["trajectory_counts"].values())
        assert not [v for v in key if is_masked(v) and v.reason == "secondary"], (year, key)
    assert elapsed < 60, f"protection took {elapsed:.1f} s (benchmarks/bench_disclosure.py measures it)"


def test_published_cells_cover_every_figure_and_pickle():
    sample = load_dataset()
    protection = Protection(sample.employment, sample.holders, 5)
    cells = protection.published_cells()
    assert cells[("jobs", 2019, "75", "contract", "CDI")] == 195
    assert str(cells[("holders", 2019, "75", "situation", "autre")]) == "< 5"
    assert all(isinstance(v, int) or is_masked(v) for v in cells.values())
    for year, region in protection.reports:
        scope = "FR" if region.is_national else region.code
        f = protection.figures(year, region)
        assert cells[("jobs", year, scope, "total")] == f["jobs"]["total"]
        assert cells[("holders", year, scope, "n")] == f["holders"]["n"]
        for s, v in f["holders"]["situation_counts"].items():
            assert cells[("holders", year, scope, "situation", s)] == v
    clone = pickle.loads(pickle.dumps(protection))
    assert clone.published_cells() == cells and clone.summary() == protection.summary()
    assert clone.figures(2019, NA) == protection.figures(2019, NA)
