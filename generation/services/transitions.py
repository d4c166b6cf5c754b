"""Every change of a job's status: the table of allowed moves, and one guarded UPDATE for each.

A move is `UPDATE … WHERE status = <source>` on the rows the caller names (a claim also names the attempt),
so two processes racing for one job cannot both move it: the loser updates nothing and sees a count of 0.
"""

from __future__ import annotations

from django.db.models import QuerySet

from generation.models import GenerationJob, JobStatus

ALLOWED: dict[str, frozenset[str]] = {
    JobStatus.QUEUED: frozenset({JobStatus.RUNNING, JobStatus.CANCELLED}),
    # Back to queued when its worker died and the job has attempts left.
    JobStatus.RUNNING: frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.QUEUED}),
    JobStatus.SUCCEEDED: frozenset(),
    JobStatus.FAILED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}


def job_transition(jobs: QuerySet[GenerationJob], *, source: str, to: str, **fields) -> int:
    """Move the jobs among `jobs` that are in `source` to `to`, setting `fields` too; how many moved."""
    if to not in ALLOWED[source]:
        raise ValueError(f"A job cannot go from {source} to {to}.")
    return jobs.filter(status=source).update(status=to, **fields)
