"""The receipt a tester downloads of what they signed; nobody else's receipt is reachable."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accessprogram.services.context import Actor
from accessprogram.services.nda import ClauseSpec, nda_accept, nda_create_draft
from tests.conftest import publish_in_every_language


def test_a_tester_downloads_the_receipt_of_what_they_signed(as_artist, artist, nda):
    acceptance = artist.nda_acceptances.get()

    response = as_artist.get(reverse("accessprogram:nda_receipt", args=[acceptance.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert f'filename="nda-v{nda.version}-receipt.txt"' in response["Content-Disposition"]
    text = response.content.decode()
    assert f"{nda.title}, version {nda.version}" in text
    assert f"SHA-256 of the text shown: {nda.text_sha256}" in text
    assert "Signed by: Aiko Artist <aiko@vernissage.test>" in text
    assert "[x] I will keep unapproved outputs confidential." in text
    assert "[ ] I may discuss the program's terms publicly." in text
    assert "Keep unapproved outputs confidential." in text


def test_the_receipt_names_the_address_browser_and_end_date(client, unsigned_tester, system):
    ends_on = timezone.localdate() + timedelta(days=30)
    current = publish_in_every_language(
        system,
        nda_create_draft(
            actor=system,
            title="Dated",
            body_markdown="Terms.",
            ends_on=ends_on,
            clauses=[ClauseSpec("confidentiality", "Keep it.", required=True)],
        ),
    )
    acceptance = nda_accept(
        actor=Actor(user=unsigned_tester, ip="2001:db8::1", user_agent="Safari/17"),
        user=unsigned_tester,
        nda=current,
        typed_name="Nils Unsigned",
        shown_sha256=current.text_sha256,
        clause_answers={"confidentiality": True},
    )
    client.force_login(unsigned_tester)

    text = client.get(reverse("accessprogram:nda_receipt", args=[acceptance.pk])).content.decode()

    assert "From: 2001:db8::1" in text
    assert "Browser: Safari/17" in text
    assert f"Obligations end on: {ends_on.isoformat()}" in text


def test_a_tester_cannot_download_another_testers_receipt(as_artist, artist2):
    other = artist2.nda_acceptances.get()

    assert as_artist.get(reverse("accessprogram:nda_receipt", args=[other.pk])).status_code == 404


def test_staff_cannot_download_a_testers_receipt_through_the_tester_url(as_admin, artist):
    assert as_admin.get(reverse("accessprogram:nda_receipt", args=[artist.nda_acceptances.get().pk])).status_code == 404


def test_an_unknown_receipt_is_404(as_artist):
    assert as_artist.get(reverse("accessprogram:nda_receipt", args=[999999])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, artist):
    response = client.get(reverse("accessprogram:nda_receipt", args=[artist.nda_acceptances.get().pk]))

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_dashboard_links_the_receipt(as_artist, artist):
    page = as_artist.get(reverse("accessprogram:dashboard")).content.decode()

    assert reverse("accessprogram:nda_receipt", args=[artist.nda_acceptances.get().pk]) in page
