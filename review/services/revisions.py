"""Revisions: the tester answers "request changes" with a new job submitted as a revision of that output."""

from __future__ import annotations

from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accessprogram.errors import Conflict, NotAllowed
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.models import GenerationJob, Output
from generation.services.submit import generation_job_submit, generation_request_from_job
from review.models import Review, ReviewState, Revision


def revision_request_open(output: Output) -> Review | None:
    """The review that asked for changes to this output and has no revision yet, or None."""
    latest = Review.objects.filter(output=output).order_by("-created_at", "-pk").first()
    if latest is None or latest.state != ReviewState.CHANGES_REQUESTED:
        return None
    if Revision.objects.filter(original_review=latest).exists():
        return None
    return latest


def _open_request_or_refuse(actor: Actor, output: Output) -> Review:
    if actor.user is None or actor.user.pk != output.owner_id:
        raise NotAllowed(gettext("Only the output's owner can submit a revision."))
    review = revision_request_open(output)
    if review is None:
        raise Conflict(
            gettext("Output %(short_id)s has no open request for changes.") % {"short_id": output.short_id},
            code="no_change_request",
        )
    return review


def revision_submit(
    *,
    actor: Actor,
    output: Output,
    prompt: str,
    negative_prompt: str = "",
    steps: int | None = None,
    guidance: float | None = None,
) -> Revision:
    """Submit the revision: the original's model, size, frames and seed, with the new prompt and, where given,
    other steps or guidance (a remix of the output, kept comparable with it).

    The job goes through generation's submit (prompt policy, bounds, quota) like any other; when its output is
    stored it enters the queue linked to this revision (`revision_link_output`). The submit runs outside this
    service's transaction on purpose: a prompt the policy blocks is recorded even though it is refused.
    """
    _open_request_or_refuse(actor, output)
    request = generation_request_from_job(output.job, seed=output.seed, prompt=prompt, negative_prompt=negative_prompt)
    changed = {name: value for name, value in (("steps", steps), ("guidance", guidance)) if value is not None}
    job = generation_job_submit(actor=actor, user=actor.user, request=replace(request, **changed))
    return _revision_record(actor=actor, output=output, job=job)


@transaction.atomic
def _revision_record(*, actor: Actor, output: Output, job: GenerationJob) -> Revision:
    Output.objects.select_for_update().filter(pk=output.pk).first()
    review = _open_request_or_refuse(actor, output)
    try:
        with transaction.atomic():
            revision = Revision.objects.create(original_output=output, original_review=review, job=job)
    except IntegrityError:
        raise Conflict(gettext("This request for changes has already been answered."), code="already_revised") from None
    audit_record(
        actor=actor,
        action="review.revision_submitted",
        target=output,
        details={"revision": revision.pk, "review": review.pk, "job": str(job.pk)},
    )
    return revision


def revision_link_output(*, output: Output) -> Revision | None:
    """Called as the new output enters the queue: link it to the revision its job answers, if any."""
    revision = Revision.objects.filter(job_id=output.job_id).first()
    if revision is not None:
        revision.output = output
        revision.save(update_fields=["output"])
    return revision
