"""Visible and forensic marks: the payload survives leaks; a damaged, foreign or unmarked clip names nobody."""

import itertools
import random

import cv2
import numpy as np
import pytest

from generation.engine.encode import encode_mp4, read_frames
from generation.engine.watermark import (
    FORENSIC_KEY,
    FORENSIC_MARKS,
    MAX_PAYLOAD_ID,
    MIN_CONFIDENCE,
    MIN_TILE_CONFIDENCE,
    TILE_KEY,
    TILE_STRENGTH_TEXTURED,
    _embed_bits,
    apply_visible_mark,
    decode_forensic,
    embed_forensic,
    embed_legacy_forensic,
    embed_tile_bits,
    payload_bits,
    payload_id_from_bits,
    read_spread_mark,
    read_tiled_mark,
)
from support.leaks import photo_pan

from .helpers import reencode, synthetic_scene

PAYLOAD_ID = 0x5EC2E7_1D0A17
# What the trace page passes for outputs marked before the tiled mark: the preset sizes (and every output's).
SCHEME = {"grid": "spread", "tile": "tiled"}
CANDIDATE_SIZES = [(256, 256), (448, 256), (256, 448), (480, 480), (848, 480), (480, 848), (720, 720), (1280, 720)]


def test_payload_is_48_bit_id_then_crc16():
    bits = payload_bits(PAYLOAD_ID)
    assert bits.shape == (64,)
    assert payload_id_from_bits(bits) == PAYLOAD_ID
    assert payload_id_from_bits(payload_bits(0)) == 0
    assert payload_id_from_bits(payload_bits(MAX_PAYLOAD_ID)) == MAX_PAYLOAD_ID


@pytest.mark.parametrize("payload_id", [-1, MAX_PAYLOAD_ID + 1])
def test_it_refuses_ids_outside_48_bits(payload_id):
    with pytest.raises(ValueError, match="2\\*\\*48"):
        payload_bits(payload_id)


def test_the_crc_rejects_every_one_two_and_three_bit_error():
    bits = payload_bits(PAYLOAD_ID)
    for flipped_count in (1, 2, 3):
        for positions in itertools.combinations(range(64), flipped_count):
            damaged = bits.copy()
            damaged[list(positions)] ^= 1
            assert payload_id_from_bits(damaged) is None, positions


def test_the_visible_mark_sits_in_the_bottom_right_corner_and_grows_with_the_frame():
    small = np.full((1, 256, 256, 3), 200, dtype=np.uint8)
    large = np.full((1, 720, 1280, 3), 200, dtype=np.uint8)

    changed_small = np.argwhere((apply_visible_mark(small, label="VERNISSAGE · ab12cd")[0] != 200).any(-1))
    changed_large = np.argwhere((apply_visible_mark(large, label="VERNISSAGE · ab12cd")[0] != 200).any(-1))

    assert changed_small.min(axis=0).tolist() > [200, 100], "only the bottom-right corner is marked"
    assert changed_large.min(axis=0).tolist() > [600, 700]
    small_height = np.ptp(changed_small[:, 0])
    assert 3 * small_height > np.ptp(changed_large[:, 0]) > 2 * small_height


def test_the_visible_mark_lets_the_picture_show_through():
    white = np.full((1, 256, 256, 3), 255, dtype=np.uint8)
    marked = apply_visible_mark(white, label="VERNISSAGE · ab12cd")[0]
    assert 60 < marked.min() < 255, "the box is semi-transparent, not black"


@pytest.mark.parametrize("mark", FORENSIC_MARKS)
def test_forensic_mark_round_trips_through_raw_frames(demo_generation, mark):
    marked = embed_forensic(demo_generation.result.frames, PAYLOAD_ID, mark=mark)
    result = decode_forensic(marked)
    assert result.payload_id == PAYLOAD_ID
    assert result.scheme == SCHEME[mark]
    assert result.frames_voted == 17
    # The demo's 256x256 frames carry the 64-pixel tile: 0.93 unattacked, where 832x480 photo pans read 0.99+.
    assert result.confidence > 0.9


@pytest.mark.parametrize("mark", FORENSIC_MARKS)
@pytest.mark.parametrize("kind", ["demo", "scene"])
def test_the_forensic_mark_is_invisible(demo_generation, kind, mark):
    frames = demo_generation.result.frames if kind == "demo" else synthetic_scene(width=832, height=480, frames=5)
    marked = embed_forensic(frames, PAYLOAD_ID, mark=mark)
    change = marked.astype(np.float32) - frames
    psnr = 10 * np.log10(255**2 / np.mean(change**2))
    assert psnr > 40, psnr
    assert np.abs(change).max() <= (4 * TILE_STRENGTH_TEXTURED if mark == "tile" else 10)
    assert np.abs(change[..., 0] - change[..., 1]).max() <= 1, "luma only: the same offset on every channel"


