"""Every form a person submits, in Chromium: the share link's passphrase, sign-in, invitation sign-up with the NDA,
and password reset.

Django's test client sends no `Origin` or `Referer` and runs no script; a browser does both, so a CSRF or CSP
rule that only a browser trips is caught here. E-mail is Django's locmem outbox; the console must stay clean
(the story fixture fails the test on any console error, CSP violations included).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accessprogram.models import Role
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from review.services.reviews import review_decide
from review.services.sharing import share_link_create
from tests.accessprogram.helpers import SIGNUP_PASSWORD
from tests.conftest import PASSWORD, make_output
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+")
PASSPHRASE = "moonlit lake at dawn"


def test_a_visitor_opens_a_passphrase_share_link(story, artist, reviewer, demo_generation_model):
    output = make_output(artist, demo_generation_model)
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    link = share_link_create(actor=Actor(user=artist), output=output, passphrase=PASSPHRASE, credit_line="Aiko")
    visitor = story.person("visitor")

    visitor.goto(f"/s/{link.slug}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("This link needs a passphrase")
    visitor.get_by_label("Passphrase").fill("not the passphrase")
    visitor.get_by_role("button", name="Open").click()
    expect(visitor.get_by_text("That passphrase does not open this link.")).to_be_visible()
    story.shot(visitor, "wrong-passphrase")
    # A wrong passphrase answers 400 with the form: Chromium reports that status on the console.
    story.problems = [p for p in story.problems if "400 (Bad Request)" not in p]

    visitor.get_by_label("Passphrase").fill(PASSPHRASE)
    visitor.get_by_role("button", name="Open").click()

    expect(visitor.locator("video")).to_be_visible()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("A video by Aiko")  # the credit line
    story.shot(visitor, "unlocked")


def test_a_tester_signs_in_after_a_wrong_password(story, artist):
    page = story.person("tester")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", artist.email)
    page.fill("input[name=password]", "not-my-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
    story.shot(page, "wrong-password")

    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Aiko Artist")
    story.shot(page, "signed-in")


def test_an_invited_artist_signs_up_and_signs_the_nda(story, cohort, nda, mailoutbox):
    invitation_create(actor=Actor.system(), email="noor@vernissage.test", role=Role.ARTIST, cohort=cohort, send=True)
    (link,) = [url for url in LINK.findall(mailoutbox[0].body) if "/invite/" in url]
    page = story.person("newcomer")

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.fill("input[name=full_name]", "Noor Newcomer")
    page.fill("input[name=password1]", SIGNUP_PASSWORD)
    page.fill("input[name=password2]", SIGNUP_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page).to_have_url(re.compile(r"/nda/"))
    page.get_by_label("Type your full name to sign").fill("Someone Else")
    page.get_by_label("I will keep unapproved outputs confidential.").check()
    page.get_by_role("button", name="I accept this agreement").click()
    expect(page.get_by_text("Type your full name as it is on your account")).to_be_visible()
    story.problems = [p for p in story.problems if "400 (Bad Request)" not in p]
    story.shot(page, "nda-wrong-name")

    page.get_by_label("Type your full name to sign").fill("Noor Newcomer")
    page.get_by_label("I will keep unapproved outputs confidential.").check()
    page.get_by_role("button", name="I accept this agreement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Noor Newcomer")
    story.shot(page, "nda-signed")


def test_a_tester_resets_a_forgotten_password_and_signs_in_with_the_new_one(story, artist, mailoutbox):
    page = story.person("tester")
    page.goto("/accounts/login/")
    page.get_by_role("link", name=re.compile("Forgot", re.I)).click()
    page.fill("input[name=email]", artist.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))

    (link,) = [url for url in LINK.findall(mailoutbox[-1].body) if "/password/reset/key/" in url]
    page.goto(link)
    page.fill("input[name=password1]", SIGNUP_PASSWORD)
    page.fill("input[name=password2]", SIGNUP_PASSWORD)
    page.get_by_role("button", name="Change Password").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))
    story.shot(page, "password-changed")

    page.goto("/accounts/login/")
    page.fill("input[name=login]", artist.email)
    page.fill("input[name=password]", SIGNUP_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aiko Artist")


def test_behind_the_proxy_a_strangers_failures_do_not_lock_the_admin_out(story, admin_user, settings):
    """The site behind one trusted proxy, which names each browser's address in X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    stranger = story.person("stranger", extra_http_headers={"X-Forwarded-For": "203.0.113.5"})
    stranger.goto("/accounts/login/")
    for _ in range(6):
        stranger.fill("input[name=login]", admin_user.email)
        stranger.fill("input[name=password]", "guessing")
        stranger.get_by_role("button", name="Sign In").click()
        expect(stranger.locator("input[name=password]")).to_be_visible()
    expect(stranger.get_by_text("Too many failed login attempts")).to_be_visible()
    story.shot(stranger, "stranger-limited")

    admin = story.person("admin", extra_http_headers={"X-Forwarded-For": "198.51.100.20"})
    sign_in(admin, admin_user.email, totp=True)

    expect(admin.get_by_role("navigation", name="Main").get_by_role("link", name="Suspensions")).to_be_visible()
    story.shot(admin, "admin-signed-in")
