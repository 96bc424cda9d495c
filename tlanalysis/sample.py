"""Fictitious example data, generated deterministically.

The bundled files in `data/sample/` let people try the tool, the tests and the
report notebook without real (personal) data. They are calibrated so that the
Nouvelle-Aquitaine figures reproduce a real published page; everything else
is plausible noise. Regenerate them with ``python -m tlanalysis.sample``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
import pandas as pd

from .config import SAMPLE_DATA_DIR
from .schema import ASSESSMENTS, EMPLOYMENT, HOLDERS, ColumnSpec, TableSpec

#: Fixed seed: the bundled files must not change unless this module does.
SEED = 20240607
#: Date of the example data (its "created" date), shown in reports in place of any build time.
SAMPLE_DATE = "2024-03-01"

CONTRACTS = tuple(EMPLOYMENT.column("contract").allowed_values)
#: The example data gives every job a function (« non précisée » is for surveys that do not).
ROLES = tuple(r for r in EMPLOYMENT.column("role").allowed_values if r != "non_precise")
SITUATIONS = tuple(HOLDERS.column("situation").allowed_values)
STATUSES = tuple(HOLDERS.column("status_at_entry").allowed_values)

#: Regions of the sample: INSEE code -> name.
REGIONS = {"75": "Nouvelle-Aquitaine", "76": "Occitanie", "53": "Bretagne", "04": "La Réunion"}

#: Jobs per survey year (sum of `count`). NA 2017 and 2019 are calibrated; the rest is plausible growth.
YEAR_TOTALS = {
    "75": {2015: 30, 2016: 40, 2017: 50, 2018: 160, 2019: 269, 2020: 285, 2021: 310, 2022: 335, 2023: 360},
    "76": {2019: 40, 2020: 55, 2021: 70, 2022: 85, 2023: 95},
    "53": {2020: 15, 2021: 22, 2022: 30, 2023: 36},
    "04": {2021: 6, 2022: 9, 2023: 12},
}

#: NA 2019 (published): CDI 195, CDD 74, facilitation 151 of 269 jobs -> contract x role margins.
_NA_2019 = {"CDI": {"facilitation": 115, "other_roles": 80}, "CDD": {"facilitation": 36, "other_roles": 38}}

_CONTRACT_P = (0.55, 0.30, 0.08, 0.07)
_ROLE_P = (0.45, 0.22, 0.13, 0.12, 0.08)

#: Largest share of a year's jobs one tiers-lieu may hold (statistical-disclosure rule).
MAX_PLACE_SHARE = 0.85

#: Cohort labels -> size, per region. NA 2015-2018 (6 cohorts, 200 holders) are calibrated.
COHORTS = {
    "75": {
        "NA-2015-1": 28,
        "NA-2016-1": 32,
        "NA-2017-1": 35,
        "NA-2017-2": 33,
        "NA-2018-1": 38,
        "NA-2018-2": 34,
        "NA-2019-1": 30,
        "NA-2019-2": 26,
        "NA-2020-1": 31,
        "NA-2021-1": 29,
        "NA-2021-2": 24,
        "NA-2022-1": 27,
    },
    # two larger early Occitanie cohorts: with them the national report can show its holders' figures
    # (with Nouvelle-Aquitaine alone, France minus NA would give Occitanie's small counts away)
    "76": {"OCC-2016-1": 40, "OCC-2018-1": 45, "OCC-2020-1": 15, "OCC-2022-1": 14},
    "53": {"BRE-2019-1": 9, "BRE-2021-1": 11},
    "04": {"REU-2020-1": 4, "REU-2022-1": 7},
}

#: The 200 calibrated NA holders (cohorts 2015-2018): (status_at_entry, situation, created_business,
#: changed_job, n). Trajectory groups: G1 demandeur_emploi employed 54, G2 etudiant employed 15,
#: G3 actif created 75, G4 actif not created but changed job 6; the other 50 fall in none of them.
_NA_EARLY_PROFILES = (
    # G1: job seekers now employed (54)
    ("demandeur_emploi", "facilitation", "oui", "oui", 6),
    ("demandeur_emploi", "facilitation", "non", "oui", 24),
    ("demandeur_emploi", "autre_coordination", "non", "oui", 22),
    ("demandeur_emploi", "autre_emploi", "non", "oui", 2),
    # G2: students now employed (15)
    ("etudiant", "facilitation", "non", "oui", 9),
    ("etudiant", "autre_coordination", "non", "oui", 5),
    ("etudiant", "autre_emploi", "non", "oui", 1),
    # G3: employed at entry, created a business (75)
    ("actif", "facilitation", "oui", "oui", 40),
    ("actif", "facilitation", "oui", "non", 8),
    ("actif", "autre_coordination", "oui", "oui", 17),
    ("actif", "recherche_emploi", "oui", "non", 6),
    ("actif", "autre", "oui", "non", 2),
    ("actif", "inconnu", "oui", "non", 2),
    # G4: employed at entry, no business, changed job (6)
    ("actif", "facilitation", "non", "oui", 4),
    ("actif", "autre_coordination", "non", "oui", 2),
    # None of the groups (50)
    ("actif", "facilitation", "non", "non", 18),
    ("actif", "autre_coordination", "non", "non", 8),
    ("actif", "autre_emploi", "non", "non", 1),
    ("actif", "recherche_emploi", "non", "non", 4),
    ("demandeur_emploi", "recherche_emploi", "non", "non", 14),
    ("demandeur_emploi", "autre", "non", "non", 1),
    ("etudiant", "recherche_emploi", "non", "non", 3),
    ("etudiant", "inconnu", "non", "non", 1),
)
_CALIBRATED_COHORT_YEARS = range(2015, 2019)

_STATUS_P = (0.45, 0.12, 0.43)
_SITUATION_P = (0.42, 0.22, 0.06, 0.15, 0.05, 0.10)


def _rng(*keys: int) -> np.random.Generator:
    """One stream per table/region, so editing one part leaves the others' draws unchanged."""
    return np.random.default_rng([SEED, *keys])


