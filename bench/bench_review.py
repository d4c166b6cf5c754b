"""Review-page benchmark: the reviewer queue, the public gallery and a tester's library, at scale.

1,000 testers (in four cohorts, NDA accepted) and 100,000 outputs with their jobs and reviews (most approved,
some pending, some rejected or sent back; some shared by link, some in the gallery) are written in bulk, then
each page is requested through django.test.Client (in-process WSGI, PostgreSQL) and timed per request, with
its query count. Baseline in the same run: the cheapest authenticated reads.

Rows are bulk-inserted rather than made through the per-row services (which would take hours), but they are
the rows those services write: a succeeded job, its output, one review whose state is the output's review
status, and a decision row for each closed review. No video files are stored (the pages only list outputs).

Usage: .venv/bin/python bench/bench_review.py [--testers 1000] [--outputs 100000] [--requests 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _harness  # noqa: E402

_harness.BENCH_DB = "vernissage_bench_review"
_harness.BENCH_BROKER = "redis://127.0.0.1:6379/7"

GOAL_P95_MS = 50.0
WARMUP = 5
BATCH = 5000

# The review outcome of the outputs, by share (the rest are approved).
MIX = {"pending": 0.08, "rejected": 0.05, "changes_requested": 0.02}
SHARE_RATE = 0.10  # of approved outputs, with a live share link
GALLERY_RATE = 0.05  # of approved outputs, in the gallery


def _staff(email: str, role, nda=None):
    """A staff member made the way the product makes them (an invitation, accepted), as tests/conftest.py does."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP

    from accessprogram.models import User
    from accessprogram.services.context import Actor
    from accessprogram.services.invitations import invitation_accept, invitation_create

    system = Actor.system()
    issued = invitation_create(actor=system, email=email, role=role, cohort=None, send=False)
    user = User.objects.create_user(email=email, password="x" * 16, full_name=email.split("@")[0].title())
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    invitation_accept(actor=system, invitation=issued.invitation, user=user)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return User.objects.get(pk=user.pk)


