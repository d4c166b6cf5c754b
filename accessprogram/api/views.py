"""The program's API: who am I, and invitations (program admins)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from accessprogram.api.permissions import IsProgramAdmin
from accessprogram.api.serializers import InvitationSerializer, MeSerializer
from accessprogram.hooks import MEMBER_SUMMARY, run_hooks
from accessprogram.models import Invitation, NdaAcceptance, TokenScope
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create
from accessprogram.services.nda import nda_current


class MeView(APIView):
    """The signed-in member: roles, NDA status, cohort, and quota left with its reset time."""

    token_scopes = {"get": TokenScope.READ}

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        current = nda_current()
        acceptance = NdaAcceptance.objects.filter(user=user, nda=current).first() if current is not None else None
        membership = user.tester_membership
        roles = [r for r, has in (("admin", user.is_program_admin), ("reviewer", user.is_reviewer)) if has]
        if membership is not None:
            roles.append(membership.kind)
        data = {
            "email": user.email,
            "full_name": user.full_name,
            "roles": roles,
            "nda": {
                "required": bool(membership and current and acceptance is None),
                "current_version": current.version if current else None,
                "title": current.title if current else None,
                "accepted_at": acceptance.accepted_at if acceptance else None,
                "ends_on": current.ends_on if current else None,
            },
            "cohort": membership.cohort if membership else None,
            "quota": None,
        }
        if membership is not None:
            for summary in run_hooks(MEMBER_SUMMARY, user=user):
                data.update(summary)
        return Response(MeSerializer(data).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Invite testers and staff; each invitation is e-mailed as a single-use link."""

    serializer_class = InvitationSerializer
    permission_classes = [IsProgramAdmin]
    queryset = Invitation.objects.select_related("cohort", "invited_by").order_by("-created_at")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        issued = invitation_create(
            actor=Actor.from_request(request),
            email=data["email"],
            role=data["role"],
            cohort=data.get("cohort"),
            expires_in_days=data.get("expires_in_days"),
        )
        return Response(self.get_serializer(issued.invitation).data, status=status.HTTP_201_CREATED)
