"""Visible and forensic marks: the payload survives encoding; a damaged or foreign clip never names a wrong output."""

import itertools
import random

import numpy as np
import pytest

from generation.engine.encode import encode_mp4, read_frames
from generation.engine.watermark import (
    MAX_PAYLOAD_ID,
    apply_visible_mark,
    decode_forensic,
    embed_forensic,
    payload_bits,
    payload_id_from_bits,
)

from .helpers import reencode, synthetic_scene

PAYLOAD_ID = 0x5EC2E7_1D0A17


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


def test_forensic_mark_round_trips_through_raw_frames(demo_generation):
    marked = embed_forensic(demo_generation.result.frames, PAYLOAD_ID)
    result = decode_forensic(marked)
    assert result.payload_id == PAYLOAD_ID
    assert result.frames_voted == 17
    assert result.confidence > 0.95


def test_forensic_mark_survives_our_mp4_encode(demo_generation, tmp_path):
    marked = embed_forensic(demo_generation.result.frames, PAYLOAD_ID)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    assert decode_forensic(read_frames(tmp_path / "out.mp4")).payload_id == PAYLOAD_ID


@pytest.mark.parametrize(
    ("width", "height", "crf", "keep_colour_tags"),
    [(256, 256, 28, True), (256, 256, 28, False), (832, 480, 32, True)],
)
def test_a_camera_like_clip_survives_a_leakers_reencode(tmp_path, width, height, crf, keep_colour_tags):
    marked = embed_forensic(synthetic_scene(width=width, height=height), PAYLOAD_ID)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=crf, keep_colour_tags=keep_colour_tags)
    assert decode_forensic(read_frames(tmp_path / "leak.mp4")).payload_id == PAYLOAD_ID


def test_an_upscaled_clip_decodes_at_its_original_size(tmp_path):
    marked = embed_forensic(synthetic_scene(), PAYLOAD_ID)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=23, scale=1.5)
    leaked = read_frames(tmp_path / "leak.mp4")

    assert decode_forensic(leaked, original_sizes=[(256, 256), (480, 480), (832, 480)]).payload_id == PAYLOAD_ID


@pytest.mark.parametrize("scale", [1.0, 1.5, 0.75])
@pytest.mark.parametrize("crf", [28, 35])
def test_a_reencoded_excerpt_never_names_a_wrong_output(demo_generation, tmp_path, crf, scale):
    payload_id = random.Random(crf * 10 + scale).getrandbits(48)
    marked = embed_forensic(demo_generation.result.frames, payload_id)
    encode_mp4(marked, 16, tmp_path / "out.mp4")
    reencode(tmp_path / "out.mp4", tmp_path / "leak.mp4", crf=crf, scale=scale)

    result = decode_forensic(read_frames(tmp_path / "leak.mp4"), original_sizes=[(256, 256)])

    assert result.payload_id in (payload_id, None)


@pytest.mark.parametrize("seed", range(4))
def test_unmarked_video_decodes_to_nothing(demo_generation, tmp_path, seed):
    clip = synthetic_scene(seed=seed) if seed % 2 else np.roll(demo_generation.result.frames, seed, axis=2)
    encode_mp4(clip, 16, tmp_path / "plain.mp4")
    assert decode_forensic(read_frames(tmp_path / "plain.mp4"), original_sizes=[(256, 256)]).payload_id is None


def test_random_noise_decodes_to_nothing():
    noise = np.random.default_rng(3).integers(0, 256, (9, 256, 256, 3), dtype=np.uint8)
    assert decode_forensic(noise).payload_id is None


def test_frames_too_small_for_the_mark_are_refused_on_embed_and_unreadable_on_decode():
    small = np.zeros((3, 240, 240, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match="too small"):
        embed_forensic(small, PAYLOAD_ID)
    assert decode_forensic(small).frames_voted == 0
    assert decode_forensic(small).payload_id is None


def test_a_portrait_clip_at_the_minimum_area_is_marked(tmp_path):
    portrait = synthetic_scene(width=192, height=352, frames=5)
    assert decode_forensic(embed_forensic(portrait, PAYLOAD_ID)).payload_id == PAYLOAD_ID
