"""Personal access tokens: list yours, create one (portal session only; the secret is shown once), revoke."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accessprogram.api.permissions import ProgramMember
from accessprogram.models import AccessToken, TokenScope
from accessprogram.models.tokens import SELF_SERVICE_SCOPES
from accessprogram.services.context import Actor
from accessprogram.services.tokens import token_create, token_revoke, tokens_for_user
from accessprogram.services.watch import session_password_at


class AccessTokenSerializer(serializers.ModelSerializer):
    owner = serializers.EmailField(source="owner.email", read_only=True)
    status = serializers.ChoiceField(choices=AccessToken.Status.choices, read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=TokenScope.choices), read_only=True)

    class Meta:
        model = AccessToken
        fields = [
            "id",
            "name",
            "prefix",
            "owner",
            "scopes",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_used_ip",
            "last_used_user_agent",
            "revoked_at",
            "revoked_reason",
        ]
        read_only_fields = fields


class AccessTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=TokenScope.choices),
        allow_empty=False,
        help_text=f"Any of {', '.join(SELF_SERVICE_SCOPES)}; `download` is granted by an admin per token.",
    )
    expires_in_days = serializers.IntegerField(
        required=False, min_value=1, max_value=settings.ACCESS_TOKEN_MAX_DAYS, help_text=gettext_lazy("Default 30.")
    )


class IssuedTokenSerializer(AccessTokenSerializer):
    token = serializers.CharField(read_only=True, help_text=gettext_lazy("The secret. Shown this once; store it now."))

    class Meta(AccessTokenSerializer.Meta):
        fields = [*AccessTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class AccessTokenPermission(ProgramMember):
    """Testers manage their own tokens; program admins see and revoke everyone's."""

    message = gettext_lazy("Only testers (and program admins) have access tokens.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and (request.user.is_tester or request.user.is_program_admin)


class AccessTokenViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Your personal access tokens. Creating one works only from a signed-in portal session."""

    serializer_class = AccessTokenSerializer
    permission_classes = [AccessTokenPermission]
    # A token may list its owner's tokens; it may never create or revoke one.
    token_scopes = {"list": TokenScope.READ}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the model, with no user
            return AccessToken.objects.none()
        return tokens_for_user(self.request.user)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (AccessToken.DoesNotExist, ValueError) as exc:
            raise Http404(gettext("No such token.")) from exc

    @extend_schema(request=AccessTokenCreateSerializer, responses={201: IssuedTokenSerializer})
    def create(self, request):
        serializer = AccessTokenCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = token_create(
            actor=Actor.from_request(request), password_at=session_password_at(request), **serializer.validated_data
        )
        body = IssuedTokenSerializer(issued.token).data | {"token": issued.secret}
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    def destroy(self, request, pk=None):
        token_revoke(actor=Actor.from_request(request), token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
