"""The program feed: approved outputs their owners show to the program, for members only (inside the NDA, never
public), credited, with a remix link; a withdrawn approval or a suspended owner takes an output off at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.errors import Conflict
from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_create
from generation.services.library import output_show_to_program
from review.services.reviews import review_decide
from tests.conftest import client_for, make_output

pytestmark = pytest.mark.django_db
FEED = reverse("review:program_feed")


def on_feed(client) -> str:
    response = client.get(FEED)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def shown(approved_output, artist):
    output_show_to_program(actor=Actor(user=artist), output=approved_output, shown=True)
    return approved_output


def test_members_see_shown_approved_work_credited_with_a_remix_link(shown, artist2, as_reviewer):
    page = on_feed(client_for(artist2))

    assert "By Aiko Artist" in page and shown.job.prompt in page
    assert f"{reverse('generation:generate')}?remix={shown.pk}" in page
    video = reverse("review:program_feed_video", args=[shown.pk])
    assert video in page
    viewer = client_for(artist2)
    viewer.get(FEED)
    assert viewer.get(video, HTTP_RANGE="bytes=0-9").status_code == 206
    assert shown.job.prompt in on_feed(as_reviewer)
    assert AuditEvent.objects.filter(action="output.shown_to_program").exists()


def test_the_feed_is_never_public_nor_before_the_nda(shown, as_unsigned):
    anonymous = client_for(None)
    for url in (
        FEED,
        reverse("review:program_feed_video", args=[shown.pk]),
        reverse("review:program_feed_poster", args=[shown.pk]),
    ):
        assert anonymous.get(url).status_code == 302
        assert anonymous.get(url)["Location"].startswith(reverse("account_login"))
        assert as_unsigned.get(url)["Location"].startswith(reverse("accessprogram:nda"))


def test_only_approved_outputs_can_be_shown(artist, artist2, demo_generation_model):
    pending = make_output(artist, demo_generation_model)

    with pytest.raises(Conflict):
        output_show_to_program(actor=Actor(user=artist), output=pending, shown=True)
    refused = client_for(artist).post(reverse("generation:output_program", args=[pending.pk]), {"shown": "1"})

    assert refused.status_code == 302
    pending.refresh_from_db()
    assert not pending.shown_to_program
    assert pending.job.prompt not in on_feed(client_for(artist2))


def test_unshown_approved_work_stays_off_the_feed(approved_output, artist2):
    assert approved_output.job.prompt not in on_feed(client_for(artist2))
    video = reverse("review:program_feed_video", args=[approved_output.pk])
    assert client_for(artist2).get(video).status_code == 404


def test_a_withdrawn_approval_takes_it_off_at_once(shown, artist2, reviewer):
    viewer = client_for(artist2)
    viewer.get(FEED)

    review_decide(actor=Actor(user=reviewer), output=shown, decision="withdraw")

    assert shown.job.prompt not in on_feed(viewer)
    assert viewer.get(reverse("review:program_feed_video", args=[shown.pk])).status_code == 404
    assert viewer.get(reverse("review:program_feed_poster", args=[shown.pk])).status_code == 404


def test_a_suspended_owner_takes_their_work_off_at_once(shown, artist, artist2):
    viewer = client_for(artist2)
    viewer.get(FEED)

    suspension_create(actor=Actor.system(), scope="tester", target=artist, reason="Feed test")

    assert shown.job.prompt not in on_feed(viewer)
    assert viewer.get(reverse("review:program_feed_video", args=[shown.pk])).status_code == 404


def test_the_owner_shows_and_withdraws_from_the_output_page(shown, artist, artist2):
    owner = client_for(artist)
    page = owner.get(reverse("generation:job_detail", args=[shown.job_id])).content.decode()
    assert "Take off the program feed" in page

    owner.post(reverse("generation:output_program", args=[shown.pk]), {"shown": "0"})

    shown.refresh_from_db()
    assert not shown.shown_to_program
    assert shown.job.prompt not in on_feed(client_for(artist2))
    stranger = client_for(artist2).post(reverse("generation:output_program", args=[shown.pk]), {"shown": "1"})
    assert stranger.status_code == 404


def test_a_feed_video_asked_for_without_its_page_is_refused(shown, artist2):
    relay = client_for(artist2)

    assert relay.get(reverse("review:program_feed_video", args=[shown.pk])).status_code == 403


def test_a_member_remixes_a_feed_output_and_both_pages_credit_the_original(shown, artist, artist2, reviewer):
    from generation.models import GenerationJob
    from generation.services.submit import GenerationRequest, generation_jobs_submit

    remixer = client_for(artist2)
    composer = remixer.get(reverse("generation:generate"), {"remix": shown.pk})
    assert composer.status_code == 200 and composer.context["form"].initial["prompt"] == shown.job.prompt

    request = GenerationRequest(prompt="the same harbour at night", remix_of=shown, num_frames=17, resolution="256p")
    (child,) = generation_jobs_submit(actor=Actor(user=artist2), user=artist2, request=request)
    assert child.remix_of == shown
    child_page = remixer.get(reverse("generation:job_detail", args=[child.pk])).content.decode()
    assert "data-remix-of" in child_page and "by Aiko Artist, from the program feed" in child_page
    # The original's page credits the remix with a count: the remixer's own video stays theirs.
    original_page = client_for(artist).get(reverse("generation:job_detail", args=[shown.job_id])).content.decode()
    assert "Remixed once by another member of the program." in original_page
    assert reverse("generation:job_detail", args=[child.pk]) not in original_page

    # Taken off the feed, the original can no longer be remixed by others.
    review_decide(actor=Actor(user=reviewer), output=shown, decision="withdraw")
    assert remixer.get(reverse("generation:generate"), {"remix": shown.pk}).status_code == 404
    assert GenerationJob.objects.filter(remix_of=shown).count() == 1
