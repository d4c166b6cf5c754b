from django.urls import path

from generation.views import media, ops, portal, trace

app_name = "generation"

urlpatterns = [
    path("generate/", portal.generate, name="generate"),
    path("library/", portal.library, name="library"),
    path("library/status/", portal.library_status, name="library_status"),
    path("jobs/<uuid:pk>/", portal.job_detail, name="job_detail"),
    path("jobs/<uuid:pk>/cancel/", portal.job_cancel, name="job_cancel"),
    path("jobs/<uuid:pk>/rerun/", portal.job_rerun, name="job_rerun"),
    path("jobs/<uuid:pk>/variation/", portal.job_variation, name="job_variation"),
    path("outputs/<uuid:pk>/video/", media.output_video, name="output_video"),
    path("outputs/<uuid:pk>/poster/", media.output_poster, name="output_poster"),
    path("stills/<uuid:pk>/", media.input_image, name="input_image"),
    path("staff/trace/", trace.trace, name="trace"),
    path("staff/trace/<uuid:pk>/", trace.trace_result, name="trace_result"),
    path("staff/fleet/", ops.fleet, name="fleet"),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
]
