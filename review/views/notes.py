"""Notes on an output from the portal, the tester's revision, and comparing two versions of an output."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import member_required, reviewer_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import domain_error_text
from generation.access import output_for_user
from review.access import output_versions, review_for_reviewer
from review.forms import RevisionForm
from review.services.notes import note_create
from review.services.revisions import revision_submit
from review.views.sharing import back_to_output, flash_form_errors

NOT_JSON = object()


def parse_drawing(raw: str):
    """The drawing field's JSON, or a value the note service refuses with a field error."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return NOT_JSON


@member_required
@require_POST
def output_notes(request, pk):
    output = output_for_user(request.user, pk)
    data = request.POST
    try:
        note = note_create(
            actor=Actor.from_request(request),
            output=output,
            body=data.get("body", ""),
            frame_in=data.get("frame_in"),
            frame_out=data.get("frame_out"),
            drawing=parse_drawing(data.get("drawing", "")),
            reply_to=data.get("reply_to"),
        )
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return back_to_output(request, output)
    messages.success(request, gettext("Note added at frame %(frame)s.") % {"frame": note.frame_in})
    return back_to_output(request, output)


@tester_required
@require_POST
def output_revise(request, pk):
    output = output_for_user(request.user, pk)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
        return back_to_output(request, output)
    try:
        revision = revision_submit(actor=Actor.from_request(request), output=output, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
        return back_to_output(request, output)
    messages.success(request, gettext("Revision queued with the same seed. It enters review when it is rendered."))
    return redirect("generation:job_detail", pk=revision.job_id)


@reviewer_required
def review_compare(request, output_id):
    """Two versions of one output side by side, or one over the other with a wipe."""
    review = review_for_reviewer(request.user, output_id)
    versions = output_versions(review.output)
    other_id = request.GET.get("with", "")
    other = next((v for v in versions if str(v.pk) == other_id and v.pk != review.output_id), None)
    if other is None:
        earlier = [v for v in versions if v.pk != review.output_id]
        if not earlier:
            raise Http404(gettext("This output has no other version to compare with."))
        return redirect(f"{reverse('review:review_compare', args=[review.output_id])}?with={earlier[-1].pk}")
    left, right = sorted([other, review.output], key=versions.index)
    return render(
        request,
        "review/compare.html",
        {
            "output": review.output,
            "panes": [
                {"letter": letter, "output": version, "number": versions.index(version) + 1}
                for letter, version in (("A", left), ("B", right))
            ],
        },
    )
