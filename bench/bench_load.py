"""Load: gunicorn on loopback with PostgreSQL and Redis, driven by locust, one scenario at a time.

Scenarios (each a locust user class in bench/locust_load.py, run headless for --seconds with --users users
that send their next request as soon as the last one is answered):
  ceiling  a minimal Django view (`/bench/ceiling/`, the whole middleware stack, no query), the ceiling;
  tester   testers signed in through the login form: dashboard, library and one of their job pages;
  api      job submission with an access token, `POST /api/v1/generations/` (no worker: jobs stay queued);
  public   anonymous visitors on public share pages `/s/<slug>/`, with more users.

It runs against PostgreSQL and Redis on the machine, in a database of its own (`vbench_load`, made anew)
and Redis databases 9 (cache, counters) and 10 (broker), with gunicorn as deploy/Procfile runs it.

Usage: .venv/bin/python bench/bench_load.py [--web-workers 4] [--users 20] [--public-users 100] [--seconds 20]
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import _harness  # noqa: E402

from support.processes import free_port, wait_until  # noqa: E402

DATABASE = "vbench_load"
REDIS_URL = "redis://127.0.0.1:6379/9"
BROKER_URL = "redis://127.0.0.1:6379/10"
PASSWORD = "load-bench-password-1"
JOB = {"prompt": "a paper boat on a stormy sea", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17}
SCENARIOS = {"ceiling": "Ceiling", "tester": "TesterPages", "api": "ApiSubmit", "public": "PublicShare"}


def configure() -> None:
    _harness.BENCH_DB = DATABASE
    _harness.BENCH_BROKER = BROKER_URL
    _harness.configure_environment()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="_load_settings",
        REDIS_URL=REDIS_URL,
        EMAIL_URL="locmem://",
        SITE_URL="http://127.0.0.1:8000",
    )
    sys.path.insert(0, str(_harness.ROOT / "bench"))


def seed(testers: int, outputs_per_tester: int) -> dict:
    """Testers (NDA signed, each with a token), finished jobs with approved outputs and a share link each."""
    from allauth.account.models import EmailAddress
    from django.db import transaction
    from django.utils import timezone

    from accessprogram.models import Cohort, Program, Role, User
    from accessprogram.services.context import Actor
    from accessprogram.services.invitations import invitation_accept, invitation_create
    from accessprogram.services.nda import TranslationSpec, nda_accept, nda_create_draft, nda_publish
    from accessprogram.services.tokens import token_create
    from generation.models import GenerationJob, GenerationModel, JobStatus, Output, ReviewStatus
    from review.models import Review, ReviewState
    from review.services.reviews import review_enqueue
    from review.services.sharing import share_link_create

    system = Actor.system()
    nda = nda_publish(
        actor=system,
        nda=nda_create_draft(
            actor=system,
            title="NDA",
            body_markdown="Confidential.",
            translations=[TranslationSpec(code, "NDA", "Confidential.", {}) for code in ("it", "fr", "ja")],
        ),
    )
    cohort = Cohort.objects.create(
        program=Program.current(), name="Load", quota_amount=10**9, max_active_jobs=32000, max_resolution="480p"
    )
    model = GenerationModel.objects.create(
        name="Wan demo", family="wan", directory="demo-wan", version="demo-1", default_steps=4, max_steps=20, fps=16
    )
    model.allowed_cohorts.add(cohort)
    fixture = {"password": PASSWORD, "job": JOB, "testers": [], "slugs": []}
    for n in range(testers):
        email = f"tester{n}@load.test"
        issued = invitation_create(actor=system, email=email, role=Role.ARTIST, cohort=cohort, send=False)
        user = User.objects.create_user(email=email, password=PASSWORD, full_name=f"Tester {n}")
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        invitation_accept(actor=system, invitation=issued.invitation, user=user)
        nda_accept(
            actor=system, user=user, nda=nda, typed_name=user.full_name, shown_sha256=nda.text_sha256, clause_answers={}
        )
        user = User.objects.get(pk=user.pk)
        token = token_create(actor=Actor(user=user), name="load", scopes=["read", "generate"])
        jobs = []
        for k in range(outputs_per_tester):
            with transaction.atomic():
                job = GenerationJob.objects.create(
                    owner=user, cohort=cohort, model=model, prompt=f"a lighthouse at dusk, take {k}",
                    resolution="256p", aspect_ratio="1:1", width=256, height=256, num_frames=17, fps=16, steps=4,
                    guidance=5.0, seed=k, status=JobStatus.SUCCEEDED, progress_step=4, progress_total=4,
                    attempts=1, started_at=timezone.now(), heartbeat_at=timezone.now(), finished_at=timezone.now(),
                )  # fmt: skip
                output = Output.objects.create(
                    job=job, owner=user, video_key=f"outputs/{job.pk}/video.mp4",
                    poster_key=f"outputs/{job.pk}/poster.jpg", sha256="0" * 64, size_bytes=100_000,
                    duration_seconds=1.0, fps=16, width=256, height=256, frame_count=17, seed=k,
                    parameters={"prompt": job.prompt}, model_name=model.name, model_version=model.version,
                    forensic_id=uuid.uuid4().int >> 80,
                )  # fmt: skip
                # Approved as a reviewer's decision leaves it (no video file exists to sign, so rows only).
                review = review_enqueue(actor=system, output=output)
                Review.objects.filter(pk=review.pk).update(state=ReviewState.APPROVED, decided_at=timezone.now())
                Output.objects.filter(pk=output.pk).update(review_status=ReviewStatus.APPROVED)
                output.refresh_from_db()
                link = share_link_create(actor=Actor(user=user), output=output)
            jobs.append(str(job.pk))
            fixture["slugs"].append(link.slug)
        fixture["testers"].append({"email": email, "token": token.secret, "jobs": jobs})
    return fixture


class Gunicorn:
    def __init__(self, workers: int, log_dir: Path) -> None:
        self.port = free_port()
        self.log = (log_dir / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 -- this interpreter, gunicorn, fixed arguments
            [sys.executable, "-m", "gunicorn", "accessprogram.wsgi", "--pythonpath", str(_harness.ROOT / "bench"),
             "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"],
            cwd=_harness.ROOT,
            env=os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.url = f"http://127.0.0.1:{self.port}"
        wait_until(self._serves, timeout=60, interval=0.3, what="gunicorn to start (see gunicorn.log)")

    def _serves(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/bench/ceiling/", timeout=30) as response:  # noqa: S310
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def sign_in(url: str, email: str) -> str:
    """Sign in through the login form, as a browser does; returns the session cookie."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{url}/accounts/login/", timeout=60) as page:
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode()).group(1)
    body = urllib.parse.urlencode({"login": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf}).encode()
    request = urllib.request.Request(  # noqa: S310 -- http on this machine
        f"{url}/accounts/login/", data=body, headers={"Referer": f"{url}/accounts/login/"}
    )
    with opener.open(request, timeout=60) as response:
        assert response.url.rstrip("/") == url, f"login of {email} ended at {response.url}"
    return next(cookie.value for cookie in jar if cookie.name == "sessionid")


