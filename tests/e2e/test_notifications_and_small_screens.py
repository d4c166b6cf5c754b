"""In Chromium: a tester is told of a review decision (the unread count, the notification centre, marking read),
the invitation opens a sign-up page that names what it opens, and no portal page is wider than a phone (390 px).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accessprogram.models import Cohort, NdaVersion
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from review.services.reviews import review_decide
from review.services.sharing import gallery_add, share_link_create
from tests.conftest import make_output
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
INVITATION_LINK = re.compile(r"https?://\S+/invite/[\w-]+/")


# The innermost elements that reach past the viewport's right edge: what a failure should name.
PAST_THE_EDGE = """(edge) => Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > edge
        && !Array.from(el.children).some((child) => child.getBoundingClientRect().right > edge))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} in ${el.parentElement.tagName.toLowerCase()}`)"""


def document_width(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_a_tester_is_told_of_the_approval_and_marks_it_read(
    story, artist, reviewer, demo_generation_model, reason_codes
):
    output = make_output(artist, demo_generation_model)

    # Given a reviewer approves the artist's output from the review page
    rev = story.person("reviewer")
    sign_in(rev, reviewer.email, totp=True)
    rev.goto(f"/review/{output.pk}/")
    rev.get_by_label("Approve").check()
    rev.get_by_role("button", name="Record decision").click()
    expect(rev.get_by_role("status")).to_contain_text(f"Approved: output {output.short_id}")

    # When the artist next opens the portal, the top bar counts one unread notification
    tester = story.person("tester")
    sign_in(tester, artist.email)
    count = tester.locator(".notifications-link .count")
    expect(count).to_contain_text("1")
    story.shot(tester, "desktop-nav-with-unread")

    # And on a phone the menu folds behind a toggle, the count staying in sight
    tester.set_viewport_size(PHONE)
    toggle = tester.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(tester.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(count).to_be_visible()
    story.shot(tester, "phone-nav-closed")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(tester.get_by_role("navigation", name="Main").get_by_role("link", name="Library")).to_be_visible()
    assert document_width(tester) <= PHONE["width"]
    story.shot(tester, "phone-nav-open")

    # Then the notification page says what was decided, links to the job, and marks it read
    tester.locator(".notifications-link").click()
    title = f"Output {output.short_id} was approved"
    expect(tester.get_by_role("link", name=title)).to_have_attribute("href", f"/generations/{output.job_id}/")
    assert document_width(tester) <= PHONE["width"]
    story.shot(tester, "phone-notifications")
    tester.set_viewport_size(DESKTOP)
    story.shot(tester, "desktop-notifications")
    tester.get_by_role("button", name="Mark read").click()
    expect(tester.locator(".notification.unread")).to_have_count(0)
    expect(count).to_have_count(0)
    story.shot(tester, "desktop-notifications-read")


def test_the_invitation_names_program_cohort_role_and_inviter(story, admin_user, cohort, mailoutbox):
    # Given an admin invites an artist (the e-mail is sent once the invitation is stored)
    invitation_create(actor=Actor(user=admin_user), email="noor@vernissage.test", role="artist", cohort=cohort)
    (link,) = INVITATION_LINK.findall(mailoutbox[0].body)
    assert link.startswith(story.base_url)

    # When a visitor first meets the sign-in page, it says the program is invitation-only
    visitor = story.person("visitor")
    visitor.goto("/accounts/login/")
    expect(visitor.get_by_text("invitation-only")).to_be_visible()
    expect(visitor.get_by_role("link", name=re.compile("sign up", re.I))).to_have_count(0)
    story.shot(visitor, "desktop-sign-in")
    visitor.set_viewport_size(PHONE)
    assert document_width(visitor) <= PHONE["width"]
    story.shot(visitor, "phone-sign-in")

    # Then the invitation link opens a sign-up page naming the program, cohort, role and inviter
    visitor.set_viewport_size(DESKTOP)
    visitor.goto(link)
    details = visitor.locator(".invitation-details")
    for shown in (cohort.program.name, cohort.name, "Artist", admin_user.display_name):
        expect(details).to_contain_text(shown)
    email = visitor.locator("input[name=email]")
    expect(email).to_have_value("noor@vernissage.test")
    expect(email).not_to_be_editable()
    story.shot(visitor, "desktop-sign-up")
    visitor.set_viewport_size(PHONE)
    assert document_width(visitor) <= PHONE["width"]
    story.shot(visitor, "phone-sign-up")


# Pages beyond each person's navigation, with the rows named in `pages`; the navigation's links are added.
EXTRA = {
    "anonymous": ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/", "/gallery/", "{share}"],
    "artist": [
        "/notifications/",
        "/accounts/preferences/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/api/v1/generations/",
        "{job}",
        "{share}",
        "{report}",
    ],
    "reviewer": ["/notifications/", "/accounts/2fa/", "{review}", "/review/metrics/"],
    "admin": ["/notifications/", "{review}", "{cohort}", "{nda}"],
}


@pytest.fixture
def pages(admin_user, artist, reviewer, demo_generation_model, cohort, reason_codes) -> dict[str, str]:
    """An approved, shared output with a long unbroken prompt and credit, a pending one, a bug report."""
    from contributions.services.reports import report_create

    long_word = "supercalifragilistic" * 6
    approved = make_output(artist, demo_generation_model)
    approved.job.prompt = f"a lighthouse {long_word} at dawn"
    approved.job.save(update_fields=["prompt"])
    review_decide(actor=Actor(user=reviewer), output=approved, decision="approve", note=long_word)
    link = share_link_create(actor=Actor(user=artist), output=approved, credit_line=long_word[:60])
    gallery_add(actor=Actor(user=artist), output=approved, credit_line=long_word[:60])
    pending = make_output(artist, demo_generation_model)
    report = report_create(
        actor=Actor(user=artist), reporter=artist, type="bug", severity="low", title=long_word, text=long_word
    )
    return {
        "share": f"/s/{link.slug}/",
        "job": f"/generations/{approved.job_id}/",
        "review": f"/review/{pending.pk}/",
        "report": f"/feedback/{report.pk}/",
        "cohort": f"/staff/cohorts/{Cohort.objects.get(pk=cohort.pk).pk}/",
        "nda": f"/staff/nda/{NdaVersion.objects.get().pk}/",
    }


@pytest.mark.parametrize("who", ["anonymous", "artist", "reviewer", "admin"])
def test_no_portal_page_is_wider_than_a_phone(story, request, pages, who):
    page = story.person(who)
    page.set_viewport_size(PHONE)
    if who != "anonymous":
        user = request.getfixturevalue("admin_user" if who == "admin" else who)
        sign_in(page, user.email, totp=who in ("admin", "reviewer"))
    paths = [path.format(**pages) for path in EXTRA[who]]
    if who != "anonymous":
        nav = page.eval_on_selector_all("nav[aria-label=Main] a", "links => links.map(a => a.getAttribute('href'))")
        paths += [link for link in nav if link not in paths and not link.startswith("/admin/")]
    too_wide = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        width = document_width(page)
        if width > PHONE["width"]:
            too_wide.append(f"{path}: {width} px, past the edge: {page.evaluate(PAST_THE_EDGE, PHONE['width'])}")
            story.shot(page, f"too-wide-{len(too_wide)}")
    story.shot(page, f"{who}-last-page")

    assert len(paths) >= 5 and not too_wide, "Pages wider than 390 px:\n" + "\n".join(too_wide)
