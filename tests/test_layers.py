"""The apps form layers and no app's modules import each other in a loop: import-linter checks every import,
function-level ones too, against the contracts in pyproject.toml."""

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

from accessprogram import hooks

ROOT = Path(__file__).resolve().parent.parent


def test_no_app_imports_from_an_app_above_it_nor_in_a_loop(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_every_hook_has_its_registrant_at_start_up():
    for name in hooks.HOOK_NAMES:
        assert hooks.get_hooks(name), f"nothing registered for hook {name}"


def test_an_unknown_hook_is_refused():
    with pytest.raises(ValueError):
        hooks.register("no_such_hook", print)
