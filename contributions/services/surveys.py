"""Surveys: testers in the survey's cohort answer once; a completed response is credited when the rate card
has a survey line."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accessprogram.errors import Conflict, InvalidFields, NotAllowed
from accessprogram.models import User
from accessprogram.services.audit import audit_record, audited_save
from accessprogram.services.context import Actor
from contributions.models import ContributionKind, QuestionKind, Survey, SurveyAnswer, SurveyResponse
from contributions.services.ledger import ledger_post, rate_line_for

ANSWER_MAX = 5000


def _checked_answers(survey: Survey, answers: dict) -> dict[int, str]:
    errors: dict[str, list[str]] = {}
    values: dict[int, str] = {}
    for question in survey.questions.all():
        field = f"q{question.pk}"
        raw = answers.get(field, answers.get(question.pk, answers.get(str(question.pk), "")))
        value = "" if raw is None else str(raw).strip()
        if not value:
            if question.required:
                errors[field] = [gettext("Answer this question.")]
            values[question.pk] = ""
            continue
        if question.kind == QuestionKind.CHOICE and value not in question.choice_list:
            errors[field] = [
                gettext("Choose one of: %(choice_list)s.") % {"choice_list": ", ".join(question.choice_list)}
            ]
        elif question.kind == QuestionKind.RATING and value not in {"1", "2", "3", "4", "5"}:
            errors[field] = [gettext("A rating from 1 to 5.")]
        elif len(value) > ANSWER_MAX:
            errors[field] = [gettext("At most %(count)s characters.") % {"count": ANSWER_MAX}]
        values[question.pk] = value
    if errors:
        raise InvalidFields(errors)
    return values


def survey_respond(*, actor: Actor, tester: User, survey: Survey, answers: dict) -> SurveyResponse:
    """Record a tester's one response. Answers are keyed `q<question id>` (or by the question id)."""
    membership = tester.tester_membership
    if membership is None or membership.cohort_id != survey.cohort_id:
        raise NotAllowed(gettext("This survey is for another cohort."))
    if not survey.is_open:
        raise Conflict(gettext("This survey is closed."), code="survey_closed")
    if SurveyResponse.objects.filter(survey=survey, tester=tester).exists():
        raise Conflict(gettext("You have already answered this survey."), code="already_answered")
    values = _checked_answers(survey, answers)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, tester=tester)
            SurveyAnswer.objects.bulk_create(
                SurveyAnswer(response=response, question_id=question_id, value=value)
                for question_id, value in values.items()
            )
            audit_record(actor=actor, action="survey.answered", target=response, details={"survey": survey.pk})
            if rate_line_for(kind=ContributionKind.SURVEY) is not None:
                ledger_post(
                    tester=tester,
                    kind=ContributionKind.SURVEY,
                    source=response,
                    actor=actor,
                    memo=f"Survey: {survey.title}"[:300],
                )
    except IntegrityError as exc:
        raise Conflict(gettext("You have already answered this survey."), code="already_answered") from exc
    return response


@transaction.atomic
def survey_save(*, actor: Actor, survey: Survey, changed: list[str]) -> Survey:
    if survey.pk is None and survey.created_by_id is None:
        survey.created_by = actor.user
    return audited_save(
        actor=actor,
        obj=survey,
        actions=("survey.created", "survey.changed"),
        details=lambda created: {"changed": changed, "cohort": survey.cohort.name, "open": survey.is_open},
    )
