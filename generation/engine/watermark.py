"""The two marks on every output: a visible program mark and an invisible, per-output forensic payload.

The forensic payload is 64 bits: a 48-bit id (mapped server-side to the output and its tester) and a
CRC-16/CCITT of it. invisible-watermark's `dwtDctSvd` method hides it in the chroma (U) plane of every
frame; decoding reads each frame, takes a per-bit majority vote across frames and accepts the result
only when the CRC matches, so a damaged or unmarked clip gives no id rather than a wrong one.

Limits (measured, see the engine tests): frames need at least 256x256 pixels of area (65,536), the
library's minimum. Camera-like 256x256 clips survive an H.264 re-encode at CRF 28, 480p ones CRF 32,
also with colour tags dropped or upscaled 1.5x (pass `original_sizes`); the demo model's noise-like
frames survive CRF 23. Downscaling or cropping loses the mark: decoding then finds nothing.
Importing invisible-watermark imports torch, so it happens inside the forensic functions only.
"""

from __future__ import annotations

import binascii
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

PROGRAM_MARK = "VERNISSAGE"
PAYLOAD_ID_BITS = 48
CRC_BITS = 16
PAYLOAD_BITS = PAYLOAD_ID_BITS + CRC_BITS
MAX_PAYLOAD_ID = 2**PAYLOAD_ID_BITS - 1
MIN_FRAME_PIXELS = 256 * 256

FORENSIC_METHOD = "dwtDctSvd"
# Quantisation step on the U plane. Part of the format: decoding must use the value that embedded.
# 64 rather than the library's 36 so the mark survives a CRF 28 re-encode; it costs a PSNR of 33-35 dB.
FORENSIC_SCALES = (0, 64, 0)

VISIBLE_MARK_OPACITY = 0.55


@dataclass(frozen=True)
class DecodeResult:
    payload_id: int | None  # None: no mark found, or the votes failed the CRC
    confidence: float  # mean over bits of |2p - 1|, p the share of frames voting 1; 0 = coin flips
    frames_voted: int


def apply_visible_mark(frames: np.ndarray, *, label: str) -> np.ndarray:
    """Draw `label` in the bottom-right corner of every frame on a semi-transparent box."""
    height, width = frames.shape[1:3]
    overlay, (top, left) = _visible_mark_overlay(label, width, height)
    alpha = overlay[..., 3:4].astype(np.float32) / 255.0
    colour = overlay[..., :3].astype(np.float32)
    region = (slice(None), slice(top, top + overlay.shape[0]), slice(left, left + overlay.shape[1]))
    blended = frames[region].astype(np.float32) * (1.0 - alpha) + colour * alpha
    marked = frames.copy()
    marked[region] = np.clip(np.rint(blended), 0, 255).astype(np.uint8)
    return marked