@pytest.mark.parametrize("mark", FORENSIC_MARKS)
def test_forensic_mark_survives_our_mp4_encode(demo_generation, tmp_path, mark):
    marked = embed_forensic(demo_generation.result.frames, PAYLOAD_ID, mark=mark)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    assert decode_forensic(read_frames(tmp_path / "out.mp4")).payload_id == PAYLOAD_ID


@pytest.mark.parametrize("mark", FORENSIC_MARKS)
def test_the_demo_models_frames_survive_a_plain_crf_28_reencode(demo_generation, tmp_path, mark):
    marked = embed_forensic(demo_generation.result.frames, PAYLOAD_ID, mark=mark)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=28)
    result = decode_forensic(read_frames(tmp_path / "leak.mp4"))
    assert (result.payload_id, result.scheme) == (PAYLOAD_ID, SCHEME[mark])


@pytest.mark.parametrize("mark", FORENSIC_MARKS)
@pytest.mark.parametrize(
    ("width", "height", "crf", "keep_colour_tags"),
    [(448, 256, 26, True), (448, 256, 26, False), (832, 480, 28, True)],
)
def test_a_camera_like_clip_survives_a_leakers_reencode(tmp_path, width, height, crf, keep_colour_tags, mark):
    frames = photo_pan(np.random.default_rng(width), frames=17, width=width, height=height)
    encode_mp4(embed_forensic(frames, PAYLOAD_ID, mark=mark), 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=crf, keep_colour_tags=keep_colour_tags)
    assert decode_forensic(read_frames(tmp_path / "leak.mp4")).payload_id == PAYLOAD_ID


@pytest.mark.parametrize("mark", FORENSIC_MARKS)
@pytest.mark.parametrize("scale", [1.0, 1.5, 0.75])
@pytest.mark.parametrize("crf", [28, 35])
def test_a_reencoded_excerpt_never_names_a_wrong_output(demo_generation, tmp_path, crf, scale, mark):
    payload_id = random.Random(crf * 10 + scale).getrandbits(48)
    marked = embed_forensic(demo_generation.result.frames, payload_id, mark=mark)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=crf, scale=scale)

    result = decode_forensic(read_frames(tmp_path / "leak.mp4"))

    assert result.payload_id in (payload_id, None)


@pytest.mark.parametrize("seed", range(4))
def test_unmarked_video_decodes_to_nothing(demo_generation, tmp_path, seed):
    clip = synthetic_scene(seed=seed) if seed % 2 else np.roll(demo_generation.result.frames, seed, axis=2)
    encode_mp4(clip, 16, tmp_path / "plain.mp4")
    assert decode_forensic(read_frames(tmp_path / "plain.mp4"), original_sizes=[(256, 256)]).payload_id is None


def test_random_noise_decodes_to_nothing():
    noise = np.random.default_rng(3).integers(0, 256, (9, 256, 256, 3), dtype=np.uint8)
    assert decode_forensic(noise).payload_id is None


