"""The jury: who is seated, who watches a submission's video, and who may no longer be removed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accessprogram.errors import Conflict
from accessprogram.services.context import Actor
from review.services.reviews import review_decide
from showcase.models import Juror
from showcase.services.calls import showcase_conflicts_confirm, showcase_juror_remove, showcase_score, showcase_submit
from tests.conftest import client_for, make_member


def test_admins_seat_and_unseat_jurors(admin_user, call, artist):
    client = client_for(admin_user)
    response = client.post(
        reverse("showcase:showcase_admin_jurors", args=[call.pk]), {"user": artist.pk, "action": "add"}
    )
    assert response.status_code == 302 and Juror.objects.filter(call=call, user=artist).exists()
    response = client.post(
        reverse("showcase:showcase_admin_jurors", args=[call.pk]), {"user": artist.pk, "action": "remove"}
    )
    assert response.status_code == 302 and not Juror.objects.filter(call=call, user=artist).exists()
    response = client.post(reverse("showcase:showcase_admin_jurors", args=[call.pk]), {"user": 0, "action": "add"})
    assert response.status_code == 400


def test_a_juror_who_has_scored_stays_on_the_jury(admin_user, call, artist, reviewer, approved):
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    showcase_conflicts_confirm(actor=Actor(user=reviewer), call=call)
    craft, story = call.criteria.all()
    showcase_score(actor=Actor(user=reviewer), submission=submission, points={craft.pk: 1, story.pk: 1})
    with pytest.raises(Conflict):
        showcase_juror_remove(actor=Actor(user=admin_user), call=call, user=reviewer)


def test_jurors_and_the_owner_watch_a_submission_while_approved(call, artist, red_teamer, approved, reviewer, nda):
    submission = showcase_submit(actor=Actor(user=artist), call=call, output=approved)
    url = reverse("showcase:showcase_submission_media", args=[submission.pk])
    assert client_for(red_teamer).get(url).status_code == 200, "a juror from another cohort"
    assert client_for(artist).get(url).status_code == 200, "the owner"
    assert client_for(artist).get(url + "?part=poster")["Content-Type"] == "image/jpeg"
    outsider = make_member(
        email="otto@vernissage.test", name="Otto", role="artist", cohort=artist.tester_membership.cohort, accept_nda=nda
    )
    assert client_for(outsider).get(url).status_code == 404, "a tester who is not on the jury"
    review_decide(actor=Actor(user=reviewer), output=approved, decision="withdraw")
    assert client_for(red_teamer).get(url).status_code == 404
    assert client_for(artist).get(url).status_code == 404
