"""Image to video on the demo image-to-video pipeline: the still conditions the video and is its first frame."""

from __future__ import annotations

import json

import numpy as np
import pytest

from generation.engine.demo_model import image_to_video_path
from generation.engine.runner import StillMismatch, fit_to_frame, generate, load_pipeline

PARAMETERS = {
    "prompt": "the harbour at dawn",
    "negative_prompt": "",
    "width": 64,
    "height": 64,
    "num_frames": 9,
    "steps": 2,
    "guidance": 5.0,
    "seed": 3,
}


def still(*, width: int = 96, height: int = 64, flip: bool = False) -> np.ndarray:
    """A colour ramp with a dark top-left quarter (mirrored with `flip`)."""
    pixels = np.zeros((height, width, 3), dtype=np.uint8)
    pixels[..., 0] = np.linspace(40, 250, width, dtype=np.uint8)[None, :]
    pixels[..., 1] = 180
    pixels[: height // 2, : width // 2] = (10, 10, 30)
    return pixels[:, ::-1].copy() if flip else pixels


@pytest.fixture(scope="session")
def image_pipeline(demo_models_dir):
    """The demo image-to-video model the worker tests' GENERATION_MODELS_DIR holds, built once, loaded."""
    import torch

    torch.set_num_threads(1)
    path = image_to_video_path(demo_models_dir / "demo-wan")
    return path, load_pipeline(path, "wan-i2v")


def test_it_builds_a_wan_image_to_video_pipeline_with_a_clip_image_encoder(image_pipeline):
    path, loaded = image_pipeline
    index = json.loads((path / "model_index.json").read_text())
    assert index["_class_name"] == "WanImageToVideoPipeline"
    assert index["image_encoder"] == ["transformers", "CLIPVisionModel"]
    assert type(loaded.pipeline).__name__ == "WanImageToVideoPipeline"
    assert loaded.pipeline.transformer.config.image_dim == loaded.pipeline.image_encoder.config.hidden_size


def test_the_still_is_the_first_frame_and_conditions_the_rest(image_pipeline):
    _, loaded = image_pipeline
    result = generate(loaded, **PARAMETERS, image=still())
    assert result.frames.shape == (9, 64, 64, 3) and result.frames.dtype == np.uint8
    expected = fit_to_frame(still(), width=64, height=64)
    assert np.abs(result.frames[0].astype(int) - expected).mean() < 1
    # Cheap resemblance: the dark quarter is where the still has it.
    assert result.frames[0, :32, 10:32].mean() < 40 < result.frames[0, 40:, 40:].mean()

    mirrored = generate(loaded, **PARAMETERS, image=still(flip=True))
    assert not np.array_equal(mirrored.frames[1:], result.frames[1:]), "the still conditions every frame"
    again = generate(loaded, **PARAMETERS, image=still())
    assert np.array_equal(again.frames, result.frames), "same still, same seed, same video"


def test_it_refuses_a_video_without_its_still_and_a_text_model_refuses_one(image_pipeline, demo_pipeline):
    _, loaded = image_pipeline
    with pytest.raises(StillMismatch, match="needs a still"):
        generate(loaded, **PARAMETERS)
    with pytest.raises(StillMismatch, match="takes no still"):
        generate(demo_pipeline, **PARAMETERS, image=still())


def test_fit_to_frame_covers_the_frame_and_crops_the_centre():
    wide = np.zeros((100, 300, 3), dtype=np.uint8)
    wide[:, 100:200] = 255  # a white middle third
    fitted = fit_to_frame(wide, width=64, height=64)
    assert fitted.shape == (64, 64, 3)
    assert fitted[:, 8:56].min() > 200, "a square frame keeps the middle of a wide still"
    tall = fit_to_frame(wide, width=32, height=96)
    assert tall.shape == (96, 32, 3) and tall.min() > 200


def test_an_ltx_image_to_video_directory_runs_through_the_same_path(tmp_path):
    """LTX-Video's image conditioning: a toy LTXImageToVideoPipeline made from configs, saved and loaded back."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXImageToVideoPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    from generation.engine.demo_model import _build_tokenizer

    tokenizer = _build_tokenizer()
    torch.manual_seed(0)
    LTXImageToVideoPipeline(
        tokenizer=tokenizer,
        text_encoder=T5EncoderModel(
            T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=64, num_layers=1, num_heads=4)
        ),
        transformer=LTXVideoTransformer3DModel(
            in_channels=8,
            out_channels=8,
            num_attention_heads=4,
            attention_head_dim=8,
            cross_attention_dim=32,
            num_layers=1,
            caption_channels=32,
        ),
        vae=AutoencoderKLLTXVideo(
            latent_channels=8,
            block_out_channels=(8, 8, 8, 8),
            decoder_block_out_channels=(8, 8, 8, 8),
            layers_per_block=(1, 1, 1, 1, 1),
            decoder_layers_per_block=(1, 1, 1, 1, 1),
            spatio_temporal_scaling=(True, True, False, False),
            decoder_spatio_temporal_scaling=(True, True, False, False),
            patch_size=1,
        ),
        scheduler=FlowMatchEulerDiscreteScheduler(),
    ).save_pretrained(tmp_path / "ltx-i2v")

    loaded = load_pipeline(tmp_path / "ltx-i2v", "ltx-i2v")
    result = generate(loaded, **PARAMETERS, image=still())
    assert result.frames.shape == (9, 64, 64, 3) and result.fps == 24
    assert np.abs(result.frames[0].astype(int) - fit_to_frame(still(), width=64, height=64)).mean() < 1