def _unmarked_clip(kind: str, seed: int, width: int, height: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    shape = (8, height, width, 3)
    if kind == "noise":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    if kind == "smooth noise":
        noise = rng.normal(128, 60, shape).astype(np.float32)
        return np.stack([np.clip(cv2.GaussianBlur(f, (0, 0), 1 + seed % 5) * 3 - 256, 0, 255) for f in noise]).astype(
            np.uint8
        )
    if kind == "edges":
        image = np.full((height, width, 3), 128, dtype=np.uint8)
        for _ in range(30):
            x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
            cv2.rectangle(
                image,
                (x, y),
                (x + int(rng.integers(4, 90)), y + int(rng.integers(4, 90))),
                rng.integers(0, 256, 3).tolist(),
                -1,
            )
        return np.repeat(image[None], 8, axis=0)
    if kind == "flat":
        return np.clip(rng.integers(20, 236, 3) + rng.normal(0, 2, shape), 0, 255).astype(np.uint8)
    return synthetic_scene(frames=8, width=width, height=height, seed=seed)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("kind", ["noise", "smooth noise", "edges", "flat", "scene"])
def test_unmarked_clips_of_every_kind_never_decode(kind, seed):
    width, height = [(256, 256), (448, 256), (480, 480), (256, 448)][seed % 4]
    clip = _unmarked_clip(kind, seed, width, height)
    assert read_tiled_mark(clip).payload_id is None
    grid = read_spread_mark(clip, original_sizes=CANDIDATE_SIZES)
    assert grid.payload_id is None
    assert grid.confidence < MIN_CONFIDENCE - 0.1, "far below the threshold, not just under it"


def test_a_mark_made_with_another_key_never_decodes(tmp_path):
    scene = synthetic_scene()
    other_tiles = embed_tile_bits(scene, payload_bits(PAYLOAD_ID), key=TILE_KEY + 1)
    other_grid = _embed_bits(scene, payload_bits(PAYLOAD_ID), key=FORENSIC_KEY + 1)
    for name, marked in (("tiles", other_tiles), ("grid", other_grid)):
        encode_mp4(marked, 16, tmp_path / f"{name}.mp4")
        result = decode_forensic(read_frames(tmp_path / f"{name}.mp4"), original_sizes=CANDIDATE_SIZES)
        assert result.payload_id is None, name


@pytest.mark.parametrize("flipped", [[0, 9, 17, 40, 51], [3, 12, 30, 47, 63]])
def test_a_strong_tiled_mark_whose_bits_fail_the_check_names_nobody(flipped):
    # Five wrong bits: more than the decoder ever tries flipping back.
    bits = payload_bits(PAYLOAD_ID)
    bits[flipped] ^= 1
    result = read_tiled_mark(embed_tile_bits(synthetic_scene(), bits))
    assert result.confidence > MIN_TILE_CONFIDENCE, "every bit reads clearly..."
    assert result.payload_id is None, "...but the CRC refuses them"


@pytest.mark.parametrize("flipped", [[0], [17, 40], [3, 47, 63]])
def test_a_strong_grid_mark_whose_bits_fail_the_crc_names_nobody(flipped):
    bits = payload_bits(PAYLOAD_ID)
    bits[flipped] ^= 1
    result = read_spread_mark(_embed_bits(synthetic_scene(), bits))
    assert result.confidence > 0.95, "every bit reads clearly..."
    assert result.payload_id is None, "...but the CRC refuses them"


def test_an_output_marked_with_the_grid_mark_still_decodes_after_an_upscale(tmp_path):
    marked = _embed_bits(synthetic_scene(), payload_bits(PAYLOAD_ID))
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=23, scale=1.5)

    result = decode_forensic(read_frames(tmp_path / "leak.mp4"), original_sizes=CANDIDATE_SIZES)

    assert (result.payload_id, result.scheme) == (PAYLOAD_ID, "spread")


def test_a_clip_mixing_two_outputs_never_names_a_third(tmp_path):
    other = random.Random(1).getrandbits(48)
    scene = synthetic_scene(frames=16)
    mixed = np.concatenate([embed_forensic(scene[:8], PAYLOAD_ID, mark="tile"), embed_forensic(scene[8:], other)])
    encode_mp4(mixed, 16, tmp_path / "mixed.mp4")
    assert decode_forensic(read_frames(tmp_path / "mixed.mp4")).payload_id in (PAYLOAD_ID, other, None)


def test_a_legacy_mark_still_decodes_after_an_upscale(tmp_path):
    marked = embed_legacy_forensic(synthetic_scene(), PAYLOAD_ID)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=23, scale=1.5)

    result = decode_forensic(read_frames(tmp_path / "leak.mp4"), original_sizes=CANDIDATE_SIZES)

    assert (result.payload_id, result.scheme) == (PAYLOAD_ID, "legacy")