def _place_names(code: str, n: int) -> list[str]:
    return [f"Tiers-lieu fictif {i:03d} ({REGIONS[code]})" for i in range(1, n + 1)]


def _contract_role_matrix(rng: np.random.Generator, code: str, year: int, total: int) -> np.ndarray:
    """Jobs by contract (rows) x role (columns), summing exactly to `total`."""
    if (code, year) == ("75", 2019):  # facilitation is the first role, the others follow
        assert sum(v for split in _NA_2019.values() for v in split.values()) == total
        matrix = np.zeros((len(CONTRACTS), len(ROLES)), dtype=np.int64)
        other_p = np.asarray(_ROLE_P[1:]) / sum(_ROLE_P[1:])
        for contract, split in _NA_2019.items():
            i = CONTRACTS.index(contract)
            matrix[i, 0] = split["facilitation"]
            matrix[i, 1:] = rng.multinomial(split["other_roles"], other_p)
        return matrix
    p = np.outer(_CONTRACT_P, _ROLE_P).ravel()
    return rng.multinomial(total, p / p.sum()).reshape(len(CONTRACTS), len(ROLES))


def _employment_region(code: str) -> pd.DataFrame:
    rng = _rng(1, int(code))
    totals = YEAR_TOTALS[code]
    n_places = {year: max(3, round(total / 12)) for year, total in totals.items()}
    names = _place_names(code, max(n_places.values()))
    # Fixed size per place; places open over the years and stay open.
    weights = rng.gamma(3.0, size=len(names))
    rows = []
    for year, total in totals.items():
        k = n_places[year]
        w = weights[:k] / weights[:k].sum()
        matrix = _contract_role_matrix(rng, code, year, total)
        # Deal the jobs out to the open places, one to each first so that none is empty.
        jobs = rng.permutation(np.repeat(np.arange(matrix.size), matrix.ravel()))
        place = np.concatenate([np.arange(k), rng.choice(k, size=total - k, p=w)])
        cube = np.zeros((k, matrix.size), dtype=np.int64)  # cube[place, contract x role]
        np.add.at(cube, (place, jobs), 1)
        for (p, i, j), c in np.ndenumerate(cube.reshape(k, len(CONTRACTS), len(ROLES))):
            if c:
                rows.append((year, code, names[p], CONTRACTS[i], ROLES[j], int(c)))
    frame = pd.DataFrame(rows, columns=[c.name for c in EMPLOYMENT.columns])
    _check_disclosure(frame)
    return frame


