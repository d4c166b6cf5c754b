"""The NDA in the tester's language: they read and sign that text, and the evidence says which text it was."""

from __future__ import annotations

import csv
import hashlib
import io

from django.urls import reverse

from accessprogram.models import NdaAcceptance
from accessprogram.services.nda import nda_shown_text, nda_text_digest
from tests.conftest import NDA_TRANSLATIONS

JAPANESE = next(spec for spec in NDA_TRANSLATIONS if spec.language == "ja")


def test_a_tester_whose_browser_asks_for_japanese_reads_the_japanese_text(as_unsigned, nda):
    response = as_unsigned.get(reverse("accessprogram:nda"), HTTP_ACCEPT_LANGUAGE="ja-JP,ja;q=0.9")

    page = response.content.decode()
    assert f"<h1>{JAPANESE.title}</h1>" in page and "<h2>秘密保持</h2>" in page
    assert JAPANESE.clause_texts["confidentiality"] in page
    assert response.context["form"]["shown_sha256"].value() == nda_text_digest(nda, "ja")
    assert response.context["form"]["language"].value() == "ja"


def test_signing_in_japanese_records_the_language_and_the_fingerprint_of_the_japanese_text(
    as_unsigned, unsigned_tester, nda
):
    shown = as_unsigned.get(reverse("accessprogram:nda"), HTTP_ACCEPT_LANGUAGE="ja").context["form"]

    response = as_unsigned.post(
        reverse("accessprogram:nda"),
        {
            "typed_name": "Nils Unsigned",
            "shown_sha256": shown["shown_sha256"].value(),
            "language": "ja",
            "clause_confidentiality": "on",
        },
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert response.status_code == 302
    acceptance = NdaAcceptance.objects.get(user=unsigned_tester)
    japanese_text = nda_shown_text(nda, "ja")
    assert JAPANESE.body_markdown.strip() in japanese_text
    assert (acceptance.language, acceptance.text_sha256) == ("ja", hashlib.sha256(japanese_text.encode()).hexdigest())
    assert acceptance.text_sha256 != nda.text_sha256


def test_the_english_fingerprint_does_not_sign_the_japanese_text(as_unsigned, unsigned_tester, nda):
    response = as_unsigned.post(
        reverse("accessprogram:nda"),
        {
            "typed_name": "Nils Unsigned",
            "shown_sha256": nda.text_sha256,
            "language": "ja",
            "clause_confidentiality": "on",
        },
    )

    assert response.status_code == 409
    assert not NdaAcceptance.objects.filter(user=unsigned_tester).exists()


def test_the_receipt_is_in_the_language_signed_and_admins_see_it_in_the_list_and_the_csv(
    as_unsigned, unsigned_tester, as_admin, nda
):
    as_unsigned.post(
        reverse("accessprogram:nda"),
        {
            "typed_name": "Nils Unsigned",
            "shown_sha256": nda_text_digest(nda, "it"),
            "language": "it",
            "clause_confidentiality": "on",
        },
    )
    acceptance = NdaAcceptance.objects.get(user=unsigned_tester)

    receipt = as_unsigned.get(reverse("accessprogram:nda_receipt", args=[acceptance.pk])).content.decode()
    italian = next(spec for spec in NDA_TRANSLATIONS if spec.language == "it")
    assert italian.title in receipt and italian.clause_texts["confidentiality"] in receipt
    assert nda_shown_text(nda, "it") in receipt and acceptance.text_sha256 in receipt

    detail = as_admin.get(reverse("accessprogram:nda_admin_detail", args=[nda.pk])).content.decode()
    assert "<td>it</td>" in detail
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    as_admin.get(reverse("accessprogram:nda_admin_evidence", args=[nda.pk])).streaming_content
                ).decode()
            )
        )
    )
    assert {row["email"]: row["language"] for row in rows}[unsigned_tester.email] == "it"


def test_the_django_admin_lists_each_acceptances_language(as_admin, artist, nda):
    response = as_admin.get(reverse("admin:accessprogram_ndaacceptance_changelist"), {"language": "en"})

    assert response.status_code == 200
    page = response.content.decode()
    assert artist.full_name in page and "column-language" in page
