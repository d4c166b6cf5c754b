"""A backing service that is down gives 503 with Retry-After and changes nothing, never a 500.

Redis here is a real client pointed at a port where nothing listens, as when the Redis server has stopped.
"""

from __future__ import annotations

import pytest
from django.test import Client

from accessprogram.infrastructure.redis_counters import _counters_for
from generation.models import GenerationJob
from tests.accessprogram.conftest import bearer, issue_token
from tests.generation.test_submit import URL, submit

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.REDIS_URL = DEAD_REDIS
    yield
    _counters_for.cache_clear()


def test_a_submission_while_redis_is_down_is_503_and_queues_nothing(redis_down, demo_generation_model, artist):
    client = Client(raise_request_exception=False)
    issued = issue_token(artist)
    response = client.post(
        URL, {"prompt": "a paper boat", "num_frames": 17, "steps": 4}, content_type="application/json", **bearer(issued)
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable" and "nothing was changed" in response.json()["detail"]
    assert not GenerationJob.objects.exists()


def test_a_portal_page_while_the_database_refuses_is_503(artist, monkeypatch):
    from django.db import OperationalError

    from generation.views import portal

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1:5432 failed: Connection refused")

    monkeypatch.setattr(portal, "render", refuse)
    client = Client(raise_request_exception=False)
    client.force_login(artist)
    response = client.get("/library/")
    assert response.status_code == 503 and "Briefly unavailable" in response.content.decode()


def test_other_errors_stay_500_in_the_api_error_shape(artist, monkeypatch):
    from generation.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views.GenerationViewSet, "list", broken)
    client = Client(raise_request_exception=False)
    client.force_login(artist)
    response = client.get(URL)
    assert response.status_code == 500 and response.json()["code"] == "server_error"


__all__ = ["submit"]
