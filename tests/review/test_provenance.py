"""Content credentials: an approval signs the output's MP4 with C2PA, last, and the public gets the signed copy.

The suite signs with a CA made offline for this run (tests/settings_mode.py); reading the manifest back with
that CA as the trust anchor must give "Trusted", and any change to the video's bytes must break it.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import c2pa
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accessprogram.errors import DomainError
from accessprogram.services.context import Actor
from review.models import SignedCopy
from review.services.provenance import (
    APPROVAL_ASSERTION,
    TRAINED_ALGORITHMIC_MEDIA,
    public_video_key,
    read_credentials,
)
from review.services.reviews import review_appeal, review_decide
from tests.review.conftest import approve, share


def _stored(key: str, tmp_path: Path) -> Path:
    path = tmp_path / key.replace("/", "_")
    with default_storage.open(key, "rb") as handle:
        path.write_bytes(handle.read())
    return path


def _manifest(path: Path) -> dict:
    with c2pa.Reader(str(path)) as reader:
        return reader.get_active_manifest()


def _assertion(manifest: dict, label: str) -> dict:
    return next(a["data"] for a in manifest["assertions"] if a["label"] == label)


def _frames(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_an_approval_signs_the_video_with_the_model_and_the_approval(artist_output, reviewer, tmp_path):
    review = approve(artist_output, reviewer)
    copy = SignedCopy.objects.get(output=artist_output)
    assert copy.review == review and copy.video_key != artist_output.video_key
    signed = _stored(copy.video_key, tmp_path)
    state, label = read_credentials(signed)
    assert state == "Trusted" and label == copy.manifest_label and copy.validation_state == "Trusted"

    manifest = _manifest(signed)
    created = _assertion(manifest, "c2pa.actions.v2")["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"] == TRAINED_ALGORITHMIC_MEDIA
    assert created["softwareAgent"] == {"name": artist_output.model_name, "version": artist_output.model_version}
    approval = _assertion(manifest, APPROVAL_ASSERTION)
    assert approval["output_id"] == str(artist_output.pk)
    assert approval["reviewer_roles"] == ["reviewer"] and approval["approvals"] == 1
    assert approval["approved_at"] == review.decided_at.isoformat()
    assert approval["model_version"] == artist_output.model_version
    assert "first_frame" not in approval, "a video made from text alone names no still"

    original = _stored(artist_output.video_key, tmp_path)
    assert _frames(signed) == _frames(original) == 4, "signing adds a manifest and leaves the video alone"


def test_an_image_to_video_output_names_its_still_by_digest(artist_output, reviewer, tmp_path):
    still = {"id": "0" * 32, "sha256": "ab" * 32, "width": 640, "height": 426}
    artist_output.parameters = {"input_image": still}
    artist_output.save(update_fields=["parameters"])
    approve(artist_output, reviewer)
    signed = _stored(SignedCopy.objects.get(output=artist_output).video_key, tmp_path)
    approval = _assertion(_manifest(signed), APPROVAL_ASSERTION)
    assert approval["first_frame"] == {"sha256": "ab" * 32, "width": 640, "height": 426}


def test_the_public_gets_the_signed_copy_and_the_owner_the_original(approved_output, tmp_path):
    link = share(approved_output)
    response = Client().get(reverse("review:share_media", args=[link.slug]))
    downloaded = tmp_path / "public.mp4"
    downloaded.write_bytes(b"".join(response.streaming_content))
    assert read_credentials(downloaded)[0] == "Trusted"
    with default_storage.open(approved_output.video_key, "rb") as handle:
        original = handle.read()
    owner = Client()
    owner.force_login(approved_output.owner)
    owner.get(reverse("generation:job_detail", args=[approved_output.job_id]))
    private = owner.get(reverse("generation:output_video", args=[approved_output.pk]))
    assert b"".join(private.streaming_content) == original != downloaded.read_bytes()


def test_a_changed_byte_breaks_the_credentials(approved_output, tmp_path):
    signed = _stored(public_video_key(approved_output), tmp_path)
    data = bytearray(signed.read_bytes())
    mdat = data.index(b"mdat")
    data[mdat + 64] ^= 0xFF
    signed.write_bytes(bytes(data))
    assert read_credentials(signed)[0] == "Invalid"


def test_two_approval_cohorts_sign_once_on_the_second_approval(
    artist_output, reviewer, reviewer2, cohort, admin_user, tmp_path
):
    cohort.approvals_required = 2
    cohort.save()
    approve(artist_output, reviewer)
    assert not SignedCopy.objects.exists()
    approve(artist_output, admin_user)
    copy = SignedCopy.objects.get()
    approval = _assertion(_manifest(_stored(copy.video_key, tmp_path)), APPROVAL_ASSERTION)
    assert approval["approvals"] == 2 and approval["reviewer_roles"] == ["admin", "reviewer"]


def test_an_appeal_approved_is_signed_for_the_appeal_review(artist_output, reviewer, admin_user):
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="reject", reason="quality")
    assert not SignedCopy.objects.exists()
    appeal = review_appeal(actor=Actor(user=artist_output.owner), output=artist_output, message="Look again.")
    approve(artist_output, admin_user)
    copy = SignedCopy.objects.get()
    assert copy.review == appeal and public_video_key(artist_output) == copy.video_key


def test_a_withdrawn_approval_leaves_no_signed_copy_in_use(artist_output, reviewer):
    approve(artist_output, reviewer)
    signed = public_video_key(artist_output)
    review_decide(actor=Actor(user=reviewer), output=artist_output, decision="withdraw")
    assert public_video_key(artist_output) != signed


def test_an_unusable_certificate_refuses_the_approval_and_changes_nothing(artist_output, reviewer, settings, tmp_path):
    settings.C2PA_DEV_CERTIFICATES = False
    settings.C2PA_SIGNING_CERT = tmp_path / "missing.pem"
    with pytest.raises(DomainError) as refused:
        approve(artist_output, reviewer)
    assert refused.value.status_code == 503 and "C2PA_SIGNING_CERT" in refused.value.message
    artist_output.refresh_from_db()
    assert artist_output.review_status == "pending" and not SignedCopy.objects.exists()


def test_the_api_answers_503_with_the_reason_when_signing_is_unavailable(artist_output, reviewer, settings, tmp_path):
    settings.C2PA_DEV_CERTIFICATES = False
    settings.C2PA_SIGNING_KEY = tmp_path / "missing-key.pem"
    settings.C2PA_SIGNING_CERT = tmp_path / "missing.pem"
    client = Client()
    client.force_login(reviewer)
    response = client.post(
        f"/api/v1/review/{artist_output.pk}/decision/", {"decision": "approve"}, content_type="application/json"
    )
    assert response.status_code == 503
    assert "signing certificate" in json.dumps(response.json())
    artist_output.refresh_from_db()
    assert artist_output.review_status == "pending"
