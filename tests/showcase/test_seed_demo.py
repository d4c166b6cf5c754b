"""manage.py seed_demo: a demo program (five people, a cohort, a published NDA and rate card), safe to run again."""

from __future__ import annotations

from io import StringIO

from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accessprogram.models import AuditEvent, Cohort, Invitation, Membership, NdaVersion, User
from contributions.models import RateCard
from generation.models import GenerationModel
from showcase.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEOPLE


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_seeds_the_demo_program(db):
    output = _seed()

    assert set(User.objects.values_list("email", flat=True)) == {email for email, _, _ in DEMO_PEOPLE}
    assert all(email in output for email, _, _ in DEMO_PEOPLE)
    admin = User.objects.get(email="admin@vernissage.test")
    reviewer = User.objects.get(email="reviewer@vernissage.test")
    assert admin.is_program_admin and reviewer.is_reviewer and not reviewer.is_program_admin
    kinds = dict(Membership.objects.values_list("user__email", "kind"))
    assert kinds == {
        "artist@vernissage.test": "artist",
        "artist2@vernissage.test": "artist",
        "redteam@vernissage.test": "red_teamer",
    }
    assert Cohort.objects.get().name == "Founding artists"
    nda = NdaVersion.objects.get()
    assert nda.status == "published" and nda.clauses.filter(required=True).exists()
    assert EmailAddress.objects.filter(verified=True).count() == 5
    assert set(Invitation.objects.values_list("status", flat=True)) == {"accepted"}
    card = RateCard.current()
    assert card is not None and card.lines.filter(kind="bug", severity="high").exists()
    # Both demo models, as `build_demo_model` writes them, for the demo cohort; one starts from a still.
    models = {
        model.directory: model for model in GenerationModel.objects.filter(allowed_cohorts__name="Founding artists")
    }
    assert set(models) == {"demo-wan", "demo-wan-i2v"}
    assert models["demo-wan-i2v"].accepts_image and not models["demo-wan"].accepts_image


def test_it_is_idempotent(db):
    _seed()
    counts = [
        User.objects.count(),
        Cohort.objects.count(),
        NdaVersion.objects.count(),
        Invitation.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        RateCard.objects.count(),
    ]

    _seed()

    assert [
        User.objects.count(),
        Cohort.objects.count(),
        NdaVersion.objects.count(),
        Invitation.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
        RateCard.objects.count(),
    ] == counts
    call_command("verify_audit")


def test_a_demo_artist_signs_in_and_is_asked_to_sign_the_nda(db):
    _seed()
    client = Client()

    client.post(reverse("account_login"), {"login": "artist@vernissage.test", "password": DEMO_PASSWORD})

    response = client.get(reverse("accessprogram:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accessprogram:nda"))
