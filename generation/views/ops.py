"""Operations: health checks for load balancers, Prometheus metrics, and the staff fleet page."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from kombu import Connection
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from accessprogram.access import program_admin_required
from generation.services.fleet import fleet_rows
from generation.services.metrics import fleet_registry


@never_cache
def healthz(request):
    """Liveness: the process answers. Nothing else is checked, so a database outage never restarts it."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: the database and the broker answer, so this process can serve and enqueue."""
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    ready = all(checks.values())
    return JsonResponse({"status": "ready" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 -- any failure means "not ready"
        return False


def _broker_answers() -> bool:
    try:
        with Connection(
            settings.CELERY_BROKER_URL, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 -- any failure means "not ready"
        return False


@never_cache
def metrics(request):
    """Prometheus text format, for staff or for a scraper presenting METRICS_TOKEN as a bearer token."""
    if not (_scraper_token_matches(request) or _is_program_admin(request)):
        return HttpResponse(status=404)
    return HttpResponse(generate_latest(fleet_registry()), content_type=CONTENT_TYPE_LATEST)


def _scraper_token_matches(request) -> bool:
    expected = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _is_program_admin(request) -> bool:
    user = request.user
    return user.is_authenticated and getattr(user, "is_program_admin", False)


@program_admin_required
def fleet(request):
    return render(request, "generation/fleet.html", {"rows": fleet_rows()})
