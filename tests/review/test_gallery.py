"""The public gallery: approved outputs their owners opted in, credited, re-checked on every request."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accessprogram.services.context import Actor
from review.services.reviews import review_decide
from review.services.sharing import gallery_add


def test_the_gallery_shows_opted_in_approved_outputs_with_their_credit(approved_output, artist):
    entry = gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Aiko, Lisbon")
    response = Client().get(reverse("review:gallery"))
    html = response.content.decode()
    assert response.status_code == 200 and "Aiko, Lisbon" in html
    assert reverse("review:gallery_media", args=[entry.slug]) in html
    assert approved_output.job.prompt not in html
    assert Client().get(reverse("review:gallery_media", args=[entry.slug])).status_code == 200


def test_the_gallery_shows_the_prompt_only_when_allowed(approved_output, artist):
    gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Aiko", show_prompt=True)
    assert approved_output.job.prompt in Client().get(reverse("review:gallery")).content.decode()


def test_a_withdrawn_output_leaves_the_gallery_at_once(approved_output, artist, reviewer):
    entry = gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Aiko")
    review_decide(actor=Actor(user=reviewer), output=approved_output, decision="withdraw")
    assert "Aiko" not in Client().get(reverse("review:gallery")).content.decode()
    assert Client().get(reverse("review:gallery_media", args=[entry.slug])).status_code == 404
    assert Client().get(reverse("review:gallery_poster", args=[entry.slug])).status_code == 404


def test_a_suspended_owners_work_leaves_the_gallery(approved_output, artist):
    entry = gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Aiko")
    artist.is_active = False
    artist.save()
    assert Client().get(reverse("review:gallery_media", args=[entry.slug])).status_code == 404


def test_the_gallery_page_needs_a_constant_number_of_queries(
    approved_output, artist, django_assert_max_num_queries, demo_generation_model, reviewer
):
    from tests.conftest import make_output

    gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Aiko")
    for _ in range(3):
        output = make_output(artist, demo_generation_model)
        review_decide(actor=Actor(user=reviewer), output=output, decision="approve")
        gallery_add(actor=Actor(user=artist), output=output, credit_line="Aiko")
    with django_assert_max_num_queries(4):
        Client().get(reverse("review:gallery"))
