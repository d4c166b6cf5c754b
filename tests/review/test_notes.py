"""Time-coded notes: who may write and read them, their frames and drawings, the portal form and the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from accessprogram.errors import InvalidFields, NotAllowed
from accessprogram.services.context import Actor
from review.access import notes_for_output
from review.models import Note
from review.services.notes import POINTS_PER_STROKE_MAX, STROKES_MAX, note_create
from tests.conftest import client_for
from tests.review.conftest import approve, share

STROKE = {"color": "#ff3b30", "points": [[0.1, 0.2], [0.5, 0.5], [1, 0]]}


def add(user, output, **fields):
    return note_create(actor=Actor(user=user), output=output, **({"body": "Hand flickers", "frame_in": 3} | fields))


def refused_fields(user, output, **fields) -> dict:
    with pytest.raises(InvalidFields) as refused:
        add(user, output, **fields)
    return refused.value.errors


def test_a_reviewer_pins_a_ranged_note_with_a_drawing(reviewer, artist_output):
    note = add(reviewer, artist_output, frame_in=2, frame_out=9, drawing=[STROKE])
    note.refresh_from_db()
    assert (note.frame_in, note.frame_out, note.drawing, note.author) == (2, 9, [STROKE], reviewer)


def test_the_owner_answers_in_the_thread_and_the_reply_keeps_its_frames(reviewer, artist, artist_output):
    first = add(reviewer, artist_output, frame_in=4, frame_out=6)
    reply = add(artist, artist_output, body="Fixed in the revision", frame_in=None, reply_to=first.pk)
    second_reply = add(reviewer, artist_output, body="Thanks", frame_in=None, reply_to=reply.pk)
    assert (reply.frame_in, reply.frame_out, reply.reply_to) == (4, 6, first)
    assert second_reply.reply_to == first  # replies stay flat under the thread's first note
    (thread,) = notes_for_output(artist_output)
    assert thread == first and thread.thread_replies == [reply, second_reply]


def test_another_tester_cannot_write_notes(artist2, artist_output):
    with pytest.raises(NotAllowed):
        add(artist2, artist_output)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "  "}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({"frame_in": None}, "frame_in"),
        ({"frame_in": 17}, "frame_in"),  # the output has frames 0–16
        ({"frame_in": -1}, "frame_in"),
        ({"frame_in": "three"}, "frame_in"),
        ({"frame_in": True}, "frame_in"),
        ({"frame_in": 5, "frame_out": 4}, "frame_out"),
        ({"reply_to": 999999}, "reply_to"),
        ({"drawing": {"color": "#fff"}}, "drawing"),
        ({"drawing": [{"color": "red", "points": [[0, 0]]}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": []}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[0.5, 1.01]]}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[-0.1, 0.5]]}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[0.5]]}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[0.5, "0.5"]]}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[True, 0.5]]}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[float("nan"), 0.5]]}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[0.5, 0.5]], "onclick": "x"}]}, "drawing"),
        ({"drawing": [STROKE] * (STROKES_MAX + 1)}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[0.5, 0.5]] * (POINTS_PER_STROKE_MAX + 1)}]}, "drawing"),
        ({"drawing": [{"color": "#ff0000", "points": [[0.5, 0.5]] * POINTS_PER_STROKE_MAX}] * 9}, "drawing"),
    ],
)
def test_bad_notes_are_refused_field_by_field(reviewer, artist_output, fields, field):
    assert field in refused_fields(reviewer, artist_output, **fields)
    assert not Note.objects.exists()


def test_the_largest_drawing_allowed_is_kept(reviewer, artist_output):
    drawing = [{"color": "#00ff00", "points": [[0.25, 0.75]] * POINTS_PER_STROKE_MAX}] * 8
    assert add(reviewer, artist_output, drawing=drawing).drawing == drawing


def test_the_portal_form_adds_a_note_and_both_pages_show_it_as_text(as_reviewer, as_artist, artist_output, reviewer):
    response = as_reviewer.post(
        reverse("review:output_notes", args=[artist_output.pk]),
        {"body": "<b>too dark</b>", "frame_in": "2", "frame_out": "5", "drawing": json.dumps([STROKE])},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:review_item", args=[artist_output.pk])
    note = Note.objects.get()
    for html in (
        as_reviewer.get(reverse("review:review_item", args=[artist_output.pk])).content.decode(),
        as_artist.get(reverse("generation:job_detail", args=[artist_output.job_id])).content.decode(),
    ):
        assert f'id="note-{note.pk}"' in html and "&lt;b&gt;too dark&lt;/b&gt;" in html and "<b>too dark" not in html
        assert 'data-frame-in="2" data-frame-out="5"' in html and "js/player.js" in html


def test_the_portal_form_reports_a_bad_drawing_and_keeps_nothing(as_reviewer, artist_output):
    response = as_reviewer.post(
        reverse("review:output_notes", args=[artist_output.pk]),
        {"body": "x", "frame_in": "2", "drawing": "[not json"},
        follow=True,
    )
    assert "A drawing is a list of strokes." in response.content.decode()
    assert not Note.objects.exists()


def test_another_tester_the_public_and_a_share_page_never_see_notes(client, reviewer, artist2, artist_output):
    add(reviewer, artist_output, body="Secret reviewer remark")
    approve(artist_output, reviewer)
    link = share(artist_output)
    assert "Secret reviewer remark" not in client.get(reverse("review:share_page", args=[link.slug])).content.decode()
    url = reverse("output-notes", args=[artist_output.pk])
    assert client_for(artist2).get(url).status_code == 404
    assert client.get(url).status_code in (401, 403)
    assert (
        client_for(artist2).post(reverse("review:output_notes", args=[artist_output.pk]), {"body": "x"}).status_code
        == 404
    )


def test_the_api_lists_and_adds_notes_for_the_owner_and_reviewers(as_reviewer, as_artist, artist_output):
    url = reverse("output-notes", args=[artist_output.pk])
    created = as_reviewer.post(
        url, {"body": "Banding", "frame_in": 1, "frame_out": 3, "drawing": [STROKE]}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["drawing"] == [STROKE]
    reply = as_artist.post(url, {"body": "Will fix", "reply_to": created.json()["id"]}, content_type="application/json")
    assert reply.status_code == 201
    (thread,) = as_artist.get(url).json()["results"]
    assert thread["body"] == "Banding" and [r["body"] for r in thread["replies"]] == ["Will fix"]


def test_the_api_answers_bad_notes_with_400_and_field_errors(as_reviewer, artist_output):
    url = reverse("output-notes", args=[artist_output.pk])
    response = as_reviewer.post(
        url,
        {"body": "x", "frame_in": 99, "drawing": [{"color": "#ff0000", "points": [[2, 0]]}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = json.dumps(response.json())
    assert "frame_in" in body and "drawing" in body
    assert as_reviewer.post(url, {"frame_in": 1}, content_type="application/json").status_code == 400