def populate(n_testers: int, n_outputs: int, rng: random.Random):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from accessprogram.models import Cohort, Membership, NdaAcceptance, Program, Role, TesterKind, User
    from accessprogram.services.context import Actor
    from accessprogram.services.nda import TranslationSpec, nda_create_draft, nda_publish
    from generation.models import GenerationJob, GenerationModel, JobStatus, Output
    from review.models import Decision, GalleryEntry, ReasonCode, Review, ReviewDecision, ShareLink

    started = time.perf_counter()
    system = Actor.system()
    program = Program.current()
    nda = nda_publish(
        actor=system,
        nda=nda_create_draft(
            actor=system,
            title="NDA",
            body_markdown="Confidential.",
            translations=[TranslationSpec(code, "NDA", "Confidential.", {}) for code in ("it", "fr", "ja")],
        ),
    )
    cohorts = [
        Cohort.objects.create(program=program, name=name, max_resolution="480p", approvals_required=approvals)
        for name, approvals in (("Founding artists", 1), ("Studio partners", 1), ("Red team", 1), ("Wave 2", 2))
    ]
    model = GenerationModel.objects.create(
        name="Wan demo", family="wan", directory="demo-wan", version="demo-1", default_steps=4, fps=16
    )
    model.allowed_cohorts.add(*cohorts)
    reviewers = [_staff(f"reviewer{i}@bench.test", Role.REVIEWER) for i in range(3)]
    reasons = list(ReasonCode.objects.filter(is_active=True)) or [  # the migrations seed the usual codes
        ReasonCode.objects.create(code="other", label="Other")
    ]

    # Testers: users, verified addresses, one active membership each, the current NDA accepted.
    password = make_password("bench-password-123")  # one hash for all: hashing 1,000 times is only slow
    users = User.objects.bulk_create(
        [
            User(email=f"tester{i:04d}@bench.test", full_name=f"Tester {i:04d}", password=password)
            for i in range(n_testers)
        ],
        batch_size=BATCH,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
    )
    kinds = [TesterKind.ARTIST, TesterKind.ARTIST, TesterKind.CREATIVE_PARTNER, TesterKind.RED_TEAMER]
    cohort_of = {}
    memberships = []
    for i, u in enumerate(users):
        c = i % len(cohorts)
        cohort_of[u.pk] = cohorts[c]
        memberships.append(Membership(user=u, cohort=cohorts[c], kind=kinds[c]))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    now = timezone.now()
    NdaAcceptance.objects.bulk_create(
        [
            NdaAcceptance(user=u, nda=nda, typed_name=u.full_name, text_sha256=nda.text_sha256, accepted_at=now)
            for u in users
        ],
        batch_size=BATCH,
    )

    # Outputs: evenly over the testers (100 each at the default size), so the library tester is typical.
    per_tester = n_outputs // n_testers
    owners = [u for u in users for _ in range(per_tester)]
    owners += [users[i % n_testers] for i in range(n_outputs - len(owners))]
    rng.shuffle(owners)  # interleave owners over time, as real traffic would
    states = []
    for _ in range(n_outputs):
        r, state = rng.random(), "approved"
        for name, share in MIX.items():
            if r < share:
                state = name
                break
            r -= share
        states.append(state)

    counts = {"jobs": 0, "outputs": 0, "reviews": 0, "decisions": 0, "share_links": 0, "gallery": 0}
    forensic = 10**6
    for start in range(0, n_outputs, BATCH):
        chunk = range(start, min(start + BATCH, n_outputs))
        jobs, outputs = [], []
        for i in chunk:
            owner = owners[i]
            job = GenerationJob(
                id=uuid.uuid4(),
                owner=owner,
                cohort=cohort_of[owner.pk],
                model=model,
                prompt=f"a paper boat on a stormy sea, take {i}",
                resolution="256p",
                aspect_ratio="1:1",
                width=256,
                height=256,
                num_frames=17,
                fps=16,
                steps=4,
                guidance=5.0,
                seed=i,
                status=JobStatus.SUCCEEDED,
                progress_step=4,
                progress_total=4,
                gpu_seconds=3.2,
                worker="gpu0@bench",
                attempts=1,
            )
            jobs.append(job)
            forensic += 1
            outputs.append(
                Output(
                    id=uuid.uuid4(),
                    job=job,
                    owner=owner,
                    video_key=f"outputs/{job.id}/video.mp4",
                    poster_key=f"outputs/{job.id}/poster.jpg",
                    sha256="0" * 64,
                    size_bytes=180_000,
                    duration_seconds=1.06,
                    fps=16,
                    width=256,
                    height=256,
                    frame_count=17,
                    seed=i,
                    parameters={"steps": 4, "guidance": 5.0, "num_frames": 17},
                    model_name=model.name,
                    model_version=model.version,
                    forensic_id=forensic,
                    review_status=states[i],
                )
            )
        GenerationJob.objects.bulk_create(jobs, batch_size=BATCH)
        Output.objects.bulk_create(outputs, batch_size=BATCH)
        reviews = Review.objects.bulk_create(
            [
                Review(
                    output=o,
                    owner_id=o.owner_id,
                    state=o.review_status,
                    decided_at=None if o.review_status == "pending" else now,
                )
                for o in outputs
            ],
            batch_size=BATCH,
        )
        decisions, links, entries = [], [], []
        for review in reviews:
            output, state = review.output, review.state
            reviewer = rng.choice(reviewers)
            if state == "approved":
                approvers = (
                    rng.sample(reviewers, 2) if cohort_of[output.owner_id].approvals_required == 2 else [reviewer]
                )
                decisions += [ReviewDecision(review=review, reviewer=r, decision=Decision.APPROVE) for r in approvers]
                draw = rng.random()
                if draw < SHARE_RATE:
                    links.append(
                        ShareLink(
                            output=output,
                            slug=uuid.uuid4().hex,
                            created_by=output.owner,
                            credit_line=output.owner.full_name,
                        )
                    )
                elif draw < SHARE_RATE + GALLERY_RATE:
                    entries.append(
                        GalleryEntry(
                            output=output,
                            slug=uuid.uuid4().hex,
                            credit_line=output.owner.full_name,
                            show_prompt=draw < SHARE_RATE + GALLERY_RATE / 2,
                            added_by=output.owner,
                        )
                    )
            elif state == "rejected":
                decisions.append(
                    ReviewDecision(
                        review=review, reviewer=reviewer, decision=Decision.REJECT, reason=rng.choice(reasons)
                    )
                )
            elif state == "changes_requested":
                decisions.append(
                    ReviewDecision(
                        review=review, reviewer=reviewer, decision=Decision.REQUEST_CHANGES, note="Fix the hands."
                    )
                )
        ReviewDecision.objects.bulk_create(decisions, batch_size=BATCH)
        ShareLink.objects.bulk_create(links, batch_size=BATCH)
        GalleryEntry.objects.bulk_create(entries, batch_size=BATCH)
        counts["jobs"] += len(jobs)
        counts["outputs"] += len(outputs)
        counts["reviews"] += len(reviews)
        counts["decisions"] += len(decisions)
        counts["share_links"] += len(links)
        counts["gallery"] += len(entries)

    # Spread creation over the last 90 days (auto_now_add stamped every row "now"), keeping each output after
    # its job and each review and decision after its output; then give the planner statistics, as autovacuum
    # would on a live database.
    job_t, out_t = GenerationJob._meta.db_table, Output._meta.db_table
    rev_t, dec_t = Review._meta.db_table, ReviewDecision._meta.db_table
    share_t, gal_t = ShareLink._meta.db_table, GalleryEntry._meta.db_table
    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.42)")
        cur.execute(f"UPDATE {job_t} SET created_at = now() - random() * interval '90 days'")  # noqa: S608
        cur.execute(
            f"UPDATE {job_t} SET started_at = created_at + interval '2 seconds', "  # noqa: S608
            "finished_at = created_at + interval '6 seconds', heartbeat_at = created_at + interval '6 seconds'"
        )
        cur.execute(
            f"UPDATE {out_t} o SET created_at = j.finished_at FROM {job_t} j WHERE o.job_id = j.id"  # noqa: S608
        )
        cur.execute(
            f"UPDATE {rev_t} r SET created_at = o.created_at, "  # noqa: S608
            "decided_at = CASE WHEN r.state = 'pending' THEN NULL "
            "ELSE o.created_at + random() * interval '2 days' END "
            f"FROM {out_t} o WHERE r.output_id = o.id"
        )
        cur.execute(
            f"UPDATE {dec_t} d SET created_at = r.decided_at FROM {rev_t} r WHERE d.review_id = r.id"  # noqa: S608
        )
        cur.execute(
            f"UPDATE {share_t} s SET created_at = r.decided_at + interval '1 hour' "  # noqa: S608
            f"FROM {rev_t} r WHERE r.output_id = s.output_id"
        )
        cur.execute(
            f"UPDATE {gal_t} g SET added_at = r.decided_at + interval '1 hour' "  # noqa: S608
            f"FROM {rev_t} r WHERE r.output_id = g.output_id"
        )
        cur.execute("ANALYZE")
    seconds = time.perf_counter() - started
    print(
        f"\ndata: {n_testers} testers in {len(cohorts)} cohorts (NDA accepted), {len(reviewers)} reviewers; "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
        + "; review states: "
        + ", ".join(f"{s} {states.count(s):,}" for s in ("approved", "pending", "rejected", "changes_requested"))
        + f" (written in {seconds:.0f} s)"
    )
    return reviewers[0], users[0]


