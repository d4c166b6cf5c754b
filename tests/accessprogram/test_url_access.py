"""Every URL pattern has an access rule, and every rule holds for every persona.

A new URL without a rule here fails `test_every_url_pattern_has_an_access_rule`, so nothing ships unguarded.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from generation.models import TraceRequest
from tests.conftest import client_for

ANON, UNSIGNED, ARTIST, REVIEWER, ADMIN = "anonymous", "unsigned", "artist", "reviewer", "admin"
PERSONAS = (ANON, UNSIGNED, ARTIST, REVIEWER, ADMIN)
MEMBERS = {ARTIST, REVIEWER, ADMIN}

# URL name -> the personas that reach the view (everyone else is sent to sign in, to the NDA, or refused).
RULES: dict[str, set[str]] = {
    "dashboard": MEMBERS,
    "no_membership": {UNSIGNED, ARTIST, REVIEWER, ADMIN},
    "invitation_accept": {ANON},
    "nda": {UNSIGNED, ARTIST, REVIEWER, ADMIN},
    "nda_receipt": {ARTIST},
    "invitation_list": {ADMIN},
    "invitation_import": {ADMIN},
    "invitation_resend": {ADMIN},
    "invitation_revoke": {ADMIN},
    "nda_admin_list": {ADMIN},
    "nda_admin_detail": {ADMIN},
    "nda_admin_publish": {ADMIN},
    "nda_admin_evidence": {ADMIN},
    "cohort_list": {ADMIN},
    "cohort_edit": {ADMIN},
    "audit_list": {ADMIN},
    "generate": {ARTIST},
    "library": {ARTIST},
    "library_status": {ARTIST},
    "job_detail": {ARTIST},
    "job_cancel": {ARTIST},
    "job_rerun": {ARTIST},
    "job_variation": {ARTIST},
    "output_video": {ARTIST, REVIEWER, ADMIN},
    "output_poster": {ARTIST, REVIEWER, ADMIN},
    "trace": {ADMIN},
    "trace_result": {ADMIN},
    "generation-list": {ARTIST},
    "generation-detail": {ARTIST},
    "generation-cancel": {ARTIST},
    "output-list": MEMBERS,
    "output-detail": {ARTIST, REVIEWER, ADMIN},
    "output-media": {ARTIST, REVIEWER, ADMIN},
    "api-root": MEMBERS,
    "me": MEMBERS,
    "invitation-list": {ADMIN},
    "schema": MEMBERS,
    "api_docs": MEMBERS,
    "review_queue": {REVIEWER, ADMIN},
    "review_metrics": {REVIEWER, ADMIN},
    "review_item": {REVIEWER, ADMIN},
    "review_decide": {REVIEWER, ADMIN},
    "output_appeal": {ARTIST},
    "output_share": {ARTIST, REVIEWER, ADMIN},
    "output_gallery": {ARTIST, REVIEWER, ADMIN},
    "share_revoke": {ARTIST, REVIEWER, ADMIN},
    "review-queue": {REVIEWER, ADMIN},
    "review-decision": {REVIEWER, ADMIN},
    "output-share": {ARTIST, REVIEWER, ADMIN},
    "share-list": MEMBERS,
    "share-detail": {ARTIST, REVIEWER, ADMIN},
    # Public pages: the same for everyone, signed in or not, NDA or not (they show only approved work).
    "share_page": set(PERSONAS),
    "share_media": set(PERSONAS),
    "share_poster": set(PERSONAS),
    "gallery": set(PERSONAS),
    "gallery_media": set(PERSONAS),
    "gallery_poster": set(PERSONAS),
    # Leak containment: tokens, kill switches, anomaly thresholds, and the public leak report.
    "access_suspended": {UNSIGNED, ARTIST, REVIEWER, ADMIN},
    "token_list": {ARTIST},
    "token_revoke": {ARTIST},
    "suspension_list": {ADMIN},
    "suspension_lift": {ADMIN},
    "anomaly_thresholds": {ADMIN},
    "token-list": {ARTIST, ADMIN},
    "token-detail": {ARTIST, ADMIN},
    "suspension-list": {ADMIN},
    "suspension-detail": {ADMIN},
    "leak_report": set(PERSONAS),
}
# Whole families of third-party views, by the module their views live in.
MODULE_RULES: dict[str, set[str]] = {
    # Account pages (sign in and out, password, e-mail, MFA) stay open to every signed-in user, NDA or not.
    "allauth.": set(PERSONAS),
    # The Django admin: program admins only.
    "django.contrib.admin": {ADMIN},
}


def _walk(resolver: URLResolver, namespace: str | None = None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _module_of(pattern: URLPattern) -> str:
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    target = view_class or callback
    return getattr(target, "__module__", "") or ""


def _rule_for(namespace: str | None, pattern: URLPattern) -> set[str] | None:
    if namespace is None and pattern.name in RULES:
        return RULES[pattern.name]
    module = _module_of(pattern)
    if namespace == "admin" or module.startswith("django.contrib.admin"):
        return MODULE_RULES["django.contrib.admin"]
    for prefix, rule in MODULE_RULES.items():
        if module.startswith(prefix):
            return rule
    return None


def test_every_url_pattern_has_an_access_rule():
    unguarded = [
        f"{ns + ':' if ns else ''}{p.name or '(unnamed)'} -> {p.pattern} ({_module_of(p)})"
        for ns, p in _walk(get_resolver())
        if _rule_for(ns, p) is None
    ]
    assert not unguarded, "URL patterns without an access rule in test_url_access.RULES:\n" + "\n".join(unguarded)


def test_every_rule_names_a_real_url():
    names = {p.name for ns, p in _walk(get_resolver()) if ns is None}
    assert set(RULES) <= names, f"Rules for URLs that no longer exist: {set(RULES) - names}"


@pytest.fixture
def cast(admin_user, reviewer, artist, unsigned_tester):
    return {ANON: None, UNSIGNED: unsigned_tester, ARTIST: artist, REVIEWER: reviewer, ADMIN: admin_user}


@pytest.fixture
def shared_output(cast, artist_output):
    """An approved output of the artist's, with a live share link and a gallery entry."""
    from review.services.reviews import review_decide
    from review.services.sharing import gallery_add, share_link_create
    from tests.conftest import make_output

    output = make_output(cast[ARTIST], artist_output.job.model)
    review_decide(actor=Actor(user=cast[REVIEWER]), output=output, decision="approve")
    link = share_link_create(actor=Actor(user=cast[ARTIST]), output=output)
    entry = gallery_add(actor=Actor(user=cast[ARTIST]), output=output, credit_line="Aiko")
    return output, link, entry


