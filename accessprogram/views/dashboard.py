"""The landing page of each role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from accessprogram.hooks import DASHBOARD_PANELS, run_hooks
from accessprogram.models import AuditEvent, Cohort, Invitation, NdaAcceptance, User
from accessprogram.services.nda import nda_current


@login_required
def dashboard(request):
    user = request.user
    context = {"current_nda": nda_current()}
    if user.is_program_admin:
        context.update(
            cohorts=Cohort.objects.annotate(testers=Count("memberships", filter=Q(memberships__status="active"))),
            pending_invitations=Invitation.objects.filter(status=Invitation.Status.PENDING).count(),
            recent_events=AuditEvent.objects.select_related(None)[:8],
            signed_current=(
                NdaAcceptance.objects.filter(nda=context["current_nda"]).count() if context["current_nda"] else 0
            ),
            active_testers=User.objects.filter(memberships__status="active").count(),
        )
        return render(request, "accessprogram/dashboard_admin.html", context)
    if user.is_reviewer:
        context["panels"] = run_hooks(DASHBOARD_PANELS, request=request)
        return render(request, "accessprogram/dashboard_reviewer.html", context)
    context.update(
        membership=user.tester_membership,
        acceptances=NdaAcceptance.objects.filter(user=user).select_related("nda"),
    )
    return render(request, "accessprogram/dashboard_tester.html", context)


@login_required
def no_membership(request):
    return render(request, "accessprogram/no_membership.html")
