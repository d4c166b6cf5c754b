"""Surveys: testers in the cohort answer once; a completed response is credited when the rate card says so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contributions.models import LedgerEntry, Survey, SurveyQuestion, SurveyResponse
from tests.conftest import client_for


@pytest.fixture
def survey(cohort):
    survey = Survey.objects.create(cohort=cohort, title="First week", is_open=True)
    SurveyQuestion.objects.create(survey=survey, position=1, kind="rating", text="How was rendering speed?")
    SurveyQuestion.objects.create(
        survey=survey, position=2, kind="choice", text="Favourite ratio", choices="16:9\n9:16\n1:1"
    )
    SurveyQuestion.objects.create(survey=survey, position=3, kind="text", text="Anything else?", required=False)
    return survey


def answers(survey, **overrides):
    q = {question.position: f"q{question.pk}" for question in survey.questions.all()}
    body = {q[1]: "4", q[2]: "9:16", q[3]: "More styles please"}
    return {q[int(k[1:])] if k.startswith("p") else k: v for k, v in {**body, **overrides}.items()}


def answer(client, survey, **overrides):
    return client.post(reverse("contributions:survey_answer", args=[survey.pk]), answers(survey, **overrides))


def test_a_tester_answers_once_and_is_credited(survey, as_artist, artist, rate_card):
    assert b"First week" in as_artist.get(reverse("contributions:survey_list")).content
    assert answer(as_artist, survey).status_code == 302
    response = SurveyResponse.objects.get()
    assert response.tester == artist
    assert {a.question.position: a.value for a in response.answers.all()} == {
        1: "4",
        2: "9:16",
        3: "More styles please",
    }
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_minor, entry.source) == ("survey", 1_500, response)


def test_a_second_answer_is_refused(survey, as_artist, rate_card):
    answer(as_artist, survey)
    second = answer(as_artist, survey, p1="1")
    assert second.status_code == 409 and "already answered" in second.content.decode()
    assert SurveyResponse.objects.count() == 1 and LedgerEntry.objects.count() == 1


def test_without_a_survey_rate_the_answer_is_recorded_but_not_credited(survey, as_artist):
    assert answer(as_artist, survey).status_code == 302
    assert SurveyResponse.objects.exists() and not LedgerEntry.objects.exists()


@pytest.mark.parametrize("overrides", [{"p1": "6"}, {"p1": ""}, {"p2": "4:3"}, {"p2": ""}])
def test_bad_answers_get_a_form_error(survey, as_artist, overrides):
    assert answer(as_artist, survey, **overrides).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_other_cohorts_and_closed_surveys_are_out_of_reach(survey, red_teamer, as_artist):
    assert client_for(red_teamer).get(reverse("contributions:survey_answer", args=[survey.pk])).status_code == 404
    assert answer(client_for(red_teamer), survey).status_code == 404
    survey.is_open = False
    survey.save()
    assert as_artist.get(reverse("contributions:survey_answer", args=[survey.pk])).status_code == 404
    assert not SurveyResponse.objects.exists()


def test_admins_read_the_responses(survey, as_artist, as_admin):
    answer(as_artist, survey)
    assert b"First week" in as_admin.get(reverse("contributions:staff_survey_list")).content
    page = as_admin.get(reverse("contributions:staff_survey_results", args=[survey.pk])).content.decode()
    assert "aiko@vernissage.test" in page and "More styles please" in page


def test_the_admin_refuses_a_choice_question_without_choices(as_admin, cohort):
    response = as_admin.post(
        reverse("admin:contributions_survey_add"),
        {
            "cohort": cohort.pk,
            "title": "Bad",
            "description": "",
            "questions-TOTAL_FORMS": "1",
            "questions-INITIAL_FORMS": "0",
            "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000",
            "questions-0-position": "1",
            "questions-0-kind": "choice",
            "questions-0-text": "Pick",
            "questions-0-choices": "only one",
            "questions-0-required": "on",
        },
    )
    assert response.status_code == 200 and not Survey.objects.exists()
