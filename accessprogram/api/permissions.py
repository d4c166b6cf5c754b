"""API permissions: the same program gate as the web (MFA for staff, NDA for testers), per role."""

from __future__ import annotations

from rest_framework import exceptions, permissions

from accessprogram.access import gate_for


class ProgramGateClosed(exceptions.PermissionDenied):
    def __init__(self, gate):
        super().__init__(detail=gate.message, code=gate.code)
        self.extra = gate.extra


class ProgramMember(permissions.BasePermission):
    """Signed in, and past the program gate."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        gate = gate_for(user)
        if gate is not None:
            raise ProgramGateClosed(gate)
        return True


class IsProgramAdmin(ProgramMember):
    message = "Only program admins can do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_program_admin


class IsReviewer(ProgramMember):
    message = "Only reviewers can do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_reviewer


class IsTester(ProgramMember):
    message = "Only testers can do this."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and request.user.is_tester
