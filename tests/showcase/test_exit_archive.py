"""The leaving tester's archive: one ZIP of their approved works, feedback, findings and ledger statement."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
import zipfile

from django.urls import reverse

from accessprogram.models import AuditEvent, Membership
from accessprogram.services.context import Actor
from accessprogram.services.members import membership_end
from contributions.models import Finding, Report
from contributions.services.ledger import ledger_post
from review.services.provenance import public_video_key
from showcase.services.licences import licence_accept
from tests.conftest import client_for, make_output
from tests.showcase.conftest import approved_output_of
from tests.showcase.test_licences import request_licence


def archive_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def end_membership(user):
    membership_end(actor=Actor.system(), membership=Membership.objects.get(user=user, status="active"))


def test_a_former_tester_downloads_their_work_feedback_findings_and_statement(
    admin_user, artist, artist2, approved, demo_generation_model, reviewer
):
    # Given: an approved and a pending output, another tester's output, a bug report with a staff reply,
    # a finding, and a licence fee on the ledger.
    make_output(artist, demo_generation_model)
    approved_output_of(artist2, demo_generation_model, reviewer)
    report = Report.objects.create(
        reporter=artist, type="bug", severity="high", title="Seed ignored", text="Same seed, new video."
    )
    report.replies.create(author=admin_user, text="Thanks, confirmed.", status_from="new", status_to="triaged")
    Finding.objects.create(
        reporter=artist,
        category=Finding._meta.get_field("category").choices[0][0],
        severity="low",
        title="Bypass",
        prompt="a forbidden scene",
    )
    licence = request_licence(admin_user, approved)
    licence_accept(actor=Actor(user=artist), licence=licence, credit_line="Aiko")
    ledger_post(tester=artist2, kind="licence", source=report, actor=Actor.system(), amount_minor=5, currency="EUR")

    # When: her membership ends, and she follows the link on the page former testers land on.
    end_membership(artist)
    client = client_for(artist)
    landing = client.get(reverse("accessprogram:dashboard"), follow=True)
    assert reverse("showcase:exit_archive") in landing.content.decode()
    archive = archive_of(client.get(reverse("showcase:exit_archive")))

    # Then: exactly her approved work, as the public gets it, and her records.
    names = set(archive.namelist())
    videos = [name for name in names if name.endswith(".mp4")]
    assert videos == [f"works/{approved.created_at:%Y-%m-%d}-{approved.short_id}.mp4"]
    from django.core.files.storage import default_storage

    with default_storage.open(public_video_key(approved), "rb") as stored:
        assert archive.read(videos[0]) == stored.read()
    assert {
        "README.txt",
        "works/index.csv",
        "feedback.json",
        "findings.json",
        "statement.csv",
        "showcase.csv",
        "licences.csv",
    } <= names
    index = list(csv.DictReader(io.StringIO(archive.read("works/index.csv").decode())))
    assert [row["output"] for row in index] == [str(approved.pk)]
    feedback = json.loads(archive.read("feedback.json"))
    assert feedback[0]["title"] == "Seed ignored"
    reply = feedback[0]["replies"][0]
    assert (reply["from"], reply["text"]) == ("program team", "Thanks, confirmed.")
    findings = json.loads(archive.read("findings.json"))
    assert findings[0]["title"] == "Bypass"
    statement = list(csv.DictReader(io.StringIO(archive.read("statement.csv").decode())))
    assert [(row["Kind"], row["Amount in minor units"], row["Currency"]) for row in statement] == [
        ("Licence for promotion", "50000", "EUR")
    ]
    licences = archive.read("licences.csv").decode()
    assert "the spring campaign" in licences and "accepted" in licences
    assert AuditEvent.objects.filter(action="exit_archive.downloaded", target_id=str(artist.pk)).exists()


def test_an_active_tester_can_download_their_archive_too(artist, approved):
    archive = archive_of(client_for(artist).get(reverse("showcase:exit_archive")))
    assert any(name.endswith(".mp4") for name in archive.namelist())


def test_nobody_else_gets_the_archive(artist, approved, admin_user, reviewer, unsigned_tester):
    from django.test import Client

    assert Client().get(reverse("showcase:exit_archive")).status_code == 302
    assert client_for(admin_user).get(reverse("showcase:exit_archive")).status_code == 403
    assert client_for(reviewer).get(reverse("showcase:exit_archive")).status_code == 403
    # A tester who has not accepted the NDA reaches nothing of the program, their archive included.
    assert client_for(unsigned_tester).get(reverse("showcase:exit_archive")).status_code == 403


def test_another_testers_archive_holds_only_their_own_work(artist, artist2, approved):
    archive = archive_of(client_for(artist2).get(reverse("showcase:exit_archive")))
    assert not [name for name in archive.namelist() if name.endswith(".mp4")]
    assert approved.job.prompt not in archive.read("works/index.csv").decode()


def test_a_suspended_former_tester_is_refused(artist, approved):
    from accessprogram.services.suspensions import suspension_create

    end_membership(artist)
    suspension_create(actor=Actor.system(), scope="tester", target=artist, reason="Leaked outputs")
    assert client_for(artist).get(reverse("showcase:exit_archive")).status_code == 403


def test_the_archive_is_built_without_holding_the_videos_in_memory(artist, demo_generation_model, reviewer):
    # Three 6 MB videos: building the archive holds at most a few megabytes of the 18 MB at once.
    size = 6 * 1024 * 1024
    for _ in range(3):
        output = make_output(artist, demo_generation_model, video=b"\x00\x00\x00\x18ftypmp42" + b"\x00" * size)
        from review.services.reviews import review_decide

        review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    client = client_for(artist)
    tracemalloc.start()
    try:
        response = client.get(reverse("showcase:exit_archive"))
        total = 0
        for chunk in response.streaming_content:
            total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total > 3 * size
    assert peak < 6 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"
