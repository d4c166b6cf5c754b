"""API shapes for the review queue, decisions and share links."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from review.models import Decision, Review, ReviewDecision, ShareLink
from review.services.reviews import NOTE_MAX
from review.services.sharing import CREDIT_MAX


class ReviewDecisionSerializer(serializers.ModelSerializer):
    reviewer = serializers.EmailField(source="reviewer.email")
    reason = serializers.CharField(source="reason.code", default=None, allow_null=True)

    class Meta:
        model = ReviewDecision
        fields = ["decision", "reviewer", "reason", "note", "created_at"]


class ReviewSerializer(serializers.ModelSerializer):
    output = serializers.UUIDField(source="output_id")
    owner = serializers.EmailField(source="output.owner.email")
    cohort = serializers.CharField(source="output.job.cohort.name")
    model = serializers.CharField(source="output.job.model.name")
    prompt = serializers.CharField(source="output.job.prompt")
    parameters = serializers.JSONField(source="output.parameters")
    approvals_required = serializers.IntegerField(source="output.job.cohort.approvals_required")
    claimed_by = serializers.EmailField(source="claimed_by.email", default=None, allow_null=True)
    is_appeal = serializers.BooleanField()
    media_url = serializers.SerializerMethodField()
    decisions = ReviewDecisionSerializer(many=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "output",
            "state",
            "created_at",
            "decided_at",
            "owner",
            "cohort",
            "model",
            "prompt",
            "parameters",
            "approvals_required",
            "claimed_by",
            "claimed_until",
            "is_appeal",
            "appeal_message",
            "media_url",
            "decisions",
        ]

    def get_media_url(self, review: Review) -> str:
        return reverse("output-media", kwargs={"pk": review.output_id})


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("A reason code, e.g. policy.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX)


class ShareLinkSerializer(serializers.ModelSerializer):
    output = serializers.UUIDField(source="output_id", read_only=True)
    url = serializers.SerializerMethodField()
    has_passphrase = serializers.BooleanField(read_only=True)
    is_live = serializers.BooleanField(read_only=True)

    class Meta:
        model = ShareLink
        fields = [
            "id",
            "output",
            "url",
            "created_at",
            "expires_at",
            "revoked_at",
            "has_passphrase",
            "credit_line",
            "show_prompt",
            "is_live",
        ]

    def get_url(self, link: ShareLink) -> str:
        path = reverse("review:share_page", args=[link.slug])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ShareCreateSerializer(serializers.Serializer):
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    passphrase = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    credit_line = serializers.CharField(required=False, allow_blank=True, default="", max_length=CREDIT_MAX)
    show_prompt = serializers.BooleanField(required=False, default=False)
