"""What « le métier visé » of the certification reports means (`--target-job`): its default and its check.

Apart from `compute.certification` (which re-exports both) because the build checks the option before it
knows whether anything is to be built: this module imports no pandas, so a no-op build does without it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import UsageError
from ..schema import EMPLOYED_SITUATIONS

DEFAULT_TARGET_JOBS = ("facilitation",)


def check_target_jobs(target_jobs: Iterable[str]) -> tuple[str, ...]:
    """The target jobs asked for, each one of the employment situations; else a UsageError.

    In the order of `EMPLOYED_SITUATIONS` whatever the order asked: the target jobs are a set, and
    the protection a build computes once is found again by them (`protect.certification.remember`)."""
    asked = {str(j).strip() for j in target_jobs if str(j).strip()}
    unknown = sorted(asked - set(EMPLOYED_SITUATIONS))
    if not asked or unknown:
        raise UsageError(
            f"unknown target job {', '.join(unknown) or '(none)'}; expected one or more of "
            + ", ".join(EMPLOYED_SITUATIONS)
        )
    return tuple(j for j in EMPLOYED_SITUATIONS if j in asked)


__all__ = ["DEFAULT_TARGET_JOBS", "check_target_jobs"]
