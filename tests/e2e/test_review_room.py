"""The review room in Chromium: a ranged note with a drawing, a request for changes answered by a revision that
a real worker renders, both versions compared (wipe and side by side), and the approval."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accessprogram.services.context import Actor
from generation.models import Output
from generation.services.submit import GenerationRequest, generation_job_submit
from review.models import Note, Revision
from tests.e2e.conftest import sign_in
from tests.generation.conftest import wait_for_terminal

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shot_both_widths(story, page: Page, label: str) -> None:
    """A screenshot at 1280 px and one at 390 px, where nothing may be wider than the screen."""
    story.shot(page, f"{label}-1280")
    page.set_viewport_size(PHONE)
    wider = page.evaluate("() => document.documentElement.scrollWidth")
    if wider > PHONE["width"]:
        overflowing = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width)
                .slice(0, 8)
                .map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)""",
            PHONE["width"],
        )
        raise AssertionError(f"{label} is {wider} px wide at {PHONE['width']} px: {overflowing}")
    story.shot(page, f"{label}-390")
    page.set_viewport_size(DESKTOP)


def canvas_has_ink(page: Page) -> bool:
    return page.evaluate(
        """() => {
            const canvas = document.querySelector(".draw-canvas");
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
            return false;
        }"""
    )


def render(worker, user, prompt: str) -> Output:
    job = generation_job_submit(
        actor=Actor(user=user),
        user=user,
        request=GenerationRequest(
            prompt=prompt, resolution="256p", aspect_ratio="1:1", num_frames=9, steps=2, guidance=1.0, seed=2024
        ),
    )
    (finished,) = wait_for_terminal([job.pk], worker=worker)
    assert finished.status == "succeeded", finished.error
    return Output.objects.get(job=job)