def measure(client, url: str, n: int):
    """Per-request server time (ms) and query count, after a warm-up; the slowest request's captured SQL."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times, queries, slowest = [], [], (0.0, [])
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        times.append(elapsed)
        queries.append(len(ctx.captured_queries))
        if elapsed > slowest[0]:
            slowest = (elapsed, list(ctx.captured_queries))
    return times, queries, slowest[1]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--testers", type=int, default=1000)
    parser.add_argument("--outputs", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--sql", action="store_true", help="print every captured query of each page's slowest run")
    args = parser.parse_args()
    _harness.configure_environment()
    _harness.header("Review-page benchmarks")
    _harness.setup_django()
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from generation.models import Output

    # Static files are not collected for benchmarks: render their URLs without the manifest (same cost class).
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    reviewer, tester = populate(args.testers, args.outputs, random.Random(42))
    # People's browsers send fetch metadata with every request; without it the credential watch would take
    # the benchmark's sessions for a script in front of a credential and sign them out.
    from crowd import BROWSER_FETCH

    as_reviewer, as_tester, anonymous = Client(**BROWSER_FETCH), Client(**BROWSER_FETCH), Client(**BROWSER_FETCH)
    as_reviewer.force_login(reviewer)
    as_tester.force_login(tester)
    library_outputs = Output.objects.filter(owner=tester).count()

    pages = [
        (
            "reviewer queue",
            f"`{reverse('review:review_queue')}` (reviewer, 50 per page)",
            as_reviewer,
            reverse("review:review_queue"),
        ),
        (
            "public gallery",
            f"`{reverse('review:gallery')}` (anonymous, 24 per page)",
            anonymous,
            reverse("review:gallery"),
        ),
        (
            "tester library",
            f"`{reverse('generation:library')}` (tester with {library_outputs} outputs, 24 per page)",
            as_tester,
            reverse("generation:library"),
        ),
        ("baseline: API me", "`/api/v1/me/` (tester)", as_tester, "/api/v1/me/"),
        (
            "baseline: membership page",
            f"`{reverse('accessprogram:no_membership')}` (tester)",
            as_tester,
            reverse("accessprogram:no_membership"),
        ),
    ]
    print(f"\nserver time per request through django.test.Client, {WARMUP} warm-up then n={args.requests} each")
    print(f"goal: constant queries per page, p95 < {GOAL_P95_MS:.0f} ms\n")
    print("| page | median | p95 | queries | goal met |")
    print("|---|---|---|---|---|")
    details = []
    for name, label, client, url in pages:
        times, queries, sql = measure(client, url, args.requests)
        q = str(queries[0]) if min(queries) == max(queries) else f"{min(queries)}–{max(queries)}"
        baseline = name.startswith("baseline")
        met = "—" if baseline else ("yes" if p95(times) < GOAL_P95_MS and min(queries) == max(queries) else "**no**")
        print(f"| {name}: {label} | {statistics.median(times):.1f} ms | {p95(times):.1f} ms | {q} | {met} |")
        details.append((name, sql))
    print("\nslowest queries of each page's slowest request (database time as seen by the client):")
    for name, sql in details:
        total = sum(float(s["time"]) for s in sql) * 1000
        print(f"\n- {name}: {len(sql)} queries, {total:.1f} ms in the database")
        shown = sql if args.sql else sorted(sql, key=lambda s: -float(s["time"]))[:3]
        for s in shown:
            text = " ".join(s["sql"].split())
            print(f"  - {float(s['time']) * 1000:.1f} ms: {text[:400]}{'…' if len(text) > 400 else ''}")


if __name__ == "__main__":
    main()
