"""Private media for the portal: only the owner and staff, checked on every request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from accessprogram.access import member_required
from accessprogram.services.watch import MEDIA_WITHOUT_PAGE, watch_media_refused
from generation.access import input_image_for_user, output_for_user
from generation.infrastructure.media_responses import media_response, output_media_response


@member_required
def output_video(request, pk):
    output = output_for_user(request.user, pk)
    if watch_media_refused(request, output_id=str(output.pk)):
        raise PermissionDenied(MEDIA_WITHOUT_PAGE)
    return output_media_response(request, output, download=request.GET.get("download") == "1")


@member_required
def output_poster(request, pk):
    return output_media_response(request, output_for_user(request.user, pk), part="poster")


@member_required
def input_image(request, pk):
    """The still an image-to-video job started from, for its owner and staff."""
    still = input_image_for_user(request.user, pk)
    extension = still.key.rsplit(".", 1)[-1]
    return media_response(request, still.key, content_type=still.content_type, filename=f"still-{still.pk}.{extension}")
