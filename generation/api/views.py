"""Generation API: submit, watch and cancel jobs; read outputs and their media."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accessprogram.api.permissions import IsTester, ProgramMember
from accessprogram.models import TokenScope
from accessprogram.services.context import Actor
from accessprogram.services.watch import MEDIA_WITHOUT_PAGE, watch_media_refused
from generation.access import job_for_user, jobs_for_user, output_for_user, outputs_for_user
from generation.api.serializers import (
    GenerationJobSerializer,
    GenerationSubmissionSerializer,
    GenerationSubmitSerializer,
    OutputSerializer,
)
from generation.infrastructure.media_responses import output_media_response
from generation.services.queue import queue_estimates
from generation.services.submit import GenerationRequest, generation_job_cancel, generation_jobs_submit


class GenerationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your generation jobs. Submitting returns 201 with the first queued job and all of them in `variations`."""

    serializer_class = GenerationJobSerializer
    permission_classes = [IsTester]
    token_scopes = {
        "list": TokenScope.READ,
        "retrieve": TokenScope.READ,
        "create": TokenScope.GENERATE,
        "cancel": TokenScope.GENERATE,
    }
    lookup_value_regex = "[0-9a-f-]{32,36}"

    def get_queryset(self):
        jobs = jobs_for_user(self.request.user)
        query = self.request.query_params.get("q")
        if query:
            jobs = jobs.filter(Q(prompt__icontains=query) | Q(negative_prompt__icontains=query))
        state = self.request.query_params.get("status")
        if state:
            jobs = jobs.filter(status=state)
        return jobs

    def get_object(self):
        return job_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description=gettext_lazy("Search in prompts")),
            OpenApiParameter("status", OpenApiTypes.STR, description=gettext_lazy("Only jobs in this state")),
        ]
    )
    def list(self, request, *args, **kwargs):
        jobs = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(jobs)
        shown = list(page if page is not None else jobs)
        context = {**self.get_serializer_context(), "estimates": queue_estimates(shown)}
        data = GenerationJobSerializer(shown, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=GenerationSubmitSerializer, responses={201: GenerationSubmissionSerializer})
    def create(self, request):
        serializer = GenerationSubmitSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        jobs = generation_jobs_submit(
            actor=Actor.from_request(request),
            user=request.user,
            request=GenerationRequest(**serializer.validated_data),
        )
        answer = GenerationSubmissionSerializer(jobs[0], context={"jobs": jobs})
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=GenerationJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = generation_job_cancel(actor=Actor.from_request(request), job=self.get_object())
        return Response(GenerationJobSerializer(job).data)


class OutputViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Outputs: yours, or every output for staff. Bytes only through `media/`."""

    serializer_class = OutputSerializer
    permission_classes = [ProgramMember]
    # Bytes need `download`, which only an admin grants: a public page in front of a token shows nothing.
    token_scopes = {"list": TokenScope.READ, "retrieve": TokenScope.READ, "media": TokenScope.DOWNLOAD}
    lookup_value_regex = "[0-9a-f-]{32,36}"

    def get_queryset(self):
        outputs = outputs_for_user(self.request.user)
        review_status = self.request.query_params.get("review_status")
        return outputs.filter(review_status=review_status) if review_status else outputs

    def get_object(self):
        return output_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(
        parameters=[OpenApiParameter("download", OpenApiTypes.BOOL, description=gettext_lazy("As an attachment"))],
        responses={(200, "video/mp4"): OpenApiTypes.BINARY, 206: OpenApiTypes.BINARY, 302: None},
    )
    @action(detail=True, methods=["get"])
    def media(self, request, pk=None):
        output = self.get_object()
        if watch_media_refused(request, output_id=str(output.pk)):
            raise PermissionDenied(MEDIA_WITHOUT_PAGE, code="media_without_page")
        return output_media_response(request, output, download=request.query_params.get("download") in ("1", "true"))
