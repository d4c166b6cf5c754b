"""Leak containment, measured against the real stack: gunicorn web processes, PostgreSQL, Redis.

(a) a tester's token behind a public proxy (one client address per request, through the trusted proxy):
    requests from the first anomalous one until suspension, requests let through after it, seconds until
    the token's queued jobs are cancelled, and how many testers notice (nine others keep working);
(b) kill switches at each scope under concurrent load from several processes' worth of clients:
    requests sent after the suspension committed that were still served (must be 0);
(c) a leak report: seconds from `POST /api/v1/leaks/` until the token is refused and its jobs cancelled;
(e) with --front-ends: front ends serving a crowd (one request every 5–10 s) from one address — on a portal
    session (a python user agent; and browser-like headers), on a token, and rotating tokens — beside at least
    20 artists using the portal as people do, over a simulated hour (bench/crowd.py): requests and seconds
    until containment, jobs the public got, video bytes it received, tokens minted before the tester is
    paused, people contained and asked for their password;
(d) with --trace: marked photo pans and demo-model outputs through every attack a leak goes through
    (crops, reframes, bars, a flip, a caption box, HEVC, frame-rate changes, a filmed screen...), traced
    back: found / wrong per attack; unmarked and other-key clips that must name nobody; PSNR; speed
    (bench/bench_trace.py).

Usage: .venv/bin/python bench/bench_leaks.py [--web-workers 4] [--threads 16] [--trace | --trace-only]
       [--trace-count 100] [--unmarked-count 1000] [--demo-count 20] [--marks tile,grid]
       [--baseline-count 10] [--jobs 2]
       [--front-ends | --front-ends-only] [--artists 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import _harness  # noqa: E402

from support.processes import answers, free_port, wait_until  # noqa: E402

# Our own database, broker and Redis database, so that other benchmarks can run at the same time.
_harness.BENCH_DB = "vernissage_bench_leaks"
_harness.BENCH_BROKER = "redis://127.0.0.1:6379/12"
BENCH_REDIS = os.environ.get("BENCH_LEAKS_REDIS", "redis://127.0.0.1:6379/9")
TESTERS_PER_COHORT = 5
JOB = {"prompt": "a paper boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}


def configure() -> None:
    _harness.configure_environment()
    os.environ.update(
        REDIS_URL=BENCH_REDIS, TRUSTED_PROXY_COUNT="1", SITE_URL="http://127.0.0.1:8000", EMAIL_URL="locmem://"
    )


def make_cast():
    """An admin, two cohorts of five testers, each tester with two tokens, and a model (no worker runs)."""

    from accessprogram.models import Cohort, Program, User
    from accessprogram.services.context import Actor
    from accessprogram.services.nda import TranslationSpec, nda_create_draft, nda_publish
    from accessprogram.services.tokens import token_create
    from generation.models import GenerationModel

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
    model = GenerationModel.objects.create(
        name="Wan demo", family="wan", directory="demo-wan", version="demo-1", default_steps=4, max_steps=20, fps=16
    )
    admin = User.objects.create_superuser(email="admin@bench.test", password="x" * 12)
    testers = []
    for cohort_name in ("North", "South"):
        cohort = Cohort.objects.create(program=Program.current(), name=cohort_name, max_active_jobs=50)
        model.allowed_cohorts.add(cohort)
        for n in range(TESTERS_PER_COHORT):
            email = f"{cohort_name.lower()}{n}@bench.test"
            user = _harness.signed_tester(email, cohort=cohort, nda=nda)
            tokens = [
                token_create(actor=Actor(user=user), name=name, scopes=["read", "generate"])
                for name in ("script", "spare")
            ]
            testers.append({"user": user, "cohort": cohort, "tokens": tokens, "ip": f"192.0.2.{len(testers) + 10}"})
    return admin, testers


class WebServer:
    def __init__(self, workers: int, log_dir: Path) -> None:
        self.port = free_port()
        self.log = (log_dir / "gunicorn.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 -- this interpreter, gunicorn, fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "accessprogram.wsgi",
                "--workers",
                str(workers),
                "--threads",
                "4",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=_harness.ROOT,
            env=os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def request(self, method: str, path: str, *, token: str | None = None, ip: str, body=None) -> int:
        headers = {"X-Forwarded-For": ip, "User-Agent": "bench/1.0", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 -- http on this machine
            f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
                return response.status
        except urllib.error.HTTPError as error:
            error.read()
            return error.code

    def wait_until_up(self, token: str) -> None:
        probe = lambda: self.request("GET", "/api/v1/me/", token=token, ip="192.0.2.1")  # noqa: E731
        wait_until(lambda: answers(probe), timeout=60, interval=0.2, what="gunicorn to start (see gunicorn.log)")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Traffic:
    """Background clients: each tester uses one of its tokens from its own address, as people do."""

    def __init__(self, server: WebServer, testers, *, threads: int, token_index: int = 1) -> None:
        self.server, self.testers, self.threads, self.token_index = server, testers, threads, token_index
        self.results: list[tuple[float, float, str, int]] = []  # (sent, answered, tester email, status)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, index: int) -> None:
        n = index
        while not self._stop.is_set():
            tester = self.testers[n % len(self.testers)]
            n += self.threads
            sent = time.monotonic()
            token = tester["tokens"][self.token_index].secret
            status = self.server.request("GET", "/api/v1/me/", token=token, ip=tester["ip"])
            with self._lock:
                self.results.append((sent, time.monotonic(), tester["user"].email, status))

    def __enter__(self) -> Traffic:
        for worker in self._workers:
            worker.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join()


def proxy_scenario(server: WebServer, testers, *, leaker_index: int, signal: str) -> None:
    """One tester's token behind a public proxy; every tester (the leaker too) uses another token meanwhile."""
    from accessprogram.models import AnomalyThresholds, Suspension
    from generation.models import GenerationJob, JobStatus

    thresholds = AnomalyThresholds.current()
    leaker = testers[leaker_index]
    token = leaker["tokens"][0]
    if signal == "networks":
        addresses, threshold = [f"198.51.{n}.7" for n in range(50)], thresholds.max_networks
    else:
        addresses, threshold = [f"203.0.113.{n}" for n in range(1, 51)], thresholds.max_client_ips
    # Before the page goes public, the token queued three jobs from the proxy's first visitor.
    jobs = [
        server.request("POST", "/api/v1/generations/", token=token.secret, ip=addresses[0], body=JOB) for _ in range(3)
    ]
    assert jobs == [201, 201, 201], jobs
    first_anomalous = threshold  # 0-based: the request that brings the count to threshold + 1
    with Traffic(server, testers, threads=4) as traffic:
        statuses, cancelled_after = [], None
        for index, address in enumerate(addresses):
            sent = time.monotonic()
            statuses.append(server.request("GET", "/api/v1/me/", token=token.secret, ip=address))
            if index == first_anomalous:
                while GenerationJob.objects.filter(token=token.token, status=JobStatus.QUEUED).exists():
                    time.sleep(0.001)
                cancelled_after = time.monotonic() - sent
    refused_at = next(i for i, status in enumerate(statuses) if status == 403)
    served_after = sum(1 for status in statuses[first_anomalous:] if status < 400)
    bystanders = {email for _, _, email, status in traffic.results if status >= 400}
    affected = {leaker["user"].email} | bystanders  # the leaker's own other token keeps working too
    suspension = Suspension.objects.get(token=token.token, lifted_at__isnull=True)
    print(
        f"\n## (a) one token behind a public proxy, {len(addresses)} client addresses ({signal} threshold {threshold})"
    )
    print(f"first anomalous request: #{first_anomalous + 1}; first refused: #{refused_at + 1}")
    print(
        f"requests from the first anomalous one until suspension: {refused_at - first_anomalous + 1} "
        "(1: the anomalous request itself is refused)"
    )
    print(f"requests served from the first anomalous one on: {served_after} (must be 0)")
    print(f"seconds from the first anomalous request until its 3 queued jobs were cancelled: {cancelled_after:.3f}")
    print(
        f"testers affected: {len(affected)} of {len(testers)} (must be 1); bystander requests: "
        f"{len(traffic.results)}, refused: {sum(1 for r in traffic.results if r[3] >= 400)}"
    )
    print(f"evidence: {suspension.reason}")


