"""Reason codes (program admins): the reasons reviewers give when they reject; added, edited and retired here."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import program_admin_required
from accessprogram.services.context import Actor
from review.forms import ReasonCodeForm
from review.models import ReasonCode, ReviewDecision
from review.services.settings import reason_code_set_active, review_setting_save


def _reason_page(request, reason: ReasonCode | None):
    form = ReasonCodeForm(request.POST or None, instance=reason)
    if request.method == "POST" and form.is_valid():
        saved = review_setting_save(actor=Actor.from_request(request), obj=form.instance, changed=form.changed_data)
        messages.success(request, gettext("Reason “%(label)s” saved.") % {"label": saved.label})
        return redirect("review:staff_reason_codes")
    used = {
        row["reason"]: row["n"]
        for row in ReviewDecision.objects.filter(reason__isnull=False).values("reason").annotate(n=Count("pk"))
    }
    reasons = list(ReasonCode.objects.all())
    for code in reasons:
        code.use_count = used.get(code.pk, 0)
    return render(
        request,
        "review/staff/reason_codes.html",
        {"form": form, "reasons": reasons, "editing": reason},
        status=400 if form.errors else 200,
    )


@program_admin_required
def staff_reason_codes(request):
    return _reason_page(request, None)


@program_admin_required
def staff_reason_code_edit(request, pk: int):
    return _reason_page(request, get_object_or_404(ReasonCode, pk=pk))


@program_admin_required
@require_POST
def staff_reason_code_active(request, pk: int):
    reason = get_object_or_404(ReasonCode, pk=pk)
    active = request.POST.get("active") == "1"
    reason_code_set_active(actor=Actor.from_request(request), reason=reason, active=active)
    if active:
        messages.success(request, gettext("“%(label)s” is offered to reviewers again.") % {"label": reason.label})
    else:
        messages.success(request, gettext("“%(label)s” is retired; past decisions keep it.") % {"label": reason.label})
    return redirect("review:staff_reason_codes")
