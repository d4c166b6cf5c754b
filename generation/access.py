"""One access helper per resource: every view and API endpoint reads jobs and outputs through these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext

from generation.models import GenerationJob, InputImage, Output


def jobs_for_user(user):
    """The jobs a user may see: their own (staff see outputs through review, not others' jobs here)."""
    return GenerationJob.objects.filter(owner=user).select_related(
        "model", "output", "style_preset", "remix_of__job", "input_image"
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


def remixable_outputs_for_user(user):
    """Outputs this tester may open in the composer as the start of a new job: today, their own."""
    return Output.objects.select_related("job", "job__model", "job__style_preset").filter(owner=user)


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


def input_image_for_user(user, image_id) -> InputImage:
    """A still reaches its owner and staff only: never the public, whatever became of the video."""
    images = InputImage.objects.all() if user.is_program_staff else InputImage.objects.filter(owner=user)
    try:
        return images.get(pk=image_id)
    except (InputImage.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such still.")) from exc
