"""The leaving tester's archive, offered on the membership-ended page and in the portal."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accessprogram.services.context import Actor
from showcase.services.exit_archive import exit_archive_refusal, exit_archive_write

# The archive is built in memory up to this size and on disk beyond it, so videos never pile up in memory.
SPOOL_BYTES = 1024 * 1024


@never_cache
@login_required
def exit_archive(request):
    refusal = exit_archive_refusal(request.user)
    if refusal is not None:
        raise PermissionDenied(refusal)
    # FileResponse closes the spool when the response is done.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    exit_archive_write(actor=Actor.from_request(request), user=request.user, target=spool)
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"vernissage-archive-{timezone.localdate():%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response.block_size = 256 * 1024
    response["Cache-Control"] = "private, no-store"
    return response