def kill_switch_scenario(server: WebServer, admin, testers, *, threads: int) -> None:
    from accessprogram.models import AnomalyThresholds, Program
    from accessprogram.services.context import Actor
    from accessprogram.services.suspensions import suspension_create, suspension_lift

    print(f"\n## (b) kill switches under load: {threads} client threads, every tester's token, all web processes")
    # This load is far above a person's pace; here it measures the kill switches, not the rate detector.
    thresholds = AnomalyThresholds.current()
    thresholds.max_requests, baseline = 10**6, thresholds.max_requests
    thresholds.save()
    north = [t for t in testers if t["cohort"].name == "North"]
    cases = [
        ("token", north[1]["tokens"][1].token, {north[1]["user"].email}),
        ("tester", north[2]["user"], {north[2]["user"].email}),
        ("cohort", north[0]["cohort"], {t["user"].email for t in north}),
        ("program", Program.current(), {t["user"].email for t in testers}),
    ]
    for scope, target, stopped in cases:
        with Traffic(server, testers, threads=threads) as traffic:
            time.sleep(1.0)
            suspension = suspension_create(actor=Actor(user=admin), scope=scope, target=target, reason="bench")
            committed = time.monotonic()
            time.sleep(1.5)
        in_scope = [r for r in traffic.results if r[2] in stopped]
        after = [r for r in in_scope if r[0] > committed]
        let_through = sum(1 for r in after if r[3] < 400)
        in_flight = sum(1 for r in in_scope if r[0] <= committed < r[1] and r[3] < 400)
        others = [r for r in traffic.results if r[2] not in stopped and r[0] > committed]
        print(
            f"{scope:8} requests in scope sent after the suspension committed: {len(after)}, served: {let_through} "
            f"(must be 0); in flight at the commit and served: {in_flight}; others after it: {len(others)}, "
            f"refused: {sum(1 for r in others if r[3] >= 400)}"
        )
        suspension_lift(actor=Actor(user=admin), suspension=suspension)
    thresholds.max_requests = baseline
    thresholds.save()


