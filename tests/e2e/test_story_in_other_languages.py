"""The program's story for an artist abroad, in Japanese and in Italian: invite, sign up, NDA, generate, share.

The artist's browser asks for their language and runs in their time zone. The story checks what follows from
that: the pages' language, the zone proposed at sign-up, the NDA text in their language and its evidence, the
budget's reset time in their zone, money as their locale writes it, and the language switcher, for the artist
and for an anonymous visitor of the public page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from accessprogram.models import NdaAcceptance, User
from accessprogram.services.context import Actor
from accessprogram.services.nda import nda_text_digest
from contributions.services.ledger import ledger_post
from contributions.services.reports import report_create
from generation.models import GenerationJob, Output
from review.models import ShareLink
from review.services.reviews import review_decide
from tests.accessprogram.helpers import SIGNUP_PASSWORD
from tests.conftest import NDA_TRANSLATIONS
from tests.contributions.conftest import publish_rate_card
from tests.e2e.conftest import sign_in, unfold_composer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

INVITATION_LINK = re.compile(r"https?://\S+/invite/[\w-]+/")

ARTISTS = {
    "ja": {
        "email": "hanako@vernissage.test",
        "name": "山田 花子",
        "locale": "ja-JP",
        "zone": "Asia/Tokyo",
        "prompt": "夜桜の下で踊る紙の鶴",
        "credit": "山田花子、創設アーティスト",
        "money": "€25.00",
        "written_date": re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\(.\) \d{1,2}:\d{2}"),
        "switch_to": "it",
    },
    "it": {
        "email": "giulia@vernissage.test",
        "name": "Giulia Bianchi",
        "locale": "it-IT",
        "zone": "Europe/Rome",
        "prompt": "una barca di carta su un lago al chiaro di luna",
        "credit": "Giulia Bianchi, artiste fondatrici",
        "money": "25,00\xa0€",
        "written_date": re.compile(r"(lun|mar|mer|gio|ven|sab|dom) \d{1,2} \w{3} \d{4} \d{2}:\d{2}"),
        "switch_to": "ja",
    },
}


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def submit_main_form(page) -> None:
    """Press the one submit button of the page's main form (labels change with the language; the form does not)."""
    page.locator("main form[method=post] button[type=submit]").first.click()


def switch_language(page, code: str) -> None:
    switcher = page.locator("form.language-switcher")
    switcher.locator("select[name=language]").select_option(code)
    switcher.locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["ja", "it"])
