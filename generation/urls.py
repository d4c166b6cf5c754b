from django.urls import path, re_path
from django.views.generic import RedirectView

from generation.views import catalog, live, media, ops, portal, styles, trace

app_name = "generation"

urlpatterns = [
    path("generate/", portal.generate, name="generate"),
    path("library/", portal.library, name="library"),
    path("library/status/", live.library_status, name="library_status"),
    path("generations/<uuid:pk>/", portal.job_detail, name="job_detail"),
    path("generations/<uuid:pk>/cancel/", portal.job_cancel, name="job_cancel"),
    path("generations/<uuid:pk>/rerun/", portal.job_rerun, name="job_rerun"),
    path("generations/<uuid:pk>/variation/", portal.job_variation, name="job_variation"),
    # The portal said "jobs" until it took the API's noun: old bookmarks move permanently.
    re_path(
        r"^jobs/(?P<rest>[0-9a-f-]{36}/(?:(?:cancel|rerun|variation)/)?)$",
        RedirectView.as_view(url="/generations/%(rest)s", permanent=True, query_string=True),
        name="jobs_moved",
    ),
    path("library/collections/", portal.collection_create_view, name="collection_create"),
    path("library/collections/<int:pk>/rename/", portal.collection_rename_view, name="collection_rename"),
    path("library/collections/<int:pk>/delete/", portal.collection_delete_view, name="collection_delete"),
    path("library/collections/<int:pk>/outputs/<uuid:output_pk>/", portal.collection_output, name="collection_output"),
    path("outputs/<uuid:pk>/favourite/", portal.output_favourite, name="output_favourite"),
    path("outputs/<uuid:pk>/program/", portal.output_program, name="output_program"),
    path("outputs/<uuid:pk>/video/", media.output_video, name="output_video"),
    path("outputs/<uuid:pk>/poster/", media.output_poster, name="output_poster"),
    path("stills/<uuid:pk>/", media.input_image, name="input_image"),
    path("staff/trace/", trace.trace, name="trace"),
    path("staff/trace/<uuid:pk>/", trace.trace_result, name="trace_result"),
    path("staff/fleet/", ops.fleet, name="fleet"),
    path("staff/models/", catalog.staff_models, name="staff_models"),
    path("staff/models/<int:pk>/", catalog.staff_model_edit, name="staff_model_edit"),
    path("staff/styles/", styles.style_list, name="style_list"),
    path("staff/styles/<int:pk>/", styles.style_edit, name="style_edit"),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
]