def run_locust(url: str, user_class: str, users: int, seconds: int, out: Path, fixture: Path) -> list[dict]:
    prefix = out / user_class
    subprocess.run(  # noqa: S603 -- locust from this environment, fixed arguments
        [sys.executable, "-m", "locust", "-f", str(_harness.ROOT / "bench" / "locust_load.py"), "--headless",
         "--host", url, "--users", str(users), "--spawn-rate", str(max(1, users // 2)), "--run-time", f"{seconds}s",
         "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5", user_class],
        env={**os.environ, "LOAD_FIXTURE": str(fixture)},
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=(out / f"{user_class}.log").open("wb"),
    )  # fmt: skip
    with (out / f"{user_class}_stats.csv").open() as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn sync workers (deploy/Procfile: 4)")
    parser.add_argument("--testers", type=int, default=20)
    parser.add_argument("--outputs", type=int, default=20, help="approved, shared outputs per tester")
    parser.add_argument("--users", type=int, default=20, help="concurrent users for ceiling, tester and api")
    parser.add_argument("--public-users", type=int, default=100, help="concurrent anonymous users on share pages")
    parser.add_argument("--seconds", type=int, default=20, help="run time of each scenario")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of uncounted load before each scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args()
    configure()
    _harness.header("Load: gunicorn + PostgreSQL + Redis, locust on the same machine")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    _harness.setup_django()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    started = time.monotonic()
    fixture = seed(args.testers, args.outputs)
    seconds = time.monotonic() - started
    print(f"seeded {args.testers} testers with {args.outputs} shared outputs each in {seconds:.0f} s")
    out = Path(tempfile.mkdtemp(prefix="vernissage-bench-load-"))
    (out / "warmup").mkdir()
    fixture_path = out / "fixture.json"
    from django.db import connections

    connections.close_all()
    server = Gunicorn(args.web_workers, out)
    rows = []
    try:
        for tester in fixture["testers"]:
            tester["session"] = sign_in(server.url, tester["email"])
        fixture_path.write_text(json.dumps(fixture))
        for name in args.scenarios.split(","):
            user_class = SCENARIOS[name]
            users = args.public_users if name == "public" else args.users
            # A short warm-up first (every web process loads its views on its first request), not counted.
            run_locust(server.url, user_class, users, args.warmup, out / "warmup", fixture_path)
            for row in run_locust(server.url, user_class, users, args.seconds, out, fixture_path):
                if row["Name"] != "Aggregated" or name == "tester":
                    rows.append((name, users, row))
    finally:
        server.stop()
    from generation.models import GenerationJob, JobStatus

    queued = GenerationJob.objects.filter(status=JobStatus.QUEUED).count()
    redis.Redis.from_url(BROKER_URL).flushdb()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\ngunicorn: {args.web_workers} sync workers; {args.seconds} s per scenario; logs in {out}")
    print("| scenario | request | users | requests | failures | requests/s | median | p95 | p99 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, users, row in rows:
        request = row["Name"].split(": ", 1)[-1].replace("Aggregated", "all three pages")
        print(
            f"| {name} | {request} | {users} | {row['Request Count']} | {row['Failure Count']} "
            f"| {float(row['Requests/s']):.1f} | {row['50%']} ms | {row['95%']} ms | {row['99%']} ms |"
        )
    print(f"\njobs queued by the api scenario: {queued}")


if __name__ == "__main__":
    main()