def test_an_artist_abroad_signs_up_signs_the_nda_generates_and_shares_in_their_language(
    language,
    story,
    start_worker,
    demo_generation_model,
    admin_user,
    reviewer,
    cohort,
    nda,
    reason_codes,
    mailoutbox,
):
    who = ARTISTS[language]
    translation = next(spec for spec in NDA_TRANSLATIONS if spec.language == language)
    worker = start_worker()

    # Given an admin invites the artist from the invitations page
    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    admin.goto("/staff/invitations/")
    invite = admin.locator("form[method=post]").filter(has=admin.locator("input[name=email]"))
    invite.locator("input[name=email]").fill(who["email"])
    invite.locator("select[name=role]").select_option("artist")
    invite.locator("select[name=cohort]").select_option(label=cohort.name)
    invite.locator("button[type=submit]").click()
    expect(admin.get_by_role("row").filter(has_text=who["email"])).to_be_visible()
    (link,) = INVITATION_LINK.findall(mailoutbox[-1].body)

    # When the artist, whose browser asks for their language in their time zone, opens the link
    tester = story.person("tester", locale=who["locale"], timezone_id=who["zone"])
    tester.goto(link)
    expect(tester).to_have_url(re.compile(r"/accounts/signup/$"))
    assert html_lang(tester) == language
    # Then sign-up proposes the browser's zone (static/js/timezone.js, Intl.DateTimeFormat)
    expect(tester.locator("select[name=time_zone]")).to_have_value(who["zone"])
    tester.fill("input[name=full_name]", who["name"])
    tester.fill("input[name=password1]", SIGNUP_PASSWORD)
    tester.fill("input[name=password2]", SIGNUP_PASSWORD)
    story.shot(tester, "tester-signup")
    submit_main_form(tester)

    # And the NDA is shown in their language, and signed in it
    expect(tester).to_have_url(re.compile(r"/nda/"))
    expect(tester.get_by_role("heading", level=1)).to_have_text(translation.title)
    assert html_lang(tester) == language
    tester.fill("input[name=typed_name]", who["name"])
    tester.get_by_label(translation.clause_texts["confidentiality"]).check()
    story.shot(tester, "tester-nda")
    submit_main_form(tester)
    expect(tester).to_have_url(re.compile(r"/$"))
    user = User.objects.get(email=who["email"])
    assert (user.language, user.time_zone) == (language, who["zone"])
    acceptance = NdaAcceptance.objects.get(user=user)
    assert (acceptance.language, acceptance.text_sha256) == (language, nda_text_digest(nda, language))
    story.shot(tester, "tester-dashboard")

    # And the budget resets at a time in their zone, named, written their way
    tester.goto("/generate/")
    quota = tester.locator("[data-quota]")
    expect(quota).to_contain_text(f"({who['zone']})")
    expect(quota).to_contain_text(who["written_date"])

    # When they generate a short video
    tester.fill("textarea[name=prompt]", who["prompt"])
    unfold_composer(tester)
    tester.select_option("select[name=resolution]", "256p")
    tester.select_option("select[name=aspect_ratio]", "1:1")
    tester.fill("input[name=duration_seconds]", "0.5")
    tester.fill("input[name=steps]", "4")
    tester.fill("input[name=guidance]", "1")
    tester.fill("input[name=seed]", "2024")
    story.shot(tester, "tester-generate")
    submit_main_form(tester)
    expect(tester).to_have_url(re.compile(r"/library/#job-"))
    job = GenerationJob.objects.get(owner=user)
    expect(tester.locator(f"#job-{job.pk}")).to_contain_text(who["prompt"])
    tester.goto(f"/generations/{job.pk}/")
    try:
        tester.wait_for_selector(".player video", timeout=90_000)
    except PlaywrightTimeout:
        print(worker.output())
        raise
    story.shot(tester, "tester-finished")

    # And a reviewer approves it, and a bug of theirs is paid from the rate card
    output = Output.objects.get(job=job)
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    publish_rate_card(admin_user)
    report = report_create(
        actor=Actor(user=user), reporter=user, type="bug", severity="medium", title="Audio", text="None."
    )
    ledger_post(tester=user, kind="bug", source=report, actor=Actor(user=admin_user), severity="medium")

    # Then their ledger is in their locale's money format
    tester.goto("/ledger/")
    expect(tester.locator("main table").first).to_contain_text(who["money"])
    story.shot(tester, "tester-ledger")

    # When they share the approved video with a credit line in their own script
    tester.goto(f"/generations/{job.pk}/")
    panel = tester.locator(".review-panel")
    share_action = f"form[action='/outputs/{output.pk}/share/']"
    panel.locator("details", has=tester.locator(share_action)).locator("summary").click()
    share_form = panel.locator(share_action)
    share_form.locator("input[name=credit_line]").fill(who["credit"])
    share_form.locator("input[name=show_prompt]").check()
    share_form.locator("button[type=submit]").click()
    share = ShareLink.objects.get(output=output)
    expect(panel.locator(f"a[href='/s/{share.slug}/']")).to_be_visible()
    story.shot(tester, "tester-shared")

    # Then a visitor whose browser asks for the same language reads the public page in it
    visitor = story.person("visitor", locale=who["locale"], timezone_id=who["zone"])
    assert visitor.goto(f"/s/{share.slug}/").status == 200
    assert html_lang(visitor) == language
    expect(visitor.locator("main")).to_contain_text(who["credit"])
    expect(visitor.locator("main")).to_contain_text(who["prompt"])
    story.shot(visitor, "visitor-share-page")

    # And the switcher changes the language of the public page and the gallery for the anonymous visitor
    switch_language(visitor, who["switch_to"])
    expect(visitor).to_have_url(re.compile(rf"/s/{share.slug}/$"))
    assert html_lang(visitor) == who["switch_to"]
    visitor.goto("/gallery/")
    assert html_lang(visitor) == who["switch_to"]
    story.shot(visitor, "visitor-switched")

    # And the artist's own switch is remembered on their account
    switch_language(tester, "en")
    expect(tester).to_have_url(re.compile(rf"/generations/{job.pk}/$"))
    assert html_lang(tester) == "en"
    user.refresh_from_db()
    assert user.language == "en"
    story.shot(tester, "tester-switched-to-english")
