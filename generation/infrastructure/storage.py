"""Where outputs live in private storage: one deterministic key per job, so a retry overwrites, never duplicates."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage


def output_keys(job_id) -> tuple[str, str]:
    prefix = f"outputs/{job_id}"
    return f"{prefix}/video.mp4", f"{prefix}/poster.jpg"


def store_file(key: str, path: Path) -> str:
    """Store `path` under exactly `key`, replacing what a crashed earlier attempt may have left."""
    if default_storage.exists(key):
        default_storage.delete(key)
    with path.open("rb") as handle:
        stored = default_storage.save(key, File(handle, name=key))
    if stored != key:
        raise RuntimeError(f"Storage saved {key} as {stored}; outputs need their exact key.")
    return stored


def delete_quietly(*keys: str) -> None:
    for key in keys:
        if default_storage.exists(key):
            default_storage.delete(key)
