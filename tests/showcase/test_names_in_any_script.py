"""Names, credit lines and prompts in any script: shown as written in the portal, on public pages, in the archive."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.db import connection
from django.urls import reverse

from accessprogram.models import Membership
from accessprogram.services.context import Actor
from accessprogram.services.members import membership_end
from generation.models import GenerationJob
from review.services.sharing import gallery_add, share_link_create
from showcase.services.licences import licence_accept
from tests.conftest import client_for, make_job
from tests.showcase.conftest import approved_output_of
from tests.showcase.test_licences import request_licence

NAME = "山田 花子"
CREDIT = "山田花子 · سارا رضایی · Ἀθηνᾶ · Сергей · 김민지"
LICENCE_CREDIT = "Photo: Марина Цветаева / 宮崎"


@pytest.fixture
def credited(artist, demo_generation_model, reviewer):
    artist.full_name = NAME
    artist.save(update_fields=["full_name"])
    output = approved_output_of(artist, demo_generation_model, reviewer)
    link = share_link_create(actor=Actor(user=artist), output=output, credit_line=CREDIT)
    entry = gallery_add(actor=Actor(user=artist), output=output, credit_line=CREDIT)
    return output, link, entry


def test_credit_lines_in_any_script_render_on_the_public_pages(credited, admin_user, artist):
    output, link, _entry = credited
    licence_accept(actor=Actor(user=artist), licence=request_licence(admin_user, output), credit_line=LICENCE_CREDIT)

    share_page = client_for(None).get(reverse("review:share_page", args=[link.slug])).content.decode()
    gallery = client_for(None).get(reverse("review:gallery")).content.decode()

    assert CREDIT in share_page and LICENCE_CREDIT in share_page
    assert CREDIT in gallery


def test_names_in_any_script_render_in_the_portal(credited, artist, reviewer, demo_generation_model):
    from tests.conftest import make_output

    output, _link, _entry = credited
    make_output(artist, demo_generation_model)

    assert NAME in client_for(artist).get(reverse("accessprogram:dashboard")).content.decode()
    assert NAME in client_for(reviewer).get(reverse("review:review_queue")).content.decode()
    assert CREDIT in client_for(artist).get(reverse("generation:job_detail", args=[output.job_id])).content.decode()


def test_the_leaving_archive_keeps_every_script(credited, admin_user, artist):
    output, _link, _entry = credited
    licence_accept(actor=Actor(user=artist), licence=request_licence(admin_user, output), credit_line=LICENCE_CREDIT)
    membership_end(actor=Actor.system(), membership=Membership.objects.get(user=artist, status="active"))

    response = client_for(artist).get(reverse("showcase:exit_archive"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    licences = list(csv.DictReader(io.StringIO(archive.read("licences.csv").decode("utf-8"))))
    assert [row["credit_line"] for row in licences] == [LICENCE_CREDIT]
    statement = archive.read("statement.csv").decode("utf-8")
    assert NAME in statement


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("夜桜", ["夜桜の下で踊る猫"]),
        ("猫", ["夜桜の下で踊る猫", "猫と富士山、浮世絵風"]),
        ("富士山、浮世絵", ["猫と富士山、浮世絵風"]),
        ("ネオン", ["ネオンの東京を走る電車"]),
        ("paper", ["a paper boat"]),
    ],
)
def test_prompt_search_finds_japanese_prompts(artist, demo_generation_model, query, found):
    for prompt in ("夜桜の下で踊る猫", "猫と富士山、浮世絵風", "ネオンの東京を走る電車", "a paper boat"):
        make_job(artist, demo_generation_model, prompt=prompt)
    client = client_for(artist)

    api = client.get(reverse("generation-list"), {"q": query}).json()
    page = client.get(reverse("generation:library"), {"q": query}).content.decode()

    assert sorted(job["prompt"] for job in api["results"]) == sorted(found)
    for prompt in found:
        assert prompt in page


def test_a_japanese_prompt_search_can_use_the_trigram_index(artist, demo_generation_model):
    make_job(artist, demo_generation_model, prompt="ネオンの東京を走る電車")
    query = GenerationJob.objects.filter(prompt__icontains="東京を走る")
    with connection.cursor() as cursor:
        # On a near-empty table the planner may walk another index instead: rule both plain scans out.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.order_by().explain()
    assert "generation_job_prompt_trgm" in plan, plan
    assert [job.prompt for job in query] == ["ネオンの東京を走る電車"]
