"""Kill switches for program admins: list, suspend a token, tester, cohort or the program, and lift."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from accessprogram.api.permissions import IsProgramAdmin
from accessprogram.models import Suspension, SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_create, suspension_lift, suspension_resolve_target


class SuspensionSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target_label", read_only=True)
    created_by = serializers.EmailField(source="created_by.email", read_only=True, default=None, allow_null=True)
    lifted_by = serializers.EmailField(source="lifted_by.email", read_only=True, default=None, allow_null=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Suspension
        fields = [
            "id",
            "scope",
            "target",
            "reason",
            "automatic",
            "evidence",
            "is_active",
            "created_at",
            "created_by",
            "lifted_at",
            "lifted_by",
        ]
        read_only_fields = fields


class SuspensionCreateSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=SuspensionScope.choices)
    target = serializers.CharField(
        max_length=254,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Token id, tester e-mail, cohort name, or program name (empty: the program)."),
    )
    reason = serializers.CharField(max_length=2000)


class SuspensionViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Suspensions take effect on the next request everywhere; DELETE lifts one."""

    serializer_class = SuspensionSerializer
    permission_classes = [IsProgramAdmin]

    def get_queryset(self):
        suspensions = Suspension.objects.select_related(
            "token__owner", "user", "cohort", "program", "created_by", "lifted_by"
        ).order_by("-created_at")
        active = self.request.query_params.get("active")
        if active in ("true", "1"):
            return suspensions.filter(lifted_at__isnull=True)
        if active in ("false", "0"):
            return suspensions.filter(lifted_at__isnull=False)
        return suspensions

    def get_object(self):
        try:
            return self.get_queryset().get(pk=int(self.kwargs["pk"]))
        except (Suspension.DoesNotExist, ValueError) as exc:
            raise Http404(gettext("No such suspension.")) from exc

    @extend_schema(
        parameters=[OpenApiParameter("active", OpenApiTypes.BOOL, description=gettext_lazy("Only active (or lifted)"))]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SuspensionCreateSerializer, responses={201: SuspensionSerializer})
    def create(self, request):
        serializer = SuspensionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = suspension_resolve_target(scope=data["scope"], target=data.get("target"))
        suspension = suspension_create(
            actor=Actor.from_request(request), scope=data["scope"], target=target, reason=data["reason"]
        )
        return Response(SuspensionSerializer(suspension).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        suspension_lift(actor=Actor.from_request(request), suspension=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
