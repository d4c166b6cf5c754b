"""Build the demo model: a tiny, randomly initialised Wan pipeline made offline from configs.

It has the real architecture (byte-level tokenizer, UMT5 encoder, Wan transformer and VAE, flow-matching
UniPC scheduler) at toy sizes, so the worker, the demo and the tests load it exactly like real weights.
"""

from __future__ import annotations

import os
from pathlib import Path

DEMO_SEED = 20241126
TEXT_DIM = 32
MAX_PROMPT_TOKENS = 512


def build_demo_model(path: Path) -> None:
    """Write the demo pipeline to `path` with `save_pretrained`; the same call always writes the same weights."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    # Here, not at the top: diffusers and transformers read HF_HUB_OFFLINE when imported.
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel
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
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=16,
        out_channels=16,
        text_dim=TEXT_DIM,
        freq_dim=32,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=1024,
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
    pipeline = WanPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder,
        vae=vae,
        scheduler=scheduler,
        transformer=transformer,
    )
    path.mkdir(parents=True, exist_ok=True)
    pipeline.save_pretrained(path, safe_serialization=True)


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
