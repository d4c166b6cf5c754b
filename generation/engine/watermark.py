"""The two marks on every output: a visible program mark and an invisible, per-output forensic payload.

The forensic payload is 64 bits: a 48-bit id (mapped server-side to the output and its tester) and a
CRC-16/CCITT of it. New outputs carry the tiled mark (the setting FORENSIC_MARK, "tile" by default), whose
design follows the JAWS family (Kalker, Depovere, Haitsma, Maes, "A video watermarking system for broadcast
monitoring", Proc. SPIE 3657, 1999): a small keyed tile repeated over the whole frame, the same in every
frame, so that no part of the picture, no frame number and no original size is needed to read it. Its
period is found from the autocorrelation of the marked picture, as for periodic marks in Kutter,
"Watermarking resisting to translation, rotation, and scaling", Proc. SPIE 3528, 1998.

Embedding. The tile is 128x128 pixels of the marked frame: 32x32 chips of 4x4 pixels, each chip the key's
sign times the sign of the bit it carries (every bit owns 16 chips, scattered by the key); frames whose
shorter side is under 400 pixels carry a 64x64 tile (16x16 chips, 4 per bit) so that a reframe or crop of
them still holds more than one tile each way. The chips are band-limited
to the band the decoder reads (a difference of Gaussians, sigmas 1 and 4 pixels) so no energy goes where
encoders or the decoder throw it away. It is added to luma (the same offset on R, G and B), scaled per
pixel by the picture's local activity: 0.8 levels RMS on flat areas such as sky and skin, up to 2.45 in
texture, which keeps PSNR at or above 40 dB and leaves no visible pattern on flat areas. Embedding works
in 8 bits with OpenCV: about 0.01 s of one core per 1080p frame.

Decoding. The frames are averaged (the mark adds up, a moving picture blurs) and letterbox or pillarbox
bars cut away. A picture inside darker surroundings with straight, slanted edges (a phone filming a
screen) is warped back to a rectangle from the four lines found along its edges (the outermost straight
line each side's first bright pixels make, as a Hough transform finds lines); when that reads nothing,
the picture is read as it is. The band is kept, with strong edges (a caption box, the picture's outlines)
dropped. The tile's period, across and down separately (so scaling, reframing and a crop scaled back to
another aspect are all just periods), comes from the autocorrelation of that band after whitening its
spectrum: the repetition puts a peak on every point of a lattice, and every period in range is scored by
its lattice's peaks together, the best few refined to a quarter pixel, with the best few of the periods
equal across and down beside them (most leaks keep the aspect, and among those few hundred the tile's
stands out more often than among all); the tile's own period (a clip at the scale it was marked at) is
always tried first. For each, the picture is resampled to make the period a tile's size again and folded
into one tile by summing every tile position, which turns any crop, bar or offset into a cyclic shift, once
for each tile size. The fold is correlated with each bit's chips for every shift at once by FFT, mirrored
too (a horizontal flip), and the shift where the bits' squared t-statistics add up highest is read. When
the average of the frames reads nothing, the frames are read one by one at the likeliest periods: a strong
re-encode keeps the mark in each frame where it predicted the frame from, moved with the picture, so the
frames' marks do not line up and their average smears them; each frame's bits at its own best shift,
weighted by how far its peak stands above what unmarked frames reach, add up instead. When that too reads
nothing, the periods are searched again where the mark is sharpest: in the first frame (an intra frame,
coded best and from nothing before it) and in the frames two at a time with their spectra's power added up
(the power does not move when the mark does), and read the same two ways. A result names an id only when
the peak stands MIN_TILE_SYNC standard deviations above the other shifts, the bits' mean confidence
(erf(|t|/sqrt 2)) reaches MIN_TILE_CONFIDENCE, and the CRC matches, trying the four weakest bits both ways
(Chase decoding); the service then names an output only if its database holds that id.

The decoder reads the tiled mark first, then the two earlier marks: the grid mark (one key sign per cell
of a grid spanning the frame, read on the grid of each plausible original size given as `original_sizes`)
and invisible-watermark's `dwtDctSvd` mark in the chroma (U) plane, whose reading is bounded in pixels.
Importing invisible-watermark imports torch, so that happens inside the legacy functions only.

Measured in BENCHMARKS.md (`bench/bench_leaks.py --trace-only`): photo pans and demo-model outputs through
each attack a leaked clip goes through, a hundred trials each, and unmarked or other-key clips.
"""

from __future__ import annotations

import binascii
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

PROGRAM_MARK = "VERNISSAGE"
PAYLOAD_ID_BITS = 48
CRC_BITS = 16
PAYLOAD_BITS = PAYLOAD_ID_BITS + CRC_BITS
MAX_PAYLOAD_ID = 2**PAYLOAD_ID_BITS - 1
MIN_FRAME_PIXELS = 256 * 256

# The spread mark. Every value here is part of the format: changing one makes earlier marks unreadable.
FORENSIC_KEY = 0x56_45_52_4E_49_53  # seeds the cells' signs and their assignment to bits
FORENSIC_CELLS_ON_SHORT_SIDE = 80
FORENSIC_MIN_CELL_PIXELS = 6
FORENSIC_STRENGTH = 3.0  # luma levels at a cell's centre: PSNR about 41 dB
# Cap on the per-frame correction for the picture's own correlation, in the same units.
FORENSIC_MAX_CORRECTION = 6.0
# Unmarked video scores about 0.5 (0.62 at most over the 200 unmarked clips of bench_leaks.py --trace);
# marked clips read after a CRF 28 re-encode score above 0.9 (1.00 on all 100 of its 720p excerpts).
MIN_CONFIDENCE = 0.8

# The legacy mark (invisible-watermark). Quantisation step on the U plane, as those outputs were embedded.
LEGACY_METHOD = "dwtDctSvd"
LEGACY_SCALES = (0, 64, 0)
LEGACY_PIXEL_BUDGET = 8_000_000  # frame pixels the legacy decoder may read per trace: about 4 s of one core
LEGACY_VOTE_FRAMES = 8

VISIBLE_MARK_OPACITY = 0.55


@dataclass(frozen=True)
class DecodeResult:
    payload_id: int | None  # None: no mark found, or it failed the CRC or the confidence threshold
    # Mean over bits of |2p - 1|, p the chance the bit is 1: erf(|t|/sqrt 2) for the spread mark,
    # the share of frames voting 1 for the legacy one.
    confidence: float
    frames_voted: int
    scheme: str = ""  # "spread" or "legacy" when an id was read


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


