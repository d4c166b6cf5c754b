"""Image to video in Chromium: an artist picks a still in the composer, sees its preview, submits, the real
worker renders from it, and the job page shows the still beside the finished video, at desktop and phone widths.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from generation.models import GenerationJob, JobStatus
from tests.conftest import still_bytes
from tests.e2e.conftest import sign_in, unfold_composer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shots_at_both_widths(story, page, label: str) -> None:
    """A screenshot at desktop and at phone width, where the page must be no wider than the screen."""
    story.shot(page, f"{label}-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    story.shot(page, f"{label}-390")
    page.set_viewport_size(DESKTOP)


def test_an_artist_starts_a_video_from_a_still(
    story, start_worker, demo_generation_model, demo_image_model, artist, tmp_path
):
    worker = start_worker()
    still = tmp_path / "harbour.jpg"
    still.write_bytes(still_bytes("JPEG", size=(640, 426)))
    page = story.person("artist")
    sign_in(page, artist.email)

    page.goto("/generate/")
    page.get_by_label("Prompt", exact=True).fill("the boats leave the harbour at dawn")
    unfold_composer(page)
    page.get_by_label("Model").select_option(label="Wan demo image to video demo-1 (starts from a still)")
    page.get_by_label("Resolution").select_option("256p")
    page.get_by_label("Aspect ratio").select_option("1:1")
    page.get_by_label("Duration (seconds)").fill("1")
    page.get_by_label("Steps").fill("4")
    page.get_by_label("First frame (optional)").set_input_files(str(still))
    preview = page.locator("[data-still-preview] img")
    expect(preview).to_be_visible()
    assert preview.evaluate("(img) => img.src.startsWith('data:image/jpeg') && img.naturalWidth === 640")
    expect(page.locator("[data-still-name]")).to_have_text("harbour.jpg")
    shots_at_both_widths(story, page, "composer-with-still")

    page.get_by_role("button", name="Generate").click()
    expect(page).to_have_url(re.compile(r"/library/#job-"))
    job = GenerationJob.objects.get(owner=artist)
    assert job.input_image is not None and job.model == demo_image_model

    page.goto(f"/generations/{job.pk}/")
    try:
        page.wait_for_selector(".player video", timeout=120_000)
    except PlaywrightTimeout:
        print(worker.output())
        raise
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    shown = page.locator("[data-still] img")
    expect(shown).to_be_visible()
    assert shown.evaluate("(img) => img.complete && img.naturalWidth === 640 && img.naturalHeight === 426")
    expect(page.locator("[data-still] figcaption")).to_contain_text("640×426")
    shots_at_both_widths(story, page, "job-with-still")
