"""Stills for image to video: checked by content, size-limited, stripped of metadata, stored privately, and
refused on models that cannot take one."""

from __future__ import annotations

import io

import boto3
import pytest
from django.core.files.storage import default_storage
from PIL import Image, PngImagePlugin

from generation.models import GenerationJob, InputImage
from generation.services.stills import STILL_MAX_BYTES
from tests.conftest import S3_BUCKET, client_for, make_output, still_bytes, still_upload

URL = "/api/v1/generations/"


def submit(client, image=None, **fields):
    body = {
        "prompt": "the harbour at dawn, the boats begin to move",
        "resolution": "256p",
        "aspect_ratio": "1:1",
        "num_frames": 17,
        "steps": 4,
        **fields,
    }
    if image is not None:
        body["image"] = image
    return client.post(URL, body)  # multipart, as a file upload is sent


def stored_bytes(still: InputImage) -> bytes:
    with default_storage.open(still.key, "rb") as handle:
        return handle.read()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})  # GPS
    return exif


def test_a_still_is_stored_privately_and_the_job_starts_from_it(demo_image_model, artist, as_artist):
    response = submit(as_artist, still_upload())
    assert response.status_code == 201, response.json()
    body = response.json()
    job = GenerationJob.objects.get(pk=body["id"])
    still = job.input_image
    assert still.owner == artist and (still.width, still.height) == (96, 64)
    assert still.key.startswith(f"inputs/{artist.pk}/") and still.content_type == "image/png"
    data = stored_bytes(still)
    assert len(data) == still.size_bytes and body["input_image"]["sha256"] == still.sha256
    assert body["input_image"]["url"] == f"/stills/{still.pk}/"
    assert Image.open(io.BytesIO(data)).format == "PNG"


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        (b"just some words, not a picture", "still.png", "image/png", "PNG, JPEG or WebP"),
        (b"%PDF-1.7\n" + b"0" * 200, "still.jpg", "image/jpeg", "PNG, JPEG or WebP"),
        (still_bytes("GIF"), "still.png", "image/png", "PNG, JPEG or WebP"),
        (still_bytes("PNG")[:120], "still.png", "image/png", "PNG, JPEG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * STILL_MAX_BYTES, "big.png", "image/png", "larger than 10 MB"),
        (still_bytes("PNG", size=(4097, 4096)), "wide.png", "image/png", "more than 16.8 megapixels"),
    ],
    ids=["text", "pdf-named-jpeg", "gif-named-png", "truncated", "too-big", "too-many-pixels"],
)
def test_it_refuses_a_bad_still_on_the_image_field(demo_image_model, as_artist, data, name, content_type, message):
    response = submit(as_artist, still_upload(data, name=name, content_type=content_type))
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["image"])
    assert not GenerationJob.objects.exists() and not InputImage.objects.exists()


def test_the_declared_type_and_name_are_not_trusted(demo_image_model, as_artist):
    # A real JPEG sent as "still.png" with a PNG type is stored as what it is.
    response = submit(as_artist, still_upload(still_bytes("JPEG"), name="still.png", content_type="image/png"))
    assert response.status_code == 201
    still = InputImage.objects.get()
    assert still.content_type == "image/jpeg" and still.key.endswith(".jpg")


def test_gps_exif_icc_and_text_chunks_do_not_survive(demo_image_model, as_artist):
    jpeg = still_bytes("JPEG", exif=gps_exif(), icc_profile=b"\0" * 128 + b"vernissage-test-icc")
    assert Image.open(io.BytesIO(jpeg)).getexif().get_ifd(0x8825), "the upload carries GPS EXIF"
    text = PngImagePlugin.PngInfo()
    text.add_text("Location", "48.8584 N, 2.2945 E")
    png = still_bytes("PNG", pnginfo=text)
    assert "Location" in Image.open(io.BytesIO(png)).info
    for data, name in ((jpeg, "photo.jpg"), (png, "drawing.png")):
        assert submit(as_artist, still_upload(data, name=name)).status_code == 201

    for still in InputImage.objects.all():
        data = stored_bytes(still)
        image = Image.open(io.BytesIO(data))
        assert not image.getexif() and "icc_profile" not in image.info and "Location" not in image.info
        for marker in (b"Exif", b"PhoneMaker", b"vernissage-test-icc", b"48.8584", b"tEXt", b"iCCP"):
            assert marker not in data, marker


