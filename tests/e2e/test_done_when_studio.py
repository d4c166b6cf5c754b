"""Issue 14, done when: in Chromium, an artist opens the composer, uploads a still, picks an image-to-video
model and asks for four variations; watches their queue position, estimate and phases; sees all four finish
without a reload (a real worker renders); remixes one; a reviewer approves the remix and the artist is told,
by the count in the top bar and the notification. The whole story runs at desktop (1280 px) and phone (390 px)
widths, where no page may be wider than the screen.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from accessprogram.services.context import Actor
from generation.models import GenerationJob, JobStatus
from review.services.reviews import review_decide
from tests.conftest import still_bytes
from tests.e2e.conftest import WATCH_PHASES, Story, sign_in, unfold_composer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
I2V_MODEL = "Wan demo image to video demo-1 (starts from a still)"
PROMPT = "the lighthouse beam sweeps over a calm sea"
QUEUE_SENTENCE = re.compile(r"(Next in line|About \d+ jobs? ahead of yours)\. Starts (within a minute|about \S+)")
RENDER_TIMEOUT_MS = 180_000


def look(story: Story, page: Page, label: str) -> None:
    """The step's screenshot; at phone width the page must be no wider than the screen."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{label}: {page.url} is {width} px wide"
    story.shot(page, f"{label}-{page.viewport_size['width']}")


