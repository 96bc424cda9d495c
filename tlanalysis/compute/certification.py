"""Certification follow-up as France Compétences and Qualiopi define it: pure functions, plain numbers.

Insertion (France Compétences, statistics of a certification per year it was obtained):

* the **promotion** of year Y: holders whose `certification_year` is Y (holders without one are
  in no promotion); **certified**: their number; **certified by VAE**: those with
  `access_route` = `vae` (`certified` is the sum over the three routes);
* at 6 months (`situation_6m`) and at 2 years (`situation_2y`):
  - **respondents**: holders whose situation is known (not `inconnu`); non-respondents are out of
    every figure below;
  - **neutralised**: respondents continuing studies (`poursuite_etudes`, work-study contracts
    included), unable to work (`inapte`) or working outside the French labour market
    (`hors_marche_francais`);
  - **in employment**: respondents in `facilitation`, `autre_coordination` or `autre_emploi`;
    **in the target job**: respondents in one of the target jobs (default `facilitation`);
  - **global insertion rate** = in employment ÷ (respondents − neutralised);
    **insertion rate in the target job** = in the target job ÷ (respondents − neutralised).

Assessments (the jury's results, `assessments` table; resits are further rows):

* a candidate is **presented** when they have at least one result other than `absent`;
* a **competency is validated** by a candidate when it is `acquis` in some session;
* a **bloc is validated** when every competency of the bloc is (data/reference/certification.csv);
* **certified**: the 3 blocs validated; **partial**: at least one bloc validated, not all;
* per cohort: **success rate** (Qualiopi, indicator 3) = certified ÷ presented; **bloc validation
  rate** = presented candidates who validated the bloc ÷ presented; **competency validation rate**
  = presented candidates who validated the competency ÷ presented.

Every rate is an unrounded fraction of 1, or None when its base is 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from ..reference import FRANCE, Region, certification
from ..schema import EMPLOYED_SITUATIONS, HOLDERS, NEUTRALISED_SITUATIONS, NO_ANSWER
from .indicators import in_region, share
from .target_jobs import DEFAULT_TARGET_JOBS, check_target_jobs

ROUTES = tuple(HOLDERS.column("access_route").allowed_values)
#: The follow-ups: JSON suffix -> holders column.
FOLLOW_UPS = {"6m": "situation_6m", "2y": "situation_2y"}


@lru_cache(maxsize=1)
def competency_blocs() -> dict[str, str]:
    """Competency code -> its bloc (« 1 », « 2 », « 3 »), in the reference order."""
    ref = certification()
    return {str(c): str(u) for u, c in ref[["unit", "competency_code"]].itertuples(index=False)}


def blocs() -> list[str]:
    return sorted(set(competency_blocs().values()), key=int)


# --- insertion --------------------------------------------------------------------------------


def follow_up_counts(situations: pd.Series, target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS) -> dict[str, int]:
    """Respondents, neutralised, in employment and in the target job among these situations."""
    values = situations.astype(object)
    respondents = values.notna() & (values != NO_ANSWER)
    return {
        "respondents": int(respondents.sum()),
        "neutralised": int((respondents & values.isin(NEUTRALISED_SITUATIONS)).sum()),
        "employed": int((respondents & values.isin(EMPLOYED_SITUATIONS)).sum()),
        "target_job": int((respondents & values.isin(tuple(target_jobs))).sum()),
    }


def insertion_rate(in_job: int, respondents: int, neutralised: int) -> float | None:
    """France Compétences: in the job ÷ (respondents − neutralised); None when that base is 0."""
    return share(in_job, respondents - neutralised)


def promotion(holders: pd.DataFrame, target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS) -> dict:
    """The France Compétences figures of the holders of one year of certification."""
    target_jobs = tuple(target_jobs)
    routes = holders["access_route"].astype(object).value_counts()
    out: dict = {
        "certified": len(holders),
        "certified_vae": int(routes.get("vae", 0)),
        "certified_by_route": {r: int(routes.get(r, 0)) for r in ROUTES},
    }
    for suffix, column in FOLLOW_UPS.items():
        counts = follow_up_counts(holders[column], target_jobs)
        out.update({f"{name}_{suffix}": value for name, value in counts.items()})
        base = (counts["respondents"], counts["neutralised"])
        out[f"insertion_global_{suffix}"] = insertion_rate(counts["employed"], *base)
        out[f"insertion_target_job_{suffix}"] = insertion_rate(counts["target_job"], *base)
    return out


def certified_holders(holders: pd.DataFrame, region: Region = FRANCE, before: int | None = None) -> pd.DataFrame:
    """Holders of the region with a certification year (before `before` if given)."""
    selected = in_region(holders, region)
    selected = selected[selected["certification_year"].notna()]
    if before is not None:
        selected = selected[selected["certification_year"] < before]
    return selected


def has_certification_data(dataset, year: int, region: Region = FRANCE) -> bool:
    """Whether the certification report of (year, region) has anything to show: certified holders or jury
    results of cohorts before `year` in `region` (`dataset`: a `Dataset`, whose first year of each region
    is computed once, as a build asks for every report)."""
    starts = dataset.derived("certification_starts", _certification_starts)
    first = starts.get("" if region.is_national else region.code)
    return first is not None and first < year


def _certification_starts(dataset) -> dict[str, int]:
    """The first year of certification or of a cohort with results, per region code ("": France)."""
    firsts: dict[str, int] = {}

    def take(frame: pd.DataFrame, column: str) -> None:
        years = frame.loc[frame[column].notna(), ["region_code", column]]
        if not len(years):
            return
        for code, first in years.groupby("region_code", observed=True)[column].min().items():
            firsts[str(code)] = min(firsts.get(str(code), int(first)), int(first))
        firsts[""] = min(firsts.get("", int(years[column].min())), int(years[column].min()))

    take(dataset.holders, "certification_year")
    if dataset.assessments is not None:
        take(dataset.assessments, "cohort_year")
    return firsts


def promotions(
    holders: pd.DataFrame,
    region: Region = FRANCE,
    target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS,
    before: int | None = None,
) -> list[dict]:
    """One entry per year of certification with holders, in year order."""
    selected = certified_holders(holders, region, before)
    return [
        {"certification_year": int(year), **promotion(group, target_jobs)}
        for year, group in selected.groupby(selected["certification_year"].astype("int64"), sort=True)
    ]


# --- assessments ------------------------------------------------------------------------------


def candidate_results(assessments: pd.DataFrame) -> pd.DataFrame:
    """One row per candidate (cohort order): `presented`, each competency and bloc validated (booleans),
    `certified`, `partial`, `blocs_validated`."""
    codes = list(competency_blocs())
    keys = ["cohort_year", "cohort", "candidate_id"]
    result = assessments["result"].astype(object)
    frame = assessments[keys].assign(
        present=(result != "absent").to_numpy(),
        acquired=(result == "acquis").to_numpy(),
        competency=assessments["competency"].astype(object).to_numpy(),
    )
    presented = frame.groupby(keys, sort=True)["present"].any()
    acquired = (
        frame[frame["acquired"]]
        .assign(flag=True)
        .pivot_table(index=keys, columns="competency", values="flag", aggfunc="any", fill_value=False)
        .reindex(index=presented.index, columns=codes, fill_value=False)
        .astype(bool)
    )
    out = acquired.copy()
    out.insert(0, "presented", presented)
    by_bloc = {}
    for bloc in blocs():
        members = [c for c, b in competency_blocs().items() if b == bloc]
        by_bloc[f"bloc_{bloc}"] = acquired[members].all(axis=1)
    for name, column in by_bloc.items():
        out[name] = column
    validated = pd.DataFrame(by_bloc).sum(axis=1)
    out["blocs_validated"] = validated
    out["certified"] = validated == len(by_bloc)
    out["partial"] = (validated > 0) & (validated < len(by_bloc))
    return out.reset_index()


def cohort_results(candidates: pd.DataFrame) -> dict:
    """Presented, certified, partial, success rate, bloc and competency validation rates of candidates
    (rates over the presented candidates), plus the counts behind the rates."""
    presented = candidates[candidates["presented"]]
    n = len(presented)
    bloc_counts = {b: int(presented[f"bloc_{b}"].sum()) for b in blocs()}
    competency_counts = {c: int(presented[c].sum()) for c in competency_blocs()}
    certified = int(presented["certified"].sum())
    return {
        "candidates": len(candidates),
        "presented": n,
        "certified": certified,
        "partial": int(presented["partial"].sum()),
        "success_rate": share(certified, n),
        "blocs": {b: share(v, n) for b, v in bloc_counts.items()},
        "competencies": {c: share(v, n) for c, v in competency_counts.items()},
        "bloc_counts": bloc_counts,
        "competency_counts": competency_counts,
    }


def assessments_in(assessments: pd.DataFrame, region: Region = FRANCE, before: int | None = None) -> pd.DataFrame:
    selected = in_region(assessments, region)
    if before is not None:
        selected = selected[selected["cohort_year"] < before]
    return selected


def assessment_indicators(assessments: pd.DataFrame | None, region: Region = FRANCE, before: int | None = None) -> dict:
    """Results per cohort (start order) and competency validation rates over every presented candidate."""
    if assessments is None:
        return {"cohorts": [], "competencies": dict.fromkeys(competency_blocs())}
    candidates = candidate_results(assessments_in(assessments, region, before))
    cohorts = []
    for (year, cohort), group in candidates.groupby(["cohort_year", "cohort"], sort=True):
        cohorts.append({"cohort": str(cohort), "cohort_year": int(year), **cohort_results(group)})
    overall = cohort_results(candidates)
    return {
        "cohorts": cohorts,
        "presented": overall["presented"],
        "competencies": overall["competencies"],
        "competency_counts": overall["competency_counts"],
    }


def certification_figures(
    holders: pd.DataFrame,
    assessments: pd.DataFrame | None,
    region: Region = FRANCE,
    target_jobs: Iterable[str] = DEFAULT_TARGET_JOBS,
    before: int | None = None,
) -> dict:
    """Everything `tlanalysis certification --json` prints, as JSON-ready plain data."""
    target_jobs = check_target_jobs(target_jobs)
    return {
        "region": region.name,
        "region_code": region.code,
        "target_jobs": list(target_jobs),
        "promotions": promotions(holders, region, target_jobs, before),
        "assessments": assessment_indicators(assessments, region, before),
    }


#: The keys of `tlanalysis certification --json` (issue 9), in order.
PROMOTION_KEYS = (
    "certification_year",
    "certified",
    "certified_vae",
    "respondents_6m",
    "neutralised_6m",
    "employed_6m",
    "target_job_6m",
    "insertion_global_6m",
    "insertion_target_job_6m",
    "respondents_2y",
    "neutralised_2y",
    "insertion_global_2y",
    "insertion_target_job_2y",
    # beyond the list: the counts behind the 2-year rates, as for 6 months
    "employed_2y",
    "target_job_2y",
)
COHORT_KEYS = ("cohort", "presented", "certified", "partial", "success_rate", "blocs")


def json_view(figures: dict) -> dict:
    """`certification_figures` reduced to the JSON of `tlanalysis certification --json`: the issue's keys
    in its order, then the target jobs used and the counts behind the 2-year rates."""
    return {
        "region": figures["region"],
        "target_jobs": figures["target_jobs"],
        "promotions": [{k: p[k] for k in PROMOTION_KEYS} for p in figures["promotions"]],
        "assessments": {
            "cohorts": [{k: c[k] for k in COHORT_KEYS} for c in figures["assessments"]["cohorts"]],
            "competencies": figures["assessments"]["competencies"],
        },
    }
