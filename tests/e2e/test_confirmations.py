"""Dangerous actions in Chromium: each says what it reaches and acts only once confirmed.

A suspension shows the testers, tokens and videos it stops (the whole program also needs its name typed),
publishing an NDA shows how many testers must sign again, and revoking a token or a share link asks in a
dialog (static/js/confirm.js) or, without script, on a confirmation page. Every confirmation is shot at
1280 and 390 px wide, and none is wider than the window.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accessprogram.models import NdaVersion, Program
from accessprogram.services.context import Actor
from accessprogram.services.nda import TranslationSpec, nda_create_draft
from accessprogram.services.suspensions import is_suspended
from review.models import ShareLink
from review.services.reviews import review_decide
from review.services.sharing import share_link_create
from tests.accessprogram.conftest import issue_token
from tests.conftest import make_job, make_output
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import axe_violations, blocking

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def shoot_at_both_widths(story, page: Page, label: str, *, axe: bool = True) -> None:
    """Screenshots at 1280 and 390 px; the page must fit the narrow window and pass axe-core (which needs
    script: a page without it is checked by the walk in test_accessibility instead)."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(
            """(width) => Array.from(document.querySelectorAll("body *"))
                .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".table-wrap"))
                .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
                .slice(0, 5)""",
            width,
        )
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= width, f"{label} is {overflow} px wide in a {width} px window: {wide}"
        story.shot(page, f"{label}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    if axe:
        found = blocking(axe_violations(page))
        assert not found, found


def test_an_admin_suspends_a_cohort_after_seeing_what_it_stops_and_the_program_only_by_its_name(
    story, admin_user, artist, artist2, red_teamer, cohort, demo_generation_model
):
    issue_token(artist)
    make_job(artist, demo_generation_model, prompt="a lighthouse")
    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    # Reached from the portal's menu, as every step of an admin's day is, never through the Django admin.
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Suspensions").click()

    # The whole program: an empty target, or anything but its exact name, is a form error.
    admin.get_by_label("Scope").select_option("program")
    admin.get_by_label("Reason").fill("Leak under investigation")
    admin.get_by_role("button", name="Suspend now").click()
    expect(admin.get_by_text("This field is required.")).to_be_visible()
    admin.get_by_label("Scope").select_option("program")
    admin.get_by_label("Target").fill(Program.current().name.lower())
    admin.get_by_role("button", name="Suspend now").click()
    expect(admin.get_by_role("alert").filter(has_text="type the program's name")).to_be_visible()
    story.shot(admin, "program-name-refused")
    admin.get_by_label("Target").fill(Program.current().name)
    admin.get_by_role("button", name="Suspend now").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Suspend the whole program")
    expect(admin.get_by_text("3 testers lose access")).to_be_visible()
    shoot_at_both_widths(story, admin, "program-confirmation")
    admin.get_by_role("link", name="Cancel").click()
    assert not is_suspended(artist) and not is_suspended(red_teamer)

    # A cohort: first what it stops, then the suspension.
    admin.get_by_label("Scope").select_option("cohort")
    admin.get_by_label("Target").fill(cohort.name)
    admin.get_by_label("Reason").fill("Shared credentials")
    admin.get_by_role("button", name="Suspend now").click()
    for line in ("2 testers lose access", "1 live access token stops working", "1 queued video is cancelled"):
        expect(admin.get_by_text(line)).to_be_visible()
    expect(admin.get_by_text("0 rendering videos stop")).to_be_visible()
    shoot_at_both_widths(story, admin, "cohort-confirmation")
    assert not is_suspended(artist)
    admin.get_by_role("button", name="Suspend now").click()

    expect(admin.get_by_text(f"Suspended {cohort.name}.")).to_be_visible()
    assert is_suspended(artist) and is_suspended(artist2) and not is_suspended(red_teamer)
    story.shot(admin, "cohort-suspended")
    # Both refusals answered 400 with the form: Chromium reports that status on the console.
    story.problems = [p for p in story.problems if "400 (Bad Request)" not in p]


def test_an_admin_publishes_an_nda_version_after_seeing_who_must_sign_again(
    story, admin_user, artist, artist2, unsigned_tester, nda
):
    translations = [TranslationSpec(code, f"Accord ({code})", "Texte.", {}) for code in ("fr", "it", "ja")]
    draft = nda_create_draft(
        actor=Actor.system(), title="Second agreement", body_markdown="Terms.", translations=translations
    )
    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    admin.goto(f"/staff/nda/{draft.pk}/")

    admin.get_by_role("button", name=f"Publish version {draft.version}…").click()

    expect(admin.get_by_text("3 testers must accept it before they can go on.")).to_be_visible()
    shoot_at_both_widths(story, admin, "nda-confirmation")
    draft.refresh_from_db()
    assert draft.status == NdaVersion.Status.DRAFT
    admin.get_by_role("button", name=f"Publish version {draft.version}").click()
    expect(admin).to_have_url(re.compile(rf"/staff/nda/{draft.pk}/$"))
    draft.refresh_from_db()
    assert draft.status == NdaVersion.Status.PUBLISHED


def test_revoking_a_token_or_a_share_link_asks_first_with_script_or_without(
    story, artist, reviewer, demo_generation_model
):
    issued = issue_token(artist, name="render farm")
    spare = issue_token(artist, name="laptop")
    output = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    link = share_link_create(actor=Actor(user=artist), output=output, credit_line="Aiko")
    tester = story.person("tester")
    sign_in(tester, artist.email)

    # With script: a dialog asks; cancelling leaves the token working.
    tester.goto("/tokens/")
    row = tester.get_by_role("row").filter(has_text="render farm")
    row.get_by_role("button", name="Revoke").click()
    dialog = tester.get_by_role("dialog")
    expect(dialog).to_contain_text("Revoke the token “render farm”?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    shoot_at_both_widths(story, tester, "token-dialog")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    row.get_by_role("button", name="Revoke").click()
    tester.get_by_role("dialog").get_by_role("button", name="Revoke the token").click()
    expect(tester.get_by_text("Token “render farm”")).to_be_visible()
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None

    # The share link on the video's page, the same way.
    tester.goto(f"/generations/{output.job_id}/")
    tester.get_by_role("button", name="Revoke").click()
    expect(tester.get_by_role("dialog")).to_contain_text("Revoke this share link?")
    shoot_at_both_widths(story, tester, "share-link-dialog")
    tester.get_by_role("dialog").get_by_role("button", name="Revoke the link").click()
    expect(tester.get_by_text("Share link revoked.")).to_be_visible()
    assert ShareLink.objects.get(pk=link.pk).revoked_at is not None

    # Without script: the server's confirmation page asks instead.
    plain = story.person("tester-without-script", java_script_enabled=False)
    sign_in(plain, artist.email)
    plain.goto("/tokens/")
    plain.get_by_role("row").filter(has_text="laptop").get_by_role("button", name="Revoke").click()
    expect(plain.get_by_role("heading", level=1)).to_have_text(re.compile("Revoke the token “laptop”"))
    shoot_at_both_widths(story, plain, "token-confirmation-page", axe=False)
    spare.token.refresh_from_db()
    assert spare.token.revoked_at is None
    plain.get_by_role("button", name="Revoke the token").click()
    expect(plain.get_by_text("Token “laptop”")).to_be_visible()
    spare.token.refresh_from_db()
    assert spare.token.revoked_at is not None
