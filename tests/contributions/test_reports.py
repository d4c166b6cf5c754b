"""Feedback and bug reports: filing with screenshots, who sees them, staff triage, replies and the ledger."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contributions.models import LedgerEntry, Report, ReportScreenshot
from contributions.services.reports import SCREENSHOT_MAX_BYTES
from tests.conftest import client_for
from tests.contributions.conftest import JPEG, PNG, WEBP, upload


def file_report(client, **fields):
    body = {"type": "bug", "severity": "high", "title": "Player freezes", "text": "At 0:02 it stops.", **fields}
    return client.post(reverse("contributions:report_new"), body)


def test_a_tester_files_a_bug_with_screenshots_of_each_image_type(as_artist, artist):
    response = file_report(
        as_artist, screenshots=[upload("a.png", PNG), upload("b.jpg", JPEG, "image/jpeg"), upload("c.webp", WEBP)]
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "contributions:report_detail", args=[report.pk]
    )
    assert report.reporter == artist and report.status == "new"
    assert sorted(s.content_type for s in report.screenshots.all()) == ["image/jpeg", "image/png", "image/webp"]
    page = as_artist.get(reverse("contributions:report_detail", args=[report.pk]))
    assert page.status_code == 200 and b"Player freezes" in page.content


def test_the_portal_layout_links_to_the_report_form_from_every_page(as_artist):
    page = as_artist.get(reverse("generation:library"))
    assert reverse("contributions:report_new").encode() + b"?from=" in page.content


def test_a_report_records_the_page_it_came_from_and_refuses_foreign_urls(as_artist):
    file_report(as_artist, page_url="/library/?q=boat")
    file_report(as_artist, page_url="https://evil.example/phish")
    assert sorted(Report.objects.values_list("page_url", flat=True)) == ["", "/library/?q=boat"]


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("fake.png", b"<?php echo 'not an image'; ?>" + b"\x00" * 50, "not a PNG, JPEG or WebP"),
        ("shot.png", b"GIF89a" + b"\x00" * 50, "not a PNG, JPEG or WebP"),
        ("huge.png", PNG + b"\x00" * SCREENSHOT_MAX_BYTES, "larger than 5 MB"),
    ],
)
def test_it_refuses_screenshots_that_are_not_small_images_whatever_their_name(as_artist, name, data, why):
    response = file_report(as_artist, screenshots=[upload(name, data)])
    assert response.status_code == 400
    assert why in response.content.decode()
    assert not Report.objects.exists() and not ReportScreenshot.objects.exists()


def test_it_refuses_more_than_three_screenshots(as_artist):
    response = file_report(as_artist, screenshots=[upload(f"{i}.png", PNG) for i in range(4)])
    assert response.status_code == 400 and "At most 3 screenshots" in response.content.decode()
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [{"severity": "apocalyptic"}, {"type": "rant"}, {"title": ""}, {"text": ""}, {"output": "not-a-uuid"}],
)
def test_it_refuses_bad_fields_with_a_form_error(as_artist, fields):
    response = file_report(as_artist, **fields)
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_report_can_be_attached_to_ones_own_output_only(as_artist, artist, artist2, demo_generation_model):
    from tests.conftest import make_output

    own = make_output(artist, demo_generation_model)
    other = make_output(artist2, demo_generation_model)
    assert file_report(as_artist, output=str(own.pk)).status_code == 302
    assert Report.objects.get().output == own
    assert file_report(as_artist, output=str(other.pk)).status_code == 404
    assert Report.objects.count() == 1


def test_screenshots_reach_only_the_reporter_and_staff(as_artist, artist2, reviewer, admin_user):
    file_report(as_artist, screenshots=[upload("a.png", PNG)])
    shot = ReportScreenshot.objects.get()
    url = reverse("contributions:report_screenshot", args=[shot.report_id, shot.pk])
    response = as_artist.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(admin_user).get(url).status_code == 200
    assert client_for(artist2).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    assert client_for(artist2).get(reverse("contributions:report_detail", args=[shot.report_id])).status_code == 404


def triage(client, report, **fields):
    return client.post(reverse("contributions:staff_report_detail", args=[report.pk]), {"action": "triage", **fields})


@pytest.fixture
def bug(as_artist):
    file_report(as_artist)
    return Report.objects.get()


def test_accepting_a_bug_posts_its_rate_once_and_the_tester_sees_the_reply(bug, as_reviewer, as_artist, rate_card):
    response = triage(as_reviewer, bug, status="triaged", reply="Reproduced, thanks!")
    assert response.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.severity, entry.amount_minor, entry.status) == ("bug", "high", 5_000, "pending")
    assert entry.rate_card_line.rate_card == rate_card
    assert triage(as_reviewer, bug, status="fixed").status_code == 302
    assert LedgerEntry.objects.count() == 1, "fixed after triaged does not pay twice"
    page = as_artist.get(reverse("contributions:report_detail", args=[bug.pk])).content.decode()
    assert "Reproduced, thanks!" in page and "€50.00" in page and "Fixed" in page


@pytest.mark.parametrize("status", ["wont_fix"])
def test_a_bug_not_accepted_earns_nothing(bug, as_reviewer, rate_card, status):
    assert triage(as_reviewer, bug, status=status).status_code == 302
    assert not LedgerEntry.objects.exists()


def test_feedback_and_feature_requests_are_triaged_without_pay(as_artist, as_reviewer, rate_card):
    file_report(as_artist, type="feature", title="Loop playback")
    report = Report.objects.get()
    assert triage(as_reviewer, report, status="triaged").status_code == 302
    assert not LedgerEntry.objects.exists()


def test_accepting_without_a_rate_card_line_says_so_and_posts_nothing(bug, as_reviewer):
    response = triage(as_reviewer, bug, status="triaged")
    assert response.status_code == 302
    assert not LedgerEntry.objects.exists()
    page = as_reviewer.get(response["Location"]).content.decode()
    assert "no rate for this severity" in page


def test_a_duplicate_links_another_report(as_artist, as_reviewer, bug):
    file_report(as_artist, title="Player freezes again")
    second = Report.objects.exclude(pk=bug.pk).get()
    assert triage(as_reviewer, second, status="duplicate", duplicate_of=bug.pk).status_code == 302
    second.refresh_from_db()
    assert second.status == "duplicate" and second.duplicate_of == bug
    page = as_artist.get(reverse("contributions:report_detail", args=[second.pk])).content.decode()
    assert f"#{bug.pk}" in page


@pytest.mark.parametrize(
    ("fields", "message", "status"),
    [
        ({"status": "duplicate"}, "Name the original report", 400),
        ({"status": "duplicate", "duplicate_of": "SELF"}, "cannot be a duplicate of itself", 400),
        ({"status": "duplicate", "duplicate_of": 999999}, "There is no report #999999", 400),
        ({"status": "triaged", "duplicate_of": "OTHER"}, "Only a duplicate links an original", 400),
        ({"status": "new"}, "already new", 409),
        ({"status": "shelved"}, "Select a valid choice", 400),
    ],
)
def test_bad_triage_gets_a_form_error_and_changes_nothing(as_artist, as_reviewer, bug, fields, message, status):
    file_report(as_artist, title="Other")
    other = Report.objects.exclude(pk=bug.pk).get()
    fields = {k: (bug.pk if v == "SELF" else other.pk if v == "OTHER" else v) for k, v in fields.items()}
    response = triage(as_reviewer, bug, **fields)
    assert response.status_code == status
    assert message in response.content.decode()
    bug.refresh_from_db()
    assert bug.status == "new" and bug.duplicate_of is None


def test_a_final_status_does_not_move_back(as_reviewer, bug):
    triage(as_reviewer, bug, status="wont_fix")
    response = triage(as_reviewer, bug, status="triaged")
    assert response.status_code == 409 and "cannot become triaged" in response.content.decode()


def test_a_duplicate_of_a_duplicate_is_refused(as_artist, as_reviewer, bug):
    file_report(as_artist, title="B")
    file_report(as_artist, title="C")
    b, c = Report.objects.exclude(pk=bug.pk).order_by("pk")
    triage(as_reviewer, b, status="duplicate", duplicate_of=bug.pk)
    response = triage(as_reviewer, c, status="duplicate", duplicate_of=b.pk)
    assert response.status_code == 400 and "itself a duplicate" in response.content.decode()


def test_staff_reply_without_changing_the_status(as_reviewer, as_artist, bug):
    url = reverse("contributions:staff_report_detail", args=[bug.pk])
    assert as_reviewer.post(url, {"action": "reply", "text": ""}).status_code == 400
    assert as_reviewer.post(url, {"action": "reply", "text": "Which browser?"}).status_code == 302
    assert "Which browser?" in as_artist.get(reverse("contributions:report_detail", args=[bug.pk])).content.decode()


def test_triage_pages_are_for_staff(as_artist, bug, as_reviewer):
    assert as_artist.get(reverse("contributions:staff_report_list")).status_code == 403
    assert triage(as_artist, bug, status="triaged").status_code == 403
    listing = as_reviewer.get(reverse("contributions:staff_report_list"))
    assert listing.status_code == 200 and b"Player freezes" in listing.content