def test_an_exif_rotated_photo_is_stored_upright(demo_image_model, as_artist):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    assert submit(as_artist, still_upload(still_bytes("JPEG", exif=exif))).status_code == 201
    assert (InputImage.objects.get().width, InputImage.objects.get().height) == (64, 96)


def test_a_model_that_cannot_take_a_still_refuses_one(demo_generation_model, demo_image_model, as_artist):
    response = submit(as_artist, still_upload(), model="Wan demo")
    assert response.status_code == 400
    assert "takes no still" in response.json()["errors"]["image"][0]
    response = submit(as_artist, model="Wan demo image to video")
    assert response.status_code == 400
    assert "starts every video from a still" in response.json()["errors"]["image"][0]
    assert not InputImage.objects.exists()


def test_only_the_owner_and_staff_see_a_still(demo_image_model, artist, artist2, reviewer, as_artist, client):
    submit(as_artist, still_upload())
    still = InputImage.objects.get()
    url = f"/stills/{still.pk}/"
    response = as_artist.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored_bytes(still)
    assert response["Content-Type"] == "image/png"
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(artist2).get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_still_on_s3_is_a_private_object_reached_only_through_a_signed_url(
    s3_storage, demo_image_model, artist2, as_artist
):
    submit(as_artist, still_upload())
    still = InputImage.objects.get()
    s3 = boto3.client("s3", endpoint_url=s3_storage, region_name="us-east-1")
    assert s3.get_object(Bucket=S3_BUCKET, Key=still.key)["Body"].read() == stored_bytes(still)
    grants = s3.get_object_acl(Bucket=S3_BUCKET, Key=still.key)["Grants"]
    assert not any(grant["Grantee"].get("URI", "").endswith("AllUsers") for grant in grants)
    response = as_artist.get(f"/stills/{still.pk}/")
    assert response.status_code == 302 and "X-Amz-Signature" in response["Location"]
    assert client_for(artist2).get(f"/stills/{still.pk}/").status_code == 404


def test_the_composer_takes_a_still_and_the_job_page_shows_it(demo_generation_model, demo_image_model, as_artist):
    form = {
        "prompt": "the harbour at dawn",
        "model": demo_image_model.pk,
        "resolution": "256p",
        "aspect_ratio": "1:1",
        "duration_seconds": 1,
    }
    refused = as_artist.post("/generate/", {**form, "image": still_upload(b"GIF89a not really")})
    assert refused.status_code == 400
    assert "PNG, JPEG or WebP" in refused.content.decode() and not GenerationJob.objects.exists()

    response = as_artist.post("/generate/", {**form, "image": still_upload()})
    assert response.status_code == 302
    job = GenerationJob.objects.get()
    page = as_artist.get(f"/generations/{job.pk}/").content.decode()
    assert f'src="/stills/{job.input_image.pk}/"' in page


def test_reviewers_see_the_still_but_the_public_never_does(
    demo_image_model, artist, as_artist, as_reviewer, reviewer, client
):
    from accessprogram.services.context import Actor
    from review.services.reviews import review_decide
    from review.services.sharing import share_link_create

    submit(as_artist, still_upload())
    job = GenerationJob.objects.get()
    output = make_output(artist, demo_image_model)
    GenerationJob.objects.filter(pk=output.job_id).update(input_image=job.input_image)
    still_url = f"/stills/{job.input_image.pk}/"
    assert still_url in as_reviewer.get(f"/review/{output.pk}/").content.decode()

    output.refresh_from_db()
    review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
    link = share_link_create(actor=Actor(user=artist), output=output)
    share_page = client.get(f"/s/{link.slug}/")
    assert share_page.status_code == 200 and "/stills/" not in share_page.content.decode()
    assert client.get(still_url).status_code == 302  # to the sign-in page, never the bytes


def test_a_re_run_and_a_variation_start_from_the_same_still(demo_image_model, as_artist):
    first = GenerationJob.objects.get(pk=submit(as_artist, still_upload()).json()["id"])
    for action in ("rerun", "variation"):
        assert as_artist.post(f"/generations/{first.pk}/{action}/").status_code == 302
    again = GenerationJob.objects.exclude(pk=first.pk)
    assert again.count() == 2 and {job.input_image_id for job in again} == {first.input_image_id}
    assert InputImage.objects.count() == 1, "the still is stored once"
