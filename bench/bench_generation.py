"""Generation benchmarks, with the baseline of each measured in the same run.

(a) platform overhead: API submit -> stored output against the bare pipeline call + marks + encode, runs
    interleaved (one of each in turn, so a slow spell of the machine hits both), reported as a ratio and in
    absolute seconds with a 95% bootstrap confidence interval of the paired differences;
(a2) steady state: jobs per hour through the worker with a backlog queued, against 3600 / the bare run,
    and the worker's idle fraction (1 - GPU seconds / wall time over the same window);
(b) fairness: a single job's wait while another tester has 100 queued;
(c) job submissions per second through the API, against the same stack's cheapest authenticated read.

Usage: .venv/bin/python bench/bench_generation.py [--jobs 5] [--backlog 8] [--submissions 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import _harness  # noqa: E402

from support.processes import wait_until  # noqa: E402

PARAMS = {
    "prompt": "a paper boat on a stormy sea",
    "resolution": "256p",
    "aspect_ratio": "1:1",
    "num_frames": 17,
    "steps": 4,
    "guidance": 5.0,
}


def make_cast():

    from accessprogram.models import Cohort, Program
    from accessprogram.services.context import Actor
    from accessprogram.services.nda import TranslationSpec, nda_create_draft, nda_publish
    from generation.models import GenerationModel

    system = Actor.system()
    cohort = Cohort.objects.create(
        program=Program.current(), name="Bench", quota_amount=10**9, max_active_jobs=10000, max_resolution="480p"
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
    testers = []
    for email in ("a@bench.test", "b@bench.test"):
        testers.append(_harness.signed_tester(email, cohort=cohort, nda=nda))
    model = GenerationModel.objects.create(
        name="Wan demo",
        family="wan",
        directory="demo-wan",
        version="demo-1",
        default_steps=4,
        max_steps=20,
        fps=16,
        max_frames=81,
    )
    model.allowed_cohorts.add(cohort)
    return testers, model


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def submit(client, **overrides) -> str:
    response = client.post("/api/v1/generations/", {**PARAMS, **overrides}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def wait_step(predicate) -> None:
    wait_until(predicate, timeout=600.0, interval=0.02, what="a benchmark step")


def output_exists(job_id):
    from generation.models import Output

    return lambda: Output.objects.filter(job_id=job_id).exists()


def bare_run(loaded, seed: int) -> float:
    """The baseline: the pipeline call, marks, encode and poster in this process; seconds."""
    from generation.engine.render import render_output
    from generation.engine.runner import generate

    with tempfile.TemporaryDirectory() as workdir:
        started = time.perf_counter()
        result = generate(
            loaded, prompt=PARAMS["prompt"], negative_prompt="", width=256, height=256, num_frames=17, steps=4,
            guidance=5.0, seed=seed,
        )  # fmt: skip
        render_output(result.frames, 16, output_short_id="bench", payload_id=seed + 1, workdir=Path(workdir))
        return time.perf_counter() - started


def bootstrap_interval(values: list[float], *, resamples: int = 10_000) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean."""
    import numpy as np

    rng = np.random.default_rng(0)
    means = rng.choice(np.asarray(values), size=(resamples, len(values)), replace=True).mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def overhead(client, models_dir: Path, jobs: int):
    from generation.engine.runner import load_pipeline

    wait_step(output_exists(submit(client, seed=0)))  # warm-up: the worker is warm; this warms the web side
    loaded = load_pipeline(models_dir / "demo-wan", "wan")
    bare_run(loaded, 0)  # warm-up, as the worker's was
    end_to_end, bare = [], []
    for seed in range(1, jobs + 1):
        started = time.perf_counter()
        job_id = submit(client, seed=seed)
        wait_step(output_exists(job_id))
        end_to_end.append(time.perf_counter() - started)
        bare.append(bare_run(loaded, seed))
    differences = [e - b for e, b in zip(end_to_end, bare, strict=True)]
    low, high = bootstrap_interval(differences)
    ratio = statistics.median(end_to_end) / statistics.median(bare)
    print("\n## (a) platform overhead, demo model, 256x256, 17 frames, 4 steps, runs interleaved")
    print(f"API submit -> stored output: {_harness.summary(end_to_end)}")
    print(f"baseline, bare pipeline call + mark + encode in one process: {_harness.summary(bare)}")
    print(f"overhead ratio (median / median): {ratio:.3f}  (goal <= 1.10)")
    print(
        f"overhead per job, paired: mean {statistics.mean(differences):+.3f} s, 95% CI [{low:+.3f}, {high:+.3f}] s "
        f"(n={len(differences)})"
    )
    return loaded


