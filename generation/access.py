"""One access helper per resource: every view and API endpoint reads jobs and outputs through these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext

from accessprogram.models import Membership
from accessprogram.services.suspensions import suspension_reach
from generation.models import GenerationJob, InputImage, Output, ReviewStatus


def jobs_for_user(user):
    """The jobs a user may see: their own (staff see outputs through review, not others' jobs here)."""
    return GenerationJob.objects.filter(owner=user).select_related(
        "model", "output", "style_preset", "remix_of__job", "remix_of__owner", "input_image"
    )


def job_for_user(user, job_id) -> GenerationJob:
    try:
        return jobs_for_user(user).get(pk=job_id)
    except (GenerationJob.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such generation.")) from exc


def outputs_for_user(user):
    """Outputs whose bytes this user may reach before approval: their own, or all of them for staff."""
    outputs = Output.objects.select_related("job", "owner")
    return outputs if user.is_program_staff else outputs.filter(owner=user)


def output_for_user(user, output_id) -> Output:
    try:
        return outputs_for_user(user).get(pk=output_id)
    except (Output.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such output.")) from exc


def owner_in_good_standing(owner_path: str) -> Q:
    """The same rule as `is_suspended`, as a filter, so a page reads it in its one query: the owner is active,
    holds an active membership and no suspension reaches them."""
    active_membership = Membership.objects.filter(user=OuterRef(owner_path), status=Membership.Status.ACTIVE)
    return Q(**{f"{owner_path}__is_active": True}) & Q(Exists(active_membership)) & ~suspension_reach(user=owner_path)


def on_program_feed() -> Q:
    """Outputs on the program feed (members only, never public): approved, shown by their owner, whose owner is
    in good standing. Read every time, so a withdrawn approval or a suspension takes an output off at once."""
    return Q(shown_to_program=True, review_status=ReviewStatus.APPROVED) & owner_in_good_standing("owner")


def remixable_outputs_for_user(user):
    """Outputs this tester may open in the composer as the start of a new job: their own, and the program feed's."""
    return Output.objects.select_related("job", "job__model", "job__style_preset", "owner").filter(
        Q(owner=user) | on_program_feed()
    )


def remixable_output_for_user(user, output_id) -> Output:
    """The one check every remix passes, in the portal, the API and the submit service alike."""
    try:
        return remixable_outputs_for_user(user).get(pk=output_id)
    except (Output.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such output.")) from exc


def variation_siblings(user, job: GenerationJob) -> list[GenerationJob]:
    """The jobs submitted with this one (itself included), in their order; empty for a single job."""
    if job.variation_group is None or job.variation_count < 2:
        return []
    return list(jobs_for_user(user).filter(variation_group=job.variation_group).order_by("variation_index"))


def remixes_of(user, output: Output) -> list[GenerationJob]:
    """The jobs remixed from this output that this user may see."""
    return list(jobs_for_user(user).filter(remix_of=output).order_by("created_at"))


def remixes_by_others(user, output: Output) -> int:
    """How many times other members remixed this output from the program feed: the original's credit on its own
    page, a count only (their jobs stay theirs)."""
    return GenerationJob.objects.filter(remix_of=output).exclude(owner=user).count()


def input_image_for_user(user, image_id) -> InputImage:
    """A still reaches its owner and staff only: never the public, whatever became of the video."""
    images = InputImage.objects.all() if user.is_program_staff else InputImage.objects.filter(owner=user)
    try:
        return images.get(pk=image_id)
    except (InputImage.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such still.")) from exc
