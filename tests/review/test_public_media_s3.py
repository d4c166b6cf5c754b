"""Public media on S3: the re-check, then a presigned URL that lives at most 60 seconds."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from accessprogram.services.context import Actor
from review.services.reviews import review_decide
from tests.conftest import make_output
from tests.review.conftest import approve, share

BUCKET = "vernissage-public-test"


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "default_acl": "private",
                "signature_version": "s3v4",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": True,
            },
        },
    }
    return s3_server


def test_public_media_redirects_to_a_url_of_at_most_60_seconds(s3_storage, artist, reviewer, demo_generation_model):
    output = make_output(artist, demo_generation_model, video=b"public-bytes" * 50)
    approve(output, reviewer)
    link = share(output)
    response = Client().get(reverse("share_media", args=[link.slug]))
    assert response.status_code == 302
    url = response["Location"]
    assert int(parse_qs(urlparse(url).query)["X-Amz-Expires"][0]) <= 60
    with urllib.request.urlopen(url) as fetched:  # noqa: S310 -- the loopback test server
        assert fetched.read() == b"public-bytes" * 50
    review_decide(actor=Actor(user=reviewer), output=output, decision="withdraw")
    assert Client().get(reverse("share_media", args=[link.slug])).status_code == 404
