"""Build the demo models: tiny, randomly initialised Wan pipelines made offline from configs.

They have the real architecture (byte-level tokenizer, UMT5 encoder, Wan transformer and VAE, flow-matching
UniPC scheduler; for image to video also a CLIP vision encoder and its image processor) at toy sizes, so the
worker, the demo and the tests load them exactly like real weights.
"""

from __future__ import annotations

import os
from pathlib import Path

DEMO_SEED = 20241126
TEXT_DIM = 32
MAX_PROMPT_TOKENS = 512
IMAGE_DIM = 16
# Wan 2.1 image to video feeds the transformer the noise (16 channels), a first-frame mask (4) and the
# encoded first frame (16).
IMAGE_TO_VIDEO_IN_CHANNELS = 36


def image_to_video_path(path: Path) -> Path:
    """Where `manage.py build_demo_model PATH` puts the image-to-video pipeline: beside PATH, named `-i2v`."""
    return path.with_name(f"{path.name}-i2v")


def build_demo_model(path: Path) -> None:
    """Write the text-to-video demo pipeline to `path`; the same call always writes the same weights."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    from diffusers import WanPipeline

    pipeline = WanPipeline(**_wan_components(in_channels=16, image_dim=None))
    path.mkdir(parents=True, exist_ok=True)
    pipeline.save_pretrained(path, safe_serialization=True)


def build_demo_image_model(path: Path) -> None:
    """Write the image-to-video demo pipeline (Wan 2.1 image to video) to `path`, as reproducibly."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    # Here, not at the top: diffusers and transformers read HF_HUB_OFFLINE when imported.
    import torch
    from diffusers import WanImageToVideoPipeline
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

    components = _wan_components(in_channels=IMAGE_TO_VIDEO_IN_CHANNELS, image_dim=IMAGE_DIM)
    torch.manual_seed(DEMO_SEED + 1)
    image_encoder = CLIPVisionModel(
        CLIPVisionConfig(
            hidden_size=IMAGE_DIM,
            intermediate_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=32,
            patch_size=8,
        )
    ).eval()
    image_processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    pipeline = WanImageToVideoPipeline(**components, image_encoder=image_encoder, image_processor=image_processor)
    path.mkdir(parents=True, exist_ok=True)
    pipeline.save_pretrained(path, safe_serialization=True)


def _wan_components(*, in_channels: int, image_dim: int | None) -> dict:
    """Tokenizer, text encoder, transformer, VAE and scheduler, seeded so every build writes the same weights."""
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    tokenizer = _build_tokenizer()
    torch.manual_seed(DEMO_SEED)
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=len(tokenizer),
            d_model=TEXT_DIM,
            d_kv=8,
            d_ff=64,
            num_layers=2,
            num_heads=4,
            relative_attention_num_buckets=8,
            relative_attention_max_distance=32,
            feed_forward_proj="gated-gelu",
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=tokenizer.eos_token_id,
            decoder_start_token_id=tokenizer.pad_token_id,
        )
    ).eval()
    # As in Wan 2.1 image to video, the CLIP image tokens get their own key and value projections in every
    # block (`added_kv_proj_dim`, the transformer's inner width).
    image_arguments = {"image_dim": image_dim, "added_kv_proj_dim": 2 * 12} if image_dim else {}
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=in_channels,
        out_channels=16,
        text_dim=TEXT_DIM,
        freq_dim=32,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=1024,
        **image_arguments,
    )
    # Same 8x spatial / 4x temporal compression as the real Wan VAE, with 4 channels instead of 96.
    vae = AutoencoderKLWan(
        base_dim=4,
        z_dim=16,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        temperal_downsample=[False, True, True],
    )
    scheduler = UniPCMultistepScheduler(
        prediction_type="flow_prediction",
        use_flow_sigmas=True,
        num_train_timesteps=1000,
        flow_shift=3.0,
    )
    return {
        "tokenizer": tokenizer,
        "text_encoder": text_encoder,
        "transformer": transformer,
        "vae": vae,
        "scheduler": scheduler,
    }


def _build_tokenizer():
    """A byte-level tokenizer: every prompt maps to distinct ids, with T5's pad, eos and unk tokens."""
    # Imported by build_demo_model, after HF_HUB_OFFLINE is set.
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    special_tokens = ["<pad>", "</s>", "<unk>"]
    byte_symbols = sorted(set(pre_tokenizers.ByteLevel.alphabet()))
    vocabulary = {token: index for index, token in enumerate(special_tokens + byte_symbols)}
    tokenizer = Tokenizer(models.BPE(vocab=vocabulary, merges=[], unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", vocabulary["</s>"])]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        pad_token="<pad>",
        eos_token="</s>",
        unk_token="<unk>",
        model_max_length=MAX_PROMPT_TOKENS,
    )
