"""Serving private media: stream from local storage with HTTP Range, or redirect to a short-lived S3 URL."""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils.translation import gettext

CHUNK = 256 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_PAST_ANY_FILE = 10**20


def _position(digits: str) -> int:
    """A byte position from a Range header. Python refuses to read numbers of more than 4,300 digits; any
    position longer than 20 digits lies past the end of every file, so it is read as just that."""
    return int(digits) if len(digits) <= 20 else _PAST_ANY_FILE


def _is_remote() -> bool:
    """True for object stores (S3), which hand out signed URLs instead of local paths."""
    try:
        default_storage.path("")
    except NotImplementedError:
        return True
    return False


def _chunks(handle, length: int):
    try:
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def media_response(
    request, key: str, *, content_type: str, filename: str, download: bool = False, expire_seconds: int = 300
) -> HttpResponse:
    """The bytes at `key`, for a request that has already passed its access check."""
    disposition = f'{"attachment" if download else "inline"}; filename="{filename}"'
    if _is_remote():
        url = default_storage.url(
            key,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=expire_seconds,
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        size = default_storage.size(key)
    except FileNotFoundError as exc:
        raise Http404(gettext("The file is missing from storage.")) from exc
    match = _RANGE.match(request.headers.get("Range", "").strip())
    handle = default_storage.open(key, "rb")
    if match and (match[1] or match[2]):
        if match[1]:
            start = _position(match[1])
            end = min(_position(match[2]), size - 1) if match[2] else size - 1
        else:
            start, end = max(0, size - _position(match[2])), size - 1
        if start >= size or start > end:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle.seek(start)
        response = StreamingHttpResponse(_chunks(handle, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def output_media_response(
    request,
    output,
    *,
    part: str = "video",
    download: bool = False,
    expire_seconds: int = 300,
    video_key: str | None = None,
) -> HttpResponse:
    """An output's video or poster, for a request that has already passed its access check. `video_key`
    serves another copy of the video (public pages serve the signed one)."""
    if part == "poster":
        key, content_type, extension = output.poster_key, "image/jpeg", "jpg"
    else:
        key, content_type, extension = video_key or output.video_key, "video/mp4", "mp4"
    return media_response(
        request,
        key,
        content_type=content_type,
        filename=f"vernissage-{output.short_id}.{extension}",
        download=download,
        expire_seconds=expire_seconds,
    )
