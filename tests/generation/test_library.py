"""The library: filters and sort in the query string, favourites, named collections, cancel from the card."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.errors import Conflict, DomainError
from generation.models import Collection, GenerationJob, GenerationModel, JobStatus, Output, ReviewStatus
from generation.services.library import (
    collection_add_output,
    collection_create,
    collection_delete,
    collection_remove_output,
    collection_rename,
)
from tests.conftest import client_for, make_job, make_output

pytestmark = pytest.mark.django_db
LIBRARY = reverse("generation:library")


def shown_jobs(response) -> list[str]:
    return [str(job.pk) for job in response.context["jobs"]]


@pytest.fixture
def shelf(artist, demo_generation_model, cohort):
    """Four jobs of the artist's: an approved output (starred, from last week), a pending one, a queued and a
    failed job of another model."""
    other_model = GenerationModel.objects.create(
        name="LTX demo", family="ltx", directory="demo-ltx", version="1", default_steps=4, max_steps=20
    )
    other_model.allowed_cohorts.add(cohort)
    approved = make_output(artist, demo_generation_model)
    Output.objects.filter(pk=approved.pk).update(review_status=ReviewStatus.APPROVED, favourite=True)
    GenerationJob.objects.filter(pk=approved.job_id).update(created_at=timezone.now() - timedelta(days=7))
    pending = make_output(artist, demo_generation_model)
    queued = make_job(artist, demo_generation_model, prompt="a queued comet")
    failed = make_job(artist, other_model, status=JobStatus.FAILED, prompt="a failed river", error="boom")
    return {"approved": approved.job, "pending": pending.job, "queued": queued, "failed": failed, "ltx": other_model}


def test_each_filter_narrows_the_library(as_artist, shelf):
    def only(**params) -> list[str]:
        response = as_artist.get(LIBRARY, params)
        assert response.status_code == 200
        return shown_jobs(response)

    assert only(status="queued") == [str(shelf["queued"].pk)]
    assert only(review="approved") == [str(shelf["approved"].pk)]
    assert only(model=shelf["ltx"].pk) == [str(shelf["failed"].pk)]
    assert only(favourites="on") == [str(shelf["approved"].pk)]
    last_week = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert only(since=last_week, until=last_week) == [str(shelf["approved"].pk)]
    assert str(shelf["approved"].pk) not in only(since=timezone.localdate().isoformat())
    assert only(q="comet") == [str(shelf["queued"].pk)]


def test_sort_orders_newest_oldest_or_favourites_first(as_artist, shelf):
    newest = shown_jobs(as_artist.get(LIBRARY))
    oldest = shown_jobs(as_artist.get(LIBRARY, {"sort": "oldest"}))
    favourites = shown_jobs(as_artist.get(LIBRARY, {"sort": "favourites"}))

    assert newest[-1] == str(shelf["approved"].pk) and oldest[0] == str(shelf["approved"].pk)
    assert oldest == list(reversed(newest))
    assert favourites[0] == str(shelf["approved"].pk) and favourites[1:] == newest[:-1]


@pytest.mark.parametrize(
    "params",
    [
        {"status": "exploded"},
        {"review": "<script>"},
        {"model": "999999"},
        {"model": "not-a-number"},
        {"since": "2026-13-45"},
        {"since": "2020-12-01", "until": "2020-11-01"},
        {"sort": "random"},
        {"collection": "abc"},
        {"page": "-3"},
    ],
)
def test_bad_filter_values_are_ignored_with_a_notice_never_a_500(as_artist, shelf, params):
    response = as_artist.get(LIBRARY, {**params, "q": "comet"} if "page" not in params else params)

    assert response.status_code == 200
    page = response.content.decode()
    if "page" not in params:
        assert "Some filters were not understood" in page
        assert shown_jobs(response) == [str(shelf["queued"].pk)], "the good filter still applies"


def test_filters_survive_in_the_pager_links(artist, as_artist, demo_generation_model):
    for n in range(25):
        make_job(artist, demo_generation_model, status=JobStatus.FAILED, prompt=f"failed take {n}")

    page = as_artist.get(LIBRARY, {"status": "failed", "sort": "oldest"}).content.decode()

    assert "status=failed&amp;sort=oldest&amp;page=2" in page


def test_a_star_marks_a_favourite_and_returns_to_the_filtered_view(as_artist, artist_output):
    back = f"{LIBRARY}?sort=favourites"
    response = as_artist.post(
        reverse("generation:output_favourite", args=[artist_output.pk]), {"favourite": "1", "next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    artist_output.refresh_from_db()
    assert artist_output.favourite
    outside = as_artist.post(
        reverse("generation:output_favourite", args=[artist_output.pk]),
        {"favourite": "0", "next": "https://elsewhere.example/"},
    )
    assert outside["Location"] == reverse("generation:job_detail", args=[artist_output.job_id])
    artist_output.refresh_from_db()
    assert not artist_output.favourite


def test_nobody_stars_another_testers_output(artist2, artist_output):
    response = client_for(artist2).post(
        reverse("generation:output_favourite", args=[artist_output.pk]), {"favourite": "1"}
    )

    assert response.status_code == 404
    artist_output.refresh_from_db()
    assert not artist_output.favourite


def test_collections_are_made_renamed_filled_emptied_and_deleted(artist, artist2, demo_generation_model):
    mine = make_output(artist, demo_generation_model)
    theirs = make_output(artist2, demo_generation_model)

    trips = collection_create(owner=artist, name="  Sea   trips ")
    assert trips.name == "Sea trips"
    with pytest.raises(Conflict):
        collection_create(owner=artist, name="Sea trips")
    collection_create(owner=artist2, name="Sea trips")  # names are per tester
    with pytest.raises(DomainError):
        collection_create(owner=artist, name="   ")
    with pytest.raises(DomainError):
        collection_create(owner=artist, name="x" * 81)

    collection_add_output(collection=trips, output=mine)
    collection_add_output(collection=trips, output=mine)  # twice is once
    with pytest.raises(DomainError):
        collection_add_output(collection=trips, output=theirs)
    assert list(trips.outputs.all()) == [mine]

    other = collection_create(owner=artist, name="Boats")
    with pytest.raises(Conflict):
        collection_rename(collection=other, name="Sea trips")
    collection_rename(collection=trips, name="Seaside")
    collection_remove_output(collection=trips, output=mine)
    assert not trips.outputs.exists()

    collection_add_output(collection=trips, output=mine)
    collection_delete(collection=trips)
    assert not Collection.objects.filter(name="Seaside").exists()
    assert Output.objects.filter(pk=mine.pk).exists(), "deleting a collection keeps its videos"


def test_the_library_shows_one_collection_and_the_pages_manage_them(artist, artist2, as_artist, artist_output):
    other = make_output(artist, artist_output.job.model)
    created = as_artist.post(reverse("generation:collection_create"), {"name": "Dusk"})
    collection = Collection.objects.get(owner=artist, name="Dusk")
    assert created["Location"] == f"{LIBRARY}?collection={collection.pk}"

    add = reverse("generation:collection_output", args=[collection.pk, artist_output.pk])
    assert as_artist.post(add, {"action": "add"}).status_code == 302
    assert shown_jobs(as_artist.get(LIBRARY, {"collection": collection.pk})) == [str(artist_output.job_id)]
    assert str(other.job_id) in shown_jobs(as_artist.get(LIBRARY))
    detail = as_artist.get(reverse("generation:job_detail", args=[artist_output.job_id])).content.decode()
    assert 'value="remove"' in detail

    as_artist.post(reverse("generation:collection_rename", args=[collection.pk]), {"name": "Dawn"})
    collection.refresh_from_db()
    assert collection.name == "Dawn"
    bad = as_artist.post(reverse("generation:collection_rename", args=[collection.pk]), {"name": ""}, follow=True)
    assert bad.status_code == 200 and "at most 80 characters" in bad.content.decode()

    stranger = client_for(artist2)
    assert stranger.post(reverse("generation:collection_delete", args=[collection.pk])).status_code == 404
    assert stranger.post(add, {"action": "remove"}).status_code == 404
    as_artist.post(reverse("generation:collection_delete", args=[collection.pk]))
    assert not Collection.objects.filter(pk=collection.pk).exists()


def test_a_card_cancels_its_queued_job_and_returns_to_the_view(artist, as_artist, demo_generation_model):
    job = make_job(artist, demo_generation_model)
    page = as_artist.get(LIBRARY, {"status": "queued"}).content.decode()
    assert reverse("generation:job_cancel", args=[job.pk]) in page

    response = as_artist.post(reverse("generation:job_cancel", args=[job.pk]), {"next": f"{LIBRARY}?status=queued"})

    assert response["Location"] == f"{LIBRARY}?status=queued"
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_finished_cards_preview_on_hover_without_loading_before(as_artist, artist_output):
    page = as_artist.get(LIBRARY).content.decode()
    video = page[page.index("<video") : page.index("</video>")]

    assert 'preload="none"' in video and "muted" in video and "poster=" in video
    # The page showed it, so the hover preview may fetch the video (the credential watch counts no leak)
    preview = as_artist.get(reverse("generation:output_video", args=[artist_output.pk]), HTTP_RANGE="bytes=0-9")
    assert preview.status_code == 206
