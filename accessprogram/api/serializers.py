"""API shapes for the program: the signed-in member, and invitations."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from accessprogram.models import Cohort, Invitation, Role


class NdaStatusSerializer(serializers.Serializer):
    required = serializers.BooleanField(
        help_text=gettext_lazy("True while the current version still awaits acceptance.")
    )
    current_version = serializers.IntegerField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)


class QuotaSerializer(serializers.Serializer):
    unit = serializers.CharField()
    period = serializers.CharField()
    limit = serializers.IntegerField()
    used = serializers.FloatField()
    remaining = serializers.FloatField()
    resets_at = serializers.DateTimeField()


class CohortSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Cohort
        fields = ["id", "name", "is_active", "max_active_jobs", "max_duration_seconds", "max_resolution"]


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    nda = NdaStatusSerializer()
    cohort = CohortSummarySerializer(allow_null=True)
    quota = QuotaSerializer(allow_null=True)


class InvitationSerializer(serializers.ModelSerializer):
    cohort = serializers.SlugRelatedField(
        slug_field="name", queryset=Cohort.objects.all(), required=False, allow_null=True
    )
    status = serializers.CharField(source="effective_status", read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None, allow_null=True)
    expires_in_days = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=settings.INVITATION_MAX_DAYS
    )
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "cohort",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "sent_count",
            "expires_in_days",
        ]
        read_only_fields = ["id", "status", "invited_by", "created_at", "expires_at", "accepted_at", "sent_count"]
        # The database's one-pending-invitation rule is checked (with a clear message) by the service.
        validators: list = []
        extra_kwargs = {"email": {"validators": []}}
