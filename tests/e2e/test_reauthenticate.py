"""In Chromium: a person plays their video from its page without being taken for a front end, and a session
that moves to another network is asked for the password once, then carries on."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accessprogram.models import Suspension
from tests.conftest import PASSWORD, make_output
from tests.e2e.conftest import play, sign_in
from tests.e2e.test_browser_story import rendered_mp4

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_session_on_a_new_network_confirms_the_password_and_carries_on(
    story, settings, artist, demo_generation_model, tmp_path
):
    # Given an artist signed in at home (the site sits behind one proxy that names the client's address)
    settings.TRUSTED_PROXY_COUNT = 1
    output = make_output(artist, demo_generation_model, video=rendered_mp4(tmp_path))
    page = story.person("artist")
    page.context.set_extra_http_headers({"X-Forwarded-For": "198.51.100.7"})
    sign_in(page, artist.email)

    # When they open their video's page and play it, and come back to the library often
    page.goto(f"/generations/{output.job_id}/")
    assert play(page)["currentTime"] > 0
    for _ in range(8):
        page.goto("/library/")
    story.shot(page, "library-at-home")

    # And then the laptop moves to another network
    page.context.set_extra_http_headers({"X-Forwarded-For": "203.0.113.40"})
    page.goto("/library/")

    # Then the password is asked for once, and the library opens after it
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    story.shot(page, "asked-for-the-password")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/library/"))
    page.goto(f"/generations/{output.job_id}/")
    assert play(page)["currentTime"] > 0
    story.shot(page, "playing-on-the-new-network")
    assert not Suspension.objects.exists()