def _check_disclosure(frame: pd.DataFrame) -> None:
    """Fail loudly if a year is shown with fewer than 3 places or one dominant place."""
    for year, jobs in frame.groupby("year"):
        by_place = jobs.groupby("tiers_lieu")["count"].sum()
        if len(by_place) < 3 or by_place.max() > MAX_PLACE_SHARE * by_place.sum():
            raise AssertionError(f"sample employment {jobs['region'].iat[0]} {year} breaks the disclosure rule")


def _random_profiles(rng: np.random.Generator, n: int) -> pd.DataFrame:
    status = rng.choice(STATUSES, size=n, p=_STATUS_P)
    situation = rng.choice(SITUATIONS, size=n, p=_SITUATION_P)
    created = np.where(rng.random(n) < np.where(status == "actif", 0.35, 0.08), "oui", "non")
    changed = np.where(rng.random(n) < 0.3, "oui", "non")
    return pd.DataFrame(
        {"status_at_entry": status, "situation": situation, "created_business": created, "changed_job": changed}
    )


def _calibrated_profiles(rng: np.random.Generator) -> pd.DataFrame:
    columns = ["status_at_entry", "situation", "created_business", "changed_job"]
    rows = [profile[:4] for profile in _NA_EARLY_PROFILES for _ in range(profile[4])]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def _holders_region(code: str) -> pd.DataFrame:
    rng = _rng(2, int(code))
    cohorts = COHORTS[code]
    years = {label: int(label.split("-")[1]) for label in cohorts}
    calibrated = [c for c in cohorts if code == "75" and years[c] in _CALIBRATED_COHORT_YEARS]
    parts = []
    if calibrated:
        profiles = _calibrated_profiles(rng)
        sizes = [cohorts[c] for c in calibrated]
        if sum(sizes) != len(profiles):
            raise AssertionError("calibrated cohort sizes must add up to the calibrated profiles")
        profiles["cohort"] = np.repeat(calibrated, sizes)
        parts.append(profiles)
    for label in (c for c in cohorts if c not in calibrated):
        profiles = _random_profiles(rng, cohorts[label])
        profiles["cohort"] = label
        parts.append(profiles)
    frame = pd.concat(parts, ignore_index=True)
    frame["cohort_year"] = frame["cohort"].map(years).astype("int64")
    frame["region"] = code
    frame["holder_id"] = [f"T-{code}-{i:04d}" for i in range(1, len(frame) + 1)]
    frame = _with_certification(frame, code)
    return frame[[c.name for c in HOLDERS.columns]]


def make_sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(employment, holders) of the bundled example, in the input format, identical on every call."""
    employment = pd.concat([_employment_region(code) for code in REGIONS], ignore_index=True)
    holders = pd.concat([_holders_region(code) for code in REGIONS], ignore_index=True)
    return employment, holders


_README = """\
# Données fictives / Fictitious example data

**Ces données sont fictives.** Aucun tiers-lieu, aucune personne réelle n'y figure :
les noms de lieux (« Tiers-lieu fictif 012 (Nouvelle-Aquitaine) ») et les identifiants
de titulaires (« T-75-0001 ») sont inventés.

**These data are fictitious.** No real place or person appears in them: place names and
holder identifiers are made up.

