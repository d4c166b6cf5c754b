"""Faults, nothing lost: the real stack (its own PostgreSQL and Redis, GPU worker, light worker, beat) under
a SIGKILLed worker, a Redis restart that loses every message and a PostgreSQL outage.

The scenario is `bench/bench_faults.py` at a small size, run as its own process: it starts and kills its
own database and Redis servers, which the test process (connected to the suite's) never sees.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (PG_BIN / "initdb").exists() or shutil.which("redis-server") is None,
        reason="needs PostgreSQL's initdb and redis-server on this machine",
    ),
]


def test_every_job_ends_once_and_storage_matches_the_rows(tmp_path):
    result_path = tmp_path / "faults.json"
    run = subprocess.run(  # noqa: S603 -- our own interpreter and script
        [
            sys.executable,
            str(ROOT / "bench" / "bench_faults.py"),
            "--jobs",
            "6",
            "--steps",
            "2",
            "--stale-seconds",
            "20",
            "--reconcile-seconds",
            "1",
            "--postgres-down-seconds",
            "3",
            "--settle-timeout",
            "150",
            "--json",
            str(result_path),
        ],  # fmt: skip
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=330,
    )
    assert result_path.exists(), run.stdout[-4000:] + run.stderr[-4000:]
    result = json.loads(result_path.read_text())
    report = run.stdout[-4000:]

    # Each fault happened while a job was denoising.
    timeline = "\n".join(result["timeline"])
    assert "SIGKILLed gpu0 while job" in timeline and "started gpu1" in timeline, report
    assert "killed Redis (all its data lost) while job" in timeline, report
    assert "stopped PostgreSQL while job" in timeline, report
    assert "every job has ended" in timeline, report

    assert result["submitted"] == 6
    assert result["lost"] == 0 and result["duplicated"] == 0, report
    assert result["succeeded"] + result["failed"] + result["cancelled"] == 6, report
    assert result["inconsistent"] == 0, report
    assert result["files_without_row"] == result["rows_without_file"] == result["wrong_content"] == 0, report
    assert result["stored_files"] == 2 * result["succeeded"], report
    # The killed worker's job came back through the reconciler; one queued job was cancelled by its owner.
    assert result["recovered_by_reconciler"] >= 1, report
    assert result["cancelled"] >= 1 and result["succeeded"] >= 1, report
    assert run.returncode == 0, report + run.stderr[-4000:]