def test_frames_too_small_for_the_mark_are_refused_on_embed_and_unreadable_on_decode():
    small = np.zeros((3, 240, 240, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="too small"):
        embed_forensic(small, PAYLOAD_ID)
    assert decode_forensic(small).payload_id is None
    assert decode_forensic(small[:0]).frames_voted == 0


@pytest.mark.parametrize("mark", FORENSIC_MARKS)
def test_a_portrait_clip_at_the_minimum_area_is_marked(tmp_path, mark):
    portrait = synthetic_scene(width=192, height=352, frames=5)
    assert decode_forensic(embed_forensic(portrait, PAYLOAD_ID, mark=mark)).payload_id == PAYLOAD_ID


def test_an_unknown_mark_is_refused():
    with pytest.raises(ValueError, match="unknown forensic mark"):
        embed_forensic(synthetic_scene(frames=1), PAYLOAD_ID, mark="dots")


def test_a_small_output_carries_a_tile_half_as_wide():
    # On a flat frame the strength is the same everywhere, so the mark is exactly the repeated tile.
    flat = np.full((2, 256, 448, 3), 128, dtype=np.uint8)
    small = embed_forensic(flat, PAYLOAD_ID, mark="tile").astype(np.int16) - 128
    assert np.array_equal(small[0, :64, :64], small[0, 64:128, 192:256])
    assert not np.array_equal(small[0, :64, :64], small[0, :64, 32:96])
    large = embed_forensic(np.full((2, 480, 832, 3), 128, dtype=np.uint8), PAYLOAD_ID, mark="tile").astype(np.int16)
    assert np.array_equal(large[0, :128, :128], large[0, 128:256, 256:384])
    assert not np.array_equal(large[0, :64, :64], large[0, 64:128, :64])


def test_frames_whose_marks_moved_with_the_picture_are_read_one_by_one(tmp_path):
    # What a strong re-encode of a pan leaves: each frame's mark where the frame was predicted from, so the
    # marks of successive frames sit at different offsets and their average holds none of them.
    pan = photo_pan(np.random.default_rng(5), frames=16)
    marked = embed_forensic(pan[:1].repeat(16, axis=0), PAYLOAD_ID, mark="tile")
    moved = np.stack([np.roll(frame, (7 * index, 11 * index), axis=(0, 1)) for index, frame in enumerate(marked)])
    encode_mp4(moved, 16, tmp_path / "moved.mp4")
    frames = read_frames(tmp_path / "moved.mp4")
    averaged = read_tiles_of_the_average(frames)
    assert averaged.payload_id is None, "the average alone smears the mark"
    assert read_tiled_mark(frames).payload_id == PAYLOAD_ID


def read_tiles_of_the_average(frames):
    from generation.engine.watermark import TILE_PIXELS, _luma_sum, _read_tiles

    readings = list(_read_tiles(_luma_sum(frames) / len(frames), (TILE_PIXELS, TILE_PIXELS), TILE_KEY, TILE_PIXELS))
    return max(readings, key=lambda reading: reading.confidence)


def test_a_dark_sky_in_the_corners_is_not_taken_for_a_slanted_screen(tmp_path):
    from skimage import data

    from generation.engine.watermark import _picture_box, _screen_slant

    # The rocket's night sky is dark and flat in both top corners, as a filmed screen's surroundings are.
    still = cv2.resize(data.rocket(), (832, 480), interpolation=cv2.INTER_AREA)
    clip = np.repeat(still[None], 8, axis=0)
    mean = clip[..., 1].astype(np.float32)[0]
    rows, columns = _picture_box(mean)
    assert _screen_slant(mean[rows, columns]) is None
    encode_mp4(embed_forensic(clip, PAYLOAD_ID, mark="tile"), 16, tmp_path / "rocket.mp4")
    assert read_tiled_mark(read_frames(tmp_path / "rocket.mp4")).payload_id == PAYLOAD_ID


def test_a_screen_is_squared_up_though_dark_picture_runs_along_half_an_edge():
    from generation.engine.watermark import _picture_box, _screen_slant

    rng = np.random.default_rng(3)
    picture = np.clip(cv2.GaussianBlur(rng.normal(150, 40, (480, 832)).astype(np.float32), (0, 0), 3), 60, 255)
    picture[220:, 500:] = 4  # a dark object in the picture, against the lower half of its right edge
    corners = np.float32([[0, 0], [832, 0], [832, 480], [0, 480]])
    screen_corners = np.float32([[70, 40], [1205, 48], [1213, 672], [82, 668]])
    filmed = cv2.warpPerspective(
        picture, cv2.getPerspectiveTransform(corners, screen_corners), (1280, 720), borderValue=12
    )
    rows, columns = _picture_box(filmed)
    matrix, (width, height) = _screen_slant(filmed[rows, columns])
    squared = cv2.perspectiveTransform((screen_corners - [columns.start, rows.start])[None], matrix)[0]
    assert np.abs(squared - [[0, 0], [width, 0], [width, height], [0, height]]).max() < 4


def test_a_reframe_with_a_frame_rate_change_at_crf_30_is_traced_from_its_sharpest_frames(tmp_path):
    from support.leaks import chain

    # One of the chains that the search over the average of the frames missed (the picture's chance lattices
    # outscored the tile's): found among the periods equal across and down, or where the mark is sharpest.
    pan = photo_pan(np.random.default_rng(4), frames=32)
    encode_mp4(embed_forensic(pan, PAYLOAD_ID, mark="tile"), 16, tmp_path / "out.mp4")
    leaked = chain(read_frames(tmp_path / "out.mp4"), 16, np.random.default_rng(4))
    assert read_tiled_mark(leaked).payload_id == PAYLOAD_ID
