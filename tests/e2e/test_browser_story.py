"""The program's story in a real browser: invite, sign up, sign the NDA, generate, review, share, watch.

The site runs on loopback (pytest-django's live server), a real Celery worker process renders with the demo
model, and Debian's Chromium plays the MP4s. E-mail is the only thing mocked (Django's locmem outbox).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from generation.engine.encode import encode_mp4
from generation.models import GenerationJob, Output
from review.models import ShareLink
from tests.accessprogram.helpers import SIGNUP_PASSWORD
from tests.conftest import make_output
from tests.e2e.conftest import play, sign_in, unfold_composer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NEWCOMER = "noor@vernissage.test"
INVITATION_LINK = re.compile(r"https?://\S+/invite/[\w-]+/")


def test_an_invited_artist_generates_a_video_that_is_approved_shared_and_played_in_public(
    story, start_worker, demo_generation_model, admin_user, reviewer, cohort, nda, reason_codes, mailoutbox
):
    # The GPU worker starts first: it loads the pipeline while the people below click through the site.
    worker = start_worker()

    # Given an admin signs in with their authenticator and invites an artist from the invitations page
    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    story.shot(admin, "admin-dashboard")
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Invitations").click()
    invite = admin.locator("form[method=post]").filter(has=admin.get_by_role("button", name="Send invitation"))
    invite.get_by_label("E-mail").fill(NEWCOMER)
    invite.get_by_label("Role").select_option("artist")
    invite.get_by_label("Cohort").select_option(label=cohort.name)
    invite.get_by_role("button", name="Send invitation").click()
    expect(admin.get_by_role("status")).to_contain_text(f"Invitation sent to {NEWCOMER}")
    expect(admin.get_by_role("row").filter(has_text=NEWCOMER)).to_contain_text("Pending")
    story.shot(admin, "admin-invited")

    # When the artist opens the link in their e-mail, signs up and signs the NDA
    assert [m.to for m in mailoutbox] == [[NEWCOMER]]
    (link,) = INVITATION_LINK.findall(mailoutbox[0].body)
    tester = story.person("tester")
    tester.goto(link)
    expect(tester).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(tester.locator("input[name=email]")).to_have_value(NEWCOMER)
    tester.fill("input[name=full_name]", "Noor Newcomer")
    tester.fill("input[name=password1]", SIGNUP_PASSWORD)
    tester.fill("input[name=password2]", SIGNUP_PASSWORD)
    story.shot(tester, "tester-signup")
    tester.get_by_role("button", name="Sign Up").click()
    expect(tester).to_have_url(re.compile(r"/nda/"))
    expect(tester.get_by_role("heading", level=1)).to_have_text(nda.title)
    tester.get_by_label("Type your full name to sign").fill("Noor Newcomer")
    tester.get_by_label("I will keep unapproved outputs confidential.").check()
    story.shot(tester, "tester-nda")
    tester.get_by_role("button", name="I accept this agreement").click()
    expect(tester.get_by_role("heading", level=1)).to_have_text("Welcome, Noor Newcomer")
    story.shot(tester, "tester-dashboard")

    # And generates a short video from the generate page
    tester.get_by_role("navigation", name="Main").get_by_role("link", name="Generate").click()
    tester.get_by_label("Prompt", exact=True).fill("a paper boat on a moonlit lake")
    unfold_composer(tester)
    tester.get_by_label("Resolution").select_option("256p")
    tester.get_by_label("Aspect ratio").select_option("1:1")
    tester.get_by_label("Duration (seconds)").fill("0.5")
    tester.get_by_label("Steps").fill("6")
    tester.get_by_label("Guidance").fill("1")
    tester.get_by_label("Seed").fill("2024")
    story.shot(tester, "tester-generate")
    tester.get_by_role("button", name="Generate").click()
    expect(tester).to_have_url(re.compile(r"/library/#job-"))
    job = GenerationJob.objects.get(owner__email=NEWCOMER)
    card = tester.locator(f"#job-{job.pk}")
    expect(card).to_contain_text("a paper boat on a moonlit lake")
    story.shot(tester, "tester-library-queued")

    # Then the job page shows progress as the worker renders, and the finished video, without a reload
    card.get_by_role("link").first.click()
    expect(tester).to_have_url(re.compile(rf"/generations/{job.pk}/$"))
    tester.evaluate(
        """() => {
            window.__sameDocument = true;
            window.__seen = [];
            const label = document.querySelector("[data-status-label]");
            const progress = document.querySelector("[data-progress]");
            window.__watch = setInterval(() => {
                const seen = label.textContent.trim() + " " + progress.value + "/" + progress.max;
                if (window.__seen[window.__seen.length - 1] !== seen) window.__seen.push(seen);
            }, 50);
        }"""
    )
    try:
        tester.wait_for_selector(".player video", timeout=90_000)
    except PlaywrightTimeout:
        print(worker.output())
        raise
    seen = tester.evaluate("() => { clearInterval(window.__watch); return window.__seen; }")
    assert tester.evaluate("() => window.__sameDocument") is True
    # At least one progress report arrived from the worker (a denoising step, or the decode after the last).
    assert any(re.fullmatch(r"Running [1-6]/6", s) for s in seen) and seen[-1] == "Succeeded 6/6", seen
    expect(tester.get_by_role("button", name="Cancel")).to_have_count(0)
    story.shot(tester, "tester-progress-finished")

    # And the video plays in the browser
    played = play(tester, ".player video")
    assert played["error"] is None and played["readyState"] >= 2, played
    assert (played["width"], played["height"]) == (256, 256)
    assert played["duration"] == pytest.approx(9 / 16, abs=0.1)
    assert played["currentTime"] > played["started"], played
    story.shot(tester, "tester-plays")
    output = Output.objects.get(job=job)

    # When a reviewer opens it from the review queue, plays it with the space bar and approves it with "a"
    rev = story.person("reviewer")
    sign_in(rev, reviewer.email, totp=True)
    rev.get_by_role("navigation", name="Main").get_by_role("link", name="Review queue").click()
    row = rev.get_by_role("row").filter(has_text="a paper boat on a moonlit lake")
    expect(row).to_contain_text("Noor Newcomer")
    story.shot(rev, "reviewer-queue")
    row.get_by_role("link", name=output.short_id).click()
    expect(rev.get_by_role("heading", level=1)).to_contain_text(output.short_id)
    rev.locator("[data-review-video]").evaluate("(video) => { video.muted = true; }")
    rev.keyboard.press(" ")
    rev.wait_for_function("() => document.querySelector('[data-review-video]').currentTime > 0")
    story.shot(rev, "reviewer-item")
    rev.keyboard.press("a")
    expect(rev.get_by_role("status")).to_contain_text(f"Approved: output {output.short_id}")
    story.shot(rev, "reviewer-approved")
    output.refresh_from_db()
    assert output.review_status == "approved"

    # Then the artist sees the approval and creates a share link
    tester.reload()
    panel = tester.locator(".review-panel")
    expect(panel).to_contain_text("Approved")
    panel.get_by_text("New share link").click()
    share_form = panel.locator("form").filter(has=tester.get_by_role("button", name="Create link"))
    share_form.get_by_label("Credit line").fill("Noor Newcomer, Founding artists")
    share_form.get_by_label("Show the prompt on the public page").check()
    share_form.get_by_role("button", name="Create link").click()
    expect(tester.get_by_role("status")).to_contain_text("Share link created")
    share = ShareLink.objects.get(output=output)
    public_url = f"{story.base_url}/s/{share.slug}/"
    expect(tester.locator(".review-panel").get_by_role("link", name=public_url)).to_be_visible()
    story.shot(tester, "tester-shared")

    # And an anonymous visitor opens the link and the video plays
    visitor = story.person("visitor")
    response = visitor.goto(public_url)
    assert response.status == 200
    expect(visitor.locator("body")).to_contain_text("Noor Newcomer, Founding artists")
    expect(visitor.locator("body")).to_contain_text("a paper boat on a moonlit lake")
    played = play(visitor, ".public-video video")
    assert played["error"] is None and played["readyState"] >= 2 and played["currentTime"] > played["started"]
    assert played["duration"] == pytest.approx(9 / 16, abs=0.1)
    story.shot(visitor, "visitor-plays")
    # The visitor still reaches nothing private: not the owner's media URL, not the job page.
    assert visitor.request.get(f"/outputs/{output.pk}/video/", max_redirects=0).status in (302, 404)
    assert visitor.request.get(f"/generations/{job.pk}/", max_redirects=0).status in (302, 404)


def rendered_mp4(tmp_path) -> bytes:
    """A real 17-frame H.264 clip, so the reviewer's player has something to play without running the model."""
    ramp = np.linspace(0, 255, 256, dtype=np.uint8)
    frames = np.stack([np.stack([np.roll(ramp, 8 * i)[None, :].repeat(256, 0)] * 3, axis=-1) for i in range(17)])
    path = tmp_path / "clip.mp4"
    encode_mp4(frames, 16, path)
    return path.read_bytes()


