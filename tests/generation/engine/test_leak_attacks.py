"""Each attack a leaked clip goes through, a few trials on photo pans: the mark is found, never a wrong name.

`bench/bench_leaks.py --trace-only` runs the same attacks a hundred times each for the figures.
"""

import numpy as np
import pytest

from generation.engine.encode import encode_mp4, read_frames
from generation.engine.watermark import decode_forensic, embed_forensic

from .leaks import ATTACKS, photo_pan

TRIALS = 2
PAYLOAD_IDS = (0x1D_2E_3F_40_51_62, 0x7A_0B_1C_2D_3E_4F)
# Found least often in the bench (BENCHMARKS.md): here only "never a wrong name" is asserted for them; every
# other attack must be traced in at least one of the two trials.
WEAK = {"1.5-s excerpt, CRF 28", "HEVC CRF 30", "reframe + fps change + CRF 30", "filmed screen"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> list[np.ndarray]:
    """Two marked 832x480 photo pans, 3 s at 16 fps, as decoded from the product's MP4."""
    decoded = []
    for index, payload_id in enumerate(PAYLOAD_IDS[:TRIALS]):
        path = tmp_path_factory.mktemp("outputs") / f"{index}.mp4"
        encode_mp4(embed_forensic(photo_pan(np.random.default_rng(100 + index)), payload_id), 16, path)
        decoded.append(read_frames(path))
    return decoded


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_a_leaked_clip_is_traced_after(attack, outputs):
    rng = np.random.default_rng(len(attack))
    names = [decode_forensic(ATTACKS[attack](frames, 16, rng)).payload_id for frames in outputs]
    assert all(name in (None, payload_id) for name, payload_id in zip(names, PAYLOAD_IDS, strict=True)), names
    if attack not in WEAK:
        assert any(name is not None for name in names), names


@pytest.mark.parametrize("attack", ["horizontal flip", "opaque box over up to 1/3"])
def test_an_unmarked_clip_names_nobody_after(attack):
    rng = np.random.default_rng(3)
    leaked = ATTACKS[attack](photo_pan(rng, frames=24), 16, rng)
    assert decode_forensic(leaked).payload_id is None
