"""The program feed: approved work that its owners show to the program's members, credited; never public."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from accessprogram.access import member_required
from accessprogram.services.watch import MEDIA_WITHOUT_PAGE, watch_media_refused, watch_note_pages
from generation.infrastructure.media_responses import output_media_response
from review.access import program_feed, program_feed_output
from review.services.provenance import public_video_key

FEED_PAGE_SIZE = 24
# Feed media URLs from object storage live no longer than this.
FEED_URL_SECONDS = 60


@member_required
def feed(request):
    page = Paginator(program_feed(), FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    outputs = list(page.object_list)
    watch_note_pages(request, output_ids=[str(output.pk) for output in outputs])
    return render(request, "review/feed.html", {"page": page, "outputs": outputs, "query": ""})


@member_required
def feed_video(request, pk):
    output = program_feed_output(pk)
    if watch_media_refused(request, output_id=str(output.pk)):
        raise PermissionDenied(MEDIA_WITHOUT_PAGE)
    return output_media_response(
        request, output, part="video", expire_seconds=FEED_URL_SECONDS, video_key=public_video_key(output)
    )


@member_required
def feed_poster(request, pk):
    return output_media_response(request, program_feed_output(pk), part="poster", expire_seconds=FEED_URL_SECONDS)