## Contenu / Contents

- `employment.csv` : emplois par année d'enquête, région, tiers-lieu, contrat et fonction
  (une ligne par groupe de postes identiques, colonne `count`) /
  jobs by survey year, region, place, contract and role (one row per group, `count` column).
- `holders.csv` : titulaires de la certification, une ligne par personne /
  certification holders, one row per person.
- `assessments.csv` : résultats du jury de certification des promotions de Nouvelle-Aquitaine,
  une ligne par candidat·e, compétence et session (rattrapages compris) /
  certification jury results of the Nouvelle-Aquitaine cohorts, one row per candidate,
  competency and session (resits included).
- `datapackage.json` : description des fichiers (Frictionless Data Package) /
  file description (Frictionless Data Package).

Régions / regions : Nouvelle-Aquitaine (75, 2015–2023), Occitanie (76, 2019–2023),
Bretagne (53, 2020–2023), La Réunion (04, 2021–2023).

## Génération / How they are made

Générées de façon déterministe (graine fixe) par / generated deterministically (fixed seed) by:

    python -m tlanalysis.sample

Ne pas modifier à la main : les tests vérifient que ces fichiers sont identiques, octet pour
octet, à une nouvelle génération. / Do not edit by hand: the tests check that these files
are byte-for-byte identical to a fresh generation.

## Calibrage / Calibration

Pour la Nouvelle-Aquitaine, les données reproduisent exactement les chiffres d'une page publiée /
for Nouvelle-Aquitaine they reproduce exactly the figures of a published page:

- 50 emplois en 2017 ; 269 en 2019 dont 195 CDI et 74 CDD, 151 en facilitation (plus de 56 %) /
  50 jobs in 2017; 269 in 2019, of which 195 CDI and 74 CDD, 151 in facilitation (over 56 %).
- 200 titulaires des 6 promotions 2015–2018 : 54,5 % en poste de facilitation, 27 % sur un autre
  poste de coordination, 13,5 % en recherche d'emploi /
  200 holders of the 6 cohorts 2015–2018: 54.5 % facilitation, 27 % other coordination,
  13.5 % job seeking.
- Parcours / trajectories (150 titulaires) : 36 % demandeurs d'emploi aujourd'hui en poste,
  10 % étudiants aujourd'hui en poste, 50 % actifs ayant créé leur entreprise, 4 % actifs ayant
  changé de poste.

Titulaires / holders : Nouvelle-Aquitaine (promotions 2015–2022), Occitanie (2016–2022),
Bretagne (2019–2021), La Réunion (2020–2022). Avec les deux grandes promotions d'Occitanie de
2016 et 2018, le rapport national 2019 publie la situation et les parcours de ses titulaires sans
que la Nouvelle-Aquitaine soustraite du total ne trahisse de petits effectifs. / With Occitanie's two
large cohorts of 2016 and 2018, the 2019 national report shows its holders' situations and
trajectories without France minus Nouvelle-Aquitaine giving small counts away.

Chaque année, au moins 3 tiers-lieux et aucun ne dépasse 85 % des emplois (règle de secret
statistique). / Every year has at least 3 places and none holds more than 85 % of the jobs
(statistical-disclosure rule).

