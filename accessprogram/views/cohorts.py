"""Cohorts and their limits (program admins)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from accessprogram.access import program_admin_required
from accessprogram.errors import DomainError
from accessprogram.forms import CohortForm
from accessprogram.models import Cohort
from accessprogram.services.context import Actor
from accessprogram.services.members import cohort_save
from accessprogram.views.common import add_domain_error, form_status


def _cohort_form_page(request, cohort: Cohort | None):
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            saved = cohort_save(actor=Actor.from_request(request), cohort=form.instance, changed=form.changed_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, gettext("Cohort “%(name)s” saved.") % {"name": saved.name})
            return redirect("accessprogram:cohort_list")
    cohorts = Cohort.objects.annotate(testers=Count("memberships", filter=Q(memberships__status="active")))
    return render(
        request,
        "accessprogram/staff/cohorts.html",
        {"form": form, "cohorts": cohorts, "editing": cohort},
        status=form_status(form),
    )


@program_admin_required
def cohort_list(request):
    return _cohort_form_page(request, None)


@program_admin_required
def cohort_edit(request, pk: int):
    return _cohort_form_page(request, get_object_or_404(Cohort, pk=pk))
