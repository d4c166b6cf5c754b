"""The composer in Chromium: an admin defines a style, an artist asks for two variations in it, finds them as one
group in the library, remixes one with a changed prompt and follows the lineage both ways. At 1280 and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from generation.models import GenerationJob, JobStatus, StylePreset
from tests.e2e.conftest import Story, sign_in, unfold_composer
from tests.generation.conftest import wait_for_terminal

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROMPT = "a paper crane over a night market"
REMIX_PROMPT = "a paper crane over a night market at dawn"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot_at_both_widths(story: Story, page: Page, label: str) -> None:
    """A screenshot at 1280 px and at 390 px, where the page must not be wider than the screen."""
    story.shot(page, f"{label}-1280")
    page.set_viewport_size(PHONE)
    story.shot(page, f"{label}-390")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: {page.url} is {width} px wide at 390 px"
    page.set_viewport_size(DESKTOP)


def test_an_artist_picks_a_style_asks_for_two_variations_and_remixes_one(
    story, start_worker, demo_generation_model, admin_user, artist
):
    worker = start_worker()

    # Given an admin defines a style on the Styles page, for the demo model, with cheap default settings
    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Styles").click()
    admin.get_by_label("Name").fill("Ink wash")
    admin.get_by_label("Prompt suffix").fill("sumi ink wash, rice paper")
    admin.get_by_label("Negative prompt").fill("photograph")
    admin.get_by_label("Resolution").select_option("256p")
    admin.get_by_label("Aspect ratio").select_option("1:1")
    admin.get_by_label("Duration (seconds)").fill("0.5")
    admin.get_by_label("Steps").fill("4")
    admin.get_by_label("Wan demo").check()
    shot_at_both_widths(story, admin, "admin-new-style")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("status")).to_contain_text("Style “Ink wash” saved.")
    expect(admin.locator('tr[data-style="Ink wash"]')).to_contain_text("Wan demo")
    preset = StylePreset.objects.get(name="Ink wash")

    # When the artist writes a prompt, picks the style (it fills in its settings) and asks for two variations
    tester = story.person("artist")
    sign_in(tester, artist.email)
    tester.get_by_role("navigation", name="Main").get_by_role("link", name="Generate").click()
    expect(tester.locator("details.composer-settings")).not_to_have_attribute("open", re.compile(".*"))
    tester.get_by_label("Prompt", exact=True).fill(PROMPT)
    tester.get_by_label("Style").select_option(label="Ink wash")
    tester.get_by_role("radio", name="2").check()
    unfold_composer(tester)
    expect(tester.get_by_label("Resolution")).to_have_value("256p")
    expect(tester.get_by_label("Aspect ratio")).to_have_value("1:1")
    expect(tester.get_by_label("Steps")).to_have_value("4")
    tester.get_by_label("Guidance").fill("1")
    shot_at_both_widths(story, tester, "composer")
    tester.get_by_role("button", name="Generate").click()

    # Then the library shows both as one group, each with its own seed, and both render
    expect(tester).to_have_url(re.compile(r"/library/#job-"))
    jobs = list(GenerationJob.objects.filter(owner=artist).order_by("variation_index"))
    assert [job.variation_index for job in jobs] == [1, 2] and len({job.seed for job in jobs}) == 2
    assert all(job.style_preset == preset and job.final_prompt.endswith("rice paper") for job in jobs)
    group = tester.locator(f'[data-group="{jobs[0].variation_group}"]')
    expect(group.locator("li.job")).to_have_count(2)
    expect(group).to_contain_text("Variation 2 of 2")
    finished = wait_for_terminal([job.pk for job in jobs], timeout=150, worker=worker)
    assert {job.status for job in finished} == {JobStatus.SUCCEEDED}
    tester.reload()
    expect(group.locator("video[data-preview][poster]")).to_have_count(2)  # the poster, the preview on hover
    shot_at_both_widths(story, tester, "library-group")
    assert jobs[1].output.parameters["final_prompt"] == f"{PROMPT}, sumi ink wash, rice paper"

    # When they open the second variation and remix it with a changed prompt
    group.locator(f"#job-{jobs[1].pk} a.thumb").click()
    expect(tester.locator("[data-variations]")).to_contain_text("Variation 2 of 2")
    expect(tester.locator("[data-variations] a")).to_have_count(2)
    expect(tester.locator(".player video")).to_be_visible()
    shot_at_both_widths(story, tester, "variation-page")
    tester.get_by_role("link", name="Remix").click()
    expect(tester.locator("p[data-remix-of]")).to_contain_text(jobs[1].output.short_id)
    expect(tester.get_by_label("Prompt", exact=True)).to_have_value(PROMPT)
    expect(tester.get_by_label("Style")).to_have_value(str(preset.pk))
    unfold_composer(tester)
    expect(tester.get_by_label("Seed")).to_have_value(str(jobs[1].seed))
    tester.get_by_label("Prompt", exact=True).fill(REMIX_PROMPT)
    shot_at_both_widths(story, tester, "remix-composer")
    tester.get_by_role("button", name="Generate").click()
    expect(tester).to_have_url(re.compile(r"/library/#job-"))

    # Then the remix names its parent, and the parent lists the remix
    remix = GenerationJob.objects.get(remix_of=jobs[1].output)
    assert (remix.prompt, remix.seed, remix.style_preset) == (REMIX_PROMPT, jobs[1].seed, preset)
    tester.goto(f"/generations/{remix.pk}/")
    lineage = tester.locator("p[data-remix-of]")
    expect(lineage).to_contain_text(f"Remix of output {jobs[1].output.short_id}")
    shot_at_both_widths(story, tester, "remix-page")
    lineage.get_by_role("link").click()
    expect(tester).to_have_url(re.compile(rf"/generations/{jobs[1].pk}/$"))
    expect(tester.locator("[data-remixes]")).to_contain_text(REMIX_PROMPT)
    shot_at_both_widths(story, tester, "parent-page")