def test_a_reviewer_notes_requests_changes_compares_the_revision_and_approves(
    story, start_worker, demo_generation_model, reviewer, artist, reason_codes
):
    worker = start_worker()
    first = render(worker, artist, "a lighthouse at dusk in thick fog")

    # Given a reviewer on the queue: a thumbnail per output that scrubs through the video under the pointer
    rev = story.person("reviewer")
    sign_in(rev, reviewer.email, totp=True)
    rev.goto("/review/")
    row = rev.get_by_role("row").filter(has_text="a lighthouse at dusk")
    expect(row).to_contain_text("256×256")
    scrub = row.locator("[data-scrub]")
    box = scrub.bounding_box()
    rev.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    rev.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] / 2)
    rev.wait_for_function("() => document.querySelector('[data-scrub] video').currentTime > 0")
    assert scrub.locator("video").evaluate("(v) => v.muted") is True
    shot_both_widths(story, rev, "queue")
    rev.mouse.move(0, 0)

    # When they open it, step to frame 1 and press i, step to frame 3 and press o, and draw on the frame
    row.get_by_role("link", name=first.short_id).click()
    expect(rev.get_by_role("heading", level=1)).to_contain_text(first.short_id)
    rev.wait_for_function("() => document.querySelector('[data-review-video]').readyState >= 1")
    readout = rev.locator("[data-frame-readout]")
    rev.keyboard.press(".")
    expect(readout).to_have_text("Frame 1")
    rev.keyboard.press("i")
    rev.keyboard.press(".")
    rev.keyboard.press(".")
    expect(readout).to_have_text("Frame 3")
    rev.keyboard.press("o")
    form = rev.locator("[data-note-form]")
    expect(form.get_by_label("In (frame)")).to_have_value("1")
    expect(form.get_by_label("Out (frame, optional)")).to_have_value("3")
    rev.get_by_label("Speed").select_option("0.5")
    assert rev.locator("[data-review-video]").evaluate("(v) => v.playbackRate") == 0.5
    form.get_by_role("button", name="Draw on the frame").click()
    rev.locator(".draw-canvas").scroll_into_view_if_needed()
    canvas = rev.locator(".draw-canvas").bounding_box()
    rev.mouse.move(canvas["x"] + canvas["width"] * 0.2, canvas["y"] + canvas["height"] * 0.2)
    rev.mouse.down()
    for step in range(1, 8):
        rev.mouse.move(canvas["x"] + canvas["width"] * (0.2 + step * 0.08), canvas["y"] + canvas["height"] * 0.5)
    rev.mouse.up()
    expect(form.locator("[data-stroke-count]")).to_have_text("1")
    form.get_by_label("Note", exact=True).fill("The lamp is lost in the fog <b>here</b>")
    form.get_by_role("button", name="Add note").click()
    expect(rev.get_by_role("status")).to_contain_text("Note added at frame 1.")
    note = Note.objects.get()
    assert (note.frame_in, note.frame_out, len(note.drawing)) == (1, 3, 1)
    assert all(0 <= v <= 1 for stroke in note.drawing for point in stroke["points"] for v in point)
    expect(rev.locator(".timeline .marker.range")).to_have_count(1)
    expect(rev.locator(f"#note-{note.pk} .note-body")).to_have_text("The lamp is lost in the fog <b>here</b>")

    # And request changes
    decision = rev.locator("[data-decision-form]")
    decision.get_by_label("Request changes").check()
    decision.get_by_label("Note").fill("Clear the fog so the lamp reads.")
    decision.get_by_role("button", name="Record decision").click()
    expect(rev.get_by_role("status")).to_contain_text(f"output {first.short_id}")

    # Then the tester sees the note on their job page's timeline, with its drawing, and answers with a revision
    tester = story.person("tester")
    sign_in(tester, artist.email)
    tester.goto(f"/generations/{first.job_id}/")
    expect(tester.locator(".review-panel")).to_contain_text("Clear the fog so the lamp reads.")
    marker = tester.locator(".timeline .marker.range")
    expect(marker).to_have_count(1)
    tester.wait_for_function("() => document.querySelector('.player video').readyState >= 1")
    marker.click()
    expect(tester.locator("[data-frame-readout]")).to_have_text("Frame 1")
    assert canvas_has_ink(tester)
    story.shot(tester, "tester-job-notes")
    revision_form = tester.locator("form").filter(has=tester.get_by_role("button", name="Submit revision"))
    expect(revision_form.get_by_label("Revised prompt")).to_have_value("a lighthouse at dusk in thick fog")
    revision_form.get_by_label("Revised prompt").fill("a lighthouse at dusk, clear air, the lamp shining")
    revision_form.get_by_role("button", name="Submit revision").click()
    expect(tester.get_by_role("status")).to_contain_text("Revision queued with the same seed")
    revision = Revision.objects.get()
    expect(tester).to_have_url(re.compile(rf"/generations/{revision.job_id}/$"))
    (finished,) = wait_for_terminal([revision.job_id], worker=worker)
    assert finished.status == "succeeded", finished.error
    second = Output.objects.get(job_id=revision.job_id)
    assert second.seed == first.seed

    # When the reviewer finds it in the queue flagged as a revision, with the first version's history
    rev.goto("/review/")
    row = rev.get_by_role("row").filter(has_text="clear air")
    expect(row.locator(".badge.revision")).to_have_text("revision")
    row.get_by_role("link", name=second.short_id).click()
    expect(rev.locator("ol.versions li")).to_have_count(2)
    expect(rev.locator(".carried")).to_contain_text("Clear the fog so the lamp reads.")
    expect(rev.locator(".carried")).to_contain_text("The lamp is lost in the fog")
    shot_both_widths(story, rev, "item-with-history")

    # And compares the versions side by side, playing together, then with the wipe
    rev.get_by_role("link", name="Compare").click()
    expect(rev.get_by_role("heading", level=1)).to_have_text("Version 1 and version 2")
    rev.wait_for_function(
        "() => [...document.querySelectorAll('[data-compare] video')].every((v) => v.readyState >= 2)"
    )
    rev.get_by_role("button", name="Play both").click()
    rev.wait_for_function(
        """() => {
            const [a, b] = document.querySelectorAll('[data-compare] video');
            return !a.paused && !b.paused && a.currentTime > 0.1;
        }"""
    )
    rev.get_by_role("button", name="Play both").click()
    drift = rev.evaluate(
        """() => {
            const [a, b] = document.querySelectorAll('[data-compare] video');
            return Math.abs(a.currentTime - b.currentTime);
        }"""
    )
    assert drift < 0.1, drift
    shot_both_widths(story, rev, "compare-side-by-side")
    rev.get_by_role("button", name="A/B wipe").click()
    wipe = rev.get_by_label("Wipe position")
    wipe.fill("30")
    assert "30%" in rev.locator("[data-video=B]").evaluate("(v) => v.style.clipPath")
    a_box, b_box = rev.locator("[data-video=A]").bounding_box(), rev.locator("[data-video=B]").bounding_box()
    assert (a_box["x"], a_box["y"]) == (b_box["x"], b_box["y"])  # one over the other
    shot_both_widths(story, rev, "compare-wipe")

    # Then approves the revision
    rev.get_by_role("link", name=re.compile("Back to")).click()
    rev.locator("[data-decision-form]").get_by_label("Approve").check()
    rev.locator("[data-decision-form]").get_by_role("button", name="Record decision").click()
    expect(rev.get_by_role("status")).to_contain_text(f"Approved: output {second.short_id}")
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.review_status, second.review_status) == ("changes_requested", "approved")