# The tiled mark. Every value here is part of the format: changing one makes earlier marks unreadable.
TILE_KEY = 0x54_49_4C_45_56_4E  # seeds the tile's chip signs and their assignment to bits
TILE_PIXELS = 128  # the tile's side in the marked frame's pixels
# Frames whose shorter side is below SMALL_FRAME_SIDE carry a tile half as wide, so that a reframe or a crop of
# them still holds more than one tile each way; the decoder reads both sizes.
SMALL_TILE_PIXELS = 64
SMALL_FRAME_SIDE = 400
TILE_SIZES = (TILE_PIXELS, SMALL_TILE_PIXELS)
TILE_CELL_PIXELS = 4  # one chip: a 4x4 cell, interpolated so no edge shows
# Luma levels (RMS of the band-limited tile) on flat areas and on textured ones: PSNR >= 40 dB on photographs.
TILE_STRENGTH_FLAT = 0.8
TILE_STRENGTH_TEXTURED = 2.45
TILE_ACTIVITY_REFERENCE = 6.0  # local activity (mean |Laplacian| of the quarter-size luma) for full strength
PATTERN_SCALE = 16  # the pattern is kept in 1/16 luma levels until it is scaled to each pixel's strength
BAND_LOCAL_SIGMA = 4.0  # the neighbourhood the decoder weighs the band by, in pixels (0: one weight for all)
BAND_LOCAL_FLOOR = 0.3  # in units of the band's spread over the frame: what compression leaves of a flat area
BAND_FINE, BAND_COARSE = 1.0, 4.0  # the band the tile lives in: a difference of Gaussians, sigmas in tile pixels
# The decoder's search: tile periods from 36 pixels to 70% of the working picture (360 to 719 rows), across
# and down within a ratio of 1.8 of each other (a crop scaled back to the frame's size stretches one axis; a
# square output stretched to 16:9, 1.78).
TILE_MIN_PERIOD = 36
TILE_MAX_PERIOD_SHARE = 0.7
TILE_MAX_ANISOTROPY = 1.8
TILE_PERIOD_STEP = 0.5  # the coarse search's step in pixels; the best few are refined to a quarter pixel
TILE_PERIOD_CANDIDATES = 6  # folded and read, besides the tile's own period (the clip at its marked scale)
ISOTROPIC_CANDIDATES = 3  # and of the periods the same across and down, the best few
# Frame by frame: the first sample is every FRAME_SAMPLE_STRIDE-th frame; a frame's bits count as far as its
# sync stands above FRAME_SYNC_NOISE (what frames without the mark reach); the searched periods read this way.
FRAME_SAMPLE_STRIDE = 6
FRAME_SYNC_NOISE = 6.0
FRAME_READ_PERIODS = 3
EDGE_SUPPORT = 0.3  # a filmed screen's edge: the share of its side's first bright pixels lying on one line
EDGE_MAX_SLOPE = 0.1  # and how far it may lean from the frame's own edge (pixels across per pixel along)
TILE_CHASE_BITS = 4  # the weakest bits tried both ways when the check fails: 16 readings of one fold
# A fold is read only when its best offset stands out this far (in standard deviations of the energy over all
# offsets; unmarked clips reach about 6) and its bits are this sure on average.
MIN_TILE_SYNC = 9.0
MIN_TILE_CONFIDENCE = 0.75


FORENSIC_MARKS = ("grid", "tile")


def embed_forensic(frames: np.ndarray, payload_id: int, *, mark: str = "tile") -> np.ndarray:
    """Hide `payload_id` in every frame of an RGB uint8 video (frames, height, width, 3).

    `mark` (the setting FORENSIC_MARK) picks the tiled mark (the default) or the grid mark before it;
    `decode_forensic` reads both, so outputs made under either setting stay traceable when it changes.
    """
    if mark == "tile":
        return embed_tile_bits(frames, payload_bits(payload_id))
    if mark == "grid":
        return _embed_bits(frames, payload_bits(payload_id))
    raise ValueError(f"unknown forensic mark {mark!r}: one of {', '.join(FORENSIC_MARKS)}")


def embed_tile_bits(frames: np.ndarray, bits: np.ndarray, *, key: int = TILE_KEY) -> np.ndarray:
    """The tiled mark carrying any 64 bits: `embed_forensic`'s work, open to tests of the check."""
    count, height, width = frames.shape[:3]
    if height * width < MIN_FRAME_PIXELS:
        raise ValueError(f"frames of {width}x{height} are too small for the forensic mark (at least 256x256 pixels)")
    pixels = TILE_PIXELS if min(height, width) >= SMALL_FRAME_SIDE else SMALL_TILE_PIXELS
    lifts, drops = _frame_pattern(np.asarray(bits, dtype=np.uint8).tobytes(), height, width, key, pixels)
    marked = np.empty_like(frames)
    for index in range(count):
        share = _strength_share(frames[index], width, height)
        # All in 8 bits: the pattern's halves at full strength, scaled by the local share of it.
        up = cv2.multiply(lifts, share, scale=1.0 / (PATTERN_SCALE * 255.0))
        down = cv2.multiply(drops, share, scale=1.0 / (PATTERN_SCALE * 255.0))
        # The same offset on R, G and B moves luma alone, whichever YCbCr matrix a player uses.
        marked[index] = cv2.subtract(cv2.add(frames[index], cv2.merge([up, up, up])), cv2.merge([down, down, down]))
    return marked


