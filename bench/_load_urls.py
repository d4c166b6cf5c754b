"""The site's URLs plus the load benchmark's ceiling: the cheapest response Django can give."""

from django.http import HttpResponse
from django.urls import include, path


def ceiling(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/ceiling/", ceiling), path("", include("accessprogram.urls"))]
handler404 = "accessprogram.api.errors.not_found"
