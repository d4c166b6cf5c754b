"""Private media for the portal: only the owner and staff, checked on every request."""

from __future__ import annotations

from accessprogram.access import member_required
from generation.access import output_for_user
from generation.infrastructure.media_responses import output_media_response


@member_required
def output_video(request, pk):
    output = output_for_user(request.user, pk)
    return output_media_response(request, output, download=request.GET.get("download") == "1")


@member_required
def output_poster(request, pk):
    return output_media_response(request, output_for_user(request.user, pk), part="poster")
