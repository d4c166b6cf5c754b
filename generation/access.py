"""One access helper per resource: every view and API endpoint reads jobs and outputs through these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext

from generation.models import GenerationJob, InputImage, Output


def jobs_for_user(user):
    """The jobs a user may see: their own (staff see outputs through review, not others' jobs here)."""
    return GenerationJob.objects.filter(owner=user).select_related("model", "output", "input_image")


def job_for_user(user, job_id) -> GenerationJob:
    try:
        return jobs_for_user(user).get(pk=job_id)
    except (GenerationJob.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such job.")) from exc


def outputs_for_user(user):
    """Outputs whose bytes this user may reach before approval: their own, or all of them for staff."""
    outputs = Output.objects.select_related("job", "owner")
    return outputs if user.is_program_staff else outputs.filter(owner=user)


def output_for_user(user, output_id) -> Output:
    try:
        return outputs_for_user(user).get(pk=output_id)
    except (Output.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such output.")) from exc


def input_image_for_user(user, image_id) -> InputImage:
    """A still reaches its owner and staff only: never the public, whatever became of the video."""
    images = InputImage.objects.all() if user.is_program_staff else InputImage.objects.filter(owner=user)
    try:
        return images.get(pk=image_id)
    except (InputImage.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(gettext("No such still.")) from exc
