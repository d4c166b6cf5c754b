"""Generation models (program admins): which cohorts each serves, whether it is on, and its daily bounds."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from accessprogram.access import program_admin_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from generation.forms import ModelSettingsForm
from generation.models import ACTIVE_STATUSES, GenerationModel
from generation.services.catalog import generation_model_save


@program_admin_required
def staff_models(request):
    models = GenerationModel.objects.prefetch_related("allowed_cohorts").annotate(
        active_jobs=Count("jobs", filter=Q(jobs__status__in=ACTIVE_STATUSES))
    )
    return render(request, "generation/staff/models.html", {"models": models})


@program_admin_required
def staff_model_edit(request, pk: int):
    model = get_object_or_404(GenerationModel, pk=pk)
    form = ModelSettingsForm(request.POST or None, instance=model)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                generation_model_save(
                    actor=Actor.from_request(request),
                    model=form.instance,
                    changed=form.changed_data,
                    cohorts=form.cleaned_data["allowed_cohorts"],
                )
            except DomainError as exc:
                status = add_domain_error(form, exc)
            else:
                messages.success(request, gettext("“%(name)s” saved.") % {"name": model.name})
                return redirect("generation:staff_models")
        else:
            status = 400
    return render(request, "generation/staff/model_edit.html", {"model": model, "form": form}, status=status)
