"""Forms of this work in Chromium: a member's preferences, and an admin translating an NDA draft."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accessprogram.models import NdaVersion, User
from accessprogram.services.context import Actor
from accessprogram.services.nda import ClauseSpec, nda_create_draft
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_sets_their_language_and_time_zone_on_the_preferences_page(story, artist, cohort):
    tester = story.person("tester", locale="en-GB", timezone_id="Europe/London")
    sign_in(tester, artist.email)
    tester.goto("/accounts/preferences/")
    tester.select_option("main select[name=language]", "fr")
    tester.select_option("select[name=time_zone]", "America/Sao_Paulo")
    story.shot(tester, "preferences")
    tester.locator("main form[method=post] button[type=submit]").click()

    expect(tester).to_have_url(re.compile(r"/accounts/preferences/$"))
    assert tester.locator("html").get_attribute("lang") == "fr"
    artist.refresh_from_db()
    assert (artist.language, artist.time_zone) == ("fr", "America/Sao_Paulo")
    tester.goto("/generate/")
    expect(tester.locator("[data-quota]")).to_contain_text("(America/Sao_Paulo)")
    story.shot(tester, "zoned-quota")

    # Back to "as my browser asks": the browser's English decides again
    tester.goto("/accounts/preferences/")
    tester.select_option("main select[name=language]", "")
    tester.locator("main form[method=post] button[type=submit]").click()
    expect(tester).to_have_url(re.compile(r"/accounts/preferences/$"))
    assert tester.locator("html").get_attribute("lang") == "en"
    assert User.objects.get(pk=artist.pk).language == ""


def test_an_admin_translates_a_draft_and_cannot_publish_it_until_every_language_has_its_text(story, admin_user, nda):
    draft = nda_create_draft(
        actor=Actor(user=admin_user),
        title="Second edition",
        body_markdown="New terms.",
        clauses=[ClauseSpec("confidentiality", "I keep it confidential.", required=True)],
    )
    admin = story.person("admin")
    sign_in(admin, admin_user.email, totp=True)
    admin.goto(f"/staff/nda/{draft.pk}/")

    translation = admin.locator("main form[method=post]").filter(has=admin.locator("select[name=language]"))
    translation.locator("select[name=language]").select_option("ja")
    translation.locator("input[name=title]").fill("第二版")
    translation.locator("textarea[name=body_markdown]").fill("新しい条件。")
    translation.locator("textarea[name=clauses]").fill("confidentiality | 秘密にします。")
    story.shot(admin, "translation-form")
    translation.locator("button[type=submit]").click()

    expect(admin.locator("main")).to_contain_text("第二版")
    expect(admin.locator("main")).to_contain_text("it, fr")
    admin.locator(f"form[action='/staff/nda/{draft.pk}/publish/'] button[type=submit]").click()
    expect(admin.get_by_role("status")).to_contain_text("missing: it, fr")
    story.shot(admin, "publish-refused")
    assert NdaVersion.objects.get(pk=draft.pk).status == "draft"
    assert draft.translations.get().clause_texts == {"confidentiality": "秘密にします。"}
