"""API shapes for reports, findings, the ledger and the rate card."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from contributions.models import (
    Finding,
    LedgerEntry,
    LedgerStatus,
    RateCard,
    RateCardLine,
    Report,
    ReportReply,
    ReportStatus,
    ReportType,
    SafetyCategory,
    Severity,
)
from contributions.services.findings import PROMPT_MAX, SEED_MAX, FindingDecision


class ReportReplySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name")

    class Meta:
        model = ReportReply
        fields = ["author", "text", "status_from", "status_to", "created_at"]


class ReportSerializer(serializers.ModelSerializer):
    reporter = serializers.EmailField(source="reporter.email")
    screenshots = serializers.SerializerMethodField()
    replies = ReportReplySerializer(many=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "reporter",
            "type",
            "severity",
            "title",
            "text",
            "page_url",
            "output",
            "status",
            "duplicate_of",
            "created_at",
            "updated_at",
            "screenshots",
            "replies",
        ]

    def get_screenshots(self, report: Report) -> list[str]:
        return [
            reverse("contributions:report_screenshot", kwargs={"pk": report.pk, "screenshot_id": shot.pk})
            for shot in report.screenshots.all()
        ]


class ReportCreateSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ReportType.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=10_000)
    page_url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    output = serializers.UUIDField(required=False, allow_null=True)
    screenshots = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class TriageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    reply = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    duplicate_of = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class FindingSerializer(serializers.ModelSerializer):
    reporter = serializers.EmailField(source="reporter.email")

    class Meta:
        model = Finding
        fields = [
            "id",
            "reporter",
            "category",
            "severity",
            "title",
            "description",
            "output",
            "prompt",
            "negative_prompt",
            "seed",
            "parameters",
            "model_name",
            "status",
            "created_at",
            "submitted_at",
            "decided_at",
            "decision_reason",
        ]


class FindingInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=SafetyCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")
    output = serializers.UUIDField(required=False, allow_null=True)
    prompt = serializers.CharField(max_length=PROMPT_MAX, required=False, allow_blank=True, default="")
    negative_prompt = serializers.CharField(max_length=PROMPT_MAX, required=False, allow_blank=True, default="")
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=SEED_MAX)
    parameters = serializers.DictField(required=False, default=dict)
    model_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")


class FindingDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=FindingDecision.ALL)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, allow_null=True)


class RateCardLineSerializer(serializers.ModelSerializer):
    amount = serializers.CharField(source="amount_display")

    class Meta:
        model = RateCardLine
        fields = ["id", "kind", "severity", "amount_minor", "currency", "amount"]


class RateCardSerializer(serializers.ModelSerializer):
    # Both null (and no lines) before the first card is published.
    version = serializers.IntegerField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    lines = RateCardLineSerializer(many=True)

    class Meta:
        model = RateCard
        fields = ["version", "published_at", "lines"]


class LedgerEntrySerializer(serializers.ModelSerializer):
    amount = serializers.CharField(source="amount_display")
    rate_card_line = RateCardLineSerializer(allow_null=True)
    rate_card_version = serializers.IntegerField(source="rate_card_line.rate_card.version", default=None)
    status = serializers.ChoiceField(choices=LedgerStatus.choices)

    class Meta:
        model = LedgerEntry
        fields = [
            "id",
            "kind",
            "severity",
            "quantity",
            "amount_minor",
            "currency",
            "amount",
            "status",
            "rate_card_version",
            "rate_card_line",
            "memo",
            "created_at",
            "approved_at",
            "paid_at",
        ]
