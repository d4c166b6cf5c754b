"""API permissions: the same program gate as the web (MFA for staff, NDA for testers), per role."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_lazy
from rest_framework import exceptions, permissions

from accessprogram.access import gate_for
from accessprogram.models import AccessToken


class ProgramGateClosed(exceptions.PermissionDenied):
    def __init__(self, gate):
        super().__init__(detail=gate.message, code=gate.code)
        self.extra = gate.extra


class TokenScopeMissing(exceptions.PermissionDenied):
    default_code = "token_scope"


def required_token_scope(request, view) -> str | None:
    """The scope a token needs for this request, from the view's `token_scopes` (by action, else method)."""
    method = "get" if request.method == "HEAD" else request.method.lower()
    key = getattr(view, "action", None) or method
    return getattr(view, "token_scopes", {}).get(key)


def check_token_scope(request, view) -> None:
    """Requests made with an access token reach only what the view grants tokens, and only with the scope."""
    token = request.auth
    if not isinstance(token, AccessToken):
        return
    scope = required_token_scope(request, view)
    if scope is None:
        raise TokenScopeMissing(gettext("This endpoint cannot be used with an access token; sign in to the portal."))
    if not token.has_scope(scope):
        raise TokenScopeMissing(
            gettext("This token lacks the “%(scope)s” scope this request needs.") % {"scope": scope}
        )


class ProgramMember(permissions.BasePermission):
    """Signed in, past the program gate, and (with an access token) holding the scope the request needs."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        gate = gate_for(user)
        if gate is not None:
            raise ProgramGateClosed(gate)
        check_token_scope(request, view)
        return True


class IsProgramAdmin(ProgramMember):
    message = gettext_lazy("Only program admins can do this.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_program_admin


class IsReviewer(ProgramMember):
    message = gettext_lazy("Only reviewers can do this.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_reviewer


class IsTester(ProgramMember):
    message = gettext_lazy("Only testers can do this.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_tester
