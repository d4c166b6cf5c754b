"""Every URL of the site. Each pattern has an access rule, checked by tests/accessprogram/test_url_access.py."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accessprogram.views import (
    audit,
    cohorts,
    dashboard,
    desk,
    invitations,
    nda,
    notifications,
    preferences,
    suspensions,
    tokens,
)

staff_patterns = [
    path("invitations/", invitations.invitation_list, name="invitation_list"),
    path("invitations/import/", invitations.invitation_import, name="invitation_import"),
    path("invitations/<int:pk>/resend/", invitations.invitation_resend_view, name="invitation_resend"),
    path("invitations/<int:pk>/revoke/", invitations.invitation_revoke_view, name="invitation_revoke"),
    path("nda/", nda.nda_admin_list, name="nda_admin_list"),
    path("nda/<int:pk>/", nda.nda_admin_detail, name="nda_admin_detail"),
    path("nda/<int:pk>/publish/", nda.nda_admin_publish, name="nda_admin_publish"),
    path("nda/<int:pk>/evidence.csv", nda.nda_admin_evidence, name="nda_admin_evidence"),
    path("cohorts/", cohorts.cohort_list, name="cohort_list"),
    path("cohorts/<int:pk>/", cohorts.cohort_edit, name="cohort_edit"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("desk/", desk.desk, name="desk"),
    path("tokens/<int:pk>/download/", tokens.staff_token_download, name="staff_token_download"),
    path("suspensions/", suspensions.suspension_list, name="suspension_list"),
    path("suspensions/<int:pk>/lift/", suspensions.suspension_lift_view, name="suspension_lift"),
    path("suspensions/thresholds/", suspensions.anomaly_thresholds_edit, name="anomaly_thresholds"),
]

api_patterns = [
    path("", include("accessprogram.api.urls")),
]

program_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("membership-ended/", dashboard.no_membership, name="no_membership"),
    path("suspended/", suspensions.access_suspended, name="access_suspended"),
    path("tokens/", tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path("invite/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("nda/", nda.nda_view, name="nda"),
    path("nda/receipts/<int:pk>/", nda.nda_receipt, name="nda_receipt"),
    path("i18n/setlang/", preferences.language_set, name="set_language"),
    path("accounts/preferences/", preferences.preferences, name="account_preferences"),
    path("notifications/", notifications.notification_list, name="notification_list"),
    path("notifications/read/", notifications.notification_read, name="notification_read"),
    path("staff/", include(staff_patterns)),
]

urlpatterns = [
    path("", include((program_patterns, "accessprogram"))),
    path("", include("generation.urls")),
    path("", include("review.urls")),
    path("", include("contributions.urls")),
    path("", include("showcase.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (`?script`): the CSP allows no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="accessprogram/api_docs.html"),
        name="api_docs",
    ),
]

handler400 = "accessprogram.api.errors.bad_request"
handler404 = "accessprogram.api.errors.not_found"
handler500 = "accessprogram.api.errors.server_error"