def leak_report_scenario(server: WebServer, testers) -> None:
    from generation.models import GenerationJob, JobStatus

    tester = testers[3]
    token = tester["tokens"][0]
    for _ in range(3):
        server.request("POST", "/api/v1/generations/", token=token.secret, ip=tester["ip"], body=JOB)
    started = time.monotonic()
    status = server.request("POST", "/api/v1/leaks/", ip="198.18.0.1", body={"tokens": [token.secret, "junk"]})
    answered = time.monotonic() - started
    queued = GenerationJob.objects.filter(token=token.token, status=JobStatus.QUEUED).count()
    refused = server.request("GET", "/api/v1/me/", token=token.secret, ip=tester["ip"])
    print("\n## (c) a leak report")
    print(
        f"POST /api/v1/leaks/ -> {status} in {answered:.3f} s; the token's queued jobs left: {queued}; "
        f"the token now gets {refused}"
    )


def trace_scenario(args: argparse.Namespace) -> None:
    """Tracing leaked clips on realistic content, as the command line asks: see bench/bench_trace.py."""
    import bench_trace

    bench_trace.run(
        args.trace_count,
        args.unmarked_count,
        args.demo_count,
        args.marks.split(","),
        jobs=args.jobs,
        baseline_count=args.baseline_count,
    )


