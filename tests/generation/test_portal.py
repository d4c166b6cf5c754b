"""The tester's portal pages: generate, library with search and live status, job page with player."""

from __future__ import annotations

from django.urls import reverse

from generation.models import GenerationJob
from tests.conftest import client_for, make_output


def test_generate_page_offers_only_what_the_cohort_allows(demo_generation_model, as_artist, cohort):
    cohort.max_resolution = "480p"
    cohort.save()
    page = as_artist.get(reverse("generation:generate")).content.decode()
    assert 'value="480p"' in page and 'value="720p"' not in page
    assert "Budget left" in page


def test_library_lists_searches_and_shows_posters(demo_generation_model, artist, as_artist):
    output = make_output(artist, demo_generation_model)
    page = as_artist.get(reverse("generation:library")).content.decode()
    assert reverse("generation:output_poster", args=[output.pk]) in page
    assert "lighthouse" in page
    assert "lighthouse" not in as_artist.get(reverse("generation:library"), {"q": "submarine"}).content.decode()


def test_library_status_reports_progress_as_json(demo_generation_model, artist, as_artist):
    output = make_output(artist, demo_generation_model)
    body = as_artist.get(reverse("generation:library_status"), {"ids": f"{output.job_id},not-a-uuid"}).json()
    assert body["jobs"][0]["status"] == "succeeded" and body["jobs"][0]["video_url"]


def test_job_page_plays_the_video_and_offers_rerun(demo_generation_model, artist, as_artist):
    output = make_output(artist, demo_generation_model)
    page = as_artist.get(reverse("generation:job_detail", args=[output.job_id])).content.decode()
    assert "<video" in page and reverse("generation:output_video", args=[output.pk]) in page
    assert reverse("generation:job_rerun", args=[output.job_id]) in page


def test_rerun_keeps_the_seed_and_variation_changes_it(demo_generation_model, artist, as_artist):
    output = make_output(artist, demo_generation_model)
    as_artist.post(reverse("generation:job_rerun", args=[output.job_id]))
    as_artist.post(reverse("generation:job_variation", args=[output.job_id]))
    rerun, variation = GenerationJob.objects.exclude(pk=output.job_id).order_by("created_at")
    assert rerun.seed == output.seed and rerun.prompt == output.job.prompt
    assert variation.seed != output.seed or variation.prompt == output.job.prompt


def test_media_supports_ranges_and_refuses_others(demo_generation_model, artist, artist2, as_artist, as_admin):
    output = make_output(artist, demo_generation_model)
    url = reverse("generation:output_video", args=[output.pk])
    as_artist.get(reverse("generation:job_detail", args=[output.job_id]))  # a person plays it from its page
    partial = as_artist.get(url, HTTP_RANGE="bytes=10-19")
    assert partial.status_code == 206 and partial["Content-Range"].startswith("bytes 10-19/")
    assert len(b"".join(partial.streaming_content)) == 10
    assert as_artist.get(url, HTTP_RANGE="bytes=99999-").status_code == 416
    assert as_admin.get(url).status_code == 200
    assert client_for(artist2).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


def test_old_job_addresses_move_permanently_to_generations(demo_generation_model, artist, as_artist):
    job_id = make_output(artist, demo_generation_model).job_id
    for name, tail in (("job_detail", ""), ("job_cancel", "cancel/"), ("job_rerun", "rerun/")):
        new = reverse(f"generation:{name}", args=[job_id])
        assert new == f"/generations/{job_id}/{tail}"
        moved = as_artist.get(f"/jobs/{job_id}/{tail}?from=bookmark")
        assert moved.status_code == 301 and moved["Location"] == f"{new}?from=bookmark"
    assert as_artist.get(f"/jobs/{job_id}/delete/").status_code == 404