Licence : CC0-1.0.
"""

_FIELD_TYPES = {
    "integer": "integer",
    "count": "integer",
    "text": "string",
    "region": "string",
    "category": "string",
    "boolean": "boolean",
}


def _field(col: ColumnSpec) -> dict:
    field: dict[str, object] = {
        "name": col.name,
        "title": col.label,
        "type": _FIELD_TYPES[col.kind],
        "description": col.description,
    }
    if col.kind == "boolean":
        field.update(trueValues=["oui"], falseValues=["non"])
    constraints: dict = {}
    if col.required:
        constraints["required"] = True
    if col.unique:
        constraints["unique"] = True
    if col.kind == "category":
        constraints["enum"] = col.allowed_values
    if col.minimum is not None:
        constraints["minimum"] = col.minimum
    if col.maximum is not None:
        constraints["maximum"] = col.maximum
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(table: TableSpec) -> dict:
    return {
        "name": table.name,
        "title": table.label,
        "description": table.description,
        "path": f"{table.name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [_field(c) for c in table.columns]},
    }


def datapackage() -> dict:
    """Frictionless descriptor of the sample; `tlanalysis.example_data` tells the library it is fictitious."""
    return {
        "name": "tlanalysis-sample",
        "title": "Données fictives d'exemple / Fictitious example data",
        "description": (
            "Fictitious example data (données fictives) for tlanalysis, generated "
            "deterministically by `python -m tlanalysis.sample`. No real place or person."
        ),
        "licenses": [
            {
                "name": "CC0-1.0",
                "title": "Creative Commons Zero v1.0 Universal",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/",
            }
        ],
        "sources": [
            {"title": "tlanalysis.sample generator (python -m tlanalysis.sample)", "path": "tlanalysis/sample.py"}
        ],
        # The data's date, shown in reports instead of a build time (so builds are reproducible).
        "created": SAMPLE_DATE,
        "tlanalysis": {"example_data": True},
        "resources": [_resource(EMPLOYMENT), _resource(HOLDERS), _resource(ASSESSMENTS)],
    }


def write_sample(out_dir: Path = SAMPLE_DATA_DIR) -> None:
    """Write the bundled sample files; output bytes depend only on this module."""
    employment, holders = make_sample()
    _write_folder(
        out_dir,
        {"employment": employment, "holders": holders, "assessments": make_assessments(holders)},
        datapackage(),
        _README,
    )


# --- certification follow-up and jury results (their own random streams: the draws above stay) ---

#: Data date of the sample (2024-03): a 2-year follow-up is known for certifications up to 2021.
_LAST_TWO_YEAR_FOLLOW_UP = 2021
#: Share of training holders who passed some competency only at a resit the year after.
_RESIT_P = 0.15
_ROUTE_P = {"formation": 0.9, "vae": 0.07, "candidat_libre": 0.03}
#: Situation six months after: answered or not, neutralised (studies, unable to work, abroad) or not.
_SIX_MONTHS_P = {
    "facilitation": 0.38,
    "autre_coordination": 0.18,
    "autre_emploi": 0.08,
    "recherche_emploi": 0.14,
    "autre": 0.03,
    "inconnu": 0.11,
    "poursuite_etudes": 0.05,
    "inapte": 0.01,
    "hors_marche_francais": 0.02,
}
#: Candidates of each NA cohort who were not certified: (validated blocs, absent from every session).
_NOT_CERTIFIED = (((1, 2), False), ((1,), False), ((), False), ((), True))


def _with_certification(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    """Certification year, access route and the 6-month and 2-year follow-ups of each holder.

    Training holders are certified the year after their cohort started, or the year after that when
    they passed a competency at the resit. The 2-year follow-up is the holder's current situation
    (known for certifications up to 2021); a few of them were continuing studies or abroad instead.
    """
    rng = _rng(3, int(code))
    n = len(frame)
    route = rng.choice(list(_ROUTE_P), size=n, p=list(_ROUTE_P.values()))
    # no resit session after the data's date (2024-03) for the last cohorts
    resit = (route == "formation") & (rng.random(n) < _RESIT_P) & (frame["cohort_year"].to_numpy() + 2 < 2024)
    year = frame["cohort_year"].to_numpy() + 1 + resit
    six = rng.choice(list(_SIX_MONTHS_P), size=n, p=list(_SIX_MONTHS_P.values()))
    two = frame["situation"].to_numpy(dtype=object).copy()
    neutral = rng.random(n) < 0.05
    two[neutral] = rng.choice(["poursuite_etudes", "hors_marche_francais", "inapte"], size=int(neutral.sum()))
    two[year > _LAST_TWO_YEAR_FOLLOW_UP] = "inconnu"
    return frame.assign(certification_year=year, access_route=route, situation_6m=six, situation_2y=two)


def _competencies() -> list[tuple[int, str]]:
    from .reference import certification

    return [(int(u), str(c)) for u, c in certification()[["unit", "competency_code"]].itertuples(index=False)]


def make_assessments(holders: pd.DataFrame) -> pd.DataFrame:
    """The jury results of the Nouvelle-Aquitaine cohorts, consistent with the holders.

    Each training holder has every competency `acquis` (those certified a year late failed one to
    three competencies at the first session and passed them at the resit); each cohort also has four
    candidates who are not holders: one with blocs 1 and 2, one with bloc 1, one with none, and one
    absent. VAE and independent candidates are not assessed with a cohort.
    """
    rng = _rng(4, 75)
    competencies = _competencies()
    rows = []
    trained = holders[(holders["region"] == "75") & (holders["access_route"] == "formation")]
    for holder in trained.itertuples(index=False):
        first = int(holder.cohort_year) + 1
        failed: set[str] = set()
        if int(holder.certification_year) > first:
            picks = rng.choice(len(competencies), size=int(rng.integers(1, 4)), replace=False)
            failed = {competencies[i][1] for i in picks}
        for _, comp in competencies:
            base = (holder.holder_id, holder.cohort, int(holder.cohort_year), "75", comp)
            if comp in failed:
                rows.append((*base, "non_acquis", first))
                rows.append((*base, "acquis", first + 1))
            else:
                rows.append((*base, "acquis", first))
    cohorts = trained[["cohort", "cohort_year"]].drop_duplicates().itertuples(index=False)
    serial = 0
    for cohort in cohorts:
        first = int(cohort.cohort_year) + 1
        for blocs, absent in _NOT_CERTIFIED:
            serial += 1
            candidate = f"C-75-{serial:04d}"
            missed = {comp for unit, comp in competencies if unit not in blocs and rng.random() < 0.5}
            for unit in {u for u, _ in competencies} - set(blocs):  # a bloc not validated misses one at least
                if not any(c in missed for u, c in competencies if u == unit):
                    missed.add(next(c for u, c in competencies if u == unit))
            for _, comp in competencies:
                result = "absent" if absent else ("non_acquis" if comp in missed else "acquis")
                rows.append((candidate, cohort.cohort, int(cohort.cohort_year), "75", comp, result, first))
    frame = pd.DataFrame(rows, columns=[c.name for c in ASSESSMENTS.columns])
    return frame.sort_values(["cohort_year", "cohort", "candidate_id", "session_year", "competency"], kind="stable")


def make_large_employment(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """A big employment table in the input format, for benchmarks (vectorized, ~1M rows/s or better)."""
    from .reference import regions

    rng = np.random.default_rng(seed)
    ref = regions()
    codes, names = ref["code"].to_numpy(dtype=object), ref["name"].to_numpy(dtype=object)
    region_idx = rng.integers(0, len(ref), n_rows)
    region = np.where(rng.random(n_rows) < 0.5, codes[region_idx], names[region_idx])
    places = np.array([f"Tiers-lieu fictif {i:04d}" for i in range(1, 5001)], dtype=object)
    count = np.where(rng.random(n_rows) < 0.8, 1, rng.integers(2, 6, n_rows))
    return pd.DataFrame(
        {
            "year": rng.integers(2015, 2024, n_rows),
            "region": region,
            "tiers_lieu": places[rng.integers(0, len(places), n_rows)],
            "contract": np.asarray(CONTRACTS, dtype=object)[rng.choice(len(CONTRACTS), n_rows, p=_CONTRACT_P)],
            "role": np.asarray(ROLES, dtype=object)[rng.choice(len(ROLES), n_rows, p=_ROLE_P)],
            "count": count,
        }
    )


# --- a national-size network, for benchmarks and scale tests ---------------------------------------

#: Seed of the national generator (independent of the bundled sample's).
NATIONAL_SEED = 20261203
NATIONAL_YEARS = range(2015, 2025)
#: Regions in a fixed order: `make_national(n_regions=N)` takes the first N. The very small ones
#: (Corse, Mayotte) come early so that even a 4-region benchmark has small cells.
NATIONAL_REGIONS = (
    "75", "94", "84", "06", "11", "76", "53", "32", "44", "52", "93", "28", "27", "24", "01", "02", "03", "04",
)  # fmt: skip
#: Places of each region in the last survey year (about 3,500 in all, France Tiers-Lieux's order of size).
_NATIONAL_PLACES = {
    "11": 520, "84": 445, "75": 400, "76": 395, "93": 260, "53": 240, "32": 230, "44": 230, "52": 210,
    "28": 160, "27": 155, "24": 115, "04": 52, "01": 30, "02": 26, "94": 14, "03": 12, "06": 4,
}  # fmt: skip
#: Cohorts of holders per region (about 260 in all, 2015-2023); Mayotte has one cohort of 3.
_NATIONAL_COHORTS = {
    "11": 34, "84": 30, "75": 30, "76": 28, "93": 20, "53": 19, "32": 18, "44": 18, "52": 17,
    "28": 12, "27": 12, "24": 9, "04": 5, "01": 3, "02": 2, "94": 2, "03": 1, "06": 1,
}  # fmt: skip
#: Share of a region's places already open in each survey year.
_OPEN_SHARE = np.linspace(0.3, 1.0, len(NATIONAL_YEARS))


def _national_rng(seed: int, *keys: int) -> np.random.Generator:
    return np.random.default_rng([seed, *keys])


def _region_names() -> dict[str, tuple[str, str]]:
    """Region code -> (name, short label for cohorts: the ISO 3166-2 suffix)."""
    from .reference import regions

    ref = regions()
    return {c: (n, iso.split("-")[1]) for c, n, iso in zip(ref["code"], ref["name"], ref["iso_3166_2"], strict=True)}


def _national_employment_region(seed: int, code: str, name: str) -> pd.DataFrame:
    rng = _national_rng(seed, 1, int(code))
    n_last = _NATIONAL_PLACES[code]
    size = rng.gamma(1.6, 1.5, size=n_last) + 0.4  # mean jobs per place, most places small
    places = np.array([f"Tiers-lieu fictif {i:04d} ({name})" for i in range(1, n_last + 1)], dtype=object)
    p = np.outer(_CONTRACT_P, _ROLE_P).ravel()
    p = p / p.sum()
    parts = []
    for year, share in zip(NATIONAL_YEARS, _OPEN_SHARE, strict=True):
        k = max(1, round(n_last * share))
        jobs = np.maximum(1, rng.poisson(size[:k] * (0.7 + 0.3 * share)))
        cube = rng.multinomial(jobs, p)  # place x (contract, role)
        place, cell = np.nonzero(cube)
        parts.append(
            pd.DataFrame(
                {
                    "year": year,
                    "region": code,
                    "tiers_lieu": places[place],
                    "contract": np.asarray(CONTRACTS, dtype=object)[cell // len(ROLES)],
                    "role": np.asarray(ROLES, dtype=object)[cell % len(ROLES)],
                    "count": cube[place, cell].astype(np.int64),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _national_holders_region(seed: int, code: str, label: str) -> pd.DataFrame:
    rng = _national_rng(seed, 2, int(code))
    n_cohorts = _NATIONAL_COHORTS[code]
    years_p = np.linspace(1.0, 2.5, 9)
    years = np.sort(rng.choice(np.arange(2015, 2024), size=n_cohorts, p=years_p / years_p.sum()))
    sizes = np.clip(rng.normal(14.5, 4.0, n_cohorts).round().astype(int), 4, 30)
    if code == "06":
        sizes[:] = 3  # a cohort smaller than k: its figures must be masked everywhere
    parts, seen = [], dict.fromkeys(years.tolist(), 0)
    for year, n in zip(years.tolist(), sizes.tolist(), strict=True):
        seen[year] += 1
        profiles = _random_profiles(rng, n)
        profiles["cohort"] = f"{label}-{year}-{seen[year]}"
        profiles["cohort_year"] = year
        parts.append(profiles)
    frame = pd.concat(parts, ignore_index=True)
    frame["cohort_year"] = frame["cohort_year"].astype("int64")
    frame["region"] = code
    frame["holder_id"] = [f"T-{code}-{i:05d}" for i in range(1, len(frame) + 1)]
    frame = _with_certification(frame, code)
    return frame[[c.name for c in HOLDERS.columns]]


def make_national(n_regions: int | None = None, seed: int = NATIONAL_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(employment, holders) of a fictitious national network, in the input format of `make_sample`.

    All 18 regions (or the first `n_regions` of `NATIONAL_REGIONS`), survey years 2015-2024, about
    3,500 places, 50,000 employment rows and 3,700 holders in 260 cohorts, with very small regions
    (Corse, Mayotte) so that small cells occur. Each region's rows depend only on the seed and the
    region, so a subset is the full data restricted to its regions (benchmarks of growth compare
    like with like). Deterministic.
    """
    codes = NATIONAL_REGIONS if n_regions is None else NATIONAL_REGIONS[: int(n_regions)]
    if n_regions is not None and not 1 <= int(n_regions) <= len(NATIONAL_REGIONS):
        raise ValueError(f"n_regions must be between 1 and {len(NATIONAL_REGIONS)}, got {n_regions!r}")
    names = _region_names()
    employment = pd.concat([_national_employment_region(seed, c, names[c][0]) for c in codes], ignore_index=True)
    holders = pd.concat([_national_holders_region(seed, c, names[c][1]) for c in codes], ignore_index=True)
    return employment, holders


