from django.urls import path

from contributions.views import findings, ledger, policy, rate_cards, reports, surveys

app_name = "contributions"

urlpatterns = [
    path("feedback/", reports.report_list, name="report_list"),
    path("feedback/new/", reports.report_new, name="report_new"),
    path("feedback/<int:pk>/", reports.report_detail, name="report_detail"),
    path("feedback/<int:pk>/screenshots/<int:screenshot_id>/", reports.report_screenshot, name="report_screenshot"),
    path("findings/", findings.finding_list, name="finding_list"),
    path("findings/new/", findings.finding_new, name="finding_new"),
    path("findings/<int:pk>/", findings.finding_detail, name="finding_detail"),
    path("ledger/", ledger.my_ledger, name="my_ledger"),
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", surveys.survey_answer, name="survey_answer"),
    path("staff/feedback/", reports.staff_report_list, name="staff_report_list"),
    path("staff/feedback/<int:pk>/", reports.staff_report_detail, name="staff_report_detail"),
    path("staff/findings/", findings.staff_finding_list, name="staff_finding_list"),
    path("staff/findings/<int:pk>/", findings.staff_finding_detail, name="staff_finding_detail"),
    path("staff/ledger/", ledger.staff_ledger, name="staff_ledger"),
    path("staff/ledger/<int:pk>/advance/", ledger.staff_ledger_advance, name="staff_ledger_advance"),
    path("staff/ledger/statement.csv", ledger.staff_ledger_statement, name="staff_ledger_statement"),
    path("staff/surveys/", surveys.staff_survey_list, name="staff_survey_list"),
    path("staff/surveys/<int:pk>/", surveys.staff_survey_results, name="staff_survey_results"),
    path("staff/surveys/<int:pk>/edit/", surveys.staff_survey_edit, name="staff_survey_edit"),
    path("staff/surveys/<int:pk>/open/", surveys.staff_survey_open, name="staff_survey_open"),
    path("staff/policy/", policy.staff_policy_list, name="staff_policy_list"),
    path("staff/policy/<int:pk>/", policy.staff_policy_edit, name="staff_policy_edit"),
    path("staff/policy/<int:pk>/active/", policy.staff_policy_active, name="staff_policy_active"),
    path("staff/rate-cards/", rate_cards.staff_rate_cards, name="staff_rate_cards"),
    path("staff/rate-cards/<int:pk>/", rate_cards.staff_rate_card, name="staff_rate_card"),
    path("staff/rate-cards/<int:pk>/publish/", rate_cards.staff_rate_card_publish, name="staff_rate_card_publish"),
]
