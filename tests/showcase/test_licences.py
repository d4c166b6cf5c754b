"""Licences for promotion: the owner accepts (fee to the ledger, credit on every public use) or declines, once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accessprogram.errors import Conflict, InvalidFields, NotAllowed
from accessprogram.services.context import Actor
from contributions.models import LedgerEntry
from review.services.sharing import gallery_add, share_link_create
from showcase.models import LicenceRequest, LicenceStatus
from showcase.services.licences import licence_accept, licence_decline, licence_request_create
from tests.conftest import client_for, make_output

CREDIT = "Licensed to Vernissage for the spring campaign, credit: Aiko, Lisbon"


def request_licence(admin, output, **changes):
    today = timezone.localdate()
    fields = {
        "use": "the spring campaign",
        "term_start": today,
        "term_end": today + timedelta(days=90),
        "fee_minor": 50_000,
        "currency": "EUR",
    }
    return licence_request_create(actor=Actor(user=admin), output=output, **(fields | changes))


def test_staff_request_a_licence_from_the_staff_page(admin_user, approved):
    today = timezone.localdate()
    response = client_for(admin_user).post(
        reverse("showcase:licence_admin_list"),
        {
            "output": str(approved.pk),
            "use": "the spring campaign",
            "term_start": today.isoformat(),
            "term_end": (today + timedelta(days=30)).isoformat(),
            "fee_minor": 50_000,
            "currency": "eur",
        },
    )
    assert response.status_code == 302
    licence = LicenceRequest.objects.get()
    assert (licence.tester, licence.fee_minor, licence.currency, licence.status) == (
        approved.owner,
        50_000,
        "EUR",
        LicenceStatus.PENDING,
    )
    assert licence.respond_by > timezone.now()


def test_accepting_posts_the_fee_and_credits_every_public_use(admin_user, artist, approved):
    link = share_link_create(actor=Actor(user=artist), output=approved)
    gallery_add(actor=Actor(user=artist), output=approved, credit_line="Aiko")
    licence = request_licence(admin_user, approved)
    as_artist = client_for(artist)
    page = as_artist.get(reverse("showcase:licence_list")).content.decode()
    assert "the spring campaign" in page and "€500.00" in page
    assert CREDIT not in Client().get(reverse("review:share_page", args=[link.slug])).content.decode()

    response = as_artist.post(
        reverse("showcase:licence_answer", args=[licence.pk]), {"decision": "accept", "credit_line": "Aiko, Lisbon"}
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACCEPTED and licence.credit_line == "Aiko, Lisbon"
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.tester, entry.amount_minor, entry.currency, entry.status) == (
        "licence",
        artist,
        50_000,
        "EUR",
        "pending",
    )
    assert entry.source == licence
    assert CREDIT in Client().get(reverse("review:share_page", args=[link.slug])).content.decode()
    assert CREDIT in Client().get(reverse("review:gallery")).content.decode()


def test_a_licence_whose_term_has_not_begun_or_has_ended_shows_no_credit(admin_user, artist, approved):
    link = share_link_create(actor=Actor(user=artist), output=approved)
    licence = request_licence(admin_user, approved, term_start=timezone.localdate() + timedelta(days=3))
    licence_accept(actor=Actor(user=artist), licence=licence, credit_line="Aiko, Lisbon")
    assert "Licensed to" not in Client().get(reverse("review:share_page", args=[link.slug])).content.decode()


def test_declining_does_nothing(admin_user, artist, approved):
    link = share_link_create(actor=Actor(user=artist), output=approved)
    licence = request_licence(admin_user, approved)
    response = client_for(artist).post(reverse("licence-decline", args=[licence.pk]))
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert not LedgerEntry.objects.exists()
    assert "Licensed to" not in Client().get(reverse("review:share_page", args=[link.slug])).content.decode()
    with pytest.raises(Conflict):
        licence_accept(actor=Actor(user=artist), licence=licence)
    assert not LedgerEntry.objects.exists()


def test_a_licence_is_answered_once(admin_user, artist, approved):
    licence = request_licence(admin_user, approved)
    api = client_for(artist)
    assert api.post(reverse("licence-accept", args=[licence.pk]), content_type="application/json").status_code == 200
    second = api.post(reverse("licence-accept", args=[licence.pk]), content_type="application/json")
    assert second.status_code == 409 and second.json()["code"] == "already_answered"
    assert api.post(reverse("licence-decline", args=[licence.pk])).status_code == 409
    response = api.post(reverse("showcase:licence_answer", args=[licence.pk]), {"decision": "accept"})
    assert response.status_code == 409
    assert LedgerEntry.objects.count() == 1
    licence.refresh_from_db()
    assert licence.credit_line == "Aiko Artist", "the credit defaults to the owner's name"


def test_another_tester_cannot_answer(admin_user, artist2, approved):
    licence = request_licence(admin_user, approved)
    as_other = client_for(artist2)
    assert as_other.post(reverse("licence-accept", args=[licence.pk])).status_code == 404
    assert (
        as_other.post(reverse("showcase:licence_answer", args=[licence.pk]), {"decision": "accept"}).status_code == 404
    )
    assert as_other.get(reverse("licence-detail", args=[licence.pk])).status_code == 404
    with pytest.raises(NotAllowed):
        licence_accept(actor=Actor(user=artist2), licence=licence)
    with pytest.raises(NotAllowed):
        licence_decline(actor=Actor(user=admin_user), licence=licence)
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.PENDING and not LedgerEntry.objects.exists()


def test_an_expired_request_cannot_be_accepted(admin_user, artist, approved):
    licence = request_licence(admin_user, approved)
    LicenceRequest.objects.filter(pk=licence.pk).update(respond_by=timezone.now() - timedelta(minutes=1))
    response = client_for(artist).post(reverse("licence-accept", args=[licence.pk]))
    assert response.status_code == 409 and response.json()["code"] == "expired"
    assert not LedgerEntry.objects.exists()


def test_only_approved_outputs_are_licensed(admin_user, artist, demo_generation_model):
    pending = make_output(artist, demo_generation_model)
    response = client_for(admin_user).post(
        reverse("showcase:licence_admin_list"),
        {
            "output": str(pending.pk),
            "use": "a poster",
            "term_start": date.today().isoformat(),
            "term_end": date.today().isoformat(),
            "fee_minor": 100,
            "currency": "EUR",
        },
    )
    assert response.status_code == 409 and "output" in response.context["form"].errors
    assert not LicenceRequest.objects.exists()


def test_a_withdrawn_output_cannot_be_licensed_any_more(admin_user, artist, approved, reviewer):
    from review.services.reviews import review_decide

    licence = request_licence(admin_user, approved)
    review_decide(actor=Actor(user=reviewer), output=approved, decision="withdraw")
    with pytest.raises(Conflict):
        licence_accept(actor=Actor(user=artist), licence=licence)
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"fee_minor": 0}, "fee_minor"),
        ({"currency": "euro"}, "currency"),
        ({"term_end": date(2000, 1, 1), "term_start": date(1999, 1, 1)}, "term_end"),
        ({"term_end": timezone.localdate() - timedelta(days=1)}, "term_end"),
        ({"use": ""}, "use"),
    ],
)
def test_bad_requests_name_the_field(admin_user, approved, changes, field):
    with pytest.raises(InvalidFields) as refused:
        request_licence(admin_user, approved, **changes)
    assert field in refused.value.errors


def test_the_staff_form_reports_an_unknown_output_and_a_bad_term(admin_user):
    response = client_for(admin_user).post(
        reverse("showcase:licence_admin_list"),
        {
            "output": "00000000-0000-0000-0000-000000000000",
            "use": "a poster",
            "term_start": "2030-02-01",
            "term_end": "2030-01-01",
            "fee_minor": 100,
            "currency": "EUR",
        },
    )
    assert response.status_code == 400 and "output" in response.context["form"].errors


def test_testers_cannot_request_licences(artist, approved):
    with pytest.raises(NotAllowed):
        request_licence(artist, approved)
    assert client_for(artist).get(reverse("showcase:licence_admin_list")).status_code == 403
