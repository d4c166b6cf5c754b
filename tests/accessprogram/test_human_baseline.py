"""People using the portal as people do are never contained, while every kind of front end beside them is:
a short run of the crowd `bench/bench_leaks.py --front-ends` simulates (fewer artists, a quarter hour)."""

from __future__ import annotations

import pytest

from accessprogram.models import Role
from bench import crowd
from tests.conftest import make_member

pytestmark = pytest.mark.django_db(transaction=False)


def test_people_are_never_contained_and_every_front_end_is(cohort, nda, demo_generation_model, admin_user):
    cohort.max_active_jobs = 50
    cohort.save()
    people = [
        make_member(
            email=f"person{n}@vernissage.test", name=f"Person {n}", role=Role.ARTIST, cohort=cohort, accept_nda=nda
        )
        for n in range(5)
    ]
    leakers = {
        kind: make_member(email=f"{kind}@vernissage.test", name=kind, role=Role.ARTIST, cohort=cohort, accept_nda=nda)
        for kind in ("session", "session-forged", "token", "rotating")
    }

    figures = crowd.run(
        humans=people, leakers=leakers, model=demo_generation_model, seconds=900, phones=2, roaming=1, overnight=1
    )

    assert figures["humans_contained"] == 0 and figures["human_requests_refused"] == 0, figures
    assert figures["human_plays"] > 0 and figures["human_submissions"] > 0
    # The phone that moved to another network was asked for the password, once.
    assert list(figures["password_prompts"].values()) == [1], figures
    for kind, front_end in figures["front_ends"].items():
        assert front_end["seconds_until_contained"] is not None, (kind, front_end)
        assert front_end["seconds_until_contained"] <= 60 and front_end["public_jobs"] <= 3, (kind, front_end)
        assert front_end["video_bytes_after_containment"] == 0, (kind, front_end)
    assert figures["front_ends"]["token"]["video_bytes"] == 0
    assert figures["front_ends"]["rotating"]["tokens_minted"] <= 3, figures
    assert figures["front_ends"]["rotating"]["seconds_until_tester_paused"] is not None, figures
