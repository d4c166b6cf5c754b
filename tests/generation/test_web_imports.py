"""Web processes never import torch: only the GPU worker does."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, django
django.setup()
from django.test import Client
from django.urls import get_resolver
get_resolver().url_patterns
import generation.tasks, generation.services.submit, generation.services.reconcile, generation.api.views
Client().get("/api/v1/")
print("torch" in sys.modules)
"""


def test_the_web_side_never_imports_torch():
    result = subprocess.run(  # noqa: S603 -- our own interpreter
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
