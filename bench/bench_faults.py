"""Faults, nothing lost: jobs survive a killed worker, a Redis restart and a PostgreSQL outage.

The run starts its own PostgreSQL (initdb into a temporary folder) and its own redis-server, so that it can
kill and restart them without touching anything else on the machine, then runs the production layout
against them: a GPU worker on the `gpu` queue (demo model), a light worker on the `celery` queue and beat,
which runs the reconciler. Submissions go through the API (the whole Django stack, in this process).

Timeline: submit the first wave and start the workers; SIGKILL the GPU worker while a job is denoising and
start a new one; restart Redis with its data lost (every queued message and every unacknowledged one gone)
while a job is denoising, then submit a second wave; stop PostgreSQL for a few seconds while a job is
denoising, then submit the last wave and cancel one queued job. Then it waits for everything to settle,
stops the workers and checks:

- every job is in exactly one terminal state (succeeded with its one output, or failed / cancelled without);
- no job ran to two outputs (one output row and one `generation.succeeded` event at most per job);
- no stored file lacks a row and no row lacks its file (the private storage is walked; each video's
  SHA-256 must match its row).

Usage: .venv/bin/python bench/bench_faults.py [--jobs 30] [--stale-seconds 60] [--json result.json]
Exit status 1 when a job is lost or duplicated or the storage and the rows disagree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
import _harness  # noqa: E402

from support.processes import CeleryProcess, free_port, wait_until  # noqa: E402

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "vernissage_faults"
JOB = {"prompt": "a paper boat on a stormy sea", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 9}


class PrivatePostgres:
    """A PostgreSQL cluster of our own in a temporary folder, run as `postgres` when we are root."""

    def __init__(self, base: Path) -> None:
        self.data = base / "pgdata"
        self.log = base / "postgres.log"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses root
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(base, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        options = (
            f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        self.options = options

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(  # noqa: S603 -- PostgreSQL's own tools, fixed arguments
            [*self.as_user, str(PG_BIN / tool), *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session at once, as a crash of the database would for its clients."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")


class PrivateRedis:
    """A redis-server of our own without persistence: a restart loses everything it held."""

    def __init__(self, base: Path) -> None:
        self.dir = base / "redis"
        self.dir.mkdir()
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.starts += 1
        log = (self.dir / f"redis-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 -- redis-server with fixed arguments
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), timeout=20, what="redis-server to start")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 -- not up yet
        return False


def gpu_worker(name: str, log_dir: Path) -> CeleryProcess:
    return CeleryProcess(
        ["worker", "-Q", "gpu", "--pool", "solo", "--concurrency", "1", "--prefetch-multiplier", "1",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info", "-n", f"{name}@%h"],
        log_path=log_dir / f"{name}.log",
    )  # fmt: skip


def light_worker(log_dir: Path) -> CeleryProcess:
    return CeleryProcess(
        ["worker", "-Q", "celery", "--pool", "solo", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "info", "-n", "light@%h"],
        log_path=log_dir / "light.log",
    )  # fmt: skip


def beat(log_dir: Path) -> CeleryProcess:
    schedule = str(log_dir / "celerybeat-schedule")
    return CeleryProcess(["beat", "-s", schedule, "-l", "info"], log_path=log_dir / "beat.log")


@dataclass
class Run:
    job_ids: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def note(self, text: str) -> None:
        line = f"[{time.monotonic() - self.started:6.1f} s] {text}"
        self.events.append(line)
        print(line, flush=True)


def configure(base: Path, pg: PrivatePostgres, rd: PrivateRedis, args) -> Path:
    media = base / "private-media"
    media.mkdir()
    os.environ.update(
        DJANGO_SETTINGS_MODE="development",
        DJANGO_DEBUG="false",
        DJANGO_SETTINGS_MODULE="accessprogram.settings",
        DATABASE_URL=pg.url,
        REDIS_URL=rd.url(0),
        CELERY_BROKER_URL=rd.url(1),
        PRIVATE_MEDIA_ROOT=str(media),
        GENERATION_MODELS_DIR=str(args.models_dir),
        GENERATION_STALE_SECONDS=str(args.stale_seconds),
        GENERATION_RECONCILE_SECONDS=str(args.reconcile_seconds),
        LOG_LEVEL="WARNING",
        HF_HUB_OFFLINE="1",
        EMAIL_URL="locmem://",
        API_RATE_LIMIT_TESTER="100000/1s",
        API_RATE_LIMIT_TOKEN="100000/1s",
    )
    sys.path.insert(0, str(ROOT))
    return media


def make_cast(jobs: int, steps: int):
    """Two testers in one cohort with room for every job, and the demo model."""

    from accessprogram.models import Cohort, Program
    from accessprogram.services.context import Actor
    from accessprogram.services.nda import TranslationSpec, nda_create_draft, nda_publish
    from generation.models import GenerationModel

    system = Actor.system()
    cohort = Cohort.objects.create(
        program=Program.current(), name="Faults", quota_amount=10**9, max_active_jobs=jobs + 1, max_resolution="480p"
    )
    nda = nda_publish(
        actor=system,
        nda=nda_create_draft(
            actor=system,
            title="NDA",
            body_markdown="Confidential.",
            translations=[TranslationSpec(code, "NDA", "Confidential.", {}) for code in ("it", "fr", "ja")],
        ),
    )
    model = GenerationModel.objects.create(
        name="Wan demo", family="wan", directory="demo-wan", version="demo-1", default_steps=steps,
        max_steps=max(20, steps), fps=16, max_frames=81,
    )  # fmt: skip
    model.allowed_cohorts.add(cohort)
    testers = []
    for email in ("a@faults.test", "b@faults.test"):
        testers.append(_harness.signed_tester(email, cohort=cohort, nda=nda))
    return testers


class Submitter:
    """API clients for the testers, taking turns; each call is a real `POST /api/v1/generations/`."""

    def __init__(self, testers, steps: int) -> None:
        from django.test import Client

        self.clients = []
        for user in testers:
            client = Client()
            client.force_login(user)
            self.clients.append(client)
        self.steps = steps
        self.count = 0
        self.owners: dict[str, int] = {}

    def submit(self, run: Run, n: int) -> None:
        for _ in range(n):
            client = self.clients[self.count % len(self.clients)]
            body = {**JOB, "steps": self.steps, "seed": 1000 + self.count}
            response = client.post("/api/v1/generations/", body, content_type="application/json")
            if response.status_code != 201:
                raise RuntimeError(f"submission refused: {response.status_code} {response.content[:300]!r}")
            run.job_ids.append(response.json()["id"])
            self.owners[run.job_ids[-1]] = self.count % len(self.clients)
            self.count += 1

    def cancel(self, job_id: str) -> int:
        client = self.clients[self.owners[job_id]]
        return client.post(f"/api/v1/generations/{job_id}/cancel/").status_code


def _db_quietly(fn):
    """Run a query for the timeline's waits; the database may be briefly away."""
    from django.db import DatabaseError, connections

    try:
        return fn()
    except DatabaseError:
        connections.close_all()
        return None


