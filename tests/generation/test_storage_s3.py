"""Private outputs on S3: a real S3-compatible HTTP server (moto's) started by the test, boto3 and django-storages."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import boto3
from django.core.files.storage import default_storage

from generation.infrastructure.storage import output_keys, store_file
from tests.conftest import S3_BUCKET, make_output


def test_outputs_are_stored_under_their_deterministic_key(s3_storage, tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"first attempt")
    key, _ = output_keys("0b0d2f0e-0000-4000-8000-000000000000")
    assert store_file(key, video) == key
    video.write_bytes(b"second attempt")
    assert store_file(key, video) == key, "a retry overwrites; it never makes a second object"
    with default_storage.open(key, "rb") as stored:
        assert stored.read() == b"second attempt"


def test_media_redirects_to_a_short_lived_signed_url(s3_storage, demo_generation_model, artist, as_artist, artist2):
    from tests.conftest import client_for

    output = make_output(artist, demo_generation_model, video=b"mp4-bytes" * 100)
    as_artist.get(f"/generations/{output.job_id}/")  # a person downloads it from its page
    response = as_artist.get(f"/api/v1/outputs/{output.pk}/media/?download=1")
    assert response.status_code == 302
    url = response["Location"]
    query = parse_qs(urlparse(url).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - signed_at).total_seconds()) < 60
    assert "attachment" in query["response-content-disposition"][0]
    with urllib.request.urlopen(url) as fetched:  # noqa: S310 -- the loopback test server
        assert fetched.read() == b"mp4-bytes" * 100
    # Nobody else gets a URL at all.
    assert client_for(artist2).get(f"/api/v1/outputs/{output.pk}/media/").status_code == 404


def test_the_bucket_is_private(s3_storage, demo_generation_model, artist):
    output = make_output(artist, demo_generation_model)
    unsigned = f"{s3_storage}/{S3_BUCKET}/{output.video_key}"
    acl = boto3.client("s3", endpoint_url=s3_storage, region_name="us-east-1").get_object_acl(
        Bucket=S3_BUCKET, Key=output.video_key
    )
    assert all(grant["Grantee"].get("URI", "").endswith("AllUsers") is False for grant in acl["Grants"])
    assert "X-Amz-Signature" not in unsigned
