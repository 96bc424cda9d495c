"""Small data folders written as analysts have them, for CLI tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

EMPLOYMENT = (
    "year;region;tiers_lieu;contract;role;count\n"
    "2019;Nouvelle-Aquitaine;Lieu A;CDI;facilitation;3\n2019;75;Lieu B;CDD;animation;2\n"
)
HOLDERS = (
    "holder_id,cohort,cohort_year,region,status_at_entry,situation,created_business,changed_job\n"
    "H1,P2015,2015,75,demandeur_emploi,facilitation,non,non\n"
    "H2,P2015,2015,75,actif,autre_coordination,oui,non\n"
)


def make_data(folder: Path, employment: str | None = EMPLOYMENT, holders: str | None = HOLDERS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if employment is not None:
        (folder / "employment.csv").write_text(employment, encoding="utf-8")
    if holders is not None:
        (folder / "holders.csv").write_text(holders, encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) for p in folder.iterdir()}