def denoising_job(job_ids, worker_prefix: str | None = None):
    from generation.models import GenerationJob, JobStatus

    def find():
        jobs = GenerationJob.objects.filter(pk__in=job_ids, status=JobStatus.RUNNING, progress_step__gte=1)
        if worker_prefix:
            jobs = jobs.filter(worker__startswith=worker_prefix)
        return jobs.values_list("pk", "worker", "progress_step", "progress_total").first()

    return lambda: _db_quietly(find)


def unsettled(job_ids) -> int | None:
    from generation.models import ACTIVE_STATUSES, GenerationJob

    return _db_quietly(lambda: GenerationJob.objects.filter(pk__in=job_ids, status__in=ACTIVE_STATUSES).count())


def timeline(run: Run, submitter: Submitter, pg: PrivatePostgres, rd: PrivateRedis, log_dir: Path, args):
    from django.db import connections

    waves = [args.jobs - 2 * (args.jobs // 4), args.jobs // 4, args.jobs // 4]
    submitter.submit(run, waves[0])
    run.note(f"submitted wave 1: {waves[0]} jobs")
    processes = {"light": light_worker(log_dir), "beat": beat(log_dir), "gpu0": gpu_worker("gpu0", log_dir)}
    run.note("started gpu0, the light worker and beat")

    killed = wait_until(denoising_job(run.job_ids, "gpu0"), timeout=180, what="gpu0 to be denoising")
    processes.pop("gpu0").kill()
    run.note(f"SIGKILLed gpu0 while job {killed[0]} was at step {killed[2]}/{killed[3]}")
    processes["gpu1"] = gpu_worker("gpu1", log_dir)
    run.note("started gpu1")

    running = wait_until(denoising_job(run.job_ids, "gpu1"), timeout=180, what="gpu1 to be denoising")
    rd.kill()
    run.note(f"killed Redis (all its data lost) while job {running[0]} was at step {running[2]}/{running[3]}")
    time.sleep(args.redis_down_seconds)
    rd.start()
    run.note(f"restarted Redis, empty, after {args.redis_down_seconds:g} s")
    submitter.submit(run, waves[1])
    run.note(f"submitted wave 2: {waves[1]} jobs")

    running = wait_until(denoising_job(run.job_ids), timeout=180, what="a job to be denoising")
    pg.stop()
    run.note(f"stopped PostgreSQL while job {running[0]} was at step {running[2]}/{running[3]}")
    time.sleep(args.postgres_down_seconds)
    pg.start()
    connections.close_all()
    run.note(f"started PostgreSQL again after {args.postgres_down_seconds:g} s")
    submitter.submit(run, waves[2])
    run.note(f"submitted wave 3: {waves[2]} jobs")
    from generation.models import GenerationJob, JobStatus

    queued = GenerationJob.objects.filter(pk__in=run.job_ids, status=JobStatus.QUEUED).order_by("-created_at").first()
    if queued is not None:
        run.note(f"cancelled queued job {queued.pk}: HTTP {submitter.cancel(str(queued.pk))}")

    try:
        wait_until(lambda: unsettled(run.job_ids) == 0, timeout=args.settle_timeout, interval=0.5, what="settling")
        run.note("every job has ended")
    except TimeoutError:
        run.note(f"gave up waiting after {args.settle_timeout:.0f} s: {unsettled(run.job_ids)} jobs still active")
    for process in processes.values():
        process.stop()
    run.note("stopped the workers and beat")


def check(run: Run, media: Path) -> dict:
    """The invariants, from the job table, the output rows, the audit log and the private storage."""
    from accessprogram.models import AuditEvent
    from generation.infrastructure.storage import output_keys
    from generation.models import TERMINAL_STATUSES, GenerationJob, JobStatus, Output

    jobs = {str(job.pk): job for job in GenerationJob.objects.filter(pk__in=run.job_ids)}
    outputs = Counter(str(pk) for pk in Output.objects.filter(job_id__in=run.job_ids).values_list("job_id", flat=True))
    successes = Counter(
        AuditEvent.objects.filter(action="generation.succeeded", target_id__in=run.job_ids).values_list(
            "target_id", flat=True
        )
    )
    statuses = Counter(job.status for job in jobs.values())
    lost = [pk for pk in run.job_ids if pk not in jobs or jobs[pk].status not in TERMINAL_STATUSES]
    duplicated = sorted({pk for pk, n in outputs.items() if n > 1} | {pk for pk, n in successes.items() if n > 1})
    inconsistent = [
        pk
        for pk, job in jobs.items()
        if (job.status == JobStatus.SUCCEEDED) != (outputs[pk] == 1) or (outputs[pk] and not successes[pk])
    ]

    rows = {}
    for output in Output.objects.all():
        rows[output.video_key] = output.sha256
        rows[output.poster_key] = None
    stored = {
        str(path.relative_to(media)): path
        for path in media.rglob("*")
        if path.is_file() and not path.name.endswith(".log") and path.name != "celerybeat-schedule"
    }
    files_without_row = sorted(key for key in stored if key not in rows)
    rows_without_file = sorted(key for key in rows if key not in stored)
    wrong_content = sorted(
        key
        for key, sha in rows.items()
        if sha and key in stored and hashlib.sha256(stored[key].read_bytes()).hexdigest() != sha
    )
    expected_keys = {key for pk in outputs for key in output_keys(pk)}
    assert expected_keys <= set(rows)
    attempts = Counter(job.attempts for job in jobs.values())
    recoveries = [
        f"{event.created_at:%H:%M:%S} job {event.target_id[:8]}: {event.details}"
        for event in AuditEvent.objects.filter(action="generation.worker_lost", target_id__in=run.job_ids)
    ]
    return {
        "submitted": len(run.job_ids),
        "succeeded": statuses[JobStatus.SUCCEEDED],
        "failed": statuses[JobStatus.FAILED],
        "cancelled": statuses[JobStatus.CANCELLED],
        "lost": len(lost),
        "duplicated": len(duplicated),
        "inconsistent": len(inconsistent),
        "files_without_row": len(files_without_row),
        "rows_without_file": len(rows_without_file),
        "wrong_content": len(wrong_content),
        "stored_files": len(stored),
        "recovered_by_reconciler": len(recoveries),
        "attempts": {str(k): v for k, v in sorted(attempts.items())},
        "errors": sorted(Counter(job.error for job in jobs.values() if job.error).items()),
        "details": {
            "lost": lost,
            "duplicated": duplicated,
            "inconsistent": inconsistent,
            "files_without_row": files_without_row,
            "rows_without_file": rows_without_file,
            "wrong_content": wrong_content,
            "recoveries": recoveries,
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=30)
    parser.add_argument("--steps", type=int, default=6, help="denoising steps per job (demo model, 256x256, 9 frames)")
    parser.add_argument("--stale-seconds", type=int, default=60, help="GENERATION_STALE_SECONDS for this run")
    parser.add_argument("--reconcile-seconds", type=int, default=2, help="how often beat runs the reconciler")
    parser.add_argument("--redis-down-seconds", type=float, default=2.0)
    parser.add_argument("--postgres-down-seconds", type=float, default=5.0)
    parser.add_argument("--settle-timeout", type=float, default=900.0)
    parser.add_argument("--models-dir", type=Path, default=None, help="holds demo-wan (built here if missing)")
    parser.add_argument("--json", type=Path, default=None, help="write the counts here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, data)")
    args = parser.parse_args()
    if args.jobs < 4:
        parser.error("--jobs must be at least 4")

    base = Path(tempfile.mkdtemp(prefix="vernissage-faults-"))
    base.chmod(0o755)
    log_dir = base / "logs"
    log_dir.mkdir()
    args.models_dir = args.models_dir or base / "models"
    run = Run()
    pg = PrivatePostgres(base)
    rd = PrivateRedis(base)
    print("# Faults, nothing lost")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    try:
        pg.start()
        pg.create_database()
        rd.start()
        media = configure(base, pg, rd, args)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        if not (args.models_dir / "demo-wan" / "model_index.json").exists():
            from generation.engine.demo_model import build_demo_model

            build_demo_model(args.models_dir / "demo-wan")
        run.note(f"private PostgreSQL on port {pg.port}, Redis on port {rd.port}; migrated; demo model ready")
        submitter = Submitter(make_cast(args.jobs, args.steps), args.steps)
        timeline(run, submitter, pg, rd, log_dir, args)
        result = check(run, media)
        result["seconds"] = round(time.monotonic() - run.started, 1)
        result["timeline"] = run.events
    finally:
        from django.db import connections

        try:
            connections.close_all()
        except Exception:  # noqa: BLE001, S110 -- Django may not be set up yet
            pass
        rd.kill()
        try:
            pg.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        if args.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)

    print(
        "\nsubmitted {submitted}, succeeded {succeeded}, failed {failed}, cancelled {cancelled}, "
        "lost {lost}, duplicated {duplicated}".format(**result)
    )
    print(
        "files without a row {files_without_row}, rows without their file {rows_without_file}, "
        "files whose content differs from the row {wrong_content}, jobs whose state and output disagree "
        "{inconsistent}; {stored_files} files stored; {recovered_by_reconciler} jobs recovered by the reconciler; "
        "attempts per job {attempts}; {seconds} s".format(**result)
    )
    for error, count in result["errors"]:
        print(f"  {count} × {error}")
    for line in result["details"]["recoveries"]:
        print(f"  reconciler: {line}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    bad = ("lost", "duplicated", "inconsistent", "files_without_row", "rows_without_file", "wrong_content")
    if any(result[key] for key in bad):
        print("FAILED:", json.dumps(result["details"], indent=2))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
