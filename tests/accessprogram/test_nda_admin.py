"""Staff NDA pages: draft with clauses, publish (superseding the current version), the evidence CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.models import AuditEvent, NdaVersion
from accessprogram.services.context import Actor
from accessprogram.services.nda import nda_accept, nda_create_draft, nda_publish_reach, nda_text_digest
from tests.conftest import every_language

LIST = reverse("accessprogram:nda_admin_list")

DRAFT = {
    "title": "Agreement, second edition",
    "body_markdown": "## Confidentiality\nKeep **unapproved** outputs to yourself.",
    "ends_on": "",
    "clauses": (
        "confidentiality | I will keep unapproved outputs confidential. | required\n"
        "\n"
        "discuss-terms | I may discuss the program's terms publicly. | Optional\n"
    ),
}


def _draft(client, **fields):
    return client.post(LIST, {**DRAFT, **fields})


def test_it_lists_versions_for_admins(as_admin, nda):
    response = as_admin.get(LIST)

    assert response.status_code == 200
    assert nda.title in response.content.decode()


def test_an_admin_drafts_a_version_with_clauses(as_admin, nda):
    response = _draft(as_admin)

    draft = NdaVersion.objects.get(title="Agreement, second edition")
    assert response.status_code == 302 and response["Location"] == reverse(
        "accessprogram:nda_admin_detail", args=[draft.pk]
    )
    assert (draft.version, draft.status, draft.text_sha256) == (nda.version + 1, "draft", "")
    assert [(c.key, c.text, c.required, c.position) for c in draft.clauses.all()] == [
        ("confidentiality", "I will keep unapproved outputs confidential.", True, 0),
        ("discuss-terms", "I may discuss the program's terms publicly.", False, 1),
    ]
    assert AuditEvent.objects.filter(action="nda.drafted", target_id=str(draft.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"clauses": "just some words"}, "clauses", id="clause-without-pipes"),
        pytest.param({"clauses": "key | text | maybe"}, "clauses", id="clause-neither-required-nor-optional"),
        pytest.param({"clauses": "bad key! | text | required"}, "clauses", id="clause-key-not-a-slug"),
        pytest.param({"clauses": " | text | required"}, "clauses", id="clause-without-key"),
        pytest.param({"clauses": "a | one | required\na | two | optional"}, "clauses", id="duplicate-clause-key"),
        pytest.param({"title": ""}, "title", id="no-title"),
        pytest.param({"body_markdown": "   "}, "body_markdown", id="blank-text"),
        pytest.param({"ends_on": "2001-01-01"}, "ends_on", id="end-date-in-the-past"),
        pytest.param({"ends_on": "someday"}, "ends_on", id="end-date-not-a-date"),
    ],
)
def test_it_refuses_a_bad_draft_with_a_form_error(as_admin, nda, fields, field):
    before = NdaVersion.objects.count()

    response = _draft(as_admin, **fields)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert NdaVersion.objects.count() == before


def _translate(client, draft, language: str, title: str, body: str, clauses: str):
    data = {"language": language, "title": title, "body_markdown": body, "clauses": clauses}
    return client.post(reverse("accessprogram:nda_admin_detail", args=[draft.pk]), data)


def _translate_everywhere(client, draft):
    for language in ("it", "fr", "ja"):
        clauses = "\n".join(f"{c.key} | {c.text} ({language})" for c in draft.clauses.all())
        response = _translate(client, draft, language, f"{draft.title} ({language})", "Testo.", clauses)
        assert response.status_code == 302, response.content.decode()


def test_publishing_makes_the_draft_current_and_supersedes_the_old_version(as_admin, nda):
    _draft(as_admin, ends_on=(timezone.localdate() + timedelta(days=365)).isoformat())
    draft = NdaVersion.objects.get(status="draft")
    _translate_everywhere(as_admin, draft)

    response = as_admin.post(reverse("accessprogram:nda_admin_publish", args=[draft.pk]), {"confirm": "yes"})

    assert response.status_code == 302
    draft.refresh_from_db()
    nda.refresh_from_db()
    assert (draft.status, nda.status) == ("published", "superseded")
    assert draft.text_sha256 == nda_text_digest(draft) and len(draft.text_sha256) == 64
    assert draft.published_by.email == "ada@vernissage.test"
    event = AuditEvent.objects.filter(action="nda.published").latest("id")
    translations = {t.language: t.text_sha256 for t in draft.translations.all()}
    assert translations == {language: nda_text_digest(draft, language) for language in ("fr", "it", "ja")}
    assert event.details == {
        "version": draft.version,
        "sha256": draft.text_sha256,
        "supersedes": nda.version,
        "translations": translations,
    }


def test_publishing_without_a_text_in_every_offered_language_is_refused(as_admin, nda):
    _draft(as_admin)
    draft = NdaVersion.objects.get(status="draft")
    clauses = "\n".join(f"{c.key} | {c.text} (it)" for c in draft.clauses.all())
    assert _translate(as_admin, draft, "it", "Accordo", "Testo.", clauses).status_code == 302

    response = as_admin.post(
        reverse("accessprogram:nda_admin_publish", args=[draft.pk]), {"confirm": "yes"}, follow=True
    )

    assert "missing: fr, ja" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    # Without a text in every language it is refused at once, before the confirmation that would ask for nothing.
    first_step = as_admin.post(reverse("accessprogram:nda_admin_publish", args=[draft.pk]), follow=True)
    assert "missing: fr, ja" in first_step.content.decode()
    assert not re.search(r"\d+ testers? must accept it", first_step.content.decode())


def test_a_translation_must_translate_every_clause(as_admin, nda):
    _draft(as_admin)
    draft = NdaVersion.objects.get(status="draft")

    response = _translate(as_admin, draft, "ja", "契約", "本文。", "")

    assert response.status_code == 400 and "Translate every clause" in response.content.decode()
    assert not draft.translations.exists()


def test_publishing_a_version_twice_is_refused_with_a_message(as_admin, nda):
    response = as_admin.post(reverse("accessprogram:nda_admin_publish", args=[nda.pk]), follow=True)

    assert "only drafts can be published" in response.content.decode()
    assert NdaVersion.objects.filter(status="published").count() == 1


def test_publishing_first_says_how_many_testers_must_sign_again(
    as_admin, nda, artist, artist2, unsigned_tester, red_teamer
):
    draft = nda_create_draft(
        actor=Actor.system(), title="Second", body_markdown="Terms.", translations=every_language("Second")
    )
    url = reverse("accessprogram:nda_admin_publish", args=[draft.pk])
    artist.memberships.update(status="ended")  # a former tester is not asked

    for asked in (as_admin.get(url), as_admin.post(url)):
        assert asked.status_code == 200 and "3 testers must accept it before they can go on." in asked.content.decode()
    assert nda_publish_reach(draft) == 3
    draft.refresh_from_db()
    published = AuditEvent.objects.filter(action="nda.published", details__version=draft.version)
    assert draft.status == "draft" and not published.exists()


def test_the_detail_page_renders_sanitised_markdown(as_admin, system):
    draft = nda_create_draft(
        actor=system,
        title="Risky",
        body_markdown=(
            "## Heading\n\n*emphasis*\n\n<script>alert('owned')</script>\n\n"
            '[click](javascript:alert(1)) <img src=x onerror="alert(2)">'
        ),
    )

    page = as_admin.get(reverse("accessprogram:nda_admin_detail", args=[draft.pk])).content.decode()

    assert "<h2>Heading</h2>" in page and "<em>emphasis</em>" in page
    assert "<script>" not in page
    assert "javascript:" not in page
    assert "onerror" not in page


def test_the_evidence_csv_has_a_header_and_one_row_per_acceptance(as_admin, artist, artist2, unsigned_tester, nda):
    response = as_admin.get(reverse("accessprogram:nda_admin_evidence", args=[nda.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "email",
        "typed_name",
        "version",
        "language",
        "text_sha256",
        "accepted_at",
        "ip_address",
        "user_agent",
        "clause:confidentiality",
        "clause:discuss-terms",
    ]
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {artist.email, artist2.email}
    assert by_email[artist.email][1:5] == ["Aiko Artist", str(nda.version), "en", nda.text_sha256]
    assert by_email[artist.email][8:] == ["yes", "no"]


def test_the_evidence_csv_records_optional_clauses_as_agreed_when_ticked(as_admin, unsigned_tester, nda):
    nda_accept(
        actor=Actor(user=unsigned_tester, ip="203.0.113.9", user_agent="Firefox"),
        user=unsigned_tester,
        nda=nda,
        typed_name="Nils Unsigned",
        shown_sha256=nda.text_sha256,
        clause_answers={"confidentiality": True, "discuss-terms": True},
    )

    response = as_admin.get(reverse("accessprogram:nda_admin_evidence", args=[nda.pk]))

    row = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1]
    assert row[0] == unsigned_tester.email and row[6:] == ["203.0.113.9", "Firefox", "yes", "yes"]


def test_the_detail_page_lists_who_accepted(as_admin, artist, nda):
    response = as_admin.get(reverse("accessprogram:nda_admin_detail", args=[nda.pk]))

    assert [a.user for a in response.context["acceptances"]] == [artist]
    assert "confidentiality: yes" in response.content.decode()


def test_non_admins_cannot_draft_or_publish(as_reviewer, as_artist, nda, system):
    draft = nda_create_draft(actor=system, title="Pending", body_markdown="Body")
    for client in (as_reviewer, as_artist):
        assert _draft(client).status_code == 403
        assert client.post(reverse("accessprogram:nda_admin_publish", args=[draft.pk])).status_code == 403
        assert client.get(reverse("accessprogram:nda_admin_evidence", args=[nda.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
