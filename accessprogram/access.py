"""Who may reach what: the program gate (MFA for staff; for testers no suspension, then the NDA) and view guards."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from allauth.mfa.models import Authenticator
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from accessprogram.services.nda import nda_required_for
from accessprogram.services.suspensions import SUSPENDED_MESSAGES, suspension_active_for


@dataclass(frozen=True)
class Gate:
    """Why a signed-in user must stop before the rest of the site, and where to go instead."""

    code: str
    message: str
    url: str
    extra: dict = field(default_factory=dict)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def gate_for(user) -> Gate | None:
    """The first gate a signed-in user must pass, or None when the whole site is open to them."""
    if user.is_program_staff:
        if not has_totp(user):
            return Gate(
                "mfa_required",
                gettext("Staff must set up an authenticator app (TOTP) before using staff pages."),
                reverse("mfa_activate_totp"),
            )
        return None
    if not user.is_tester:
        return Gate(
            "not_a_member",
            gettext("Your account has no active membership in the program."),
            reverse("accessprogram:no_membership"),
        )
    suspension = suspension_active_for(user)
    if suspension is not None:
        return Gate(
            "suspended",
            SUSPENDED_MESSAGES[suspension.scope],
            reverse("accessprogram:access_suspended"),
            {"scope": suspension.scope},
        )
    nda = nda_required_for(user)
    if nda is not None:
        return Gate(
            "nda_required",
            gettext("Accept the current NDA (%(title)s, version %(version)s) before using the program.")
            % {"title": nda.title, "version": nda.version},
            reverse("accessprogram:nda"),
            {"nda": {"version": nda.version, "title": nda.title, "url": reverse("accessprogram:nda")}},
        )
    return None


def _role_required(check, message: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


program_admin_required = _role_required(lambda u: u.is_program_admin, gettext_lazy("Only program admins can do this."))
reviewer_required = _role_required(lambda u: u.is_reviewer, gettext_lazy("Only reviewers can do this."))
tester_required = _role_required(lambda u: u.is_tester, gettext_lazy("Only testers can do this."))
member_required = _role_required(
    lambda u: u.is_program_staff or u.is_tester, gettext_lazy("Only program members can do this.")
)
