"""The demo model: built offline from configs, saved, and loaded back through the real loading path."""

import hashlib
import json
import socket

import pytest

from generation.engine.demo_model import build_demo_model
from generation.engine.runner import PipelineMismatch, load_pipeline


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the demo model must be built and loaded without the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _weights_digest(path):
    digest = hashlib.sha256()
    for weights in sorted(path.rglob("*.safetensors")):
        digest.update(weights.read_bytes())
    return digest.hexdigest()


def test_it_saves_a_diffusers_wan_pipeline(demo_model_dir):
    index = json.loads((demo_model_dir / "model_index.json").read_text())
    assert index["_class_name"] == "WanPipeline"
    for component in ("tokenizer", "text_encoder", "transformer", "vae", "scheduler"):
        assert (demo_model_dir / component).is_dir(), component
    assert index["text_encoder"] == ["transformers", "UMT5EncoderModel"]
    assert index["scheduler"] == ["diffusers", "UniPCMultistepScheduler"]


def test_it_round_trips_offline_through_load_pipeline(tmp_path, no_network):
    build_demo_model(tmp_path / "demo")
    loaded = load_pipeline(tmp_path / "demo", "wan")
    assert type(loaded.pipeline).__name__ == "WanPipeline"
    assert loaded.family.key == "wan"
    assert (loaded.device, str(loaded.dtype)) == ("cpu", "torch.float32")
    assert loaded.pipeline.tokenizer("a fox").input_ids[-1] == loaded.pipeline.tokenizer.eos_token_id


def test_the_same_build_writes_the_same_weights(tmp_path, demo_model_dir):
    build_demo_model(tmp_path / "again")
    assert _weights_digest(tmp_path / "again") == _weights_digest(demo_model_dir)


def test_it_refuses_a_directory_of_another_family(demo_model_dir):
    with pytest.raises(PipelineMismatch, match="holds a WanPipeline.*needs a LTXPipeline"):
        load_pipeline(demo_model_dir, "ltx")
