"""Hooks: how a lower app asks the apps above it to act, and the one list of every hook.

The apps stack in one order (accessprogram, generation, review, contributions, showcase) and a module
never imports from an app above its own. When something in a lower app must cause work above it, the
lower app calls a hook named here, and the higher app registers its function in `AppConfig.ready()`.
Hooks run in registration order, inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Every hook, with its caller, its registrant and the keyword arguments it passes.
JOBS_STOP = "jobs_stop"
"""accessprogram (a suspension, a leaked token) → generation: stop the jobs matching `reach`, a Q over a
job's `owner`, `cohort` and `token` lookups; called with `actor`, `reach`, `reason`; returns StoppedJobs."""

JOBS_COUNT = "jobs_count"
"""accessprogram (a suspension's confirmation) → generation: count what `jobs_stop` would stop in `reach`,
stopping nothing; called with `reach`; returns StoppedJobs (queued jobs as `cancelled`, running as `stopping`)."""

MEMBER_SUMMARY = "member_summary"
"""accessprogram (`GET /api/v1/me/`) → generation: what a tester has left; called with `user`; returns
a dict merged into the answer."""

OUTPUT_FINISHED = "output_finished"
"""generation (a job succeeded) → review: queue the new output for review; called with `actor`, `output`."""

PROMPT_SUBMITTED = "prompt_submitted"
"""generation (before a job is queued) → contributions: check the prompt against the prompt policy;
called with `actor`, `user`, `prompt`; raises a DomainError to refuse it."""

OUTPUT_PANELS = "output_panels"
"""generation (the job page) → review: the panels shown under an output; called with `request`, `output`;
returns rendered HTML, computed in the view so the template runs no queries."""

OUTPUT_STAFF_ACTIONS = "output_staff_actions"
"""review (an output's review page) → showcase: actions staff can start on that output (a licence request);
called with `request`, `output`; returns rendered HTML ("" when there is nothing to offer)."""

DASHBOARD_PANELS = "dashboard_panels"
"""accessprogram (a reviewer's dashboard) → review: the panels shown on it (what waits, decisions, appeals,
revisions); called with `request`; returns rendered HTML, computed before the template runs."""

PUBLIC_CREDITS = "public_credits"
"""review (the gallery, a share page) → showcase: credit lines public pages must show; called with
`outputs`; returns a dict of output id → list of lines."""

HOOK_NAMES = frozenset(
    {
        DASHBOARD_PANELS,
        JOBS_COUNT,
        JOBS_STOP,
        MEMBER_SUMMARY,
        OUTPUT_FINISHED,
        OUTPUT_PANELS,
        OUTPUT_STAFF_ACTIONS,
        PROMPT_SUBMITTED,
        PUBLIC_CREDITS,
    }
)

_registry: dict[str, list[Callable[..., Any]]] = defaultdict(list)


@dataclass(frozen=True)
class StoppedJobs:
    cancelled: int  # queued jobs, cancelled at once
    stopping: int  # running jobs, asked to stop at their next denoising step


def register(name: str, fn: Callable[..., Any]) -> None:
    """Add `fn` to hook `name`; registering the same function twice keeps one (ready() may run twice)."""
    if name not in HOOK_NAMES:
        raise ValueError(f"Unknown hook {name!r}; every hook is listed in accessprogram.hooks.")
    if fn not in _registry[name]:
        _registry[name].append(fn)


def get_hooks(name: str) -> list[Callable[..., Any]]:
    if name not in HOOK_NAMES:
        raise ValueError(f"Unknown hook {name!r}; every hook is listed in accessprogram.hooks.")
    return list(_registry[name])


def run_hooks(name: str, **kwargs: Any) -> list[Any]:
    """Call every function registered for `name` in order, with `kwargs`; their answers, in the same order."""
    return [fn(**kwargs) for fn in get_hooks(name)]
