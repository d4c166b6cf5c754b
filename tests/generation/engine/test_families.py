"""The family registry: frame-count and resolution rules for Wan and LTX-Video."""

import pytest

from generation.engine.families import FAMILIES, LTX, WAN, UnknownFamily, get_family


def test_it_knows_wan_and_ltx_pipelines():
    assert get_family("wan").pipeline_class_name == "WanPipeline"
    assert get_family("ltx").pipeline_class_name == "LTXPipeline"
    assert set(FAMILIES) >= {"wan", "ltx"}


def test_the_image_to_video_families_take_a_still_and_share_their_architecture():
    import diffusers

    for key, pipeline, architecture in (
        ("wan-i2v", "WanImageToVideoPipeline", "wan"),
        ("ltx-i2v", "LTXImageToVideoPipeline", "ltx"),
    ):
        family = get_family(key)
        assert family.takes_image and family.pipeline_class_name == pipeline and hasattr(diffusers, pipeline)
        assert family.architecture == architecture and not get_family(architecture).takes_image


def test_it_refuses_an_unknown_family_by_name():
    with pytest.raises(UnknownFamily, match="'sora'.*ltx, ltx-i2v, wan, wan-i2v"):
        get_family("sora")


@pytest.mark.parametrize(
    ("family", "valid", "invalid"),
    [(WAN, [1, 5, 17, 81], [0, 2, 16, 80]), (LTX, [1, 9, 121, 161], [0, 5, 16, 120])],
)
def test_frame_counts_follow_the_vae_temporal_stride(family, valid, invalid):
    assert all(family.is_valid_frame_count(n) for n in valid)
    assert not any(family.is_valid_frame_count(n) for n in invalid)


def test_it_rounds_to_the_nearest_valid_frame_count():
    assert WAN.nearest_frame_count(80) == 81
    assert WAN.nearest_frame_count(79) == 81
    assert WAN.nearest_frame_count(0) == 1
    assert LTX.nearest_frame_count(100) == 97


def test_durations_become_frame_counts_at_the_family_frame_rate():
    assert WAN.frame_count_for_duration(5) == 81  # Wan's 5-second clip at 16 fps
    assert LTX.frame_count_for_duration(5) == 121  # 24 fps
    assert WAN.frame_count_for_duration(1, fps=24) == 25


def test_resolutions_must_be_multiples_of_the_patch_stride():
    assert WAN.is_valid_resolution(832, 480)
    assert not WAN.is_valid_resolution(830, 480)
    assert LTX.is_valid_resolution(704, 480)
    assert not LTX.is_valid_resolution(720, 480)


def test_check_shape_names_the_rule_it_breaks():
    with pytest.raises(ValueError, match="multiples of 16"):
        WAN.check_shape(width=250, height=256, num_frames=17)
    with pytest.raises(ValueError, match=r"4k\+1 frames \(e.g. 17\)"):
        WAN.check_shape(width=256, height=256, num_frames=16)
    WAN.check_shape(width=256, height=256, num_frames=17)
