"""Surveys on the admin's desk: create, edit questions, open and close (each audited), read the answers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import AuditEvent
from contributions.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


def edit_url(survey):
    return reverse("contributions:staff_survey_edit", kwargs={"pk": survey.pk})


@pytest.fixture
def survey(as_admin, cohort):
    response = as_admin.post(
        reverse("contributions:staff_survey_list"), {"title": "First week", "cohort": cohort.pk, "description": ""}
    )
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(survey)
    return survey


def question(**fields):
    return {
        "text": "How was rendering speed?",
        "kind": "rating",
        "choices": "",
        "required": "on",
        "position": 1,
    } | fields


def test_a_survey_is_created_closed_and_audited(survey, admin_user):
    assert not survey.is_open and survey.created_by == admin_user
    assert AuditEvent.objects.filter(action="survey.created", target_id=str(survey.pk)).exists()


def test_questions_are_added_edited_and_removed_with_audit_rows(as_admin, survey):
    assert as_admin.post(edit_url(survey), question()).status_code == 302
    added = survey.questions.get()
    assert as_admin.post(edit_url(survey), question(question=added.pk, text="How fast?")).status_code == 302
    assert as_admin.post(edit_url(survey), {"question": added.pk, "remove": "1"}).status_code == 302

    assert not survey.questions.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"survey.question_added", "survey.question_changed", "survey.question_removed"} <= actions


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"kind": "choice", "choices": "Only one"}, "choices"), ({"text": ""}, "text"), ({"kind": "poll"}, "kind")],
)
def test_a_bad_question_is_a_form_error(as_admin, survey, fields, field):
    response = as_admin.post(edit_url(survey), question(**fields))

    assert response.status_code == 400 and response.context["form"].errors[field]
    assert not survey.questions.exists()


def test_a_survey_without_questions_cannot_open(as_admin, survey):
    response = as_admin.post(reverse("contributions:staff_survey_open", kwargs={"pk": survey.pk}), {"open": "1"})

    assert response.status_code == 302
    survey.refresh_from_db()
    assert not survey.is_open


def test_opening_and_closing_are_audited_and_answers_can_be_read(as_admin, survey, artist):
    as_admin.post(edit_url(survey), question())
    open_url = reverse("contributions:staff_survey_open", kwargs={"pk": survey.pk})

    as_admin.post(open_url, {"open": "1"})
    survey.refresh_from_db()
    assert survey.is_open
    response = SurveyResponse.objects.create(survey=survey, tester=artist)
    SurveyAnswer.objects.create(response=response, question=survey.questions.get(), value="4")
    as_admin.post(open_url, {"open": "0"})

    survey.refresh_from_db()
    assert not survey.is_open
    changes = AuditEvent.objects.filter(action="survey.changed").order_by("id").values_list("details", flat=True)
    assert [d["open"] for d in changes] == [True, False]
    results = as_admin.get(reverse("contributions:staff_survey_results", kwargs={"pk": survey.pk}))
    assert results.status_code == 200 and results.context["rows"][0][1] == ["4"]


def test_an_answered_question_keeps_its_kind_and_cannot_be_removed(as_admin, survey, artist):
    as_admin.post(edit_url(survey), question())
    asked = survey.questions.get()
    response = SurveyResponse.objects.create(survey=survey, tester=artist)
    SurveyAnswer.objects.create(response=response, question=asked, value="4")

    changed = as_admin.post(edit_url(survey), question(question=asked.pk, kind="text"))
    removed = as_admin.post(edit_url(survey), {"question": asked.pk, "remove": "1"})

    assert changed.status_code == removed.status_code == 409
    assert SurveyQuestion.objects.get(pk=asked.pk).kind == "rating"
