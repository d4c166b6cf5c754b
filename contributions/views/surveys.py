"""Surveys: testers answer their cohort's open surveys once; admins read the responses."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accessprogram.access import program_admin_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error, domain_error_text, form_status
from contributions.access import survey_for_tester, surveys_for_tester
from contributions.forms import SurveyAnswerForm, SurveyForm, SurveyQuestionForm
from contributions.models import Survey, SurveyQuestion, SurveyResponse
from contributions.services.surveys import (
    survey_question_delete,
    survey_question_save,
    survey_respond,
    survey_save,
    survey_set_open,
)


@tester_required
def survey_list(request):
    answered = set(SurveyResponse.objects.filter(tester=request.user).values_list("survey_id", flat=True))
    surveys = [(survey, survey.pk in answered) for survey in surveys_for_tester(request.user)]
    return render(request, "contributions/survey_list.html", {"surveys": surveys})


@tester_required
def survey_answer(request, pk: int):
    survey = survey_for_tester(request.user, pk)
    response = SurveyResponse.objects.filter(survey=survey, tester=request.user).first()
    form = SurveyAnswerForm(request.POST or None, survey=survey)
    status = 200
    if request.method == "POST":
        if response is not None:
            form.is_valid()
            form.add_error(None, gettext("You have already answered this survey."))
            status = 409
        elif form.is_valid():
            try:
                survey_respond(
                    actor=Actor.from_request(request), tester=request.user, survey=survey, answers=form.cleaned_data
                )
            except DomainError as exc:
                status = add_domain_error(form, exc)
            else:
                messages.success(request, gettext("Thank you: your answers are recorded."))
                return redirect("contributions:survey_list")
        if form.errors and status == 200:
            status = 400
    return render(
        request,
        "contributions/survey_answer.html",
        {"survey": survey, "form": form, "response": response},
        status=status,
    )


@program_admin_required
def staff_survey_list(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = survey_save(actor=Actor.from_request(request), survey=form.instance, changed=form.changed_data)
        messages.success(request, gettext("Survey created: add its questions, then open it."))
        return redirect("contributions:staff_survey_edit", pk=survey.pk)
    surveys = Survey.objects.select_related("cohort").annotate(answers=Count("responses"))
    return render(
        request,
        "contributions/staff/survey_list.html",
        {"surveys": surveys, "form": form},
        status=form_status(form),
    )


@program_admin_required
def staff_survey_edit(request, pk: int):
    """The survey's title, cohort and description, and its questions: POST `part=survey` saves the survey;
    otherwise it adds a question (`question` empty), changes one, or removes one (`remove`)."""
    survey = get_object_or_404(Survey.objects.select_related("cohort"), pk=pk)
    data = request.POST if request.method == "POST" else None
    editing_survey = data is not None and data.get("part") == "survey"
    survey_form = SurveyForm(data if editing_survey else None, instance=survey, prefix="survey")
    question_id = (data or request.GET).get("question", "")
    question = get_object_or_404(SurveyQuestion, pk=int(question_id), survey=survey) if question_id.isdigit() else None
    form = SurveyQuestionForm(
        None if editing_survey else data,
        instance=question or SurveyQuestion(survey=survey, position=survey.questions.count() + 1),
    )
    status = 200
    if data is not None:
        actor = Actor.from_request(request)
        target = survey_form if editing_survey else form
        try:
            if editing_survey:
                if survey_form.is_valid():
                    survey_save(actor=actor, survey=survey_form.instance, changed=survey_form.changed_data)
                    messages.success(request, gettext("Survey saved."))
                    return redirect("contributions:staff_survey_edit", pk=survey.pk)
            elif question is not None and "remove" in data:
                survey_question_delete(actor=actor, question=question)
                messages.success(request, gettext("Question removed."))
                return redirect("contributions:staff_survey_edit", pk=survey.pk)
            elif form.is_valid():
                survey_question_save(actor=actor, question=form.instance)
                messages.success(request, gettext("Question saved."))
                return redirect("contributions:staff_survey_edit", pk=survey.pk)
            status = 400
        except DomainError as exc:
            status = add_domain_error(target, exc)
    return render(
        request,
        "contributions/staff/survey_edit.html",
        {
            "survey": survey,
            "survey_form": survey_form,
            "form": form,
            "editing": question,
            "questions": survey.questions.annotate(answer_count=Count("answers")),
        },
        status=status,
    )


@program_admin_required
@require_POST
def staff_survey_open(request, pk: int):
    survey = get_object_or_404(Survey, pk=pk)
    is_open = request.POST.get("open") == "1"
    try:
        survey_set_open(actor=Actor.from_request(request), survey=survey, is_open=is_open)
    except DomainError as exc:
        messages.error(request, domain_error_text(exc))
    else:
        if is_open:
            messages.success(request, gettext("The survey is open to its cohort."))
        else:
            messages.success(request, gettext("The survey is closed; its answers stay."))
    return redirect("contributions:staff_survey_edit", pk=survey.pk)


@program_admin_required
def staff_survey_results(request, pk: int):
    survey = get_object_or_404(Survey.objects.select_related("cohort"), pk=pk)
    questions = list(survey.questions.all())
    responses = survey.responses.select_related("tester").prefetch_related("answers")
    rows = []
    for response in responses:
        by_question = {answer.question_id: answer.value for answer in response.answers.all()}
        rows.append((response, [by_question.get(q.pk, "") for q in questions]))
    return render(
        request, "contributions/staff/survey_results.html", {"survey": survey, "questions": questions, "rows": rows}
    )
