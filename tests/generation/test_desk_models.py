"""Generation models on the admin's desk: which cohorts a model serves and its daily bounds, audited."""

from __future__ import annotations

from django.urls import reverse

from accessprogram.models import AuditEvent
from generation.services.submit import models_for_cohort


def settings_form(model, **fields):
    return {
        "is_active": "on",
        "allowed_cohorts": [c.pk for c in model.allowed_cohorts.all()],
        "default_steps": model.default_steps,
        "max_steps": model.max_steps,
        "default_guidance": model.default_guidance,
        "max_guidance": model.max_guidance,
        "max_frames": model.max_frames,
        "fps": model.fps,
    } | fields


def test_an_admin_gives_a_model_to_another_cohort_and_it_is_audited(
    as_admin, demo_generation_model, cohort, other_cohort
):
    url = reverse("generation:staff_model_edit", kwargs={"pk": demo_generation_model.pk})

    response = as_admin.post(url, settings_form(demo_generation_model, allowed_cohorts=[other_cohort.pk], max_steps=12))

    assert response.status_code == 302
    assert list(models_for_cohort(other_cohort)) == [demo_generation_model]
    assert not models_for_cohort(cohort).exists()
    event = AuditEvent.objects.get(action="generation_model.cohorts_changed")
    assert event.details == {"added": [other_cohort.name], "removed": [cohort.name]}
    assert AuditEvent.objects.get(action="generation_model.updated").details == {"max_steps": 12}


def test_switching_a_model_off_hides_it_from_its_cohorts(as_admin, demo_generation_model, cohort):
    form = settings_form(demo_generation_model)
    del form["is_active"]

    as_admin.post(reverse("generation:staff_model_edit", kwargs={"pk": demo_generation_model.pk}), form)

    assert not models_for_cohort(cohort).exists()
    assert AuditEvent.objects.get(action="generation_model.updated").details == {"is_active": False}


def test_a_default_above_its_maximum_is_a_form_error(as_admin, demo_generation_model):
    url = reverse("generation:staff_model_edit", kwargs={"pk": demo_generation_model.pk})

    response = as_admin.post(url, settings_form(demo_generation_model, default_steps=30, max_steps=10))

    assert response.status_code == 400 and response.context["form"].errors["default_steps"]
    demo_generation_model.refresh_from_db()
    assert demo_generation_model.max_steps != 10
    assert not AuditEvent.objects.filter(action__startswith="generation_model.").exists()
