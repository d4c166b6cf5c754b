"""The notification centre over the API: one's own notifications, newest first, and marking them read."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accessprogram.api.permissions import ProgramMember
from accessprogram.localization import user_language
from accessprogram.models import Notification, NotificationKind, TokenScope
from accessprogram.services.notifications import notifications_for, notifications_mark_read, unread_count


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices, read_only=True)
    title = serializers.SerializerMethodField(help_text="In the recipient's language.")
    body = serializers.SerializerMethodField(help_text="In the recipient's language; may be empty.")
    link = serializers.CharField(read_only=True, help_text="A path on this site, or empty.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields

    def _in_recipients_language(self, obj: Notification, text: str) -> str:
        with translation.override(user_language(obj.recipient)):
            return getattr(obj, text)

    def get_title(self, obj: Notification) -> str:
        return self._in_recipients_language(obj, "title_text")

    def get_body(self, obj: Notification) -> str:
        return self._in_recipients_language(obj, "body_text")


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=500,
        help_text="Your notifications' ids.",
    )
    all = serializers.BooleanField(required=False, default=False, help_text="Mark every notification of yours read.")

    def validate(self, attrs):
        if attrs["all"] == bool(attrs.get("ids")):
            raise serializers.ValidationError(
                {"ids": [gettext("Send either `ids` (a non-empty list) or `all: true`.")]}
            )
        return attrs


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your notifications, newest first (review decisions, a new NDA, licence requests, replies…)."""

    serializer_class = NotificationSerializer
    permission_classes = [ProgramMember]
    token_scopes = {"list": TokenScope.READ, "read": TokenScope.READ}

    def get_queryset(self):
        return notifications_for(self.request.user).select_related("recipient")

    @extend_schema(
        request=MarkReadSerializer,
        responses=inline_serializer(
            "NotificationsMarkedRead",
            {"marked_read": serializers.IntegerField(), "unread": serializers.IntegerField()},
        ),
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark your notifications read: those in `ids`, or every one with `all: true`."""
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed = notifications_mark_read(user=request.user, ids=None if data["all"] else data["ids"])
        return Response({"marked_read": changed, "unread": unread_count(request.user)})
