"""`Authorization: Bearer <token>` for the API: valid, unsuspended tokens only, watched for anomalies."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accessprogram.models import SuspensionScope
from accessprogram.services.anomalies import anomaly_contain, anomaly_observe
from accessprogram.services.context import Actor, client_ip
from accessprogram.services.suspensions import SUSPENDED_MESSAGES, suspension_active_for
from accessprogram.services.tokens import token_find, token_record_use


class InvalidToken(exceptions.APIException):
    """401 with a Bearer challenge (DRF would answer 403, as the session comes first)."""

    status_code = 401
    default_code = "invalid_token"
    auth_header = 'Bearer realm="api", error="invalid_token"'


class Suspended(exceptions.PermissionDenied):
    default_code = "suspended"

    def __init__(self, scope: str) -> None:
        super().__init__(detail=SUSPENDED_MESSAGES[SuspensionScope(scope)], code="suspended")
        self.extra = {"scope": scope}


class BearerTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise InvalidToken(gettext("Send exactly one token: Authorization: Bearer vern_…"))
        token = token_find(parts[1].decode("latin-1"))
        if token is None or token.revoked_at is not None or token.is_expired or not token.owner.is_active:
            raise InvalidToken(gettext("This token is not valid: unknown, mistyped, expired or revoked."))
        if token.owner.is_program_staff:
            # Tokens are for testers; a tester promoted to staff must not reach staff endpoints without MFA.
            raise InvalidToken(gettext("Staff accounts cannot use access tokens; sign in to the portal."))
        actor = Actor(
            user=token.owner,
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:500],
            token=token,
        )
        suspension = suspension_active_for(token.owner, token=token)
        if suspension is not None:
            raise Suspended(suspension.scope)
        token_record_use(token=token, ip=actor.ip, user_agent=actor.user_agent)
        origin = request.META.get("HTTP_ORIGIN", "")
        findings = anomaly_observe(token=token, ip=actor.ip, user_agent=actor.user_agent, origin=origin)
        if findings:
            anomaly_contain(token=token, findings=findings, actor=actor, origin=origin)
            raise Suspended(SuspensionScope.TOKEN)
        return token.owner, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "vern_ personal access token"}
