"""The tester's licence requests: see each one and accept or decline it, once."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import tester_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from showcase.access import licence_for_owner, licences_for_user
from showcase.forms import LicenceAnswerForm
from showcase.services.licences import licence_accept, licence_decline


def _page(request, *, failed: tuple[int, LicenceAnswerForm] | None = None, status: int = 200):
    licences = list(licences_for_user(request.user).select_related("output__job"))
    for licence in licences:
        licence.form = failed[1] if failed and failed[0] == licence.pk else LicenceAnswerForm()
    return render(request, "showcase/licences.html", {"licences": licences}, status=status)


@tester_required
def licence_list(request):
    return _page(request)


@tester_required
@require_POST
def licence_answer(request, pk: int):
    licence = licence_for_owner(request.user, pk)
    form = LicenceAnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, failed=(licence.pk, form), status=400)
    actor = Actor.from_request(request)
    try:
        if form.cleaned_data["decision"] == "accept":
            licence_accept(actor=actor, licence=licence, credit_line=form.cleaned_data["credit_line"])
            messages.success(request, gettext("Licence granted. The fee is on your ledger, and every use credits you."))
        else:
            licence_decline(actor=actor, licence=licence)
            messages.success(request, gettext("Declined. Your output will not be used."))
    except DomainError as exc:
        status = add_domain_error(form, exc)
        return _page(request, failed=(licence.pk, form), status=status)
    return redirect("showcase:licence_list")
