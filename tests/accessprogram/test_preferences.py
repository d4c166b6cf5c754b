"""Each person's language and time zone: the browser's language until they choose, the switcher, preferences."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accessprogram.localization import format_date_local, format_datetime_zoned
from accessprogram.models import User
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from tests.accessprogram.helpers import path_of, signup_data


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


def test_an_anonymous_visitor_gets_the_language_their_browser_asks_for(db):
    assert html_lang(Client().get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="ja,en;q=0.5")) == "ja"
    assert html_lang(Client().get(reverse("review:gallery"), HTTP_ACCEPT_LANGUAGE="it-IT,it;q=0.9")) == "it"
    assert html_lang(Client().get(reverse("review:gallery"), HTTP_ACCEPT_LANGUAGE="de-DE")) == "en"


def test_a_members_own_language_wins_over_the_browser(as_artist, artist):
    artist.language = "fr"
    artist.save(update_fields=["language"])

    response = as_artist.get(reverse("accessprogram:dashboard"), HTTP_ACCEPT_LANGUAGE="ja")

    assert html_lang(response) == "fr" and response["Content-Language"] == "fr"


def test_the_switcher_is_on_the_portal_and_the_public_pages(as_artist, db):
    pages = ((as_artist, "accessprogram:dashboard"), (Client(), "review:gallery"), (Client(), "account_login"))
    for client, name in pages:
        page = client.get(reverse(name)).content.decode()
        assert f'action="{reverse("accessprogram:set_language")}"' in page, name
        assert 'lang="ja"' in page and "日本語" in page and "Italiano" in page


def test_switching_language_stores_the_choice_on_the_signed_in_account(as_artist, artist):
    response = as_artist.post(
        reverse("accessprogram:set_language"), {"language": "it", "next": reverse("generation:library")}
    )

    assert response.status_code == 302 and response["Location"] == reverse("generation:library")
    artist.refresh_from_db()
    assert artist.language == "it"
    assert html_lang(as_artist.get(reverse("accessprogram:dashboard"), HTTP_ACCEPT_LANGUAGE="en")) == "it"


def test_an_anonymous_visitor_switches_with_a_cookie(db):
    visitor = Client()
    response = visitor.post(
        reverse("accessprogram:set_language"), {"language": "ja", "next": reverse("review:gallery")}
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    assert html_lang(visitor.get(reverse("review:gallery"), HTTP_ACCEPT_LANGUAGE="en")) == "ja"


def test_an_unknown_language_changes_nothing(as_artist, artist):
    as_artist.post(reverse("accessprogram:set_language"), {"language": "xx", "next": "/"})

    artist.refresh_from_db()
    assert artist.language == ""


def test_an_unsigned_tester_reaches_the_switcher_and_preferences(as_unsigned, unsigned_tester):
    assert (
        as_unsigned.post(reverse("accessprogram:set_language"), {"language": "ja", "next": "/nda/"})["Location"]
        == "/nda/"
    )
    response = as_unsigned.post(
        reverse("accessprogram:account_preferences"), {"language": "ja", "time_zone": "Asia/Tokyo"}
    )

    assert response.status_code == 302
    unsigned_tester.refresh_from_db()
    assert (unsigned_tester.language, unsigned_tester.time_zone) == ("ja", "Asia/Tokyo")


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", ""])
def test_preferences_refuse_a_zone_that_does_not_exist(as_artist, artist, zone):
    response = as_artist.post(reverse("accessprogram:account_preferences"), {"language": "", "time_zone": zone})

    assert response.status_code == 400 and response.context["form"].errors["time_zone"]
    artist.refresh_from_db()
    assert artist.time_zone == "UTC"


def test_preferences_refuse_a_zone_with_a_nul_before_the_form(as_artist, artist):
    """Every request carrying a NUL is refused with a 400 before any view runs."""
    response = as_artist.post(
        reverse("accessprogram:account_preferences"), {"language": "", "time_zone": "Asia/Tokyo\x00"}
    )

    assert response.status_code == 400
    artist.refresh_from_db()
    assert artist.time_zone == "UTC"


def test_times_are_shown_in_the_members_zone_with_the_zone_named(as_artist, artist):
    artist.time_zone = "Asia/Tokyo"
    artist.save(update_fields=["time_zone"])

    page = as_artist.get(reverse("generation:generate")).content.decode()

    assert "(Asia/Tokyo)" in page  # the budget's reset time


def test_the_zoned_filter_converts_and_names_the_zone():
    moment = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    with translation.override("ja"), timezone.override("Asia/Tokyo"):
        assert format_datetime_zoned(moment) == "2026年12月1日(火) 0:00 (Asia/Tokyo)"
    with translation.override("it"), timezone.override("Europe/Rome"):
        assert format_datetime_zoned(moment) == "lun 30 nov 2026 16:00 (Europe/Rome)"
        assert format_date_local(moment) == "lun 30 nov 2026"


def test_sign_up_keeps_the_proposed_zone_and_the_language_it_was_made_in(db, cohort, nda):
    issued = invitation_create(
        actor=Actor.system(), email="kenji@vernissage.test", role="artist", cohort=cohort, send=False
    )
    visitor = Client(HTTP_ACCEPT_LANGUAGE="ja-JP,ja;q=0.9")
    visitor.get(path_of(issued.link))
    page = visitor.get(reverse("account_signup")).content.decode()
    assert "data-detect-time-zone" in page and "js/timezone.js" in page

    response = visitor.post(
        reverse("account_signup"), {**signup_data("kenji@vernissage.test"), "time_zone": "Asia/Tokyo"}
    )

    assert response.status_code == 302
    user = User.objects.get(email="kenji@vernissage.test")
    assert (user.language, user.time_zone) == ("ja", "Asia/Tokyo")


def test_the_api_speaks_utc_whatever_the_members_zone(as_artist, artist):
    artist.time_zone = "Asia/Tokyo"
    artist.save(update_fields=["time_zone"])

    body = as_artist.get(reverse("me")).json()

    resets_at = body["quota"]["resets_at"]
    assert resets_at.endswith(("Z", "+00:00")), resets_at