@pytest.fixture
def url_args(cast, cohort, other_cohort, nda, artist_output, shared_output):
    from accessprogram.services.suspensions import suspension_create, suspension_lift
    from tests.accessprogram.conftest import issue_token

    job = artist_output.job
    output, link, entry = shared_output
    token = issue_token(cast[ARTIST]).token
    # A lifted suspension of a cohort none of the cast is in: a real row, stopping nobody.
    suspension = suspension_create(actor=Actor.system(), scope="cohort", target=other_cohort, reason="URL test")
    suspension_lift(actor=Actor.system(), suspension=suspension)
    issued = invitation_create(
        actor=Actor.system(), email="newcomer@vernissage.test", role="artist", cohort=cohort, send=False
    )
    receipt = cast[ARTIST].nda_acceptances.get()
    return {
        "invitation_accept": {"token": issued.link.rstrip("/").rsplit("/", 1)[-1]},
        "nda_receipt": {"pk": receipt.pk},
        "invitation_resend": {"pk": issued.invitation.pk},
        "invitation_revoke": {"pk": issued.invitation.pk},
        "nda_admin_detail": {"pk": nda.pk},
        "nda_admin_publish": {"pk": nda.pk},
        "nda_admin_evidence": {"pk": nda.pk},
        "cohort_edit": {"pk": cohort.pk},
        "trace_result": {
            "pk": TraceRequest.objects.create(requested_by=cast[ADMIN], clip_key="traces/x", clip_name="x").pk
        },
        **{name: {"pk": job.pk} for name in ("job_detail", "job_cancel", "job_rerun", "job_variation")},
        **{name: {"pk": job.pk} for name in ("generation-detail", "generation-cancel")},
        **{
            name: {"pk": artist_output.pk}
            for name in ("output_video", "output_poster", "output-detail", "output-media")
        },
        **{name: {"output_id": artist_output.pk} for name in ("review_item", "review_decide", "review-decision")},
        **{name: {"pk": output.pk} for name in ("output_appeal", "output_share", "output_gallery", "output-share")},
        **{name: {"pk": link.pk} for name in ("share_revoke", "share-detail")},
        **{name: {"slug": link.slug} for name in ("share_page", "share_media", "share_poster")},
        **{name: {"slug": entry.slug} for name in ("gallery_media", "gallery_poster")},
        **{name: {"pk": token.pk} for name in ("token_revoke", "token-detail")},
        **{name: {"pk": suspension.pk} for name in ("suspension_lift", "suspension-detail")},
    }


def reached_view(response) -> bool:
    """True when the request got past every access check (a 405 means the guard let it through)."""
    if response.status_code in (401, 403, 404, 409, 410):
        return False
    if response.status_code in (301, 302):
        location = response["Location"]
        return not any(
            location.startswith(reverse(name))
            for name in ("account_login", "admin:login", "nda", "mfa_activate_totp", "no_membership")
        )
    return True


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(RULES))
def test_url_access(name, persona, cast, url_args):
    url = reverse(name, kwargs=url_args.get(name))
    response = client_for(cast[persona]).get(url)
    allowed = persona in RULES[name]
    assert reached_view(response) == allowed, (
        f"{persona} {'should' if allowed else 'must not'} reach {url}: got {response.status_code} "
        f"{response.get('Location', '')}"
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_django_admin_access(persona, cast):
    response = client_for(cast[persona]).get(reverse("admin:index"))
    assert reached_view(response) == (persona in MODULE_RULES["django.contrib.admin"])


def test_staff_without_totp_reach_only_account_pages(db, nda):
    from accessprogram.models import Role
    from tests.conftest import make_member

    admin = make_member(
        email="new-admin@vernissage.test", name="New Admin", role=Role.PROGRAM_ADMIN, cohort=None, totp=False
    )
    client = client_for(admin)
    response = client.get(reverse("invitation_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
    assert client.get(reverse("admin:index")).status_code == 302
    api = client.get(reverse("invitation-list"))
    assert api.status_code == 403 and api.json()["code"] == "mfa_required"
    assert reached_view(client.get(reverse("mfa_activate_totp")))
