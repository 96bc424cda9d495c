"""Certification figures and their disclosure control on the bundled sample.

Times (CPU time, so that a loaded machine inflates them less) of: the exact figures of
`tlanalysis certification`, and the protected tables of the heaviest certification report
(France, every year of certification and cohort), with the number of integer programs solved.
Usage: python benchmarks/bench_certification.py
"""

from __future__ import annotations

import json
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def main() -> dict:
    import scipy.optimize

    from tlanalysis.certification import certification_figures
    from tlanalysis.certification_disclosure import CertificationProtection
    from tlanalysis.dataset import load_dataset

    calls = {"milp": 0}
    original = scipy.optimize.milp

    def counted(*args, **kwargs):
        calls["milp"] += 1
        return original(*args, **kwargs)

    scipy.optimize.milp = counted
    try:
        data = load_dataset()
        start = time.process_time()
        certification_figures(data.holders, data.assessments)
        exact = time.process_time() - start
        start = time.process_time()
        protection = CertificationProtection(data.holders, data.assessments)
        years = protection.promotions()
        promotions = time.process_time() - start
        start = time.process_time()
        cohorts = protection.cohort_results()
        cohort_time = time.process_time() - start
        start = time.process_time()
        assert protection.audit() == []
        audit = time.process_time() - start
    finally:
        scipy.optimize.milp = original
    result = {
        "exact_figures_cpu_s": round(exact, 3),
        "protected_years_cpu_s": round(promotions, 3),
        "protected_cohorts_cpu_s": round(cohort_time, 3),
        "audit_cpu_s": round(audit, 3),
        "years": len(years),
        "cohorts": len(cohorts),
        "milp_calls": calls["milp"],
        **protection.summary(),
    }
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "certification.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
