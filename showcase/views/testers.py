"""The tester page for program admins, like TestFlight's tester detail: profile, cohort, role, activity,
outputs, contributions, suspensions, ledger and tokens, with the list of testers that leads to it.

Built here, in the top layer, rather than in accessprogram filled by a hook from each app: the page only
reads, and showcase may import every app below it, so one view asks each app's models and access helpers
directly and the page is one template with no HTML computed in other apps. Lower apps link to it by URL name.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from accessprogram.access import program_admin_required
from accessprogram.models import Cohort, Membership, Suspension, User
from contributions.access import ledger_for_user
from contributions.models import Finding, Report, SurveyResponse
from contributions.services.statements import totals_by_status
from generation.models import GenerationJob, JobStatus, Output
from showcase.models import LicenceRequest

RECENT = 12


def _testers():
    """Everyone who has ever held a tester membership, with their current one first."""
    return User.objects.filter(memberships__isnull=False).distinct()


@program_admin_required
def staff_tester_list(request):
    q = (request.GET.get("q") or "").strip()[:200]
    cohort_id = request.GET.get("cohort") or ""
    memberships = Membership.objects.select_related("user", "cohort").order_by("user__email", "-joined_at")
    if q:
        memberships = memberships.filter(Q(user__email__icontains=q) | Q(user__full_name__icontains=q))
    if cohort_id.isdigit():
        memberships = memberships.filter(cohort_id=int(cohort_id))
    memberships = memberships.annotate(
        jobs=Count("user__generation_jobs", distinct=True), last_job=Max("user__generation_jobs__created_at")
    )
    page = Paginator(memberships, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "showcase/staff/testers.html",
        {
            "page": page,
            "q": q,
            "query": urlencode({key: value for key, value in (("q", q), ("cohort", cohort_id)) if value}),
            "cohorts": Cohort.objects.order_by("name"),
            "cohort_id": int(cohort_id) if cohort_id.isdigit() else None,
        },
    )


@program_admin_required
def staff_tester_detail(request, pk: int):
    tester = get_object_or_404(_testers(), pk=pk)
    memberships = list(tester.memberships.select_related("cohort").order_by("-joined_at"))
    membership = next((m for m in memberships if m.status == Membership.Status.ACTIVE), None)
    jobs = GenerationJob.objects.filter(owner=tester)
    counts = dict(jobs.order_by().values_list("status").annotate(n=Count("pk")))
    tokens = list(tester.access_tokens.all())
    last_token_use = max((t.last_used_at for t in tokens if t.last_used_at), default=None)
    last_job = jobs.aggregate(at=Max("created_at"))["at"]
    last_seen = max((at for at in (tester.last_login, last_token_use, last_job) if at), default=None)
    token_ids = [t.pk for t in tokens]
    cohort_ids = [m.cohort_id for m in memberships]
    suspensions = Suspension.objects.filter(
        Q(scope="tester", user=tester)
        | Q(scope="token", token_id__in=token_ids)
        | Q(scope="cohort", cohort_id__in=cohort_ids)
    ).select_related("token", "cohort", "created_by")
    ledger = ledger_for_user(tester).order_by("-created_at", "-pk")
    return render(
        request,
        "showcase/staff/tester.html",
        {
            "tester": tester,
            "membership": membership,
            "memberships": memberships,
            "last_seen": last_seen,
            "job_counts": [(status.label, counts.get(status.value, 0), status.value) for status in JobStatus],
            "job_total": sum(counts.values()),
            "outputs": Output.objects.filter(owner=tester).select_related("job").order_by("-created_at")[:RECENT],
            "output_total": Output.objects.filter(owner=tester).count(),
            "reports": Report.objects.filter(reporter=tester).order_by("-created_at")[:RECENT],
            "findings": Finding.objects.filter(reporter=tester).order_by("-created_at")[:RECENT],
            "survey_responses": SurveyResponse.objects.filter(tester=tester).select_related("survey")[:RECENT],
            "licences": LicenceRequest.objects.filter(tester=tester).select_related("output")[:RECENT],
            "suspensions": suspensions,
            "ledger": ledger[:RECENT],
            "ledger_totals": totals_by_status(ledger),
            "tokens": tokens,
        },
    )
