from django.urls import path

from showcase.views import calls, exit, jury, licences, staff

app_name = "showcase"

urlpatterns = [
    path("showcase/", calls.showcase_list, name="showcase_list"),
    path("showcase/<int:pk>/", calls.showcase_call, name="showcase_call"),
    path("showcase/<int:pk>/submit/", calls.showcase_submit_view, name="showcase_submit"),
    path("showcase/<int:pk>/jury/", jury.showcase_jury, name="showcase_jury"),
    path("showcase/<int:pk>/jury/confirm/", jury.showcase_jury_confirm, name="showcase_jury_confirm"),
    path("showcase/submissions/<int:pk>/media/", calls.showcase_submission_media, name="showcase_submission_media"),
    path("showcase/submissions/<int:pk>/conflict/", jury.showcase_conflict_view, name="showcase_conflict"),
    path("showcase/submissions/<int:pk>/score/", jury.showcase_score_view, name="showcase_score"),
    path("licences/", licences.licence_list, name="licence_list"),
    path("licences/<int:pk>/answer/", licences.licence_answer, name="licence_answer"),
    # Under /membership-ended/ so a former tester, who reaches nothing else, can still take their work with them.
    path("membership-ended/archive.zip", exit.exit_archive, name="exit_archive"),
    path("staff/showcase/", staff.showcase_admin_list, name="showcase_admin_list"),
    path("staff/showcase/<int:pk>/", staff.showcase_admin_call, name="showcase_admin_call"),
    path("staff/showcase/<int:pk>/jurors/", staff.showcase_admin_jurors, name="showcase_admin_jurors"),
    path("staff/showcase/<int:pk>/close/", staff.showcase_admin_close, name="showcase_admin_close"),
    path("staff/showcase/<int:pk>/publish/", staff.showcase_admin_publish, name="showcase_admin_publish"),
    path("staff/showcase/submissions/<int:pk>/select/", staff.showcase_admin_select, name="showcase_admin_select"),
    path("staff/licences/", staff.licence_admin_list, name="licence_admin_list"),
]