def _write_folder(out_dir: Path, frames: dict[str, pd.DataFrame], descriptor: dict, readme: str) -> None:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(out_dir / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n")
    (out_dir / "README.md").write_text(readme, encoding="utf-8", newline="\n")
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (out_dir / "datapackage.json").write_text(text, encoding="utf-8", newline="\n")


def write_national(out_dir: Path, n_regions: int | None = None) -> None:
    """Write a national-size fictitious data folder that every command accepts with `--data`."""
    employment, holders = make_national(n_regions)
    descriptor = datapackage()
    descriptor.update(
        name="tlanalysis-national-example",
        title="Réseau national fictif / Fictitious national network",
        description=(
            "Fictitious national-size data for benchmarks and scale tests, generated by "
            "`python -m tlanalysis.sample --national DIR`. No real place or person."
        ),
    )
    readme = (
        "# Réseau national fictif / Fictitious national network\n\n"
        "**Données fictives** générées par `python -m tlanalysis.sample --national DIR` "
        f"({employment['region'].nunique()} régions, {len(employment)} lignes d'emploi, "
        f"{len(holders)} titulaires). / **Fictitious data**, no real place or person.\n"
    )
    _write_folder(out_dir, {"employment": employment, "holders": holders}, descriptor, readme)


@click.command()
@click.option(
    "--national",
    "national_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write a national-size fictitious data folder here instead of the bundled sample.",
)
@click.option(
    "--regions",
    "n_regions",
    type=click.IntRange(1, len(NATIONAL_REGIONS)),
    default=None,
    help="With --national: only the first N regions of NATIONAL_REGIONS.",
)
def main(national_dir: Path | None, n_regions: int | None) -> None:
    """Regenerate the bundled example data (data/sample/), or write a national-size one."""
    if national_dir is None:
        write_sample()
        click.echo(f"wrote {SAMPLE_DATA_DIR}")
    else:
        write_national(national_dir, n_regions)
        click.echo(f"wrote {national_dir}")


if __name__ == "__main__":
    main()