def test_a_rejected_output_stays_private(
    story, reviewer, artist, artist2, demo_generation_model, reason_codes, tmp_path
):
    # Given an artist's finished video waiting for review
    output = make_output(artist, demo_generation_model, video=rendered_mp4(tmp_path))

    # When a reviewer rejects it: "r" picks reject and puts the cursor on the reason
    rev = story.person("reviewer")
    sign_in(rev, reviewer.email, totp=True)
    rev.goto(f"/review/{output.pk}/")
    expect(rev.get_by_role("heading", level=1)).to_contain_text(output.short_id)
    rev.keyboard.press("r")
    expect(rev.get_by_label("Reject")).to_be_checked()
    expect(rev.get_by_label("Reason")).to_be_focused()
    rev.get_by_label("Reason").select_option("quality")
    rev.locator("[data-decision-form]").get_by_label("Note").fill("The horizon flickers; try more steps.")
    story.shot(rev, "reviewer-rejects")
    rev.get_by_role("button", name="Record decision").click()
    expect(rev.get_by_role("status")).to_contain_text(f"Rejected: output {output.short_id}")
    story.shot(rev, "reviewer-rejected")

    # Then the owner sees the reason, no way to share, and a clear refusal if they try anyway
    owner = story.person("owner")
    sign_in(owner, artist.email)
    owner.goto(f"/generations/{output.job_id}/")
    panel = owner.locator(".review-panel")
    expect(panel).to_contain_text("Rejected")
    expect(panel).to_contain_text("The horizon flickers; try more steps.")
    expect(panel.get_by_text("New share link")).to_have_count(0)
    story.shot(owner, "owner-sees-rejection")
    owner.evaluate(
        """(action) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").cloneNode();
            form.appendChild(csrf);
            document.body.appendChild(form);
            form.submit();
        }""",
        f"/outputs/{output.pk}/share/",
    )
    expect(owner.get_by_role("status")).to_contain_text("Only approved outputs can be shared")
    story.shot(owner, "owner-share-refused")
    csrf = owner.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    api = owner.request.post(f"/api/v1/outputs/{output.pk}/share/", headers={"X-CSRFToken": csrf}, data={})
    assert api.status == 409 and "Only approved outputs can be shared" in api.text()
    assert not ShareLink.objects.filter(output=output).exists()

    # And another artist and an anonymous visitor get nothing: no page, no bytes, nothing in the gallery
    other = story.person("other-artist")
    sign_in(other, artist2.email)
    for path in (f"/generations/{output.job_id}/", f"/outputs/{output.pk}/video/", f"/outputs/{output.pk}/poster/"):
        assert other.request.get(path).status == 404, path
    other.goto("/library/")
    expect(other.locator(".library")).not_to_contain_text(output.job.prompt)
    story.shot(other, "other-artist-library")

    visitor = story.person("visitor")
    for path in (f"/outputs/{output.pk}/video/", f"/api/v1/outputs/{output.pk}/media/"):
        response = visitor.request.get(path, max_redirects=0)
        assert response.status in (302, 401, 403, 404) and b"ftyp" not in response.body(), path
    visitor.goto("/gallery/")
    expect(visitor.locator("main")).not_to_contain_text(output.job.prompt)
    story.shot(visitor, "visitor-gallery")
