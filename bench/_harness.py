"""Shared set-up for the benchmarks: a throwaway PostgreSQL database, Redis, real worker processes.

Benchmarks run against the same real parts as production (PostgreSQL, Redis, Celery worker processes),
in a database of their own (`vernissage_bench`) that is dropped and made anew at each run.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DB = "vernissage_bench"
BENCH_BROKER = "redis://127.0.0.1:6379/13"


def configure_environment() -> Path:
    """Point Django at the benchmark database, broker and a fresh media directory; returns the models dir."""
    warnings.filterwarnings("ignore", "No directory at")  # static files are not collected for benchmarks
    media = Path(tempfile.mkdtemp(prefix="vernissage-bench-media-"))
    models = Path(os.environ.get("BENCH_MODELS_DIR", tempfile.mkdtemp(prefix="vernissage-bench-models-")))
    os.environ.update(
        DJANGO_SETTINGS_MODE="development",
        DJANGO_DEBUG="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
        CELERY_BROKER_URL=BENCH_BROKER,
        PRIVATE_MEDIA_ROOT=str(media),
        GENERATION_MODELS_DIR=str(models),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="accessprogram.settings",
        HF_HUB_OFFLINE="1",
        # Throughput benchmarks measure the platform, not the per-tester API rate limits.
        API_RATE_LIMIT_TESTER="100000/1s",
        API_RATE_LIMIT_TOKEN="100000/1s",
    )
    sys.path.insert(0, str(ROOT))
    return models


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")


def setup_django(*, fresh: bool = True) -> None:
    import django

    if fresh:
        recreate_database()
    django.setup()
    from django.core.management import call_command

    if fresh:
        call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(BENCH_BROKER).flushdb()


def start_worker(name: str, log_dir: Path) -> subprocess.Popen:
    log = (log_dir / f"{name}.log").open("wb")
    return subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "accessprogram",
            "worker",
            "-Q",
            "gpu,celery",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
            "-n",
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.node() or 'host'}: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def header(title: str) -> None:
    print(f"# {title}")
    print(f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"median {statistics.median(ordered):.3f} s, p95 {p95:.3f} s, n={len(ordered)}"


def signed_tester(email: str, *, cohort, nda, password: str = "x" * 12):
    """A tester made the way the product makes one: invited, signed up, NDA accepted."""
    from allauth.account.models import EmailAddress

    from accessprogram.models import Role, User
    from accessprogram.services.context import Actor
    from accessprogram.services.invitations import invitation_accept, invitation_create
    from accessprogram.services.nda import nda_accept

    system = Actor.system()
    issued = invitation_create(actor=system, email=email, role=Role.ARTIST, cohort=cohort, send=False)
    user = User.objects.create_user(email=email, password=password, full_name=email)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    invitation_accept(actor=system, invitation=issued.invitation, user=user)
    nda_accept(actor=system, user=user, nda=nda, typed_name=email, shown_sha256=nda.text_sha256, clause_answers={})
    return User.objects.get(pk=user.pk)