def wait_for_player(page: Page, worker) -> None:
    try:
        page.wait_for_selector(".player video", timeout=RENDER_TIMEOUT_MS)
    except PlaywrightTimeout:
        print(worker.output())
        raise


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_four_variations_from_a_still_finish_live_and_the_approved_remix_is_announced(
    story, start_worker, demo_generation_model, demo_image_model, artist, reviewer, tmp_path, viewport
):
    still = tmp_path / "lighthouse.jpg"
    still.write_bytes(still_bytes("JPEG", size=(320, 240)))
    artist_page = story.person("artist")
    artist_page.set_viewport_size(viewport)
    sign_in(artist_page, artist.email)

    # Given the artist opens the composer, writes a prompt, picks the image-to-video model and a still
    if viewport == PHONE:
        artist_page.get_by_role("button", name="Menu").click()  # on a phone the menu folds behind a toggle
    artist_page.get_by_role("navigation", name="Main").get_by_role("link", name="Generate").click()
    artist_page.get_by_label("Prompt", exact=True).fill(PROMPT)
    unfold_composer(artist_page)
    artist_page.get_by_label("Model").select_option(label=I2V_MODEL)
    artist_page.get_by_label("Resolution").select_option("256p")
    artist_page.get_by_label("Aspect ratio").select_option("1:1")
    artist_page.get_by_label("Duration (seconds)").fill("0.5")
    artist_page.get_by_label("Steps").fill("4")
    artist_page.get_by_label("First frame (optional)").set_input_files(str(still))
    expect(artist_page.locator("[data-still-preview] img")).to_be_visible()
    expect(artist_page.locator("[data-still-name]")).to_have_text("lighthouse.jpg")

    # And asks for four variations (no GPU worker is up yet, so they wait in the queue)
    artist_page.get_by_role("radio", name="4").check()
    look(story, artist_page, "composer")
    artist_page.get_by_role("button", name="Generate").click()
    expect(artist_page).to_have_url(re.compile(r"/library/#job-"))
    jobs = list(GenerationJob.objects.filter(owner=artist).order_by("variation_index"))
    assert [job.variation_index for job in jobs] == [1, 2, 3, 4]
    assert len({job.seed for job in jobs}) == 4
    assert all(job.model == demo_image_model and job.input_image_id is not None for job in jobs)

    # Then the library shows them as one group, each card with its queue position and estimate
    group = artist_page.locator(f'[data-group="{jobs[0].variation_group}"]')
    expect(group.locator("li.job")).to_have_count(4)
    expect(group).to_contain_text("Variation 4 of 4")
    for job in jobs:
        queue = group.locator(f"#job-{job.pk} [data-queue]")
        expect(queue).to_contain_text(QUEUE_SENTENCE)
        expect(queue).to_contain_text("No GPU worker is online")
    artist_page.evaluate("() => { window.__sameDocument = true; }")
    look(story, artist_page, "library-queued")

    # And the first variation's page, in a second tab, shows its position, estimate and phases as steps
    job_page = artist_page.context.new_page()
    job_page.set_viewport_size(viewport)
    job_page.on("pageerror", lambda error: story.problems.append(f"job page: uncaught {error}"))
    job_page.on("console", lambda message: story._console("job page", message))
    job_page.goto(f"/generations/{jobs[0].pk}/")
    expect(job_page.locator(".phases li.current")).to_have_text("Queued")
    expect(job_page.locator("[data-queue]")).to_contain_text(QUEUE_SENTENCE)
    expect(job_page.locator("[data-still] img")).to_be_visible()
    job_page.evaluate(WATCH_PHASES)
    look(story, job_page, "job-queued")

    # When a GPU worker comes up and renders them
    worker = start_worker()
    wait_for_player(job_page, worker)

    # Then the job page went through the phases to the player, in the same document
    phases = job_page.evaluate("() => { clearInterval(window.__watch); return window.__phases; }")
    assert phases[0] == "queued" and len(phases) >= 2, phases
    assert set(phases) <= {"queued", "denoising", "decoding", "marking", "encoding", "storing"}, phases
    assert job_page.evaluate("() => window.__sameDocument") is True
    expect(job_page.locator("[data-player] [data-review-status]")).to_have_text("Pending review")
    look(story, job_page, "job-finished")
    job_page.close()

    # And all four cards of the library finished without a reload
    expect(group.locator(".badge.succeeded")).to_have_count(4, timeout=RENDER_TIMEOUT_MS)
    expect(group.locator("[data-queue]:visible")).to_have_count(0)
    assert artist_page.evaluate("() => window.__sameDocument") is True
    assert {job.status for job in GenerationJob.objects.filter(pk__in=[j.pk for j in jobs])} == {JobStatus.SUCCEEDED}
    look(story, artist_page, "library-finished")

    # When the artist opens the third variation and remixes it with a changed prompt (the still is kept)
    artist_page.reload()
    group.locator(f"#job-{jobs[2].pk} a.thumb").click()
    expect(artist_page.locator("[data-variations]")).to_contain_text("Variation 3 of 4")
    artist_page.get_by_role("link", name="Remix").click()
    expect(artist_page.locator("p[data-remix-of]")).to_be_visible()
    expect(artist_page.get_by_label("Prompt", exact=True)).to_have_value(PROMPT)
    expect(artist_page.locator("[data-still-kept]")).to_be_visible()
    artist_page.get_by_label("Prompt", exact=True).fill(f"{PROMPT}, at dusk")
    artist_page.get_by_role("radio", name="1").check()
    look(story, artist_page, "remix-composer")
    artist_page.get_by_role("button", name="Generate").click()
    expect(artist_page).to_have_url(re.compile(r"/library/#job-"))
    remix = GenerationJob.objects.get(remix_of=jobs[2].output)
    assert remix.seed == jobs[2].seed and remix.input_image_id == jobs[2].input_image_id

    # Then its page fills in the player when the worker has rendered it
    artist_page.goto(f"/generations/{remix.pk}/")
    wait_for_player(artist_page, worker)
    expect(artist_page.locator("p[data-remix-of]")).to_contain_text(jobs[2].output.short_id)
    remix.refresh_from_db()

    # When a reviewer approves the remix
    review_decide(actor=Actor(user=reviewer), output=remix.output, decision="approve")

    # Then the artist's top bar counts one unread notification, in sight at both widths
    artist_page.reload()
    count = artist_page.locator(".notifications-link .count")
    expect(count).to_contain_text("1")
    expect(count).to_be_visible()
    expect(artist_page.locator("[data-player] [data-review-status]")).to_have_text("Approved")
    look(story, artist_page, "remix-approved")

    # And the notification says so and links to the remix's page
    artist_page.locator(".notifications-link").click()
    title = f"Output {remix.output.short_id} was approved"
    expect(artist_page.get_by_role("link", name=title)).to_have_attribute("href", f"/generations/{remix.pk}/")
    look(story, artist_page, "notifications")