def front_end_scenario(*, artists: int, seconds: float) -> None:
    """(e): the crowd of bench/crowd.py, in this process, on the simulated clock."""
    import crowd
    from django.conf import settings
    from django.test.utils import override_settings

    # Static files are not collected for benchmarks: render their URLs without the manifest.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()

    from accessprogram.models import AnomalyThresholds, Cohort, Program, User
    from accessprogram.services.context import Actor
    from accessprogram.services.nda import nda_create_draft, nda_publish
    from generation.models import GenerationModel

    system = Actor.system()
    nda = nda_publish(actor=system, nda=nda_create_draft(actor=system, title="NDA", body_markdown="Confidential."))
    model = GenerationModel.objects.create(
        name="Wan demo", family="wan", directory="demo-wan", version="demo-1", default_steps=4, max_steps=20, fps=16
    )
    User.objects.create_superuser(email="admin@bench.test", password="x" * 12)
    cohort = Cohort.objects.create(program=Program.current(), name="Crowd", max_active_jobs=50)
    model.allowed_cohorts.add(cohort)

    def tester(email: str):
        return _harness.signed_tester(email, cohort=cohort, nda=nda, password=crowd.PASSWORD)

    people = [tester(f"artist{n}@bench.test") for n in range(artists)]
    leakers = {kind: tester(f"{kind}@bench.test") for kind in ("session", "session-forged", "token", "rotating")}
    started = time.monotonic()
    figures = crowd.run(
        humans=people,
        leakers=leakers,
        model=model,
        seconds=seconds,
        phones=artists // 2,
        roaming=artists // 5,
        overnight=max(1, artists // 7),
    )
    thresholds = AnomalyThresholds.current()
    elapsed = time.monotonic() - started
    print(f"(e) {artists} artists and 4 front ends over {seconds:.0f} simulated s, {elapsed:.0f} s real")
    print(
        f"    thresholds: {thresholds.max_submissions} submissions/{thresholds.submission_window_seconds} s, "
        f"{thresholds.max_prompts_per_hour} prompts/h, {thresholds.max_refusals} refusals, "
        f"{thresholds.max_headless_requests} headless requests, {thresholds.max_blind_media} videos without page "
        f"per {thresholds.window_seconds} s; escalate after {thresholds.escalate_after}"
    )
    print(json.dumps(figures, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--trace", action="store_true", help="also run the trace-excerpt benchmark (slow)")
    parser.add_argument("--trace-count", type=int, default=100)
    parser.add_argument("--unmarked-count", type=int, default=1000)
    parser.add_argument("--demo-count", type=int, default=100, help="demo-model outputs through each attack")
    parser.add_argument("--trace-only", action="store_true", help="run (d) alone, without the web server")
    parser.add_argument("--front-ends", action="store_true", help="also run (e), the crowd and its front ends")
    parser.add_argument("--front-ends-only", action="store_true", help="run (e) alone")
    parser.add_argument("--artists", type=int, default=20)
    parser.add_argument("--simulated-seconds", type=float, default=3600)
    parser.add_argument(
        "--marks",
        default="tile,grid",
        help="the forensic mark to measure, then the baselines to compare on the same outputs and attacks",
    )
    parser.add_argument("--baseline-count", type=int, default=10, help="photo pans per attack for each baseline")
    parser.add_argument("--jobs", type=int, default=2, help="processes tracing at once (one output each)")
    args = parser.parse_args()

    if args.front_ends_only:
        _harness.BENCH_DB = "vernissage_bench_front_ends"
    configure()
    if args.front_ends_only:
        _harness.setup_django()
        import redis

        redis.Redis.from_url(BENCH_REDIS).flushdb()
        _harness.header("Leak containment: front ends beside a crowd")
        front_end_scenario(artists=args.artists, seconds=args.simulated_seconds)
        return
    if args.trace_only:
        import django

        django.setup()
        trace_scenario(args)
        return
    _harness.setup_django()
    import redis

    redis.Redis.from_url(BENCH_REDIS).flushdb()
    _harness.header("Leak containment")
    admin, testers = make_cast()
    log_dir = Path(os.environ["PRIVATE_MEDIA_ROOT"])
    server = WebServer(args.web_workers, log_dir)
    try:
        server.wait_until_up(testers[-1]["tokens"][1].secret)
        proxy_scenario(server, testers, leaker_index=0, signal="networks")
        # The same proxy on one cloud host's /24: the client-address threshold trips instead.
        proxy_scenario(server, testers, leaker_index=TESTERS_PER_COHORT, signal="client_ips")
        redis.Redis.from_url(BENCH_REDIS).flushdb()
        kill_switch_scenario(server, admin, testers, threads=args.threads)
        leak_report_scenario(server, testers)
    finally:
        server.stop()
    if args.trace:
        trace_scenario(args)
    if args.front_ends:
        redis.Redis.from_url(BENCH_REDIS).flushdb()
        front_end_scenario(artists=args.artists, seconds=args.simulated_seconds)


if __name__ == "__main__":
    main()
