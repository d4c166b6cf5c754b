"""A tester watches a job through the queue and its phases, and sees the job page, the library card and the
budget move to the finished state without a reload (a real worker renders); then filters the library and stars
the output. In Chromium, at desktop and phone widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from accessprogram.services.context import Actor
from generation.models import GenerationJob
from review.services.reviews import review_decide
from tests.e2e.conftest import WATCH_PHASES, sign_in, unfold_composer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def no_wider_than_the_viewport(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


def test_a_job_finishes_on_its_page_card_and_budget_without_a_reload(
    story, start_worker, demo_generation_model, artist, artist2, reviewer, cohort
):
    cohort.quota_unit = "gpu_seconds"
    cohort.quota_amount = 3600
    cohort.save()

    # Given the artist submits a short video while no GPU worker is up yet
    tester = story.person("artist")
    sign_in(tester, artist.email)
    tester.goto("/generate/")
    tester.get_by_label("Prompt", exact=True).fill("a kite over a windy beach")
    unfold_composer(tester)
    tester.get_by_label("Resolution").select_option("256p")
    tester.get_by_label("Aspect ratio").select_option("1:1")
    tester.get_by_label("Duration (seconds)").fill("0.5")
    tester.get_by_label("Steps").fill("6")
    tester.get_by_role("button", name="Generate").click()
    expect(tester).to_have_url(re.compile(r"/library/#job-"))
    job = GenerationJob.objects.get(owner=artist)

    # Then the card says where the job is in the queue and when it should start and be ready
    card = tester.locator(f"#job-{job.pk}")
    expect(card.locator("[data-queue]")).to_contain_text(re.compile(r"Next in line\. Starts (within|about \d)"))
    expect(card.locator("[data-queue]")).to_contain_text("No GPU worker is online")
    expect(card.get_by_role("button", name="Cancel")).to_be_visible()
    budget_before = tester.locator("[data-quota]").inner_text()
    story.shot(tester, "library-queued-1280")
    tester.set_viewport_size({"width": 390, "height": 844})
    no_wider_than_the_viewport(tester)
    story.shot(tester, "library-queued-390")
    tester.set_viewport_size({"width": 1280, "height": 900})
    tester.evaluate("() => { window.__sameDocument = true; }")

    # And on the job page, opened in a second tab, the phases as steps
    job_page = tester.context.new_page()
    job_page.on("pageerror", lambda error: story.problems.append(f"job page: uncaught {error}"))
    job_page.on("console", lambda message: story._console("job page", message))
    job_page.goto(f"/generations/{job.pk}/")
    expect(job_page.locator(".phases li.current")).to_have_text("Queued")
    expect(job_page.locator("[data-queue]")).to_contain_text("Next in line")
    job_page.evaluate(WATCH_PHASES)
    story.shot(job_page, "job-queued")

    # When a worker starts and renders it
    worker = start_worker()
    try:
        job_page.wait_for_selector(".player video", timeout=120_000)
    except PlaywrightTimeout:
        print(worker.output())
        raise

    # Then the job page went through the phases and shows the player, the download link and the review state
    phases = job_page.evaluate("() => { clearInterval(window.__watch); return window.__phases; }")
    assert phases[0] == "queued" and len(phases) >= 2, phases
    assert set(phases) <= {"queued", "denoising", "decoding", "marking", "encoding", "storing"}, phases
    assert job_page.evaluate("() => window.__sameDocument") is True
    player = job_page.locator("[data-player]")
    expect(player.get_by_role("link", name="Download")).to_be_visible()
    expect(player.locator("[data-review-status]")).to_have_text("Pending review")
    expect(job_page.get_by_role("button", name="Cancel")).to_have_count(0)
    story.shot(job_page, "job-finished-1280")
    job_page.set_viewport_size({"width": 390, "height": 844})
    no_wider_than_the_viewport(job_page)
    story.shot(job_page, "job-finished-390")

    # And the library card and the budget box moved too, in the same document
    expect(card.locator(".badge.succeeded")).to_have_text("Succeeded", timeout=30_000)
    expect(card.locator(".badge.pending")).to_have_text("Pending review")
    expect(card).not_to_contain_text("Queued")
    expect(card.locator("video[data-preview]")).to_have_attribute("preload", "none")
    expect(tester.locator("[data-quota]")).not_to_have_text(budget_before)
    assert tester.evaluate("() => window.__sameDocument") is True
    story.shot(tester, "library-finished")

    # And the card previews the video, muted, on hover
    card.locator(".thumb").hover()
    tester.wait_for_function(
        "(id) => { const v = document.querySelector(`#job-${id} video`); return v && v.muted && !v.paused; }",
        arg=str(job.pk),
    )

    # When the artist filters the library by status and stars the output
    tester.get_by_text("Filter and sort").click()
    tester.get_by_label("Job status").select_option("succeeded")
    tester.get_by_role("button", name="Apply").click()
    expect(tester).to_have_url(re.compile(r"[?&]status=succeeded"))
    card = tester.locator(f"#job-{job.pk}")
    card.get_by_role("button", name="Add to favourites").click()
    expect(tester).to_have_url(re.compile(r"[?&]status=succeeded"))
    expect(tester.locator(f"#job-{job.pk}").get_by_role("button", name="Remove from favourites")).to_be_visible()
    tester.get_by_label("Favourites only").check()
    tester.get_by_role("button", name="Apply").click()
    expect(tester.locator(f"#job-{job.pk}")).to_be_visible()
    story.shot(tester, "library-filtered-1280")
    tester.set_viewport_size({"width": 390, "height": 844})
    no_wider_than_the_viewport(tester)
    story.shot(tester, "library-filtered-390")

    # And gathers it into a new collection from its page
    expect(tester.get_by_label("Name of the new collection")).to_be_visible()  # open while there is none
    tester.get_by_label("Name of the new collection").fill("Windy days")
    tester.get_by_role("button", name="Create").click()
    expect(tester.get_by_role("link", name="Windy days")).to_have_attribute("aria-current", "page")
    tester.goto(f"/generations/{job.pk}/")
    tester.get_by_role("listitem").filter(has_text="Windy days").get_by_role("button", name="Add").click()
    expect(tester.get_by_role("listitem").filter(has_text="Windy days").get_by_role("button")).to_have_text("Remove")

    # When a reviewer approves it, the artist shows it to the program, and members find it on the feed
    review_decide(actor=Actor(user=reviewer), output=job.output, decision="approve")
    tester.reload()
    tester.get_by_role("button", name="Show to the program").click()
    expect(tester.get_by_role("button", name="Take off the program feed")).to_be_visible()
    member = story.person("second artist")
    sign_in(member, artist2.email)
    member.goto("/program/")
    entry = member.locator(f'[data-feed-output="{job.output.pk}"]')
    expect(entry).to_contain_text("By Aiko Artist")
    expect(entry.get_by_role("link", name="Remix")).to_have_attribute("href", f"/generate/?remix={job.output.pk}")
    story.shot(member, "feed-1280")
    member.set_viewport_size({"width": 390, "height": 844})
    no_wider_than_the_viewport(member)
    story.shot(member, "feed-390")
