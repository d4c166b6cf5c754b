"""Public media on S3: the re-check, then a presigned URL that lives at most 60 seconds."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlparse

from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from accessprogram.services.context import Actor
from review.services.reviews import review_decide
from tests.conftest import make_output
from tests.review.conftest import approve, share


def test_public_media_redirects_to_a_url_of_at_most_60_seconds(s3_storage, artist, reviewer, demo_generation_model):
    output = make_output(artist, demo_generation_model)
    approve(output, reviewer)
    signed = output.signed_copies.get()
    with default_storage.open(signed.video_key, "rb") as handle:
        signed_bytes = handle.read()
    assert signed.video_key != output.video_key
    link = share(output)
    response = Client().get(reverse("review:share_media", args=[link.slug]))
    assert response.status_code == 302
    url = response["Location"]
    assert int(parse_qs(urlparse(url).query)["X-Amz-Expires"][0]) <= 60
    with urllib.request.urlopen(url) as fetched:  # noqa: S310 -- the loopback test server
        assert fetched.read() == signed_bytes
    review_decide(actor=Actor(user=reviewer), output=output, decision="withdraw")
    assert Client().get(reverse("review:share_media", args=[link.slug])).status_code == 404