@lru_cache(maxsize=16)
def _visible_mark_overlay(label: str, width: int, height: int) -> tuple[np.ndarray, tuple[int, int]]:
    """The RGBA mark and its top-left corner, sized to the shorter side so it reads the same at any resolution."""
    short_side = min(width, height)
    font = ImageFont.load_default(size=max(10, round(short_side / 30)))
    margin = max(4, round(short_side / 60))
    padding = max(3, round(short_side / 120))
    left, top, right, bottom = ImageDraw.Draw(Image.new("RGBA", (1, 1))).textbbox((0, 0), label, font=font)
    box_width, box_height = right - left + 2 * padding, bottom - top + 2 * padding
    mark = Image.new("RGBA", (box_width, box_height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(mark)
    draw.rounded_rectangle(
        (0, 0, box_width - 1, box_height - 1), radius=padding, fill=(0, 0, 0, round(255 * VISIBLE_MARK_OPACITY))
    )
    draw.text((padding - left, padding - top), label, font=font, fill=(255, 255, 255, 230))
    corner = (max(0, height - margin - box_height), max(0, width - margin - box_width))
    visible = np.asarray(mark)[: height - corner[0], : width - corner[1]]
    return visible, corner


def payload_bits(payload_id: int) -> np.ndarray:
    """The 64 bits embedded for `payload_id`: the id, then its CRC, both big-endian."""
    if not 0 <= payload_id <= MAX_PAYLOAD_ID:
        raise ValueError(f"payload id must be in [0, 2**{PAYLOAD_ID_BITS}), got {payload_id}")
    id_bytes = payload_id.to_bytes(PAYLOAD_ID_BITS // 8, "big")
    crc = binascii.crc_hqx(id_bytes, 0xFFFF).to_bytes(CRC_BITS // 8, "big")
    return np.unpackbits(np.frombuffer(id_bytes + crc, dtype=np.uint8))


def payload_id_from_bits(bits: np.ndarray) -> int | None:
    """The id carried by 64 bits, or None when the CRC does not match."""
    packed = np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes()
    id_bytes, crc = packed[: PAYLOAD_ID_BITS // 8], packed[PAYLOAD_ID_BITS // 8 :]
    if binascii.crc_hqx(id_bytes, 0xFFFF) != int.from_bytes(crc, "big"):
        return None
    return int.from_bytes(id_bytes, "big")


def embed_forensic(frames: np.ndarray, payload_id: int) -> np.ndarray:
    """Hide `payload_id` in every frame of an RGB uint8 video (frames, height, width, 3)."""
    import cv2
    from imwatermark import WatermarkEncoder

    height, width = frames.shape[1:3]
    if height * width < MIN_FRAME_PIXELS:
        raise ValueError(f"frames of {width}x{height} are too small for the forensic mark (at least 256x256 pixels)")
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", payload_bits(payload_id).tolist())
    marked = np.empty_like(frames)
    for index, frame in enumerate(frames):
        bgr = encoder.encode(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), FORENSIC_METHOD, scales=list(FORENSIC_SCALES))
        marked[index] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return marked


def decode_forensic(frames: np.ndarray, *, original_sizes: Sequence[tuple[int, int]] = ()) -> DecodeResult:
    """Read the forensic payload back from RGB uint8 frames; never returns an id whose CRC fails.

    Besides the frames as given, it tries the colours a BT.709 video gets when a re-encode drops its
    colour tags, and each of `original_sizes` (width, height) with the frames' aspect ratio, for clips
    that were upscaled. Each extra reading is one more 2**-16 chance of a false CRC match on unmarked
    video, which is why payload ids should be drawn at random from the 48-bit space.
    """
    first_result: DecodeResult | None = None
    for reading in _readings(frames, original_sizes):
        result = _majority_vote(reading)
        if result.payload_id is not None:
            return result
        first_result = first_result or result
    return first_result or DecodeResult(payload_id=None, confidence=0.0, frames_voted=0)


def _readings(frames: np.ndarray, original_sizes: Sequence[tuple[int, int]]) -> Iterator[np.ndarray]:
    """The frames as given and with tag-stripped BT.709 colours, then the same at each plausible original size."""
    if len(frames) == 0:
        return
    height, width = frames.shape[1:3]
    sizes = [(width, height)] + [
        (candidate_width, candidate_height)
        for candidate_width, candidate_height in original_sizes
        if (candidate_width, candidate_height) != (width, height)
        and abs(candidate_width / candidate_height - width / height) < 0.01
    ]
    for size in sizes:
        if size[0] * size[1] < MIN_FRAME_PIXELS:
            continue
        resized = frames if size == (width, height) else _resize(frames, size)
        yield resized
        yield _undo_bt601_reading_of_bt709(resized)


def _majority_vote(frames: np.ndarray) -> DecodeResult:
    import cv2
    from imwatermark import WatermarkDecoder

    decoder = WatermarkDecoder("bits", PAYLOAD_BITS)
    votes = np.stack(
        [
            np.asarray(
                decoder.decode(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), FORENSIC_METHOD, scales=list(FORENSIC_SCALES)),
                dtype=np.float32,
            )
            for frame in frames
        ]
    )
    share_of_ones = votes.mean(axis=0)
    return DecodeResult(
        payload_id=payload_id_from_bits((share_of_ones > 0.5).astype(np.uint8)),
        confidence=float(np.abs(2.0 * share_of_ones - 1.0).mean()),
        frames_voted=len(frames),
    )


def _resize(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    shrinking = size[0] < frames.shape[2]
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.stack([cv2.resize(frame, size, interpolation=interpolation) for frame in frames])


def _rgb_to_ypbpr(red_weight: float, blue_weight: float) -> np.ndarray:
    green_weight = 1.0 - red_weight - blue_weight
    return np.array(
        [
            [red_weight, green_weight, blue_weight],
            [-red_weight / (2 * (1 - blue_weight)), -green_weight / (2 * (1 - blue_weight)), 0.5],
            [0.5, -green_weight / (2 * (1 - red_weight)), -blue_weight / (2 * (1 - red_weight))],
        ]
    )


# Decoders read untagged H.264 as BT.601; this maps those colours back to the BT.709 ones we encoded.
_BT601_READ_TO_BT709 = np.linalg.inv(_rgb_to_ypbpr(0.2126, 0.0722)) @ _rgb_to_ypbpr(0.299, 0.114)


def _undo_bt601_reading_of_bt709(frames: np.ndarray) -> np.ndarray:
    corrected = frames.astype(np.float32) @ _BT601_READ_TO_BT709.T.astype(np.float32)
    return np.clip(np.rint(corrected), 0, 255).astype(np.uint8)
