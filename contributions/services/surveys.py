"""Surveys: testers in the survey's cohort answer once; a completed response is credited when the rate card
has a survey line."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accessprogram.errors import Conflict, InvalidFields, NotAllowed
from accessprogram.models import User
from accessprogram.services.audit import audit_record, audited_save
from accessprogram.services.context import Actor
from contributions.models import ContributionKind, QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
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


@transaction.atomic
def survey_set_open(*, actor: Actor, survey: Survey, is_open: bool) -> Survey:
    """Open a survey to its cohort's testers, or close it (answers already given stay)."""
    survey = Survey.objects.select_for_update().select_related("cohort").get(pk=survey.pk)
    if is_open and not survey.questions.exists():
        raise Conflict(gettext("Add at least one question before opening the survey."), code="no_questions")
    if survey.is_open == is_open:
        return survey
    survey.is_open = is_open
    return survey_save(actor=actor, survey=survey, changed=["is_open"])


@transaction.atomic
def survey_question_save(*, actor: Actor, question: SurveyQuestion) -> SurveyQuestion:
    """Add or change a question. Once a question has answers its kind and choices stay as answered."""
    if question.pk is not None and question.answers.exists():
        stored = SurveyQuestion.objects.get(pk=question.pk)
        if (stored.kind, stored.choice_list) != (question.kind, question.choice_list):
            raise Conflict(
                gettext("Testers have answered this question: its kind and choices can no longer change."),
                field="kind",
                code="question_answered",
            )
    try:
        question.full_clean()
    except ValidationError as exc:
        raise InvalidFields(exc.message_dict) from exc
    return audited_save(
        actor=actor,
        obj=question,
        actions=("survey.question_added", "survey.question_changed"),
        details=lambda created: {"survey": question.survey_id, "text": question.text, "kind": question.kind},
    )


@transaction.atomic
def survey_question_delete(*, actor: Actor, question: SurveyQuestion) -> None:
    if question.answers.exists():
        raise Conflict(
            gettext("Testers have answered this question, so it stays; edit its wording instead."),
            code="question_answered",
        )
    audit_record(
        actor=actor,
        action="survey.question_removed",
        target=question.survey,
        details={"question": question.pk, "text": question.text},
    )
    question.delete()
