"""Public leak reports: `POST /api/v1/leaks/` with up to 1,000 strings found in public.

Open to anyone (no sign-in, no CSRF token: scanners post from servers), rate-limited per client IP.
The answer is 202 with the number of strings received, whether any of them was a live token or not.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accessprogram.services.context import Actor
from accessprogram.services.leaks import leak_report
from accessprogram.services.ratelimits import leak_report_rate_limit_hit


class LeakReportSerializer(serializers.Serializer):
    tokens = serializers.ListField(
        child=serializers.CharField(max_length=512, trim_whitespace=True, allow_blank=True),
        allow_empty=False,
        max_length=settings.LEAK_REPORT_MAX_CANDIDATES,
        help_text=gettext_lazy("Candidate token strings, as found."),
    )


class LeakReceiptSerializer(serializers.Serializer):
    received = serializers.IntegerField()


class LeakReportView(APIView):
    """Report strings that may be leaked access tokens; the live ones are revoked and their owners told."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(request=LeakReportSerializer, responses={202: LeakReceiptSerializer}, auth=[])
    def post(self, request):
        actor = Actor.from_request(request)
        leak_report_rate_limit_hit(ip=actor.ip)
        serializer = LeakReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        candidates = serializer.validated_data["tokens"]
        leak_report(actor=actor, candidates=candidates)
        return Response({"received": len(candidates)}, status=status.HTTP_202_ACCEPTED)
