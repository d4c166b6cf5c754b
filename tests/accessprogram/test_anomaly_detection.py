"""A token used like a public proxy is suspended on its own, at once, with evidence; nobody else notices."""

from __future__ import annotations

import pytest
from django.core import mail
from django.forms.models import model_to_dict
from django.urls import reverse

from accessprogram.models import AnomalyThresholds, AuditEvent, Suspension, SuspensionScope
from generation.models import GenerationJob, JobStatus
from tests.accessprogram.conftest import bearer, issue_token, reload

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"
JOB = {"prompt": "a paper boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}


@pytest.fixture
def behind_proxy(settings):
    """The site sits behind one trusted reverse proxy, which appends the client's address to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    return settings


def thresholds(**values) -> AnomalyThresholds:
    current = AnomalyThresholds.current()
    for field, value in values.items():
        setattr(current, field, value)
    current.save()
    return current


def via_proxy(client_ip: str, **headers) -> dict:
    return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": client_ip, **headers}


@pytest.mark.parametrize(
    ("addresses", "tripped_by", "threshold"),
    [
        pytest.param([f"203.0.113.{n}" for n in range(1, 51)], "client_ips", "max_client_ips", id="one-network"),
        pytest.param([f"198.51.{n}.7" for n in range(50)], "networks", "max_networks", id="fifty-networks"),
    ],
)
def test_a_token_used_from_fifty_addresses_is_suspended_alone_within_the_threshold(
    behind_proxy,
    demo_generation_model,
    admin_user,
    artist,
    artist2,
    as_artist,
    api,
    django_capture_on_commit_callbacks,
    addresses,
    tripped_by,
    threshold,
):
    # Given the leaked token with two queued jobs, the owner's other token and session, and another tester.
    limits = thresholds(max_client_ips=8, max_networks=4, max_user_agents=50, max_requests=1000)
    leaked, kept = issue_token(artist, name="leaked"), issue_token(artist, name="kept")
    others = issue_token(artist2, name="bram")
    for _ in range(2):
        api.post(
            "/api/v1/generations/", JOB, content_type="application/json", **bearer(leaked, **via_proxy(addresses[0]))
        )
    own_job = as_artist.post("/api/v1/generations/", JOB, content_type="application/json").json()["id"]
    mail.outbox.clear()

    # When a public page sends everyone's requests through the token, from 50 client addresses...
    statuses, other_statuses = [], []
    with django_capture_on_commit_callbacks(execute=True):
        for address in addresses:
            statuses.append(api.get(ME, **bearer(leaked, **via_proxy(address))).status_code)
            other_statuses.append(api.get(ME, **bearer(others, **via_proxy("192.0.2.200"))).status_code)

    # ...it works until the threshold, and the request that crosses it is already refused, as is every later one.
    limit = getattr(limits, threshold)
    assert statuses == [200] * limit + [403] * (len(addresses) - limit)
    assert set(other_statuses) == {200}
    assert api.get(ME, **bearer(kept, **via_proxy("192.0.2.9"))).status_code == 200
    assert as_artist.get(ME).status_code == 200

    suspension = Suspension.objects.get()
    assert (suspension.scope, suspension.token_id, suspension.automatic) == (
        SuspensionScope.TOKEN,
        leaked.token.pk,
        True,
    )
    (finding,) = suspension.evidence["findings"]
    assert finding["signal"] == tripped_by and finding["observed"] == limit + 1 and finding["limit"] == limit
    assert addresses[limit] in suspension.evidence["recently_seen"]["client_ips"]
    assert reload(leaked).status == "suspended" and reload(kept).status == "active"

    # The leaked token's queued jobs are cancelled; the owner's own job is not.
    jobs = GenerationJob.objects.filter(token=leaked.token)
    assert jobs.count() == 2 and set(jobs.values_list("status", flat=True)) == {JobStatus.CANCELLED}
    assert GenerationJob.objects.get(pk=own_job).status == JobStatus.QUEUED

    # The owner and the admins are told why, with the evidence; the audit log has it too.
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([artist.email, admin_user.email])
    assert all(addresses[limit] in message.body and "threshold" in message.body for message in mail.outbox)
    event = AuditEvent.objects.get(action="suspension.created")
    assert event.details["automatic"] and event.details["queued_jobs_cancelled"] == 2
    assert event.details["evidence"]["findings"][0]["signal"] == tripped_by


def test_forwarded_addresses_count_only_through_trusted_proxies(settings, artist_token, api):
    # With no trusted proxy, X-Forwarded-For is whatever the client says it is: ignored.
    settings.TRUSTED_PROXY_COUNT = 0
    thresholds(max_client_ips=3, max_networks=3)

    statuses = {api.get(ME, **bearer(artist_token, **via_proxy(f"198.51.{n}.1"))).status_code for n in range(20)}

    assert statuses == {200} and not Suspension.objects.exists()


def test_a_client_cannot_hide_behind_a_forged_forwarded_header(behind_proxy, artist_token, api):
    thresholds(max_client_ips=3, max_networks=3)

    # Each request forges a different first hop; the trusted proxy appends the one real address.
    statuses = {
        api.get(ME, **bearer(artist_token, **via_proxy(f"198.51.{n}.1, 192.0.2.77"))).status_code for n in range(20)
    }

    assert statuses == {200}
    assert reload(artist_token).last_used_ip == "192.0.2.77"


def test_many_user_agents_suspend_the_token(artist_token, api):
    thresholds(max_user_agents=3)

    statuses = [api.get(ME, **bearer(artist_token, HTTP_USER_AGENT=f"Browser/{n}")).status_code for n in range(6)]

    assert statuses == [200, 200, 200, 403, 403, 403]
    assert Suspension.objects.get().evidence["findings"][0]["signal"] == "user_agents"


def test_a_request_rate_above_the_baseline_suspends_the_token(artist_token, api):
    thresholds(max_requests=20)

    statuses = [api.get(ME, **bearer(artist_token)).status_code for _ in range(22)]

    assert statuses == [200] * 20 + [403] * 2


def test_a_token_used_from_another_sites_web_page_is_suspended_on_the_first_request(artist_token, api):
    response = api.get(ME, **bearer(artist_token, HTTP_ORIGIN="https://free-video-generator.example"))

    assert response.status_code == 403 and response.json()["code"] == "suspended"
    (finding,) = Suspension.objects.get().evidence["findings"]
    assert finding["signal"] == "foreign_origin" and finding["detail"] == "https://free-video-generator.example"


def test_the_portals_own_origin_is_fine(settings, artist_token, api):
    statuses = {api.get(ME, **bearer(artist_token, HTTP_ORIGIN=settings.SITE_URL)).status_code for _ in range(5)}

    assert statuses == {200} and not Suspension.objects.exists()


def test_the_origin_check_can_be_turned_off(artist_token, api):
    thresholds(refuse_foreign_origin=False)

    assert api.get(ME, **bearer(artist_token, HTTP_ORIGIN="https://elsewhere.example")).status_code == 200


def test_one_person_using_a_token_normally_is_never_suspended(artist_token, api):
    for _ in range(40):
        assert api.get(ME, **bearer(artist_token, HTTP_USER_AGENT="python-requests/2.32")).status_code == 200

    assert not Suspension.objects.exists()


def thresholds_form(**changes) -> dict:
    """Every field of the thresholds form at its default (booleans on), with these changes."""
    values = {**model_to_dict(AnomalyThresholds(), exclude=["id"]), **changes}
    return {field: ("on" if value is True else value) for field, value in values.items() if value is not False}


def test_admins_set_the_thresholds_on_the_staff_page(as_admin, artist_token, api):
    response = as_admin.post(
        reverse("accessprogram:anomaly_thresholds"),
        thresholds_form(window_seconds=300, max_client_ips=2, max_networks=2, max_user_agents=5, max_requests=500),
    )

    assert response.status_code == 302
    assert AnomalyThresholds.current().max_client_ips == 2
    event = AuditEvent.objects.get(action="anomaly_thresholds.updated")
    assert event.details["max_client_ips"] == 2 and event.actor_label == "ada@vernissage.test"
    statuses = [api.get(ME, **bearer(artist_token, REMOTE_ADDR=f"192.0.2.{n}")).status_code for n in range(1, 4)]
    assert statuses == [200, 200, 403]


@pytest.mark.parametrize("value", ["0", "-1", "ten"])
def test_bad_thresholds_are_refused_field_by_field(as_admin, value):
    response = as_admin.post(
        reverse("accessprogram:anomaly_thresholds"),
        thresholds_form(max_client_ips=value),
    )

    assert response.status_code == 400 and b"max_client_ips" in response.content
    assert AnomalyThresholds.current().max_client_ips == 8


def test_testers_cannot_change_the_thresholds(as_artist):
    assert as_artist.post(reverse("accessprogram:anomaly_thresholds"), {"max_client_ips": 1000}).status_code == 403


def test_lifting_a_token_suspension_starts_its_windows_afresh(
    admin_user, as_admin, artist_token, api, django_capture_on_commit_callbacks
):
    thresholds(max_user_agents=2)
    for n in range(3):
        api.get(ME, **bearer(artist_token, HTTP_USER_AGENT=f"Browser/{n}"))
    suspension = Suspension.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        assert as_admin.post(reverse("accessprogram:suspension_lift", args=[suspension.pk])).status_code == 302

    assert api.get(ME, **bearer(artist_token, HTTP_USER_AGENT="Browser/9")).status_code == 200
