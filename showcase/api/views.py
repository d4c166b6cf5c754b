"""Showcase API: calls and submitting to one (testers); licence requests and the owner's answer."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accessprogram.api.permissions import IsTester, ProgramMember
from accessprogram.services.context import Actor
from generation.models import Output
from showcase.access import call_for_user, calls_for_user, licence_for_owner, licence_for_user, licences_for_user
from showcase.api.serializers import (
    LicenceAcceptSerializer,
    LicenceRequestSerializer,
    ShowcaseCallSerializer,
    SubmissionSerializer,
    SubmitSerializer,
)
from showcase.models import LicenceRequest, ShowcaseCall
from showcase.services.calls import showcase_submit
from showcase.services.licences import licence_accept, licence_decline


class ShowcaseCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The program's showcase calls, newest first. Testers submit approved outputs with `submit/`."""

    serializer_class = ShowcaseCallSerializer
    permission_classes = [ProgramMember]
    queryset = ShowcaseCall.objects.none()  # for the schema; requests go through get_queryset
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return calls_for_user(self.request.user)

    def get_object(self):
        return call_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=SubmitSerializer, responses={201: SubmissionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsTester])
    def submit(self, request, pk=None):
        """Submit one of your approved outputs before the deadline; 409 when the call or output refuses it."""
        call = self.get_object()
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        output = Output.objects.filter(pk=data["output"], owner=request.user).first()
        if output is None:
            raise ValidationError({"output": [gettext("You have no output with this ID.")]})
        submission = showcase_submit(
            actor=Actor.from_request(request),
            call=call,
            output=output,
            credit_line=data["credit_line"],
            statement=data["statement"],
        )
        return Response(SubmissionSerializer(submission).data, status=status.HTTP_201_CREATED)


class LicenceRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Licence requests for your outputs (every request, for program admins); the owner accepts or declines."""

    serializer_class = LicenceRequestSerializer
    permission_classes = [ProgramMember]
    queryset = LicenceRequest.objects.none()  # for the schema; requests go through get_queryset
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return licences_for_user(self.request.user)

    def get_object(self):
        return licence_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(request=LicenceAcceptSerializer, responses=LicenceRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTester])
    def accept(self, request, pk=None):
        """Grant the licence: the fee is posted to your ledger; every public use shows your credit line."""
        serializer = LicenceAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        licence = licence_accept(
            actor=Actor.from_request(request),
            licence=licence_for_owner(request.user, pk),
            credit_line=serializer.validated_data["credit_line"],
        )
        return Response(LicenceRequestSerializer(licence).data)

    @extend_schema(request=None, responses=LicenceRequestSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsTester])
    def decline(self, request, pk=None):
        licence = licence_decline(actor=Actor.from_request(request), licence=licence_for_owner(request.user, pk))
        return Response(LicenceRequestSerializer(licence).data)
