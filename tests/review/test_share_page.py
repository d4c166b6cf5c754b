"""The public share page /s/<slug>/ and its media: re-checked on every request, 404 for anything wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accessprogram.services.context import Actor
from accessprogram.services.members import membership_end
from review.services.reviews import review_decide
from review.services.sharing import share_link_revoke
from tests.conftest import client_for
from tests.review.conftest import share


def page(link):
    return reverse("share_page", args=[link.slug])


def media(link):
    return reverse("share_media", args=[link.slug])


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_an_anonymous_visitor_plays_an_approved_shared_video(approved_output):
    link = share(approved_output)
    client = Client()
    response = client.get(page(link))
    assert response.status_code == 200
    html = response.content.decode()
    assert media(link) in html and "Aiko Artist" in html and "Wan demo" in html
    assert approved_output.job.prompt not in html, "the prompt stays private unless the owner allows it"
    assert response["Referrer-Policy"] == "same-origin"
    video = client.get(media(link))
    assert video.status_code == 200 and body(video)[4:8] == b"ftyp"
    ranged = client.get(media(link), HTTP_RANGE="bytes=0-9")
    assert ranged.status_code == 206 and len(body(ranged)) == 10
    assert client.get(reverse("share_poster", args=[link.slug])).status_code == 200


def test_the_prompt_is_shown_when_the_owner_allows(approved_output):
    link = share(approved_output, show_prompt=True)
    assert approved_output.job.prompt in Client().get(page(link)).content.decode()


def test_withdrawing_approval_ends_public_access_on_the_next_request(approved_output, reviewer):
    link = share(approved_output)
    client = Client()
    assert client.get(media(link)).status_code == 200
    review_decide(actor=Actor(user=reviewer), output=approved_output, decision="withdraw")
    assert client.get(page(link)).status_code == 404
    assert client.get(media(link)).status_code == 404


def test_a_revoked_link_is_a_404(approved_output, artist):
    link = share(approved_output)
    share_link_revoke(actor=Actor(user=artist), link=link)
    assert Client().get(page(link)).status_code == 404
    assert Client().get(media(link)).status_code == 404


def test_an_expired_link_is_a_404(approved_output):
    link = share(approved_output, expires_at=timezone.now() + timedelta(hours=1))
    assert Client().get(page(link)).status_code == 200
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert Client().get(media(link)).status_code == 404


@pytest.mark.parametrize("suspend", ["deactivate", "end_membership"])
def test_a_suspended_owner_takes_their_links_down(approved_output, artist, suspend):
    link = share(approved_output)
    if suspend == "deactivate":
        artist.is_active = False
        artist.save()
    else:
        membership_end(actor=Actor.system(), membership=artist.tester_membership)
    assert Client().get(page(link)).status_code == 404
    assert Client().get(media(link)).status_code == 404


def test_an_unknown_slug_is_a_404(db):
    assert Client().get(reverse("share_page", args=["nope"])).status_code == 404


def test_a_passphrase_link_asks_first_and_hides_the_media(approved_output):
    link = share(approved_output, passphrase="open sesame")
    client = Client()
    response = client.get(page(link))
    assert response.status_code == 200 and media(link) not in response.content.decode()
    assert client.get(media(link)).status_code == 404
    wrong = client.post(page(link), {"passphrase": "guess"})
    assert wrong.status_code == 400
    assert client.post(page(link), {"passphrase": "open sesame"}).status_code == 302
    assert media(link) in client.get(page(link)).content.decode()
    assert client.get(media(link)).status_code == 200
    assert Client().get(media(link)).status_code == 404, "another browser still needs the passphrase"


def test_passphrase_guessing_is_limited(approved_output):
    link = share(approved_output, passphrase="open sesame")
    client = Client()
    for _ in range(10):
        client.post(page(link), {"passphrase": "guess"})
    assert client.post(page(link), {"passphrase": "open sesame"}).status_code == 429


def test_a_tester_without_the_nda_sees_exactly_what_the_public_sees(approved_output, unsigned_tester, reviewer):
    link = share(approved_output)
    client = client_for(unsigned_tester)
    assert client.get(page(link)).status_code == 200
    assert client.get(media(link)).status_code == 200
    review_decide(actor=Actor(user=reviewer), output=approved_output, decision="withdraw")
    assert client.get(page(link)).status_code == 404
    assert client.get(media(link)).status_code == 404
    # The rest of the site still sends them to the NDA.
    assert client.get(reverse("library"))["Location"].startswith(reverse("nda"))


def test_staff_and_owner_get_no_more_than_the_public_through_a_dead_link(approved_output, artist, as_admin):
    link = share(approved_output)
    share_link_revoke(actor=Actor(user=artist), link=link)
    assert client_for(artist).get(media(link)).status_code == 404
    assert as_admin.get(media(link)).status_code == 404


@pytest.mark.parametrize("scope", ["tester", "cohort", "program"])
def test_a_kill_switch_over_the_owner_takes_their_links_down_until_lifted(approved_output, artist, admin_user, scope):
    from accessprogram.services.suspensions import suspension_create, suspension_lift

    link = share(approved_output)
    cohort = artist.tester_membership.cohort
    target = {"tester": artist, "cohort": cohort, "program": cohort.program}[scope]
    suspension = suspension_create(actor=Actor(user=admin_user), scope=scope, target=target, reason="Leak.")
    assert Client().get(page(link)).status_code == 404
    assert Client().get(media(link)).status_code == 404
    suspension_lift(actor=Actor(user=admin_user), suspension=suspension)
    assert Client().get(media(link)).status_code == 200
