"""Signing the NDA: click-wrap with the typed full name, per-clause decisions, and the evidence recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.errors import Conflict, DomainError
from accessprogram.localization import format_date_local
from accessprogram.models import AuditEvent, NdaAcceptance, NdaVersion
from accessprogram.services.context import Actor
from accessprogram.services.nda import ClauseSpec, nda_accept, nda_create_draft, nda_text_digest
from tests.conftest import publish_in_every_language

URL = reverse("accessprogram:nda")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) VernissageTest/1.0"


def _sign(client, nda, **fields):
    data = {"typed_name": "Nils Unsigned", "shown_sha256": nda.text_sha256, "clause_confidentiality": "on", **fields}
    return client.post(
        URL, {k: v for k, v in data.items() if v is not None}, HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="198.51.100.7"
    )


def test_it_shows_the_agreement_and_the_signing_form(as_unsigned, nda):
    response = as_unsigned.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert nda.title in page and "<h2>Confidentiality</h2>" in page
    assert f'value="{nda.text_sha256}"' in page
    assert 'name="clause_confidentiality"' in page and 'name="clause_discuss-terms"' in page
    assert response.context["form"]["typed_name"].value() == "Nils Unsigned"


def test_signing_records_the_evidence_and_each_clause(as_unsigned, unsigned_tester, nda):
    response = _sign(as_unsigned, nda)

    assert response.status_code == 302 and response["Location"] == reverse("accessprogram:dashboard")
    acceptance = NdaAcceptance.objects.get(user=unsigned_tester, nda=nda)
    assert acceptance.text_sha256 == nda.text_sha256 == nda_text_digest(nda)
    assert acceptance.typed_name == "Nils Unsigned"
    assert acceptance.ip_address == "198.51.100.7"
    assert acceptance.user_agent == BROWSER
    assert abs(acceptance.accepted_at - timezone.now()) < timedelta(minutes=1)
    decisions = {d.clause.key: d.agreed for d in acceptance.clause_decisions.select_related("clause")}
    assert decisions == {"confidentiality": True, "discuss-terms": False}
    event = AuditEvent.objects.filter(action="nda.accepted").latest("id")
    assert event.actor == unsigned_tester and event.ip_address == "198.51.100.7"
    assert event.details["clauses"] == {"confidentiality": True, "discuss-terms": False}


def test_a_ticked_optional_clause_is_recorded_as_agreed(as_unsigned, unsigned_tester, nda):
    _sign(as_unsigned, nda, **{"clause_discuss-terms": "on"})

    acceptance = NdaAcceptance.objects.get(user=unsigned_tester)
    assert {d.clause.key: d.agreed for d in acceptance.clause_decisions.all()} == {
        "confidentiality": True,
        "discuss-terms": True,
    }


def test_it_accepts_the_name_with_other_case_and_spacing(as_unsigned, unsigned_tester, nda):
    response = _sign(as_unsigned, nda, typed_name="  nils   UNSIGNED ")

    assert response.status_code == 302
    assert NdaAcceptance.objects.get(user=unsigned_tester).typed_name == "nils UNSIGNED"


@pytest.mark.parametrize("typed_name", ["Someone Else", "N", ""])
def test_it_refuses_a_name_that_is_not_the_accounts(as_unsigned, unsigned_tester, nda, typed_name):
    response = _sign(as_unsigned, nda, typed_name=typed_name)

    assert response.status_code == 400
    assert response.context["form"].errors["typed_name"]
    assert not NdaAcceptance.objects.filter(user=unsigned_tester).exists()


def test_it_refuses_without_a_required_clause(as_unsigned, unsigned_tester, nda):
    response = _sign(as_unsigned, nda, clause_confidentiality=None, **{"clause_discuss-terms": "on"})

    assert response.status_code == 400
    assert response.context["form"].errors["clause_confidentiality"]
    assert not NdaAcceptance.objects.filter(user=unsigned_tester).exists()


def test_it_refuses_a_stale_fingerprint(as_unsigned, unsigned_tester, nda):
    response = _sign(as_unsigned, nda, shown_sha256="0" * 64)

    assert response.status_code == 409
    assert "changed while you were reading" in response.context["form"].non_field_errors()[0]
    assert not NdaAcceptance.objects.filter(user=unsigned_tester).exists()
    assert not AuditEvent.objects.filter(action="nda.accepted", actor=unsigned_tester).exists()


def test_it_refuses_a_form_signed_before_a_new_version_was_published(as_unsigned, unsigned_tester, nda, system):
    shown = as_unsigned.get(URL).context["form"]["shown_sha256"].value()
    publish_in_every_language(system, nda_create_draft(actor=system, title="v2", body_markdown="New terms."))

    response = _sign(as_unsigned, nda, shown_sha256=shown)

    assert response.status_code == 409
    assert not NdaAcceptance.objects.filter(user=unsigned_tester).exists()


def test_signing_twice_records_one_acceptance(as_unsigned, unsigned_tester, nda):
    _sign(as_unsigned, nda)

    response = _sign(as_unsigned, nda)

    assert response.status_code == 302 and response["Location"] == reverse("accessprogram:dashboard")
    assert NdaAcceptance.objects.filter(user=unsigned_tester).count() == 1


def test_the_service_refuses_a_second_acceptance_of_the_same_version(artist, nda):
    with pytest.raises(Conflict) as refused:
        nda_accept(
            actor=Actor(user=artist),
            user=artist,
            nda=nda,
            typed_name="Aiko Artist",
            shown_sha256=nda.text_sha256,
            clause_answers={"confidentiality": True},
        )

    assert refused.value.code == "nda_already_accepted"
    assert NdaAcceptance.objects.filter(user=artist).count() == 1


def test_the_service_refuses_a_superseded_version(unsigned_tester, nda, system):
    publish_in_every_language(system, nda_create_draft(actor=system, title="v2", body_markdown="New terms."))

    with pytest.raises(Conflict):
        nda_accept(
            actor=system,
            user=unsigned_tester,
            nda=nda,
            typed_name="Nils Unsigned",
            shown_sha256=nda.text_sha256,
            clause_answers={"confidentiality": True},
        )


def test_the_typed_name_becomes_the_name_of_an_account_without_one(unsigned_tester, nda):
    unsigned_tester.full_name = ""
    unsigned_tester.save(update_fields=["full_name"])

    nda_accept(
        actor=Actor(user=unsigned_tester),
        user=unsigned_tester,
        nda=nda,
        typed_name="Nils  Newname",
        shown_sha256=nda.text_sha256,
        clause_answers={"confidentiality": True},
    )

    unsigned_tester.refresh_from_db()
    assert unsigned_tester.full_name == "Nils Newname"


def test_it_follows_a_safe_next_and_ignores_an_unsafe_one(as_unsigned, nda, system):
    response = _sign(as_unsigned, nda, next="/api/v1/me/")
    assert response["Location"] == "/api/v1/me/"

    publish_in_every_language(system, nda_create_draft(actor=system, title="v2", body_markdown="New terms."))
    current = NdaVersion.objects.get(status="published")
    response = _sign(as_unsigned, current, next="https://evil.example/")
    assert response["Location"] == reverse("accessprogram:dashboard")


def test_the_page_shows_the_end_date(as_unsigned, nda, system):
    ends_on = timezone.localdate() + timedelta(days=400)
    publish_in_every_language(
        system,
        nda_create_draft(
            actor=system,
            title="Ending",
            body_markdown="Terms.",
            ends_on=ends_on,
            clauses=[ClauseSpec("confidentiality", "Keep it secret.", required=True)],
        ),
    )

    page = as_unsigned.get(URL).content.decode()

    assert f"obligations end on <strong>{format_date_local(ends_on)}</strong>" in page


def test_the_page_renders_markdown_and_sanitises_it(as_unsigned, system, nda):
    publish_in_every_language(
        system,
        nda_create_draft(
            actor=system,
            title="Sneaky",
            body_markdown="**bold** and _more_\n\n<script>document.title='owned'</script>\n\n"
            '<a href="javascript:alert(1)">x</a><iframe src="https://evil.example"></iframe>',
            clauses=[ClauseSpec("html", "<b>Tick</b> me", required=False)],
        ),
    )

    page = as_unsigned.get(URL).content.decode()

    assert "<strong>bold</strong>" in page and "<em>more</em>" in page
    assert "<script>" not in page and "document.title" not in page
    assert "javascript:" not in page and "<iframe" not in page
    assert "&lt;b&gt;Tick&lt;/b&gt; me" in page


def test_without_a_published_nda_the_page_says_so_and_nothing_is_gated(as_artist, db):
    NdaVersion.objects.update(status="superseded")

    response = as_artist.get(URL)

    assert response.status_code == 200
    assert "No agreement yet" in response.content.decode()
    assert as_artist.get(reverse("accessprogram:dashboard")).status_code == 200


def test_staff_see_the_agreement_without_being_asked_to_sign(as_reviewer, nda):
    response = as_reviewer.get(URL)

    assert response.status_code == 200
    assert response.context["must_accept"] is False


def test_anonymous_visitors_are_sent_to_sign_in(client, nda):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_typed_name_check_is_a_domain_error_with_its_field(unsigned_tester, nda):
    with pytest.raises(DomainError) as refused:
        nda_accept(
            actor=Actor(user=unsigned_tester),
            user=unsigned_tester,
            nda=nda,
            typed_name="Mallory",
            shown_sha256=nda.text_sha256,
            clause_answers={"confidentiality": True},
        )

    assert refused.value.field == "typed_name"
