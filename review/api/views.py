"""Review API: the reviewers' queue and decisions, and share links (owners and staff)."""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accessprogram.api.permissions import IsReviewer, ProgramMember
from accessprogram.models import Cohort
from accessprogram.services.context import Actor
from generation.api.views import OutputViewSet as GenerationOutputViewSet
from generation.models import GenerationModel
from review.access import (
    notes_for_output,
    review_for_reviewer,
    review_queue_for,
    share_link_for_user,
    share_links_for_user,
)
from review.api.serializers import (
    DecisionInputSerializer,
    NoteInputSerializer,
    NoteSerializer,
    ReviewSerializer,
    ShareCreateSerializer,
    ShareLinkSerializer,
)
from review.services.notes import note_create
from review.services.reviews import review_decide
from review.services.sharing import share_link_create, share_link_revoke


class OutputViewSet(GenerationOutputViewSet):
    """Outputs: yours, or every output for staff. Bytes only through `media/`; approved ones can be shared."""

    @extend_schema(request=ShareCreateSerializer, responses={201: ShareLinkSerializer})
    @action(detail=True, methods=["post"])
    def share(self, request, pk=None):
        """A public share link; 409 unless the output is approved."""
        serializer = ShareCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = share_link_create(
            actor=Actor.from_request(request), output=self.get_object(), **serializer.validated_data
        )
        return Response(ShareLinkSerializer(link, context={"request": request}).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses={200: NoteSerializer(many=True)})
    @extend_schema(methods=["POST"], request=NoteInputSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, pk=None):
        """Time-coded notes on the output, for its owner and reviewers: each thread with its replies."""
        output = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(notes_for_output(output))
            return self.get_paginated_response(NoteSerializer(page, many=True).data)
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = note_create(actor=Actor.from_request(request), output=output, **serializer.validated_data)
        note.thread_replies = []
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class ReviewViewSet(viewsets.GenericViewSet):
    """The review queue, oldest first, and a reviewer's decision on an output."""

    serializer_class = ReviewSerializer
    permission_classes = [IsReviewer]
    lookup_field = "output_id"
    lookup_value_regex = "[0-9a-f-]{32,36}"

    def get_queryset(self):
        params = self.request.query_params
        hours = params.get("min_age_hours")
        try:
            min_age_hours = float(hours) if hours else None
        except ValueError:
            min_age_hours = None
        if min_age_hours is not None and not math.isfinite(min_age_hours):
            min_age_hours = None
        return review_queue_for(
            self.request.user,
            cohort=Cohort.objects.filter(name=params["cohort"]).first() if params.get("cohort") else None,
            tester=params.get("tester", ""),
            model=GenerationModel.objects.filter(name=params["model"]).first() if params.get("model") else None,
            min_age_hours=min_age_hours,
        ).prefetch_related("decisions__reviewer", "decisions__reason")

    @extend_schema(
        parameters=[
            OpenApiParameter("cohort", OpenApiTypes.STR, description=gettext_lazy("Cohort name")),
            OpenApiParameter("tester", OpenApiTypes.STR, description=gettext_lazy("Tester e-mail or name contains")),
            OpenApiParameter("model", OpenApiTypes.STR, description=gettext_lazy("Model name")),
            OpenApiParameter(
                "min_age_hours", OpenApiTypes.NUMBER, description=gettext_lazy("Waiting at least this long")
            ),
        ],
        responses=ReviewSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def queue(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(request=DecisionInputSerializer, responses=ReviewSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, output_id=None):
        review = review_for_reviewer(request.user, output_id)
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decided = review_decide(
            actor=Actor.from_request(request),
            output=review.output,
            decision=data["decision"],
            reason=data["reason"] or None,
            note=data["note"],
        )
        return Response(ReviewSerializer(review_for_reviewer(request.user, decided.output_id)).data)


class ShareLinkViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Share links of your outputs (every link, for staff). DELETE revokes: the link is dead on the next request."""

    serializer_class = ShareLinkSerializer
    permission_classes = [ProgramMember]

    def get_queryset(self):
        return share_links_for_user(self.request.user)

    def get_object(self):
        return share_link_for_user(self.request.user, self.kwargs["pk"])

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses={204: None})
    def destroy(self, request, *args, **kwargs):
        share_link_revoke(actor=Actor.from_request(request), link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
