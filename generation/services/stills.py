"""Stills for image to video: checked by their content, re-encoded without metadata, stored privately.

A still is decoded with Pillow (only its PNG, JPEG and WebP decoders; the file's name and declared type are
ignored), refused over STILL_MAX_BYTES or STILL_MAX_PIXELS before its pixels are decoded, turned upright by its
EXIF orientation and re-encoded from the pixels alone, so no EXIF, GPS, ICC profile or text chunk is stored.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext
from PIL import Image, ImageOps, UnidentifiedImageError

from accessprogram.errors import InvalidFields
from accessprogram.models import User
from generation.models import InputImage

if TYPE_CHECKING:
    import numpy as np

STILL_MAX_BYTES = 10 * 1024 * 1024
STILL_MAX_PIXELS = 4096 * 4096
# Pillow format name: (content type, file extension, save options for the re-encoded copy).
STILL_FORMATS = {
    "PNG": ("image/png", "png", {}),
    "JPEG": ("image/jpeg", "jpg", {"quality": 95}),
    "WEBP": ("image/webp", "webp", {"quality": 95}),
}


@dataclass(frozen=True)
class CheckedStill:
    """A still's re-encoded bytes, ready to store."""

    data: bytes
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return STILL_FORMATS[self.format][0]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _refuse(message: str) -> InvalidFields:
    return InvalidFields({"image": [message]})


def still_check(upload) -> CheckedStill:
    """Read, check and re-encode an uploaded still; InvalidFields on `image` names what is wrong."""
    megabytes = STILL_MAX_BYTES // (1024 * 1024)
    too_big = gettext("The still is larger than %(megabytes)s MB.") % {"megabytes": megabytes}
    if (getattr(upload, "size", None) or 0) > STILL_MAX_BYTES:
        raise _refuse(too_big)
    data = upload.read(STILL_MAX_BYTES + 1)
    if len(data) > STILL_MAX_BYTES:
        raise _refuse(too_big)
    not_an_image = gettext("The still must be a PNG, JPEG or WebP image.")
    too_many_pixels = gettext("The still has more than %(megapixels)s megapixels (at most %(side)s×%(side)s).") % {
        "megapixels": round(STILL_MAX_PIXELS / 1_000_000, 1),
        "side": int(STILL_MAX_PIXELS**0.5),
    }
    try:
        image = Image.open(io.BytesIO(data), formats=list(STILL_FORMATS))
        source_format = image.format
        # The header gives the size: refuse a pixel bomb before decoding a single pixel.
        if image.width * image.height > STILL_MAX_PIXELS:
            raise _refuse(too_many_pixels)
        image.load()
        rgb = _rgb(ImageOps.exif_transpose(image))
    except Image.DecompressionBombError:
        raise _refuse(too_many_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refuse(not_an_image) from None
    # A new image made from the pixels alone carries none of the original's metadata.
    clean = Image.frombytes("RGB", rgb.size, rgb.tobytes())
    buffer = io.BytesIO()
    clean.save(buffer, format=source_format, **STILL_FORMATS[source_format][2])
    return CheckedStill(data=buffer.getvalue(), format=source_format, width=clean.width, height=clean.height)


def _rgb(image: Image.Image) -> Image.Image:
    """The image in RGB; transparent parts are laid on white, as the still would look on the page."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return image.convert("RGB")


def input_image_store(*, owner: User, still: CheckedStill) -> InputImage:
    """Store a checked still under a fresh private key and record it. Call inside the submitting transaction;
    the caller deletes the key if that transaction fails."""
    extension = STILL_FORMATS[still.format][1]
    image_id = uuid.uuid4()
    key = f"inputs/{owner.pk}/{image_id.hex}.{extension}"
    stored = default_storage.save(key, ContentFile(still.data, name=key))
    return InputImage.objects.create(
        id=image_id,
        owner=owner,
        key=stored,
        content_type=still.content_type,
        sha256=still.sha256,
        size_bytes=len(still.data),
        width=still.width,
        height=still.height,
    )


def still_pixels(input_image: InputImage) -> np.ndarray:
    """The stored still as uint8 RGB (height, width, 3), for the worker."""
    import numpy as np  # the worker's requirements only: web processes never call this

    with default_storage.open(input_image.key, "rb") as handle:
        return np.asarray(Image.open(io.BytesIO(handle.read())).convert("RGB"), dtype=np.uint8).copy()
