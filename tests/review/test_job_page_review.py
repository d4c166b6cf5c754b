"""What the tester sees on their job page: review status, reason and note, queue place, appeal, sharing."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from accessprogram.services.context import Actor
from review.models import Review, ShareLink
from review.services.reviews import review_decide
from tests.conftest import make_output
from tests.review.conftest import approve, share


def job_page(client, output) -> str:
    return client.get(reverse("generation:job_detail", args=[output.job_id])).content.decode()


def test_a_pending_output_shows_its_place_in_the_queue_and_the_median_wait(
    as_artist, artist, artist2, reviewer, demo_generation_model
):
    decided = make_output(artist2, demo_generation_model)
    Review.objects.filter(output=decided).update(created_at=timezone.now() - timedelta(hours=2))
    approve(decided, reviewer)
    make_output(artist2, demo_generation_model)
    mine = make_output(artist, demo_generation_model)
    html = job_page(as_artist, mine)
    assert "Pending review" in html and "2nd" in html
    assert "Reviews currently take 2 h" in html


def test_a_rejection_shows_reason_and_note_and_offers_one_appeal(as_artist, artist_output, reviewer):
    review_decide(
        actor=Actor(user=reviewer), output=artist_output, decision="reject", reason="likeness", note="A real face."
    )
    html = job_page(as_artist, artist_output)
    assert "Rejected" in html and "Likeness" in html and "A real face." in html
    assert reverse("review:output_appeal", args=[artist_output.pk]) in html
    response = as_artist.post(
        reverse("review:output_appeal", args=[artist_output.pk]), {"message": "It is my own face."}
    )
    assert response.status_code == 302
    html = job_page(as_artist, artist_output)
    assert "Pending review" in html and "appealed" in html
    assert reverse("review:output_appeal", args=[artist_output.pk]) not in html


def test_changes_requested_show_the_note(as_artist, artist_output, reviewer):
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="request_changes", note="Trim the end.")
    html = job_page(as_artist, artist_output)
    assert "Changes requested" in html and "Trim the end." in html


def test_sharing_is_offered_only_once_approved(as_artist, artist_output, reviewer):
    assert reverse("review:output_share", args=[artist_output.pk]) not in job_page(as_artist, artist_output)
    approve(artist_output, reviewer)
    html = job_page(as_artist, artist_output)
    assert reverse("review:output_share", args=[artist_output.pk]) in html
    assert reverse("review:output_gallery", args=[artist_output.pk]) in html


def test_the_owner_creates_and_revokes_a_link_from_the_job_page(as_artist, approved_output):
    response = as_artist.post(reverse("review:output_share", args=[approved_output.pk]), {"credit_line": "Aiko"})
    assert response.status_code == 302
    link = ShareLink.objects.get(output=approved_output)
    assert reverse("review:share_page", args=[link.slug]) in job_page(as_artist, approved_output)
    asked = as_artist.post(reverse("review:share_revoke", args=[link.pk]))
    link.refresh_from_db()
    assert asked.status_code == 200 and link.slug in asked.content.decode() and link.revoked_at is None
    as_artist.post(reverse("review:share_revoke", args=[link.pk]), {"confirm": "yes"})
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_sharing_a_pending_output_from_the_page_is_refused(as_artist, artist_output):
    response = as_artist.post(reverse("review:output_share", args=[artist_output.pk]), follow=True)
    assert "Only approved outputs can be shared" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_owner_adds_to_and_removes_from_the_gallery(as_artist, approved_output):
    as_artist.post(
        reverse("review:output_gallery", args=[approved_output.pk]), {"credit_line": "Aiko", "show_prompt": "on"}
    )
    assert "In the public" in job_page(as_artist, approved_output)
    as_artist.post(reverse("review:output_gallery", args=[approved_output.pk]), {"action": "remove"})
    assert "In the public" not in job_page(as_artist, approved_output)


def test_another_tester_cannot_share_or_revoke(artist2, approved_output):
    from tests.conftest import client_for

    link = share(approved_output)
    other = client_for(artist2)
    assert other.post(reverse("review:output_share", args=[approved_output.pk])).status_code == 404
    assert other.post(reverse("review:share_revoke", args=[link.pk])).status_code == 404
    assert (
        other.post(reverse("review:output_gallery", args=[approved_output.pk]), {"credit_line": "x"}).status_code == 404
    )
