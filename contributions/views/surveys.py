"""Surveys: testers answer their cohort's open surveys once; admins read the responses."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext

from accessprogram.access import program_admin_required, tester_required
from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from accessprogram.views.common import add_domain_error
from contributions.access import survey_for_tester, surveys_for_tester
from contributions.forms import SurveyAnswerForm
from contributions.models import Survey, SurveyResponse
from contributions.services.surveys import survey_respond


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
                add_domain_error(form, exc)
                status = exc.status_code
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
    surveys = Survey.objects.select_related("cohort").annotate(answers=Count("responses"))
    return render(request, "contributions/staff/survey_list.html", {"surveys": surveys})


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
