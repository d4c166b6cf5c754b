"""Web processes may import the engine's types and rules: doing so must not pull in torch."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_engine_does_not_import_torch():
    modules = ["families", "runner", "demo_model", "watermark", "encode", "render"]
    imports = "; ".join(f"import generation.engine.{module}" for module in modules)
    heavy = "('torch', 'diffusers', 'transformers', 'imwatermark')"
    check = f"{imports}; import sys; print(sorted(m for m in {heavy} if m in sys.modules))"

    completed = subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip() == "[]"