def steady_state(client, loaded, backlog: int) -> None:
    """A backlog queued at once; throughput and worker idle time between the first and the last completion."""
    from generation.models import GenerationJob, JobStatus

    ids = [submit(client, seed=1000 + i) for i in range(backlog)]
    wait_step(lambda: GenerationJob.objects.filter(pk__in=ids, status=JobStatus.SUCCEEDED).count() == backlog)
    jobs = sorted(GenerationJob.objects.filter(pk__in=ids), key=lambda job: job.finished_at)
    window = (jobs[-1].finished_at - jobs[0].finished_at).total_seconds()
    per_hour = (backlog - 1) / window * 3600
    busy = sum(job.gpu_seconds for job in jobs[1:])
    bare = statistics.median(bare_run(loaded, 2000 + i) for i in range(3))
    print(f"\n## (a2) steady state with a backlog of {backlog} jobs (first completion to last)")
    print(f"throughput: {per_hour:.0f} jobs per hour; worker idle fraction {max(0.0, 1 - busy / window):.3f}")
    print(f"baseline, back-to-back bare runs in one process: {3600 / bare:.0f} jobs per hour ({bare:.3f} s each)")


def fairness(flood_client, single_client, flood_size: int) -> None:
    from accessprogram.services.context import Actor
    from generation.models import GenerationJob, JobStatus
    from generation.services.submit import generation_job_cancel

    flood = [submit(flood_client, seed=i) for i in range(flood_size)]
    wait_step(lambda: GenerationJob.objects.filter(pk__in=flood, status=JobStatus.RUNNING).exists())
    running = GenerationJob.objects.get(pk__in=flood, status=JobStatus.RUNNING)
    submitted = time.perf_counter()
    single = submit(single_client, seed=12345)
    wait_step(lambda: GenerationJob.objects.filter(pk=single).exclude(started_at=None).exists())
    waited = time.perf_counter() - submitted
    # The running job's marks and encoding overlap the next job: wait for its end before reading its length.
    wait_step(lambda: GenerationJob.objects.filter(pk=running.pk, finished_at__isnull=False).exists())
    running.refresh_from_db()
    single_job = GenerationJob.objects.get(pk=single)
    ran_before = GenerationJob.objects.filter(pk__in=flood, started_at__lt=single_job.started_at).count()
    job_seconds = (running.finished_at - running.started_at).total_seconds() if running.finished_at else float("nan")
    for job in GenerationJob.objects.filter(pk__in=flood, status=JobStatus.QUEUED):
        generation_job_cancel(actor=Actor.system(), job=job)
    wait_step(lambda: not GenerationJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).exists())
    print(f"\n## (b) fairness: one job submitted while another tester has {flood_size} queued")
    print(
        f"the single job waited {waited:.2f} s; flood jobs started before it: {ran_before} "
        f"(the one already running); one job takes {job_seconds:.2f} s on this worker"
    )
    print(f"baseline, FIFO order: {flood_size - 1} more jobs ahead, about {(flood_size - 1) * job_seconds:.0f} s")


def submissions(client, count: int) -> None:
    from generation.models import GenerationJob

    for _ in range(10):  # warm-up
        client.get("/api/v1/me/")
    started = time.perf_counter()
    for _ in range(count):
        assert client.get("/api/v1/me/").status_code == 200
    reads = count / (time.perf_counter() - started)
    before = GenerationJob.objects.count()
    started = time.perf_counter()
    for i in range(count):
        submit(client, seed=i)
    rate = count / (time.perf_counter() - started)
    assert GenerationJob.objects.count() == before + count
    print("\n## (c) job submissions through the API (PostgreSQL + Redis, in-process WSGI, one client)")
    print(
        f"submissions: {rate:.1f} per second over {count} (each: validation, quota, job row, audit row, "
        f"message to Redis after commit)"
    )
    print(f"baseline, GET /api/v1/me/ on the same stack: {reads:.1f} per second")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5)
    parser.add_argument("--backlog", type=int, default=8)
    parser.add_argument("--flood", type=int, default=100)
    parser.add_argument("--submissions", type=int, default=300)
    args = parser.parse_args()
    models_dir = _harness.configure_environment()
    _harness.header("Generation benchmarks")
    _harness.setup_django()
    if not (models_dir / "demo-wan" / "model_index.json").exists():
        from generation.engine.demo_model import build_demo_model

        build_demo_model(models_dir / "demo-wan")
    (tester_a, tester_b), _ = make_cast()
    client_a, client_b = client_for(tester_a), client_for(tester_b)
    log_dir = Path(tempfile.mkdtemp(prefix="vernissage-bench-logs-"))
    worker = _harness.start_worker("bench-gpu0", log_dir)
    try:
        loaded = overhead(client_a, models_dir, args.jobs)
        steady_state(client_a, loaded, args.backlog)
        fairness(client_a, client_b, args.flood)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    submissions(client_b, args.submissions)


if __name__ == "__main__":
    main()
