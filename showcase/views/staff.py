"""Program admins run showcase calls (open, jurors, close, rank, select, publish) and request licences."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import program_admin_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from generation.access import output_for_user
from generation.models import Output
from showcase.access import call_for_user, licences_for_user, ranked_submissions, submission_for_admin
from showcase.forms import CallForm, JurorForm, LicenceRequestForm, OutputLicenceRequestForm
from showcase.models import ShowcaseCall
from showcase.services.calls import (
    showcase_call_close,
    showcase_call_open,
    showcase_call_publish,
    showcase_juror_add,
    showcase_juror_remove,
    showcase_select,
)
from showcase.services.licences import licence_request_create


def _aware(value):
    return timezone.make_aware(value) if value is not None and timezone.is_naive(value) else value


@program_admin_required
def showcase_admin_list(request):
    form = CallForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                call = showcase_call_open(
                    actor=Actor.from_request(request),
                    title=data["title"],
                    brief=data["brief"],
                    deadline=_aware(data["deadline"]),
                    rubric=data["rubric"],
                    max_submissions_per_tester=data["max_submissions_per_tester"],
                    exclude_cohort_mates=data["exclude_cohort_mates"],
                    jurors=list(data["jurors"]),
                )
            except DomainError as exc:
                status = add_domain_error(form, exc)
            else:
                messages.success(request, gettext("“%(title)s” is open for submissions.") % {"title": call.title})
                return redirect("showcase:showcase_admin_call", pk=call.pk)
        else:
            status = 400
    calls = ShowcaseCall.objects.all()
    return render(request, "showcase/staff/calls.html", {"form": form, "calls": calls}, status=status)


def _admin_call_page(request, call, *, juror_form=None, status=200):
    return render(
        request,
        "showcase/staff/call.html",
        {
            "call": call,
            "ranking": ranked_submissions(call),
            "jurors": call.juror_assignments.select_related("user"),
            "juror_form": juror_form or JurorForm(),
            "max_total": sum(c.max_points for c in call.criteria.all()),
        },
        status=status,
    )


@program_admin_required
def showcase_admin_call(request, pk: int):
    return _admin_call_page(request, call_for_user(request.user, pk))


@program_admin_required
@require_POST
def showcase_admin_jurors(request, pk: int):
    call = call_for_user(request.user, pk)
    form = JurorForm(request.POST)
    if not form.is_valid():
        return _admin_call_page(request, call, juror_form=form, status=400)
    service = showcase_juror_add if form.cleaned_data["action"] == "add" else showcase_juror_remove
    try:
        service(actor=Actor.from_request(request), call=call, user=form.cleaned_data["user"])
    except DomainError as exc:
        status = add_domain_error(form, exc)
        return _admin_call_page(request, call, juror_form=form, status=status)
    messages.success(request, gettext("Jury updated."))
    return redirect("showcase:showcase_admin_call", pk=call.pk)


def _run(request, service, done: str, **kwargs) -> None:
    try:
        service(actor=Actor.from_request(request), **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)


@program_admin_required
@require_POST
def showcase_admin_close(request, pk: int):
    call = call_for_user(request.user, pk)
    _run(request, showcase_call_close, gettext("Closed: no more submissions or scores. Select the winners."), call=call)
    return redirect("showcase:showcase_admin_call", pk=call.pk)


@program_admin_required
@require_POST
def showcase_admin_select(request, pk: int):
    submission = submission_for_admin(request.user, pk)
    _run(
        request,
        showcase_select,
        gettext("Selected %(credit_line)s; the showcase amount is on their ledger.")
        % {"credit_line": submission.credit_line},
        submission=submission,
    )
    return redirect("showcase:showcase_admin_call", pk=submission.call_id)


@program_admin_required
@require_POST
def showcase_admin_publish(request, pk: int):
    call = call_for_user(request.user, pk)
    _run(
        request,
        showcase_call_publish,
        gettext("Published: the winners are in the gallery with their credits."),
        call=call,
    )
    return redirect("showcase:showcase_admin_call", pk=call.pk)


def _licence_request(request, form, output: Output) -> int:
    """Send the request the valid form describes; 0 when it was sent, else the status to answer with."""
    data = dict(form.cleaned_data)
    data.pop("output", None)
    try:
        licence_request_create(
            actor=Actor.from_request(request), output=output, **(data | {"respond_by": _aware(data["respond_by"])})
        )
    except DomainError as exc:
        return add_domain_error(form, exc)
    messages.success(
        request,
        gettext("Licence requested; %(display_name)s can answer it now.") % {"display_name": output.owner.display_name},
    )
    return 0


@program_admin_required
def licence_admin_list(request):
    form = LicenceRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            output = Output.objects.filter(pk=form.cleaned_data["output"]).first()
            if output is None:
                form.add_error("output", gettext("No output has this ID."))
            else:
                status = _licence_request(request, form, output)
                if not status:
                    return redirect("showcase:licence_admin_list")
    licences = licences_for_user(request.user)[:200]
    return render(request, "showcase/staff/licences.html", {"form": form, "licences": licences}, status=status)


@program_admin_required
def staff_licence_for_output(request, output_id):
    """A licence request for one output, started from its review page: the output is shown, not pasted."""
    output = output_for_user(request.user, output_id)
    form = OutputLicenceRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = _licence_request(request, form, output) if form.is_valid() else 400
        if not status:
            return redirect("review:review_item", output_id=output.pk)
    return render(request, "showcase/staff/licence_for_output.html", {"form": form, "output": output}, status=status)
