"""The Django admin, for program admins only, signing in through allauth (rate limits and MFA apply)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse


class ProgramAdminSite(admin.AdminSite):
    site_header = "Vernissage administration"
    site_title = "Vernissage admin"

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_authenticated and request.user.is_program_admin

    def login(self, request, extra_context=None):
        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")
