"""Staff see the GPU fleet: a real worker, loaded and warm before its first job, on the fleet page in Chromium
and in the Prometheus metrics."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from generation.models import GpuWorker, JobStatus, TraceRequest, WorkerState
from tests.e2e.conftest import sign_in
from tests.generation.conftest import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_staff_see_a_warm_worker_on_the_fleet_page_and_in_the_metrics(
    story, start_worker, demo_generation_model, admin_user, artist
):
    start_worker("gpu0", fresh=True)  # a new process: its loading and warming are what the page shows
    wait_for(
        lambda: GpuWorker.objects.filter(state=WorkerState.IDLE, loaded_model=demo_generation_model).exists(),
        timeout=180,
        message="the worker to load and warm its model before any job",
    )
    worker = GpuWorker.objects.get()
    assert worker.load_seconds > 0 and worker.name.startswith("gpu0@")

    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    admin.get_by_role("link", name="Fleet").click()
    row = admin.locator(f'tr[data-worker="{worker.name}"]')
    expect(row).to_contain_text("Idle")
    expect(row).to_contain_text("Wan demo demo-1")
    story.shot(admin, "fleet")

    metrics = admin.request.get("/metrics")
    assert metrics.status == 200
    body = metrics.text()
    assert f'vernissage_worker_heartbeat_age_seconds{{device="cpu",worker="{worker.name}"}}' in body
    assert 'vernissage_jobs_total{outcome="succeeded"} 0.0' in body
    assert JobStatus.QUEUED not in {w.state for w in GpuWorker.objects.all()}


@pytest.mark.browser
def test_a_pending_trace_shows_its_result_in_place_without_reloading(story, admin_user):
    trace = TraceRequest.objects.create(requested_by=admin_user, clip_key="traces/x", clip_name="leak.mp4")
    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    admin.goto(f"/staff/trace/{trace.pk}/")
    expect(admin.get_by_role("status")).to_contain_text("A worker is decoding the clip")
    admin.evaluate("() => { window.__samePage = true; }")

    TraceRequest.objects.filter(pk=trace.pk).update(status=TraceRequest.Status.FAILED, error="Not a video file.")

    expect(admin.get_by_role("status")).to_contain_text("Not a video file.", timeout=10_000)
    assert admin.evaluate("() => window.__samePage === true")
    story.shot(admin, "trace-result-in-place")
