"""Private media for the portal: only the owner and staff, checked on every request."""

from __future__ import annotations

from accessprogram.access import member_required
from generation.access import output_for_user
from generation.services.media import media_response


@member_required
def output_video(request, pk):
    output = output_for_user(request.user, pk)
    return media_response(
        request,
        output.video_key,
        content_type="video/mp4",
        filename=f"vernissage-{output.short_id}.mp4",
        download=request.GET.get("download") == "1",
    )


@member_required
def output_poster(request, pk):
    output = output_for_user(request.user, pk)
    return media_response(
        request, output.poster_key, content_type="image/jpeg", filename=f"vernissage-{output.short_id}.jpg"
    )
