"""What a token may do: its scopes, its owner's program gate, and never a video's bytes without `download`."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.models import AuditEvent, TokenScope
from accessprogram.services.context import Actor
from accessprogram.services.nda import nda_create_draft
from accessprogram.services.tokens import token_grant_download
from generation.models import GenerationJob
from tests.accessprogram.conftest import bearer, issue_token, reload
from tests.conftest import publish_in_every_language

pytestmark = pytest.mark.django_db
JOB = {"prompt": "a paper boat", "resolution": "256p", "aspect_ratio": "1:1", "num_frames": 17, "steps": 4}


def submit(api, issued):
    return api.post("/api/v1/generations/", JOB, content_type="application/json", **bearer(issued))


def test_a_generate_token_submits_and_the_job_remembers_the_token(demo_generation_model, artist, api):
    issued = issue_token(artist, scopes=[TokenScope.GENERATE])

    response = submit(api, issued)

    assert response.status_code == 201, response.content
    job = GenerationJob.objects.get(pk=response.json()["id"])
    assert job.owner == artist and job.token == issued.token
    event = AuditEvent.objects.get(action="generation.submitted")
    assert event.actor_label == f"{artist.email} (token {issued.token.prefix}…)"


def test_a_read_only_token_cannot_submit_or_cancel(demo_generation_model, artist, artist_output, api):
    issued = issue_token(artist, scopes=[TokenScope.READ])

    refused = submit(api, issued)
    cancel = api.post(f"/api/v1/generations/{artist_output.job.pk}/cancel/", **bearer(issued))

    assert (
        refused.status_code == 403
        and refused.json()["code"] == "token_scope"
        and "generate" in refused.json()["detail"]
    )
    assert cancel.status_code == 403
    assert GenerationJob.objects.count() == 1


def test_a_generate_only_token_cannot_read(artist, artist_output, api):
    issued = issue_token(artist, scopes=[TokenScope.GENERATE])

    for url in (
        "/api/v1/generations/",
        f"/api/v1/generations/{artist_output.job.pk}/",
        "/api/v1/outputs/",
        "/api/v1/me/",
    ):
        assert api.get(url, **bearer(issued)).status_code == 403, url


def test_a_read_token_reads_metadata_but_never_the_bytes(artist, artist_output, api):
    issued = issue_token(artist, scopes=[TokenScope.READ, TokenScope.GENERATE])

    assert api.get("/api/v1/outputs/", **bearer(issued)).json()["count"] == 1
    assert api.get(f"/api/v1/outputs/{artist_output.pk}/", **bearer(issued)).status_code == 200
    media = api.get(f"/api/v1/outputs/{artist_output.pk}/media/", **bearer(issued))
    ranged = api.get(f"/api/v1/outputs/{artist_output.pk}/media/", HTTP_RANGE="bytes=0-9", **bearer(issued))

    assert media.status_code == 403 and "download" in media.json()["detail"]
    assert ranged.status_code == 403 and not getattr(ranged, "streaming", False)


def test_portal_media_urls_ignore_tokens(artist, artist_output, api):
    issued = issue_token(artist)

    response = api.get(reverse("generation:output_video", args=[artist_output.pk]), **bearer(issued))

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_download_is_granted_per_token_by_an_admin(admin_user, artist, artist_output, api):
    granted = issue_token(artist, name="granted")
    other = issue_token(artist, name="other")

    token_grant_download(actor=Actor(user=admin_user), token=granted.token, reason="Render farm archive")

    media = api.get(f"/api/v1/outputs/{artist_output.pk}/media/", **bearer(granted))
    assert media.status_code == 200 and b"".join(media.streaming_content)[4:8] == b"ftyp"
    assert api.get(f"/api/v1/outputs/{artist_output.pk}/media/", **bearer(other)).status_code == 403
    assert AuditEvent.objects.filter(action="token.download_granted").count() == 1


def test_only_an_admin_can_grant_download(artist, artist2):
    from accessprogram.errors import NotAllowed

    issued = issue_token(artist)
    with pytest.raises(NotAllowed):
        token_grant_download(actor=Actor(user=artist), token=issued.token, reason="Because")


def test_the_desk_grants_download_with_a_reason(as_admin, artist, api, artist_output):
    issued = issue_token(artist)
    url = reverse("accessprogram:staff_token_download", kwargs={"pk": issued.token.pk})

    response = as_admin.post(url, {"reason": "  The artist's render farm   archives approved work "})

    assert response.status_code == 302
    assert api.get(f"/api/v1/outputs/{artist_output.pk}/media/", **bearer(issued)).status_code == 200
    event = AuditEvent.objects.get(action="token.download_granted")
    assert event.details["reason"] == "The artist's render farm archives approved work"
    assert event.details["owner"] == artist.email and event.actor_label


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_desk_refuses_a_grant_without_a_reason(as_admin, artist, reason):
    issued = issue_token(artist)

    response = as_admin.post(
        reverse("accessprogram:staff_token_download", kwargs={"pk": issued.token.pk}), {"reason": reason}
    )

    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert not reload(issued).has_scope("download")
    assert not AuditEvent.objects.filter(action="token.download_granted").exists()


def test_the_service_refuses_a_blank_reason_and_a_revoked_token(admin_user, artist):
    from accessprogram.errors import Conflict, DomainError
    from accessprogram.services.tokens import token_revoke

    issued = issue_token(artist)
    with pytest.raises(DomainError) as refused:
        token_grant_download(actor=Actor(user=admin_user), token=issued.token, reason=" \n ")
    assert refused.value.field == "reason"
    token_revoke(actor=Actor(user=admin_user), token=issued.token)
    with pytest.raises(Conflict):
        token_grant_download(actor=Actor(user=admin_user), token=issued.token, reason="Archive")


def test_a_token_passes_the_same_nda_gate_as_its_owner(admin_user, artist, artist_token, api):
    assert api.get("/api/v1/me/", **bearer(artist_token)).status_code == 200
    system = Actor.system()
    publish_in_every_language(system, nda_create_draft(actor=system, title="Agreement v2", body_markdown="New terms."))

    response = api.get("/api/v1/me/", **bearer(artist_token))

    assert response.status_code == 403 and response.json()["code"] == "nda_required"


@pytest.mark.parametrize("url", ["/api/v1/", "/api/schema/", "/api/v1/invitations/", "/api/v1/tokens/999/"])
def test_endpoints_not_granted_to_tokens_refuse_them(artist_token, api, url):
    assert api.get(url, **bearer(artist_token)).status_code in (403, 405)


def test_a_signed_in_session_wins_over_a_token_header(artist, artist2, as_artist):
    other_token = issue_token(artist2)

    me = as_artist.get("/api/v1/me/", **bearer(other_token)).json()

    assert me["email"] == artist.email
