"""Revisions: "request changes", the tester's answer as a revision of that output, and what carries over."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.errors import Conflict, NotAllowed
from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from generation.models import GenerationJob
from review.access import output_versions
from review.models import Revision
from review.services.notes import note_create
from review.services.reviews import review_decide
from review.services.revisions import revision_submit
from tests.conftest import make_output


def request_changes(output, reviewer, note="Less fog, please"):
    return review_decide(actor=Actor(user=reviewer), output=output, decision="request_changes", note=note)


def revise(output, prompt="a lighthouse at dusk, no fog"):
    return revision_submit(actor=Actor(user=output.owner), output=output, prompt=prompt)


@pytest.fixture
def changes_requested(artist_output, reviewer):
    note_create(actor=Actor(user=reviewer), output=artist_output, body="Fog hides the lamp", frame_in=3, frame_out=8)
    request_changes(artist_output, reviewer)
    return artist_output


def test_a_revision_keeps_the_settings_and_seed_and_links_the_request(changes_requested):
    revision = revise(changes_requested)
    job, original = revision.job, changes_requested.job
    assert job.prompt == "a lighthouse at dusk, no fog" and job.owner == changes_requested.owner
    assert (job.seed, job.model, job.resolution, job.aspect_ratio, job.num_frames, job.steps, job.guidance) == (
        changes_requested.seed,
        original.model,
        original.resolution,
        original.aspect_ratio,
        original.num_frames,
        original.steps,
        original.guidance,
    )
    assert revision.original_review.state == "changes_requested" and revision.output is None
    assert AuditEvent.objects.filter(action="review.revision_submitted").exists()


def test_a_revision_may_change_steps_and_guidance_but_not_the_seed_or_size(changes_requested, as_artist):
    original = changes_requested.job
    response = as_artist.post(
        reverse("review:output_revise", args=[changes_requested.pk]),
        {"prompt": "a lighthouse, clear night", "steps": original.steps + 1, "guidance": 2.5},
    )
    assert response.status_code == 302
    job = Revision.objects.get().job
    assert (job.steps, job.guidance) == (original.steps + 1, 2.5)
    assert (job.seed, job.num_frames, job.width, job.height) == (
        changes_requested.seed,
        original.num_frames,
        original.width,
        original.height,
    )


def test_a_revision_beyond_the_models_bounds_is_refused_and_nothing_is_queued(changes_requested, as_artist):
    model = changes_requested.job.model
    response = as_artist.post(
        reverse("review:output_revise", args=[changes_requested.pk]),
        {"prompt": "a lighthouse", "steps": model.max_steps + 1},
        follow=True,
    )
    assert response.status_code == 200 and not Revision.objects.exists()
    assert "steps" in response.content.decode()
    assert GenerationJob.objects.count() == 1


def test_the_finished_revision_enters_the_queue_linked_and_flagged(changes_requested, reviewer, as_reviewer):
    revision = revise(changes_requested)
    new = make_output(changes_requested.owner, revision.job.model, job=revision.job)
    revision.refresh_from_db()
    assert revision.output == new and new.review_status == "pending"
    assert output_versions(new) == [changes_requested, new] == output_versions(changes_requested)
    html = as_reviewer.get(reverse("review:review_queue")).content.decode()
    assert new.short_id in html and "revision" in html


def test_the_new_versions_page_carries_the_earlier_decisions_and_notes(changes_requested, as_reviewer):
    revision = revise(changes_requested)
    new = make_output(changes_requested.owner, revision.job.model, job=revision.job)
    html = as_reviewer.get(reverse("review:review_item", args=[new.pk])).content.decode()
    assert "Version 1" in html and "Less fog, please" in html and "Fog hides the lamp" in html
    assert f"{reverse('review:review_compare', args=[new.pk])}?with={changes_requested.pk}" in html


def test_a_request_is_answered_once_and_only_by_the_owner(changes_requested, artist2):
    with pytest.raises(NotAllowed):
        revision_submit(actor=Actor(user=artist2), output=changes_requested, prompt="x")
    revise(changes_requested)
    with pytest.raises(Conflict):
        revise(changes_requested)
    assert Revision.objects.count() == 1


def test_without_a_request_for_changes_there_is_nothing_to_revise(artist_output, reviewer):
    with pytest.raises(Conflict):
        revise(artist_output)
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="approve")
    with pytest.raises(Conflict):
        revise(artist_output)
    assert not GenerationJob.objects.exclude(pk=artist_output.job_id).exists()


def test_the_tester_answers_from_the_job_page(changes_requested, as_artist):
    page = as_artist.get(reverse("generation:job_detail", args=[changes_requested.job_id])).content.decode()
    assert "Submit revision" in page and "a lighthouse at dusk" in page and "Fog hides the lamp" in page
    response = as_artist.post(
        reverse("review:output_revise", args=[changes_requested.pk]), {"prompt": "a lighthouse, clear night"}
    )
    revision = Revision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("generation:job_detail", args=[revision.job_id])
    page = as_artist.get(reverse("generation:job_detail", args=[changes_requested.job_id])).content.decode()
    assert "Submit revision" not in page


def test_a_refused_revision_says_why_on_the_job_page(changes_requested, as_artist):
    response = as_artist.post(
        reverse("review:output_revise", args=[changes_requested.pk]), {"prompt": "x" * 3000}, follow=True
    )
    assert response.status_code == 200 and not Revision.objects.exists()


def test_comparing_two_versions(changes_requested, as_reviewer, as_artist):
    revision = revise(changes_requested)
    new = make_output(changes_requested.owner, revision.job.model, job=revision.job)
    url = reverse("review:review_compare", args=[new.pk])
    html = as_reviewer.get(f"{url}?with={changes_requested.pk}").content.decode()
    assert "js/compare.js" in html and "data-wipe" in html
    assert html.index(reverse("generation:output_video", args=[changes_requested.pk])) < html.index(
        reverse("generation:output_video", args=[new.pk])
    )
    # Without a version (or with an output outside the chain) the page picks the previous version.
    assert as_reviewer.get(f"{url}?with=nonsense")["Location"] == f"{url}?with={changes_requested.pk}"
    assert as_reviewer.get(reverse("review:review_compare", args=[changes_requested.pk])).status_code == 302
    assert as_artist.get(url).status_code == 403


def test_an_output_with_one_version_has_nothing_to_compare(artist_output, as_reviewer):
    assert as_reviewer.get(reverse("review:review_compare", args=[artist_output.pk])).status_code == 404
