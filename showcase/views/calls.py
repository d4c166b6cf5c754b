"""The members' side of showcase calls: the list, a call's page (submit, results) and submissions' media."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import member_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from generation.infrastructure.media_responses import output_media_response
from showcase.access import call_for_user, calls_for_user, published_winners, submission_for_viewer
from showcase.forms import SubmitForm
from showcase.models import Juror, Submission
from showcase.services.calls import showcase_submit


@member_required
def showcase_list(request):
    user = request.user
    calls = list(calls_for_user(user))
    juror_of = set(Juror.objects.filter(user=user).values_list("call_id", flat=True))
    mine = {}
    for call_id in Submission.objects.filter(tester=user).values_list("call_id", flat=True):
        mine[call_id] = mine.get(call_id, 0) + 1
    for call in calls:
        call.is_juror = call.pk in juror_of
        call.my_submissions = mine.get(call.pk, 0)
    return render(request, "showcase/call_list.html", {"calls": calls})


def _call_page(request, call, *, form: SubmitForm | None = None, status: int = 200):
    user = request.user
    if form is None and user.is_tester and call.accepts_submissions:
        form = SubmitForm(user=user)
    return render(
        request,
        "showcase/call.html",
        {
            "call": call,
            "form": form,
            "is_juror": Juror.objects.filter(call=call, user=user).exists(),
            "my_submissions": Submission.objects.filter(call=call, tester=user).select_related("output__job"),
            "winners": published_winners(call),
        },
        status=status,
    )


@member_required
def showcase_call(request, pk: int):
    return _call_page(request, call_for_user(request.user, pk))


@tester_required
@require_POST
def showcase_submit_view(request, pk: int):
    call = call_for_user(request.user, pk)
    form = SubmitForm(request.POST, user=request.user)
    if not form.is_valid():
        return _call_page(request, call, form=form, status=400)
    try:
        showcase_submit(actor=Actor.from_request(request), call=call, **form.cleaned_data)
    except DomainError as exc:
        status = add_domain_error(form, exc)
        return _call_page(request, call, form=form, status=status)
    messages.success(request, gettext("Submitted. The jury sees it with your credit line."))
    return redirect("showcase:showcase_call", pk=call.pk)


@member_required
def showcase_submission_media(request, pk: int):
    """A submission's video (or ?part=poster) for its jurors, its owner and staff, while it is approved."""
    submission = submission_for_viewer(request.user, pk)
    part = "poster" if request.GET.get("part") == "poster" else "video"
    return output_media_response(request, submission.output, part=part)
