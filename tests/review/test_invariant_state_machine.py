"""Invariant 2, tested hard: an output's bytes reach no one but its owner and staff until a reviewer approves it;
withdrawing approval, revoking a link or suspending the owner ends public access on the very next request.

A Hypothesis state machine runs random sequences of generate, approve, reject, withdraw, share, revoke, gallery,
suspend (the kill switch or a deactivated account) and resume. After every step it requests every output's every
URL (job page, portal video and poster, API detail and media, every share page and its media, the gallery and its
media) as anonymous, the owner, another tester, a tester without the NDA and staff, and checks who gets bytes.

The suite runs a short version. For thousands of steps:
    VERNISSAGE_INVARIANT_EXAMPLES=200 VERNISSAGE_INVARIANT_STEPS=25 \
        .venv/bin/python -m pytest tests/review/test_invariant_state_machine.py
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import hypothesis.strategies as st
import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from accessprogram.errors import Conflict
from accessprogram.models import User
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import (
    suspension_active_for,
    suspension_blocking_job,
    suspension_create,
    suspension_lift,
    suspension_reach,
)
from generation.models import GenerationJob
from review.access import owner_is_suspended
from review.services.provenance import public_video_key
from review.services.reviews import review_decide
from review.services.sharing import gallery_add, share_link_create, share_link_revoke
from tests.conftest import client_for, make_output, tiny_mp4

EXAMPLES = int(os.environ.get("VERNISSAGE_INVARIANT_EXAMPLES", "6"))
STEPS = int(os.environ.get("VERNISSAGE_INVARIANT_STEPS", "10"))

OWNERS = ("artist", "artist2")
PERSONAS = ("anonymous", "artist", "artist2", "unsigned", "staff")
INDEX = st.integers(min_value=0, max_value=1_000)


@dataclass
class Tracked:
    """What the model believes about one output."""

    output_id: object
    job_id: object
    owner: str
    video: bytes
    status: str = "pending"
    links: dict[int, tuple[str, bool]] = field(default_factory=dict)  # link id -> (slug, live)
    gallery_slug: str | None = None


def body(response) -> bytes:
    # Exhausting the test client's streaming wrapper closes the file (and leaves the DB connection alone).
    return b"".join(response.streaming_content) if response.streaming else response.content


def got_bytes(response) -> bool:
    """200/206 with a body, or a redirect to a presigned URL off this site."""
    if response.status_code in (200, 206):
        return bool(body(response))
    if response.status_code == 302:
        return not response["Location"].startswith("/")
    return False


class PublicAccessMachine(RuleBasedStateMachine):
    cast: dict[str, User]
    clients: dict[str, Client]
    model: object

    def __init__(self) -> None:
        super().__init__()
        self.savepoint = transaction.savepoint()
        self.outputs: list[Tracked] = []
        self.active = dict.fromkeys(OWNERS, True)
        self.suspensions: dict[str, object] = {}
        self.counter = 0

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    # --- rules -----------------------------------------------------------------------------------------
    def _pick(self, index: int) -> Tracked:
        return self.outputs[index % len(self.outputs)]

    def _output(self, tracked: Tracked):
        from generation.models import Output

        return Output.objects.get(pk=tracked.output_id)

    def _in(self, status: str) -> list[Tracked]:
        return [t for t in self.outputs if t.status == status]

    def _decide(self, tracked: Tracked, decision: str, becomes: str, **kwargs) -> None:
        review_decide(actor=Actor(user=self.cast["admin"]), output=self._output(tracked), decision=decision, **kwargs)
        tracked.status = becomes

    @initialize(public_first=st.booleans())
    def start_with_one_output_each(self, public_first):
        """Start where the invariant is most at risk: often with an output already public."""
        for owner in OWNERS:
            self.generate(owner)
        if public_first:
            self.approve(0)
            self.share(0, by_staff=False)
            self.add_to_gallery(0)

    @precondition(lambda self: len(self.outputs) < 4)
    @rule(owner=st.sampled_from(OWNERS))
    def generate(self, owner):
        self.counter += 1
        video = tiny_mp4(f"output-{self.counter}-{owner}")
        user = User.objects.get(pk=self.cast[owner].pk)
        output = make_output(user, self.model, video=video)
        self.outputs.append(Tracked(output.pk, output.job_id, owner, video))

    @precondition(lambda self: self._in("pending"))
    @rule(index=INDEX)
    def approve(self, index):
        pending = self._in("pending")
        self._decide(pending[index % len(pending)], "approve", "approved")

    @precondition(lambda self: self._in("pending"))
    @rule(index=INDEX)
    def reject(self, index):
        pending = self._in("pending")
        self._decide(pending[index % len(pending)], "reject", "rejected", reason="policy")

    @precondition(lambda self: self._in("approved"))
    @rule(index=INDEX)
    def withdraw(self, index):
        approved = self._in("approved")
        self._decide(approved[index % len(approved)], "withdraw", "withdrawn")

    @precondition(lambda self: self.outputs)
    @rule(index=INDEX, by_staff=st.booleans())
    def share(self, index, by_staff):
        """Any output: the service must refuse (409) exactly the ones that are not approved or whose owner is out."""
        tracked = self._pick(index)
        actor = self.cast["admin"] if by_staff else self.cast[tracked.owner]
        shareable = tracked.status == "approved" and self.active[tracked.owner]
        try:
            link = share_link_create(actor=Actor(user=actor), output=self._output(tracked))
        except Conflict:
            assert not shareable, "a shareable output was refused"
            return
        assert shareable, f"a {tracked.status} output was shared (owner active: {self.active[tracked.owner]})"
        tracked.links[link.pk] = (link.slug, True)

    @precondition(lambda self: any(live for t in self.outputs for _, live in t.links.values()))
    @rule(index=INDEX)
    def revoke(self, index):
        from review.models import ShareLink

        live = [(t, link_id) for t in self.outputs for link_id, (_, is_live) in t.links.items() if is_live]
        tracked, link_id = live[index % len(live)]
        share_link_revoke(actor=Actor(user=self.cast[tracked.owner]), link=ShareLink.objects.get(pk=link_id))
        tracked.links[link_id] = (tracked.links[link_id][0], False)

    @precondition(lambda self: any(t.gallery_slug is None for t in self.outputs))
    @rule(index=INDEX)
    def add_to_gallery(self, index):
        candidates = [t for t in self.outputs if t.gallery_slug is None]
        tracked = candidates[index % len(candidates)]
        shareable = tracked.status == "approved" and self.active[tracked.owner]
        owner = User.objects.get(pk=self.cast[tracked.owner].pk)
        try:
            entry = gallery_add(actor=Actor(user=owner), output=self._output(tracked), credit_line=tracked.owner)
        except Conflict:
            assert not shareable
            return
        assert shareable
        tracked.gallery_slug = entry.slug

    @precondition(lambda self: any(self.active.values()))
    @rule(index=INDEX, kill_switch=st.booleans())
    def suspend(self, index, kill_switch):
        """Suspend an owner: the program's kill switch, or a deactivated account."""
        active = [owner for owner in OWNERS if self.active[owner]]
        owner = active[index % len(active)]
        if kill_switch:
            suspension = suspension_create(
                actor=Actor(user=self.cast["admin"]), scope="tester", target=self.cast[owner], reason="Test."
            )
            self.suspensions[owner] = suspension
        else:
            User.objects.filter(pk=self.cast[owner].pk).update(is_active=False)
        self.active[owner] = False

    @precondition(lambda self: not all(self.active.values()))
    @rule(index=INDEX)
    def resume(self, index):
        suspended = [owner for owner in OWNERS if not self.active[owner]]
        owner = suspended[index % len(suspended)]
        if owner in self.suspensions:
            suspension_lift(actor=Actor(user=self.cast["admin"]), suspension=self.suspensions.pop(owner))
        else:
            User.objects.filter(pk=self.cast[owner].pk).update(is_active=True)
        self.active[owner] = True

    # --- the invariant ------------------------------------------------------------------------------------
    def _check(self, persona: str, url: str, expected: bool, *, video: bytes | None = None) -> None:
        response = self.clients[persona].get(url)
        if expected and video is not None and response.status_code == 200:
            assert body(response) == video, f"{persona} got another output's bytes at {url}"
            return
        assert got_bytes(response) == expected, (
            f"{persona} {'should' if expected else 'must not'} get bytes from {url}: {response.status_code} "
            f"{response.get('Location', '')}\nmodel: {self.outputs} active={self.active}"
        )

    def _check_public(self, persona: str, url: str, expected: bool, tracked: Tracked) -> None:
        """Public media is the signed copy of the output's latest approval, never the original."""
        if not expected:
            self._check(persona, url, False)
            return
        output = self._output(tracked)
        signed_key = public_video_key(output)
        assert signed_key != output.video_key, "an approved output has no signed copy"
        with default_storage.open(signed_key, "rb") as handle:
            self._check(persona, url, True, video=handle.read())

    @invariant()
    def exactly_the_right_people_get_bytes(self):
        gallery_pages = {
            persona: self.clients[persona].get(reverse("review:gallery")).content.decode() for persona in PERSONAS
        }
        for tracked in self.outputs:
            public = tracked.status == "approved" and self.active[tracked.owner]
            for persona in PERSONAS:
                owner = persona == tracked.owner and self.active[persona]
                private = owner or persona == "staff"
                self._check(persona, reverse("generation:job_detail", args=[tracked.job_id]), owner)
                self._check(
                    persona, reverse("generation:output_video", args=[tracked.output_id]), private, video=tracked.video
                )
                self._check(persona, reverse("generation:output_poster", args=[tracked.output_id]), private)
                self._check(persona, reverse("output-detail", args=[tracked.output_id]), private)
                self._check(persona, reverse("output-media", args=[tracked.output_id]), private, video=tracked.video)
                for slug, live in tracked.links.values():
                    self._check(persona, reverse("review:share_page", args=[slug]), public and live)
                    self._check_public(persona, reverse("review:share_media", args=[slug]), public and live, tracked)
                    self._check(persona, reverse("review:share_poster", args=[slug]), public and live)
                if tracked.gallery_slug:
                    media = reverse("review:gallery_media", args=[tracked.gallery_slug])
                    assert (media in gallery_pages[persona]) == public
                    self._check_public(persona, media, public, tracked)
                    self._check(persona, reverse("review:gallery_poster", args=[tracked.gallery_slug]), public)

    @invariant()
    def every_reader_of_a_suspension_agrees(self):
        """The gate, scheduling, cancellation and public pages read one reach rule: they agree on who is out."""
        for owner in OWNERS:
            user = User.objects.get(pk=self.cast[owner].pk)
            killed = owner in self.suspensions
            jobs = GenerationJob.objects.filter(pk__in=[t.job_id for t in self.outputs if t.owner == owner])
            reached = jobs.filter(suspension_reach(user="owner", cohort="cohort", token="token"))
            assert (suspension_active_for(user) is not None) == killed, "the gate"
            assert all((suspension_blocking_job(job) is not None) == killed for job in jobs), "scheduling"
            assert set(reached) == (set(jobs) if killed else set()), "cancellation"
            assert owner_is_suspended(user) == (killed or not self.active[owner]), "public pages"


@pytest.mark.django_db
def test_only_owner_and_staff_get_bytes_until_approved_and_public_access_ends_at_once(
    admin_user, reviewer, artist, artist2, unsigned_tester, demo_generation_model
):
    cast = {"admin": admin_user, "artist": artist, "artist2": artist2}
    clients = {
        "anonymous": Client(),
        "artist": client_for(artist),
        "artist2": client_for(artist2),
        "unsigned": client_for(unsigned_tester),
        "staff": client_for(reviewer),
    }

    class Machine(PublicAccessMachine):
        pass

    Machine.cast, Machine.clients, Machine.model = cast, clients, demo_generation_model
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
