"""The composer: style presets, 1, 2 or 4 variations per submission (seeds, limits, fair scheduling) and remix."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accessprogram.errors import InvalidFields, LimitReached
from accessprogram.models import AuditEvent, QuotaUnit
from accessprogram.services.context import Actor
from generation.models import GenerationJob, JobStatus, StylePreset
from generation.services.scheduling import generation_job_claim_next
from generation.services.submit import SEED_MAX, GenerationRequest, generation_jobs_submit
from tests.conftest import client_for, make_job, make_output

URL = "/api/v1/generations/"


def request_for(**fields) -> GenerationRequest:
    """A cheap submission: 256p square, 17 frames, 4 steps."""
    settings = {"prompt": "a paper boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}
    return GenerationRequest(**(settings | fields))


def submit(user, **fields) -> list[GenerationJob]:
    return generation_jobs_submit(actor=Actor(user=user), user=user, request=request_for(**fields))


@pytest.fixture
def watercolour(demo_generation_model):
    preset = StylePreset.objects.create(
        name="Watercolour",
        prompt_suffix="soft watercolour, paper texture",
        negative_prompt="photorealistic",
        aspect_ratio="9:16",
        steps=6,
    )
    preset.generation_models.add(demo_generation_model)
    return preset


# Variations


def test_four_variations_are_four_jobs_in_one_group_with_distinct_recorded_seeds(demo_generation_model, artist):
    jobs = submit(artist, variations=4)
    assert len({job.seed for job in jobs}) == 4
    assert len({job.variation_group for job in jobs}) == 1 and jobs[0].variation_group is not None
    assert [(job.variation_index, job.variation_count) for job in jobs] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    stored = GenerationJob.objects.filter(variation_group=jobs[0].variation_group).order_by("variation_index")
    assert [job.seed for job in stored] == [job.seed for job in jobs]
    assert AuditEvent.objects.filter(action="generation.submitted").count() == 4


def test_a_given_seed_makes_that_seed_and_the_next_ones(demo_generation_model, artist):
    assert [job.seed for job in submit(artist, variations=2, seed=41)] == [41, 42]
    assert [job.seed for job in submit(artist, seed=41)] == [41]


def test_a_given_seed_leaves_room_for_every_variation(demo_generation_model, artist):
    with pytest.raises(InvalidFields) as refused:
        submit(artist, variations=4, seed=SEED_MAX - 1)
    assert "seed" in refused.value.errors
    assert not GenerationJob.objects.exists()


@pytest.mark.parametrize("count", [0, 3, 5, 8])
def test_only_one_two_or_four_variations(demo_generation_model, artist, count):
    with pytest.raises(InvalidFields) as refused:
        submit(artist, variations=count)
    assert "variations" in refused.value.errors


def test_variations_count_as_jobs_at_once_and_nothing_is_queued_unless_all_fit(demo_generation_model, artist, cohort):
    cohort.max_active_jobs = 4
    cohort.save()
    make_job(artist, demo_generation_model)  # one already queued
    with pytest.raises(LimitReached) as refused:
        submit(artist, variations=4)
    assert refused.value.code == "too_many_active_jobs"
    assert "3 more fit now" in refused.value.message and "limit is 4" in refused.value.message
    assert GenerationJob.objects.count() == 1
    assert len(submit(artist, variations=2)) == 2


def test_variations_count_against_the_budget_each_and_the_refusal_says_how_many_fit(
    demo_generation_model, artist, cohort
):
    cohort.quota_unit = QuotaUnit.VIDEO_SECONDS
    cohort.quota_amount = 3  # each 17-frame job at 16 fps costs 1.0625 s
    cohort.max_active_jobs = 10
    cohort.save()
    with pytest.raises(LimitReached) as refused:
        submit(artist, variations=4)
    assert refused.value.code == "quota_exceeded" and refused.value.resets_at is not None
    assert "enough for 2" in refused.value.message and "4.25" in refused.value.message
    assert not GenerationJob.objects.exists()
    assert len(submit(artist, variations=2)) == 2
    with pytest.raises(LimitReached):
        submit(artist)  # 2.125 s used: one more would pass the 3 s budget


def test_variations_under_a_gpu_seconds_budget_are_priced_from_measured_jobs_of_that_model(
    demo_generation_model, artist, artist2, cohort
):
    cohort.quota_unit = QuotaUnit.GPU_SECONDS
    cohort.quota_amount = 30
    cohort.max_active_jobs = 10
    cohort.save()
    # Another tester's finished jobs of the same model and size took 10 s each: a variation is priced at 10 GPU-s.
    finished = timezone.now()
    for _ in range(3):
        job = make_job(artist2, demo_generation_model)
        GenerationJob.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, started_at=finished - timezone.timedelta(seconds=10), finished_at=finished
        )
    with pytest.raises(LimitReached) as refused:
        submit(artist, variations=4)
    assert refused.value.code == "quota_exceeded"
    assert "enough for 3" in refused.value.message and not GenerationJob.objects.filter(owner=artist).exists()
    assert len(submit(artist, variations=2)) == 2
    assert len(submit(artist)) == 1  # a single job is never refused on an estimate while budget is left


def test_another_testers_single_job_is_not_starved_behind_four_variations(demo_generation_model, artist, artist2):
    # Given a tester whose four variations are queued first…
    variations = submit(artist, variations=4)
    (single,) = submit(artist2)
    first = generation_job_claim_next(worker="gpu0")
    assert first.pk == variations[0].pk
    GenerationJob.objects.filter(pk=first.pk).update(status=JobStatus.SUCCEEDED, finished_at=timezone.now())
    # …the other tester's single job runs next, before the remaining three variations.
    assert generation_job_claim_next(worker="gpu0").pk == single.pk


# Style presets


def test_a_preset_adds_its_prompts_and_fills_the_settings_left_out(watercolour, artist):
    (job,) = submit(
        artist, style_preset=watercolour, prompt="a fox in snow", negative_prompt="text", aspect_ratio=None, steps=None
    )
    assert job.style_preset == watercolour and job.prompt == "a fox in snow"
    assert job.final_prompt == "a fox in snow, soft watercolour, paper texture"
    assert job.final_negative_prompt == "text, photorealistic"
    assert (job.aspect_ratio, job.steps) == ("9:16", 6) and job.width < job.height
    (explicit,) = submit(artist, style_preset=watercolour, aspect_ratio="1:1", steps=3)
    assert (explicit.aspect_ratio, explicit.steps) == ("1:1", 3)


def test_without_a_preset_the_model_gets_the_testers_prompts(demo_generation_model, artist):
    (job,) = submit(artist, prompt="a kite", negative_prompt="blur")
    assert (job.final_prompt, job.final_negative_prompt, job.style_preset) == ("a kite", "blur", None)


def test_an_inactive_preset_or_one_for_another_model_is_refused(watercolour, demo_generation_model, artist, cohort):
    from generation.models import GenerationModel

    other = GenerationModel.objects.create(name="LTX demo", family="ltx", directory="demo-ltx", version="1")
    other.allowed_cohorts.add(cohort)
    with pytest.raises(InvalidFields) as refused:
        submit(artist, style_preset=watercolour, model=other)
    assert "style_preset" in refused.value.errors
    watercolour.is_active = False
    watercolour.save()
    with pytest.raises(InvalidFields) as refused:
        submit(artist, style_preset=watercolour)
    assert "style_preset" in refused.value.errors
    assert not GenerationJob.objects.exists()


def test_admins_create_and_deactivate_presets_through_an_audited_save(demo_generation_model, as_admin):
    response = as_admin.post(
        reverse("generation:style_list"),
        {"name": "Noir", "prompt_suffix": "black and white", "generation_models": [demo_generation_model.pk],
         "is_active": "on", "position": "1", "resolution": "", "aspect_ratio": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    preset = StylePreset.objects.get(name="Noir")
    assert list(preset.generation_models.all()) == [demo_generation_model]
    created = AuditEvent.objects.get(action="style_preset.created")
    assert created.details["generation_models"] == ["Wan demo"]
    response = as_admin.post(
        reverse("generation:style_edit", args=[preset.pk]),
        {"name": "Noir", "prompt_suffix": "black and white", "generation_models": [demo_generation_model.pk],
         "position": "1", "resolution": "", "aspect_ratio": ""},
    )  # fmt: skip
    assert response.status_code == 302
    preset.refresh_from_db()
    assert not preset.is_active
    assert AuditEvent.objects.get(action="style_preset.updated").details == {"is_active": False}
    duplicate = as_admin.post(reverse("generation:style_list"), {"name": "noir", "position": "0"})
    assert duplicate.status_code == 400 and StylePreset.objects.count() == 1


# Remix


def test_a_remix_records_its_parent_and_both_pages_show_the_lineage(demo_generation_model, artist, as_artist):
    parent = make_output(artist, demo_generation_model)
    (child,) = submit(artist, remix_of=parent, prompt="a lighthouse at dawn", seed=parent.seed)
    assert child.remix_of == parent and child.seed == parent.seed
    child_page = as_artist.get(reverse("generation:job_detail", args=[child.pk])).content.decode()
    assert "data-remix-of" in child_page and reverse("generation:job_detail", args=[parent.job_id]) in child_page
    parent_page = as_artist.get(reverse("generation:job_detail", args=[parent.job_id])).content.decode()
    assert "data-remixes" in parent_page and reverse("generation:job_detail", args=[child.pk]) in parent_page


def test_nobody_remixes_an_output_they_may_not_remix(demo_generation_model, artist, artist2):
    others = make_output(artist2, demo_generation_model)
    with pytest.raises(InvalidFields) as refused:
        submit(artist, remix_of=others)
    assert "remix_of" in refused.value.errors
    assert client_for(artist).get(reverse("generation:generate"), {"remix": others.pk}).status_code == 404
    assert client_for(artist).get(reverse("generation:generate"), {"remix": "not-a-uuid"}).status_code == 404


def test_the_composer_opens_a_remix_with_the_outputs_prompt_settings_and_seed(
    watercolour, demo_generation_model, artist, as_artist
):
    output = make_output(artist, demo_generation_model)
    GenerationJob.objects.filter(pk=output.job_id).update(
        style_preset=watercolour, prompt="a heron", seed=1234, num_frames=33, steps=5
    )
    page = as_artist.get(reverse("generation:generate"), {"remix": output.pk})
    assert page.status_code == 200 and "data-remix-of" in page.content.decode()
    assert "data-still-kept" not in page.content.decode()  # a text-to-video parent has no still to keep
    initial = page.context["form"].initial
    assert (initial["prompt"], initial["seed"], initial["style_preset"]) == ("a heron", 1234, watercolour)
    # Sent back as it was filled in, with a changed prompt: the same frames, seed and style, and its parent.
    posted = {name: value.pk if hasattr(value, "pk") else value for name, value in initial.items()}
    response = as_artist.post(reverse("generation:generate"), posted | {"prompt": "a heron taking off"})
    assert response.status_code == 302, response.content.decode()
    remix = GenerationJob.objects.get(remix_of=output)
    assert (remix.prompt, remix.seed, remix.num_frames, remix.steps) == ("a heron taking off", 1234, 33, 5)
    assert remix.style_preset == watercolour


def test_the_library_shows_a_submissions_variations_as_one_group(demo_generation_model, artist, as_artist):
    jobs = submit(artist, variations=2)
    page = as_artist.get(reverse("generation:library")).content.decode()
    assert page.count(f'data-group="{jobs[0].variation_group}"') == 1
    assert "Variation 2 of 2" in page
    detail = as_artist.get(reverse("generation:job_detail", args=[jobs[1].pk])).content.decode()
    assert "data-variations" in detail and reverse("generation:job_detail", args=[jobs[0].pk]) in detail


# The API


def test_the_api_queues_variations_and_answers_with_the_first_job_and_all_of_them(watercolour, as_artist):
    body = {"prompt": "a fox", "resolution": "256p", "num_frames": 17, "variations": 2, "style_preset": "Watercolour"}
    response = as_artist.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["status"] == "queued" and answer["prompt"] == "a fox" and answer["variation_index"] == 1
    assert [job["variation_index"] for job in answer["variations"]] == [1, 2]
    assert answer["variations"][0]["id"] == answer["id"]
    assert answer["style_preset"] == "Watercolour" and answer["final_prompt"].endswith("paper texture")
    assert answer["aspect_ratio"] == "9:16"


@pytest.mark.parametrize("value", [3, 0, "four", None])
def test_the_api_refuses_other_variation_counts_field_by_field(demo_generation_model, as_artist, value):
    body = {"prompt": "a fox", "resolution": "256p", "num_frames": 17, "variations": value}
    response = as_artist.post(URL, body, content_type="application/json")
    assert response.status_code == 400 and "variations" in response.json()["errors"]
    assert not GenerationJob.objects.exists()


def test_the_api_refuses_a_remix_of_someone_elses_output(demo_generation_model, artist2, as_artist):
    others = make_output(artist2, demo_generation_model)
    body = {"prompt": "a fox", "resolution": "256p", "num_frames": 17, "remix_of": str(others.pk)}
    response = as_artist.post(URL, body, content_type="application/json")
    assert response.status_code == 400 and "remix_of" in response.json()["errors"]
