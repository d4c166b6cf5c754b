"""API shapes for showcase calls, submissions and licence requests."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from contributions.models import format_money
from review.services.sharing import CREDIT_MAX
from showcase.models import LicenceRequest, RubricCriterion, ShowcaseCall, Submission
from showcase.services.calls import STATEMENT_MAX


class RubricCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RubricCriterion
        fields = ["id", "name", "max_points"]


class ShowcaseCallSerializer(serializers.ModelSerializer):
    rubric = RubricCriterionSerializer(source="criteria", many=True, read_only=True)
    accepts_submissions = serializers.BooleanField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = ShowcaseCall
        fields = [
            "id",
            "title",
            "brief",
            "deadline",
            "status",
            "accepts_submissions",
            "max_submissions_per_tester",
            "exclude_cohort_mates",
            "rubric",
            "published_at",
            "url",
        ]

    def get_url(self, call: ShowcaseCall) -> str:
        return reverse("showcase:showcase_call", args=[call.pk])


class SubmissionSerializer(serializers.ModelSerializer):
    call = serializers.IntegerField(source="call_id", read_only=True)
    output = serializers.UUIDField(source="output_id", read_only=True)
    selected = serializers.BooleanField(source="is_selected", read_only=True)

    class Meta:
        model = Submission
        fields = ["id", "call", "output", "credit_line", "statement", "submitted_at", "selected"]


class SubmitSerializer(serializers.Serializer):
    output = serializers.UUIDField(help_text=gettext_lazy("The ID of one of your approved outputs."))
    credit_line = serializers.CharField(required=False, allow_blank=True, default="", max_length=CREDIT_MAX)
    statement = serializers.CharField(required=False, allow_blank=True, default="", max_length=STATEMENT_MAX)


class LicenceRequestSerializer(serializers.ModelSerializer):
    output = serializers.UUIDField(source="output_id", read_only=True)
    tester = serializers.EmailField(source="tester.email", read_only=True)
    fee = serializers.SerializerMethodField()
    state = serializers.CharField(source="state_label", read_only=True)
    is_expired = serializers.BooleanField(read_only=True)

    class Meta:
        model = LicenceRequest
        fields = [
            "id",
            "output",
            "tester",
            "use",
            "term_start",
            "term_end",
            "fee_minor",
            "currency",
            "fee",
            "respond_by",
            "status",
            "state",
            "is_expired",
            "credit_line",
            "requested_at",
            "decided_at",
        ]

    def get_fee(self, licence: LicenceRequest) -> str:
        return format_money(licence.fee_minor, licence.currency)


class LicenceAcceptSerializer(serializers.Serializer):
    credit_line = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=CREDIT_MAX,
        help_text=gettext_lazy("Defaults to your name."),
    )
