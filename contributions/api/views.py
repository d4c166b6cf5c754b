"""Contributions API: feedback and findings (file, list your own; staff triage and decide), your ledger
(read-only) and the current rate card."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accessprogram.api.parsers import StrictJSONParser
from accessprogram.api.permissions import IsReviewer, IsTester, ProgramMember
from accessprogram.errors import DomainError
from accessprogram.models import TokenScope
from accessprogram.services.context import Actor
from contributions.access import (
    finding_for_user,
    findings_for_user,
    is_red_teamer,
    ledger_for_user,
    report_for_user,
    reports_for_user,
)
from contributions.api.serializers import (
    FindingDecisionSerializer,
    FindingInputSerializer,
    FindingSerializer,
    LedgerEntrySerializer,
    RateCardSerializer,
    ReportCreateSerializer,
    ReportSerializer,
    TriageSerializer,
)
from contributions.models import Finding, LedgerEntry, RateCard, Report
from contributions.services.findings import FindingInput, finding_create, finding_decide, finding_submit
from contributions.services.reports import report_create, report_triage
from generation.access import output_for_user

READS = {"list": TokenScope.READ, "retrieve": TokenScope.READ}


def _own_output(user, output_id):
    if output_id is None:
        return None
    try:
        return output_for_user(user, output_id)
    except Http404 as exc:
        raise DomainError(gettext("No such output of yours."), field="output") from exc


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your feedback and bug reports (every report, for staff). POST files one (multipart for screenshots)."""

    serializer_class = ReportSerializer
    permission_classes = [ProgramMember]
    queryset = Report.objects.none()  # for the schema; get_queryset scopes every request
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]
    token_scopes = READS

    def get_queryset(self):
        return reports_for_user(self.request.user).prefetch_related("screenshots", "replies__author")

    def get_object(self):
        return report_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def create(self, request):
        if not request.user.is_tester:
            raise PermissionDenied(gettext("Only testers file reports."))
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = report_create(
            actor=Actor.from_request(request),
            reporter=request.user,
            type=data["type"],
            severity=data["severity"],
            title=data["title"],
            text=data["text"],
            page_url=data["page_url"],
            output=_own_output(request.user, data.get("output")),
            screenshots=request.FILES.getlist("screenshots"),
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TriageSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def triage(self, request, pk=None):
        report = self.get_object()
        serializer = TriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        original = None
        if data.get("duplicate_of"):
            original = Report.objects.filter(pk=data["duplicate_of"]).first()
            if original is None:
                raise DomainError(
                    gettext("There is no report #%(duplicate_of)s.") % {"duplicate_of": data["duplicate_of"]},
                    field="duplicate_of",
                )
        result = report_triage(
            actor=Actor.from_request(request),
            report=report,
            status=data["status"],
            reply=data["reply"],
            duplicate_of=original,
        )
        return Response(ReportSerializer(report_for_user(request.user, result.report.pk)).data)


def _finding_input(user, data) -> FindingInput:
    return FindingInput(
        category=data["category"],
        severity=data["severity"],
        title=data["title"],
        description=data["description"],
        output=_own_output(user, data.get("output")),
        prompt=data["prompt"],
        negative_prompt=data["negative_prompt"],
        seed=data.get("seed"),
        parameters=data["parameters"],
        model_name=data["model_name"],
    )


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your red-team findings (every finding, for staff). Red-teamers POST to file one."""

    serializer_class = FindingSerializer
    permission_classes = [ProgramMember]
    queryset = Finding.objects.none()  # for the schema; get_queryset scopes every request
    token_scopes = READS

    def get_queryset(self):
        return findings_for_user(self.request.user)

    def get_object(self):
        return finding_for_user(self.request.user, self.kwargs["pk"])

    def _require_red_teamer(self, request) -> None:
        if not is_red_teamer(request.user):
            raise PermissionDenied(gettext("Only red-teamers file safety findings."))

    @extend_schema(request=FindingInputSerializer, responses={201: FindingSerializer})
    def create(self, request):
        self._require_red_teamer(request)
        serializer = FindingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = finding_create(
            actor=Actor.from_request(request),
            reporter=request.user,
            data=_finding_input(request.user, serializer.validated_data),
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FindingInputSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTester])
    def submit(self, request, pk=None):
        """Complete and submit a draft finding (one the prompt policy filed)."""
        self._require_red_teamer(request)
        finding = self.get_object()
        serializer = FindingInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        finding = finding_submit(
            actor=Actor.from_request(request),
            finding=finding,
            data=_finding_input(request.user, serializer.validated_data),
        )
        return Response(FindingSerializer(finding).data)

    @extend_schema(request=FindingDecisionSerializer, responses=FindingSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsReviewer])
    def decide(self, request, pk=None):
        finding = self.get_object()
        serializer = FindingDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = finding_decide(
            actor=Actor.from_request(request),
            finding=finding,
            decision=data["decision"],
            reason=data["reason"],
            severity=data.get("severity") or None,
        )
        return Response(FindingSerializer(result.finding).data)


class LedgerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your contribution ledger, newest first: what each contribution earned and the rate-card line it came from."""

    serializer_class = LedgerEntrySerializer
    permission_classes = [IsTester]
    queryset = LedgerEntry.objects.none()  # for the schema; get_queryset scopes every request
    token_scopes = READS

    def get_queryset(self):
        entries = ledger_for_user(self.request.user)
        state = self.request.query_params.get("status")
        return entries.filter(status=state) if state else entries


class RateCardView(APIView):
    """The current published rate card (version null and no lines before the first is published)."""

    permission_classes = [ProgramMember]
    token_scopes = {"get": TokenScope.READ}

    @extend_schema(responses=RateCardSerializer)
    def get(self, request):
        card = RateCard.current()
        if card is None:
            return Response({"version": None, "published_at": None, "lines": []})
        return Response(RateCardSerializer(card).data)