def _strength_share(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """How much of the full strength the mark may take at each pixel (0-255): more where the picture is busy.

    Flat areas get TILE_STRENGTH_FLAT, busy ones TILE_STRENGTH_TEXTURED. Measured on a quarter-size copy
    (the mark's chips are 4 pixels wide), so it costs little at 1080p.
    """
    small = cv2.cvtColor(cv2.resize(frame, (width // 4, height // 4), interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY)
    activity = cv2.blur(np.abs(cv2.Laplacian(small, cv2.CV_32F)), (5, 5))
    floor = TILE_STRENGTH_FLAT / TILE_STRENGTH_TEXTURED
    share = floor + (1.0 - floor) * np.minimum(activity * (1.0 / TILE_ACTIVITY_REFERENCE), 1.0)
    return cv2.resize(np.rint(share * 255.0).astype(np.uint8), (width, height), interpolation=cv2.INTER_LINEAR)


@dataclass(frozen=True)
class _Tile:
    signs: np.ndarray  # (cells, cells) of +-1: the key
    bit_of_cell: np.ndarray  # (cells, cells) of 0..63


@lru_cache(maxsize=8)
def _tile(key: int, pixels: int) -> _Tile:
    """The key's chips for a tile `pixels` wide: every bit owns (pixels / 4)**2 / 64 of them."""
    cells = pixels // TILE_CELL_PIXELS
    rng = np.random.default_rng([key, pixels, TILE_CELL_PIXELS])
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(cells, cells))
    bit_of_cell = (rng.permutation(cells * cells) % PAYLOAD_BITS).reshape(cells, cells)
    return _Tile(signs, bit_of_cell)


def _render(cells: np.ndarray) -> np.ndarray:
    """Chip values to the tile's pixels: 4x4 blocks limited to the decoder's band, cyclically, so the tile
    repeats seamlessly and no energy goes where the encoder or the decoder would throw it away."""
    blocks = np.kron(cells, np.ones((TILE_CELL_PIXELS, TILE_CELL_PIXELS), dtype=np.float32))
    return np.fft.ifft2(np.fft.fft2(blocks) * _band_transfer(len(blocks))).real.astype(np.float32)


@lru_cache(maxsize=2)
def _band_transfer(pixels: int) -> np.ndarray:
    """The decoder's difference of Gaussians on the frequencies of a tile `pixels` wide."""
    frequencies = np.fft.fftfreq(pixels)
    squared = frequencies[:, None] ** 2 + frequencies[None, :] ** 2
    return np.exp(-2 * (np.pi * BAND_FINE) ** 2 * squared) - np.exp(-2 * (np.pi * BAND_COARSE) ** 2 * squared)


@lru_cache(maxsize=4)
def _frame_pattern(bits: bytes, height: int, width: int, key: int, pixels: int) -> tuple[np.ndarray, np.ndarray]:
    """The tile carrying `bits` (one byte per bit) at full strength, repeated from the top-left corner over the
    frame: its positive and negative halves in 1/PATTERN_SCALE luma levels, as 8-bit images."""
    tile = _tile(key, pixels)
    signs = 2.0 * np.frombuffer(bits, dtype=np.uint8).astype(np.float32) - 1.0
    pattern = _render(tile.signs * signs[tile.bit_of_cell])
    pattern *= TILE_STRENGTH_TEXTURED * PATTERN_SCALE / pattern.std()
    reps = (-(-height // pixels), -(-width // pixels))
    full = np.tile(pattern, reps)[:height, :width]
    return (
        np.ascontiguousarray(np.clip(np.rint(full), 0, 255).astype(np.uint8)),
        np.ascontiguousarray(np.clip(np.rint(-full), 0, 255).astype(np.uint8)),
    )


@lru_cache(maxsize=8)
def _bit_templates(key: int, pixels: int) -> np.ndarray:
    """Conjugate spectra of each bit's chips as the decoder sees them (band-passed again), the half a real
    picture's spectrum needs: (64, tile, tile // 2 + 1)."""
    tile = _tile(key, pixels)
    templates = np.empty((PAYLOAD_BITS, pixels, pixels // 2 + 1), dtype=np.complex64)
    for bit in range(PAYLOAD_BITS):
        rendered = _render(np.where(tile.bit_of_cell == bit, tile.signs, 0.0).astype(np.float32))
        templates[bit] = np.conj(np.fft.fft2(rendered) * _band_transfer(pixels))[:, : pixels // 2 + 1]
    return templates


def _band_pass(luma: np.ndarray) -> np.ndarray:
    """The band the chips live in (a difference of Gaussians), in units of its robust spread, outliers clipped.

    Finer detail is what encoders quantise away and block edges; coarser is the picture itself.
    """
    band = cv2.GaussianBlur(luma, (0, 0), BAND_FINE) - cv2.GaussianBlur(luma, (0, 0), BAND_COARSE)
    spread = 1.4826 * float(np.median(np.abs(band)))
    if not spread > 1e-3:
        return np.zeros_like(band)
    normalised = band / spread
    # Strong edges (a caption box, the picture's own outlines) say nothing about the mark: they are dropped
    # with their surroundings rather than clipped, so a box's outline does not repeat like a tile.
    edges = cv2.dilate((np.abs(normalised) > 4.0).astype(np.uint8), np.ones((7, 7), np.uint8))
    normalised[edges > 0] = 0.0
    if BAND_LOCAL_SIGMA:
        # Each neighbourhood in units of its own spread: busy texture, which hides the mark, weighs no more
        # than calm areas, where the mark stands out (a correlator's best weight, the mark's amplitude over
        # the picture's variance, with the amplitude following the activity as embedding makes it).
        local = np.sqrt(cv2.GaussianBlur(normalised * normalised, (0, 0), BAND_LOCAL_SIGMA))
        normalised /= np.maximum(local, BAND_LOCAL_FLOOR)
    normalised = np.clip(normalised, -3.0, 3.0)
    normalised[edges > 0] = 0.0
    return normalised - normalised.mean()


@dataclass(frozen=True)
class _TileReading:
    payload_id: int | None
    confidence: float
    sync: float  # the peak's energy over the spread of the energy at all offsets, in standard deviations


def read_tiled_mark(frames: np.ndarray, *, key: int = TILE_KEY) -> DecodeResult:
    """The tiled mark alone: period, offset and orientation found from the clip itself, then the bits."""
    if len(frames) == 0:
        return DecodeResult(payload_id=None, confidence=0.0, frames_voted=0)
    mean = _luma_sum(frames) / len(frames)
    rows, columns = _picture_box(mean)
    slant = _screen_slant(mean[rows, columns])
    views = [_View(rows, columns, None)]
    if slant is not None:
        # A picture taken for a slanted screen may be the picture itself: then it is read as it is, too.
        views.insert(0, _View(rows, columns, slant))
    best = _TileReading(None, 0.0, 0.0)
    for view in views:
        for reading in _view_readings(frames, mean, view, key):
            if reading.payload_id is not None:
                return DecodeResult(reading.payload_id, reading.confidence, len(frames), "tiled")
            best = max(best, reading, key=lambda r: r.confidence)
    return DecodeResult(None, best.confidence, len(frames))


def _view_readings(frames: np.ndarray, mean: np.ndarray, view: _View, key: int) -> Iterator[_TileReading]:
    """One view's readings, likeliest first, each made only when the one before named no one.

    First the average of the frames, at the tile's own period (the clip at the scale it was marked at: a
    re-encode, an excerpt, a box over it) and at the periods its autocorrelation proposes. Re-encoded at a low
    rate, each frame carries the mark where the encoder left it, moved with the picture it was predicted from,
    so the frames' marks do not line up and their average smears them: then the frames are read one by one,
    each at its own offset, at the likeliest periods. Last, the periods that the sharpest frames propose.
    """
    luma, shrink = view.working(mean)
    if min(luma.shape) < 2 * TILE_MIN_PERIOD:
        return
    frame_lumas = _FrameLumas(frames, view)
    folded: list[tuple[tuple[float, float], int]] = []

    def readings(periods: list[tuple[float, float]], own: list) -> Iterator[_TileReading]:
        for period, pixels in [*own, *itertools.product(periods, TILE_SIZES)]:
            if not _read_before(period, pixels, folded):
                folded.append((period, pixels))
                yield from _read_tiles(luma, period, key, pixels)
        for period, pixels in [*own, *itertools.product(periods[:FRAME_READ_PERIODS], TILE_SIZES)]:
            yield frame_lumas.read(period, key, pixels)

    own = [((pixels / shrink, pixels / shrink), pixels) for pixels in TILE_SIZES]
    yield from readings(_tile_periods(_whitened_power(_band_pass(luma)), luma.shape), own)
    yield from readings(_sharp_periods(frame_lumas, luma.shape), [])


@dataclass(frozen=True)
class _View:
    """Where the picture is in the clip's frames: inside bars, squared up from a slanted screen or not."""

    rows: slice
    columns: slice
    slant: tuple[np.ndarray, tuple[int, int]] | None  # a perspective matrix and the size it maps to

    def working(self, luma: np.ndarray) -> tuple[np.ndarray, int]:
        luma = luma[self.rows, self.columns]
        if self.slant is not None:
            matrix, size = self.slant
            luma = cv2.warpPerspective(luma, matrix, size, flags=cv2.INTER_LINEAR)[3:-3, 3:-3]
        return _working_luma(luma)


class _FrameLumas:
    """Each frame's working luma in one view, made the first time a period asks for it and kept for the next."""

    def __init__(self, frames: np.ndarray, view: _View) -> None:
        self.frames, self.view, self.made, self.read_at = frames, view, {}, []

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, index: int) -> np.ndarray:
        if index not in self.made:
            self.made[index] = self.view.working(_luma(self.frames[index]))[0]
        return self.made[index]

    def read(self, period: tuple[float, float], key: int, pixels: int) -> _TileReading:
        """The frames read one by one at `period` (see _read_frame_by_frame), once per period and tile size."""
        if _read_before(period, pixels, self.read_at):
            return _TileReading(None, 0.0, 0.0)
        self.read_at.append((period, pixels))
        return _read_frame_by_frame(self, period, key, pixels)


def _read_frame_by_frame(frame_lumas: _FrameLumas, period: tuple[float, float], key: int, pixels: int) -> _TileReading:
    """Each frame read on its own at `period` (its bits at its own best offset), then the bits of the frames
    where the mark stands out added up, weighted by how far it does. A first sample of frames across the clip
    decides whether the rest are worth reading."""
    indices = np.arange(len(frame_lumas))
    sample, rest = indices[::FRAME_SAMPLE_STRIDE], indices[indices % FRAME_SAMPLE_STRIDE != 0]
    readings = [_fold_readings(frame_lumas[index], period, key, pixels) for index in sample]
    if max(sync for reading in readings for _, sync in reading) < MIN_TILE_SYNC:
        return _TileReading(None, 0.0, 0.0)
    readings += [_fold_readings(frame_lumas[index], period, key, pixels) for index in rest]
    # One orientation for the whole clip: the one whose frames stand out more.
    side = int(sum(reading[1][1] for reading in readings) > sum(reading[0][1] for reading in readings))
    t = np.array([reading[side][0] for reading in readings])
    sync = np.array([reading[side][1] for reading in readings])
    weights = np.maximum(sync - FRAME_SYNC_NOISE, 0.0)
    if not weights.any():
        return _TileReading(None, 0.0, 0.0)
    combined = (weights[:, None] * t).sum(axis=0) / np.sqrt((weights**2).sum())
    return _decide(combined, float(sync.max()))


def _working_luma(luma: np.ndarray) -> tuple[np.ndarray, int]:
    """The picture halved until it has fewer than 720 rows or columns, and how many times smaller it was
    made (1, 2, 4...)."""
    shrink = 1
    while min(luma.shape) >= 720:
        luma = cv2.resize(luma, (luma.shape[1] // 2, luma.shape[0] // 2), interpolation=cv2.INTER_AREA)
        shrink *= 2
    return luma, shrink


def _picture_box(luma: np.ndarray) -> tuple[slice, slice]:
    """The picture inside letterbox or pillarbox bars: rows and columns at the borders that are flat and dark."""

    def kept(profile_std: np.ndarray, profile_mean: np.ndarray) -> slice:
        content = np.flatnonzero((profile_std > 1.5) | (profile_mean > 40))
        if content.size == 0:
            return slice(0, len(profile_std))
        return slice(int(content[0]), int(content[-1]) + 1)

    return kept(luma.std(axis=1), luma.mean(axis=1)), kept(luma.std(axis=0), luma.mean(axis=0))


def _screen_slant(luma: np.ndarray) -> tuple[np.ndarray, tuple[int, int]] | None:
    """For a picture seen at a slant inside darker surroundings (a phone filming a screen): the perspective
    that squares it up, and the rectangle's size; None for anything else.

    The picture's four edges are straight lines fitted to the outermost bright pixels along each side; the
    corners where they meet map to a rectangle of the edges' mean lengths. No dark surroundings at the
    corners, or edges that do not make a plausible quadrilateral, mean no slant.
    """
    height, width = luma.shape
    rim = np.concatenate([luma[:4].ravel(), luma[-4:].ravel(), luma[:, :4].ravel(), luma[:, -4:].ravel()])
    dark = float(np.percentile(rim, 10))
    if dark > 40 or min(height, width) < 4 * TILE_MIN_PERIOD:
        return None
    surround = rim[rim < dark + 10]
    level = float(np.median(surround)) + max(6.0, 4.0 * float(surround.std()))
    picture = cv2.GaussianBlur(luma, (0, 0), 1.5) > level
    corners = (picture[:8, :8], picture[:8, -8:], picture[-8:, :8], picture[-8:, -8:])
    if picture.mean() < 0.3 or sum(corner.mean() < 0.5 for corner in corners) < 2:
        return None
    rows, columns = np.arange(height), np.arange(width)
    inner_rows = (rows > 0.1 * height) & (rows < 0.9 * height)
    inner_columns = (columns > 0.1 * width) & (columns < 0.9 * width)
    across, down = picture.any(axis=1) & inner_rows, picture.any(axis=0) & inner_columns
    edges = (
        _edge_line(rows[across], picture[across].argmax(axis=1), inward=1),
        _edge_line(rows[across], width - 1 - picture[across, ::-1].argmax(axis=1), inward=-1),
        _edge_line(columns[down], picture[:, down].argmax(axis=0), inward=1),
        _edge_line(columns[down], height - 1 - picture[::-1, down].argmax(axis=0), inward=-1),
    )
    if any(edge is None for edge in edges):
        return None
    left, right, top, bottom = edges
    quad = np.float32([_meet(left, top), _meet(right, top), _meet(right, bottom), _meet(left, bottom)])
    top_left, top_right, bottom_right, bottom_left = quad
    new_width = (np.linalg.norm(top_right - top_left) + np.linalg.norm(bottom_right - bottom_left)) / 2
    new_height = (np.linalg.norm(bottom_left - top_left) + np.linalg.norm(bottom_right - top_right)) / 2
    if new_width < 0.5 * width or new_height < 0.5 * height:
        return None
    target = np.float32([[0, 0], [new_width, 0], [new_width, new_height], [0, new_height]])
    # The edge itself, blurred into the surroundings, is not picture: View.working trims 3 pixels off.
    return cv2.getPerspectiveTransform(quad, target), (int(new_width), int(new_height))


def _edge_line(along: np.ndarray, first: np.ndarray, *, inward: int) -> tuple[float, float] | None:
    """`first = a * along + b` for one side's edge, or None when the first bright pixels along it make no straight
    edge close to the frame's own.

    A straight line through the points is found the way a Hough transform finds it: for each slope in range,
    the intercepts every point implies, and how many points fall within 2 pixels of each. Dark picture next to
    the edge only moves the first bright pixel inward, so of the lines that a good share of all the points lie
    on (a screen's edge is straight; the outline of a dark sky is not), the outermost is the edge; it is then
    fitted to its own points by least squares."""
    if len(along) < 20:
        return None
    along, first = along.astype(np.float64), first.astype(np.float64)
    needed = EDGE_SUPPORT * len(along)
    middle = float(np.median(along))
    edge, outermost = None, -np.inf
    for slope in np.linspace(-EDGE_MAX_SLOPE, EDGE_MAX_SLOPE, 81):
        intercepts = np.sort(first - slope * along)
        support = np.searchsorted(intercepts, intercepts + 2.0, side="right") - np.arange(len(intercepts))
        lines = intercepts[support >= needed]
        if lines.size == 0:
            continue
        # The window [b, b + 2] holding enough points; its middle, as far out as the side goes.
        position = (lines[0] + 1.0 if inward > 0 else lines[-1] + 1.0) + slope * middle
        if position * -inward > outermost:
            outermost, edge = position * -inward, (slope, position - slope * middle)
    if edge is None:
        return None
    slope, intercept = edge
    near = np.abs(first - (slope * along + intercept)) <= 2.0
    slope, intercept = np.polyfit(along[near], first[near], 1)
    if abs(slope) > EDGE_MAX_SLOPE:
        return None
    return float(slope), float(intercept)


def _meet(upright: tuple[float, float], level: tuple[float, float]) -> list[float]:
    """Where x = a*y + b (a side) meets y = c*x + d (the top or bottom): [x, y]."""
    (a, b), (c, d) = upright, level
    y = (c * b + d) / (1.0 - c * a)
    return [a * y + b, y]


def _whitened_power(residual: np.ndarray) -> np.ndarray:
    """The band's power spectrum (padded to twice its size, so lags do not wrap), whitened: the tile's
    repetition is a lattice of peaks in it, the picture a smooth hill."""
    height, width = residual.shape
    power = (np.abs(np.fft.rfft2(residual, s=(2 * height, 2 * width))) ** 2).astype(np.float32)
    return power / (cv2.blur(power, (9, 9)) + 1e-6)


def _sharp_periods(frame_lumas: _FrameLumas, shape: tuple[int, int]) -> list[tuple[float, float]]:
    """Likely periods from where the mark is sharpest when the average of the frames smears it: the first frame
    (always an intra frame, coded best and from nothing before it), and the frames two at a time, their
    spectra added up (a spectrum's power does not move when the mark does)."""
    first = _tile_periods(_whitened_power(_band_pass(frame_lumas[0])), shape)
    pairs = range(0, len(frame_lumas) - 1, 2)
    power = sum(_whitened_power(_band_pass((frame_lumas[i] + frame_lumas[i + 1]) / 2)) for i in pairs)
    summed = _tile_periods(power, shape) if len(pairs) else []
    return _interleaved(first, summed)


def _interleaved(one: list[tuple[float, float]], other: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Two lists of candidate periods, best first, taken one from each in turn."""
    return [period for pair in itertools.zip_longest(one, other) for period in pair if period is not None]


def _same_period(one: tuple[float, float], other: tuple[float, float], tolerance: float = 0.02) -> bool:
    """Periods within `tolerance` of each other across and down: 2% apart, the search takes them for one peak;
    a reading needs them within half a percent (four tiles then drift by a pixel of the tile)."""
    return abs(one[0] / other[0] - 1) <= tolerance and abs(one[1] / other[1] - 1) <= tolerance


def _read_before(period: tuple[float, float], pixels: int, done: list[tuple[tuple[float, float], int]]) -> bool:
    """Whether a reading at `period` and tile size is among `done`, to within what a reading can tell apart."""
    return any(pixels == size and _same_period(period, other, 0.005) for other, size in done)


def _tile_periods(power: np.ndarray, shape: tuple[int, int]) -> list[tuple[float, float]]:
    """The likeliest (row, column) periods of the tile in a picture of `shape`, from its band's whitened power:
    the best of every period in range, interleaved with the best of those scaled the same across and down.

    The autocorrelation: the tile's repetition puts a peak at every point (i * rows, j * columns) of a lattice;
    a candidate period's score is the lattice's peaks summed (in standard deviations of the autocorrelation
    around them) over the square root of their number, so neither a multiple nor a fraction of the period beats
    it. Scored coarsely over every period in range, then the best few refined to a quarter pixel. Most of what
    a clip goes through keeps its aspect (a reframe, a box, a screen), and among the few hundred periods that
    do, the tile's stands out where among all of them the picture's chance peaks may beat it.
    """
    height, width = shape
    acf = np.fft.irfft2(power, s=(2 * height, 2 * width)).astype(np.float32)
    rows = np.arange(TILE_MIN_PERIOD, height * TILE_MAX_PERIOD_SHARE, TILE_PERIOD_STEP, dtype=np.float32)
    columns = np.arange(TILE_MIN_PERIOD, width * TILE_MAX_PERIOD_SHARE, TILE_PERIOD_STEP, dtype=np.float32)
    row_periods, column_periods = np.meshgrid(rows, columns, indexing="ij")
    plausible = np.maximum(row_periods / column_periods, column_periods / row_periods) <= TILE_MAX_ANISOTROPY
    row_periods, column_periods = row_periods[plausible], column_periods[plausible]
    coarse = _lattice_scores(_peak_field(acf, reach=2), row_periods, column_periods, (height, width), (3, 3))
    fine = _peak_field(acf, reach=1)
    offsets = np.arange(-1.0, 1.01, 0.25, dtype=np.float32)
    row_offsets, column_offsets = (grid.ravel() for grid in np.meshgrid(offsets, offsets, indexing="ij"))

    def refined(periods: np.ndarray, scores: np.ndarray, count: int) -> list[tuple[float, float]]:
        """The best `count` distinct periods of a scored list, each refined to a quarter pixel."""
        chosen: list[tuple[float, float]] = []
        for index in np.argsort(-scores):
            if not np.isfinite(scores[index]) or len(chosen) == 3 * count:
                break
            if not any(_same_period(tuple(periods[index]), other) for other in chosen):
                chosen.append(tuple(float(value) for value in periods[index]))
        best = []
        for row_period, column_period in chosen:
            candidates = (row_period + row_offsets, column_period + column_offsets)
            fine_scores = _lattice_scores(fine, *candidates, (height, width), (4, 5))
            top = int(np.argmax(fine_scores))
            period = (float(candidates[0][top]), float(candidates[1][top]))
            if not any(_same_period(period, other) for _, other in best):
                best.append((float(fine_scores[top]), period))
        return [period for _, period in sorted(best, key=lambda scored: -scored[0])[:count]]

    any_aspect = refined(np.stack([row_periods, column_periods], axis=1), coarse, TILE_PERIOD_CANDIDATES)
    same = np.arange(TILE_MIN_PERIOD, min(height, width) * TILE_MAX_PERIOD_SHARE, 0.25, dtype=np.float32)
    same_aspect = refined(
        np.stack([same, same], axis=1), _lattice_scores(fine, same, same, (height, width), (4, 5)), ISOTROPIC_CANDIDATES
    )
    periods: list[tuple[float, float]] = []
    for period in _interleaved(any_aspect, same_aspect):
        if not any(_same_period(period, other) for other in periods):
            periods.append(period)
    return periods


def _peak_field(acf: np.ndarray, *, reach: int) -> np.ndarray:
    """How far each lag's autocorrelation stands above its neighbourhood, as the best within `reach` pixels
    (a period's multiples land within that of their peaks), standardised over all lags."""
    contrast = acf - cv2.GaussianBlur(acf, (0, 0), 5.0)
    contrast /= np.sqrt(cv2.GaussianBlur(contrast * contrast, (0, 0), 25.0)) + 1e-9
    field = cv2.dilate(contrast, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    return (field - field.mean()) / (field.std() + 1e-9)


def _lattice_scores(
    field: np.ndarray, row_periods: np.ndarray, column_periods: np.ndarray, shape: tuple[int, int], reach: tuple
) -> np.ndarray:
    """Each candidate period's lattice score: `field` summed over (i * row, j * column), 0 < |i| <= reach[0],
    0 < j <= reach[1], within 80% of the picture (further lags overlap too little to count), over the root
    of the points' number. The axes are left out: bars, a caption box's edges and the frame's own lie on them."""
    height, width = shape
    total = np.zeros(row_periods.shape, np.float32)
    count = np.zeros(row_periods.shape, np.float32)
    for i in (*range(-reach[0], 0), *range(1, reach[0] + 1)):
        for j in range(1, reach[1] + 1):
            lag_rows, lag_columns = i * row_periods, j * column_periods
            inside = (np.abs(lag_rows) <= 0.8 * height) & (lag_columns <= 0.8 * width)
            values = field[
                np.rint(lag_rows).astype(np.int64) % field.shape[0],
                np.minimum(np.rint(lag_columns).astype(np.int64), field.shape[1] - 1),
            ]
            total += np.where(inside, values, 0.0)
            count += inside
    return np.where(count >= 4, total / np.sqrt(np.maximum(count, 1.0)), -np.inf)


def _read_tiles(luma: np.ndarray, period: tuple[float, float], key: int, pixels: int) -> Iterator[_TileReading]:
    """The picture read at `period` in both orientations."""
    for t, sync in _fold_readings(luma, period, key, pixels):
        yield _decide(t, sync)


def _fold_readings(
    luma: np.ndarray, period: tuple[float, float], key: int, pixels: int
) -> list[tuple[np.ndarray, float]]:
    """Resample the picture so `period` becomes a tile `pixels` wide, fold its band into one tile, and find the
    offset where the bits stand out most, as it is and mirrored: each bit's t-statistic there, and how far that
    offset stands out (its sync)."""
    height, width = luma.shape
    size = (
        max(pixels, round(width * pixels / period[1])),
        max(pixels, round(height * pixels / period[0])),
    )
    interpolation = cv2.INTER_AREA if period[0] > pixels else cv2.INTER_LINEAR
    scaled = _band_pass(cv2.resize(luma, size, interpolation=interpolation))
    rows, columns = -(-scaled.shape[0] // pixels), -(-scaled.shape[1] // pixels)
    padded = np.zeros((rows * pixels, columns * pixels), dtype=np.float32)
    padded[: scaled.shape[0], : scaled.shape[1]] = scaled
    folded = padded.reshape(rows, pixels, columns, pixels).sum(axis=(0, 2))
    templates = _bit_templates(key, pixels)
    readings = []
    for view in (folded, folded[:, ::-1]):
        correlations = np.fft.irfft2(np.fft.rfft2(view)[None] * templates, s=view.shape)
        spread = np.maximum(correlations.reshape(PAYLOAD_BITS, -1).std(axis=1), 1e-12)
        z = correlations / spread[:, None, None]
        energy = (z * z).sum(axis=0)
        peak = np.unravel_index(int(np.argmax(energy)), energy.shape)
        sync = float((energy[peak] - energy.mean()) / max(float(energy.std()), 1e-12))
        readings.append((z[:, peak[0], peak[1]], sync))
    return readings


def _decide(t: np.ndarray, sync: float) -> _TileReading:
    """Bits from their t-statistics; the weakest few tried both ways when the check fails, then the floor."""
    confidence = float(np.mean([math.erf(abs(value) / math.sqrt(2.0)) for value in t]))
    if confidence < MIN_TILE_CONFIDENCE or sync < MIN_TILE_SYNC:
        return _TileReading(None, confidence, sync)
    bits = (t > 0).astype(np.uint8)
    weakest = np.argsort(np.abs(t))[:TILE_CHASE_BITS]
    for flips in itertools.product((0, 1), repeat=TILE_CHASE_BITS):
        trial = bits.copy()
        trial[weakest] ^= np.array(flips, dtype=np.uint8)
        payload_id = payload_id_from_bits(trial)
        if payload_id is not None:
            return _TileReading(payload_id, confidence, sync)
    return _TileReading(None, confidence, sync)


def decode_forensic(frames: np.ndarray, *, original_sizes: Sequence[tuple[int, int]] = ()) -> DecodeResult:
    """Read the forensic payload back from RGB uint8 frames; never returns an id whose check fails.

    The tiled mark needs nothing but the frames. Outputs made before it carry the grid mark or the legacy
    one, tried in that order when no tiled mark is found; the grid mark is read on the grid of the clip's
    own size and of each of `original_sizes` (width, height), the sizes such an output may have had. The
    legacy decoder costs about half a second of CPU per megapixel and frame, so it reads a bounded sample
    (LEGACY_PIXEL_BUDGET): a trace takes seconds, not minutes, whatever the clip's size.
    """
    tiled = read_tiled_mark(frames)
    if tiled.payload_id is not None or len(frames) == 0:
        return tiled
    grid = read_spread_mark(frames, original_sizes=original_sizes)
    if grid.payload_id is not None:
        return grid
    legacy = _decode_legacy(frames, original_sizes)
    return legacy if legacy.payload_id is not None else tiled


def read_spread_mark(frames: np.ndarray, *, original_sizes: Sequence[tuple[int, int]] = ()) -> DecodeResult:
    """The spread mark alone: the best reading over the clip's own size and each of `original_sizes`."""
    if len(frames) == 0:
        return DecodeResult(payload_id=None, confidence=0.0, frames_voted=0)
    height, width = frames.shape[1:3]
    grids = dict.fromkeys(_grid_shape(w, h) for w, h in [(width, height), *original_sizes])
    luma_sum = _luma_sum(frames)
    readings = [_read_spread(luma_sum, len(frames), _layout(*grid)) for grid in grids]
    found = [reading for reading in readings if reading.payload_id is not None]
    return max(found or readings, key=lambda reading: reading.confidence)


def _embed_bits(frames: np.ndarray, bits: np.ndarray, *, key: int = FORENSIC_KEY) -> np.ndarray:
    count, height, width = frames.shape[:3]
    if height * width < MIN_FRAME_PIXELS:
        raise ValueError(f"frames of {width}x{height} are too small for the forensic mark (at least 256x256 pixels)")
    layout = _layout(*_grid_shape(width, height), key=key)
    # Host interference cancellation: what each frame already adds to each bit's statistic is taken away.
    host = _bit_means(np.stack([_residual(_luma(frame), layout.shape) for frame in frames]), layout)
    correction = np.clip(host / _gain(width, height, key), -FORENSIC_MAX_CORRECTION, FORENSIC_MAX_CORRECTION)
    amplitudes = FORENSIC_STRENGTH * (2.0 * bits.astype(np.float32) - 1.0) - correction
    marked = np.empty_like(frames)
    for index in range(count):
        cells = (layout.signs * amplitudes[index][layout.bit_of_cell]).astype(np.float32)
        pattern = np.rint(cv2.resize(cells, (width, height), interpolation=cv2.INTER_LINEAR)).astype(np.int16)
        # The same offset on R, G and B moves luma alone, whichever YCbCr matrix a player uses.
        marked[index] = np.clip(frames[index] + pattern[..., None], 0, 255)
    return marked


@dataclass(frozen=True)
class _Layout:
    shape: tuple[int, int]  # grid rows, columns
    signs: np.ndarray  # (rows, columns) of +-1: the key
    bit_of_cell: np.ndarray  # (rows, columns) of 0..63: the bit each cell carries
    cells_per_bit: np.ndarray  # (64,)


def _grid_shape(width: int, height: int) -> tuple[int, int]:
    cell = max(FORENSIC_MIN_CELL_PIXELS, min(width, height) / FORENSIC_CELLS_ON_SHORT_SIDE)
    return max(8, round(height / cell)), max(8, round(width / cell))


@lru_cache(maxsize=64)
def _layout(rows: int, columns: int, *, key: int = FORENSIC_KEY) -> _Layout:
    rng = np.random.default_rng([key, rows, columns])
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(rows, columns))
    # A shuffled round-robin: every bit gets the same number of cells (give or take one), all over the frame.
    bit_of_cell = (rng.permutation(rows * columns) % PAYLOAD_BITS).reshape(rows, columns)
    return _Layout((rows, columns), signs, bit_of_cell, np.bincount(bit_of_cell.ravel(), minlength=PAYLOAD_BITS))


def _luma(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)


def _luma_sum(frames: np.ndarray) -> np.ndarray:
    """The luma of the frames' sum: the mark is the same in every frame, the picture is not."""
    total = np.zeros(frames.shape[1:], dtype=np.float32)
    for frame in frames:
        total += frame
    return cv2.cvtColor(total, cv2.COLOR_RGB2GRAY)


def _high_pass_kernel() -> np.ndarray:
    """Cell minus a prediction from its ring of 8 neighbours and the 16 beyond, exact for quadratic pictures.

    Smooth shading thus leaves next to nothing; a plain mean of the neighbours would leave its curvature.
    """
    near = np.zeros((5, 5), dtype=np.float32)
    near[1:4, 1:4] = 1.0
    near[2, 2] = 0.0
    far = np.ones((5, 5), dtype=np.float32)
    far[1:4, 1:4] = 0.0
    kernel = -(11.0 / 8.0) * near / near.sum() + (3.0 / 8.0) * far / far.sum()
    kernel[2, 2] = 1.0
    return kernel


_HIGH_PASS = _high_pass_kernel()


def _residual(luma: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Cell means of the luma on a (rows, columns) grid spanning the frame, less what the neighbours predict."""
    rows, columns = shape
    means = cv2.resize(luma, (columns, rows), interpolation=cv2.INTER_AREA)
    return cv2.filter2D(means, -1, _HIGH_PASS, borderType=cv2.BORDER_REFLECT)


def _bit_means(residuals: np.ndarray, layout: _Layout) -> np.ndarray:
    """Per frame and bit, the mean over the bit's cells of residual times key sign: (frames, 64)."""
    count = len(residuals)
    products = (residuals * layout.signs).reshape(count, -1)
    slots = (np.arange(count)[:, None] * PAYLOAD_BITS + layout.bit_of_cell.ravel()).ravel()
    sums = np.bincount(slots, weights=products.ravel(), minlength=count * PAYLOAD_BITS)
    return sums.reshape(count, PAYLOAD_BITS) / layout.cells_per_bit


@lru_cache(maxsize=64)
def _gain(width: int, height: int, key: int) -> float:
    """What one unit of amplitude adds to a bit's mean, through interpolation, cell means and high-pass."""
    layout = _layout(*_grid_shape(width, height), key=key)
    unit = cv2.resize(layout.signs, (width, height), interpolation=cv2.INTER_LINEAR)
    return float(_bit_means(_residual(unit, layout.shape)[None], layout).mean())


def _read_spread(luma_sum: np.ndarray, frame_count: int, layout: _Layout) -> DecodeResult:
    products = (_residual(luma_sum, layout.shape) * layout.signs).ravel().astype(np.float64)
    bits = layout.bit_of_cell.ravel()
    means = np.bincount(bits, weights=products, minlength=PAYLOAD_BITS) / layout.cells_per_bit
    squares = np.bincount(bits, weights=products**2, minlength=PAYLOAD_BITS)
    pooled_variance = (squares - layout.cells_per_bit * means**2).sum() / (products.size - PAYLOAD_BITS)
    if not pooled_variance > 1e-9:  # a flat clip: nothing to read
        return DecodeResult(payload_id=None, confidence=0.0, frames_voted=frame_count)
    t = means / np.sqrt(pooled_variance / layout.cells_per_bit)
    confidence = float(np.mean([math.erf(abs(value) / math.sqrt(2.0)) for value in t]))
    payload_id = payload_id_from_bits((t > 0).astype(np.uint8)) if confidence >= MIN_CONFIDENCE else None
    return DecodeResult(
        payload_id=payload_id,
        confidence=confidence,
        frames_voted=frame_count,
        scheme="spread" if payload_id is not None else "",
    )


def embed_legacy_forensic(frames: np.ndarray, payload_id: int) -> np.ndarray:
    """The mark outputs carried before the spread mark; kept so the legacy decoder can be checked against it."""
    from imwatermark import WatermarkEncoder  # only the legacy mark needs it, and it imports torch (about 4 s)

    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", payload_bits(payload_id).tolist())
    marked = np.empty_like(frames)
    for index, frame in enumerate(frames):
        bgr = encoder.encode(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), LEGACY_METHOD, scales=list(LEGACY_SCALES))
        marked[index] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return marked


def _decode_legacy(frames: np.ndarray, original_sizes: Sequence[tuple[int, int]]) -> DecodeResult:
    sizes = _legacy_sizes(frames.shape[2], frames.shape[1], original_sizes)
    first_result: DecodeResult | None = None
    for reading in _legacy_readings(frames, sizes):
        result = _majority_vote(reading)
        if result.payload_id is not None:
            return result
        first_result = first_result or result
    return first_result or DecodeResult(payload_id=None, confidence=0.0, frames_voted=0)


def _legacy_sizes(width: int, height: int, original_sizes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where the legacy mark may be read: at each smaller original size of the clip's aspect (an upscaled
    output), then at the clip's own size when it is one of `original_sizes` or none are given."""
    smaller = [
        (candidate_width, candidate_height)
        for candidate_width, candidate_height in dict.fromkeys(original_sizes)
        if candidate_width * candidate_height < width * height
        and abs(candidate_width / candidate_height - width / height) < 0.01
    ]
    own = [(width, height)] if not original_sizes or (width, height) in original_sizes else []
    return [size for size in [*smaller, *own] if size[0] * size[1] >= MIN_FRAME_PIXELS]


def _legacy_readings(frames: np.ndarray, sizes: Sequence[tuple[int, int]]) -> Iterator[np.ndarray]:
    """Evenly spaced frames at each size, as given and with tag-stripped BT.709 colours.

    Every reading gets its share of LEGACY_PIXEL_BUDGET: never fewer than one frame, never more than
    LEGACY_VOTE_FRAMES (beyond that the vote gains little on a mark repeated in every frame).
    """
    height, width = frames.shape[1:3]
    pixels_per_reading = LEGACY_PIXEL_BUDGET / (2 * max(1, len(sizes)))
    for size in sizes:
        count = int(min(LEGACY_VOTE_FRAMES, len(frames), max(1, pixels_per_reading // (size[0] * size[1]))))
        sample = frames[np.linspace(0, len(frames) - 1, count).round().astype(int)]
        resized = sample if size == (width, height) else _resize(sample, size)
        yield resized
        yield _undo_bt601_reading_of_bt709(resized)


def _majority_vote(frames: np.ndarray) -> DecodeResult:
    from imwatermark import WatermarkDecoder  # only the legacy mark needs it, and it imports torch (about 4 s)

    decoder = WatermarkDecoder("bits", PAYLOAD_BITS)
    votes = np.stack(
        [
            np.asarray(
                decoder.decode(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR), LEGACY_METHOD, scales=list(LEGACY_SCALES)),
                dtype=np.float32,
            )
            for frame in frames
        ]
    )
    share_of_ones = votes.mean(axis=0)
    payload_id = payload_id_from_bits((share_of_ones > 0.5).astype(np.uint8))
    return DecodeResult(
        payload_id=payload_id,
        confidence=float(np.abs(2.0 * share_of_ones - 1.0).mean()),
        frames_voted=len(frames),
        scheme="legacy" if payload_id is not None else "",
    )


def _resize(frames: np.ndarray, size: tuple[int, int]) -> np.ndarray:
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
