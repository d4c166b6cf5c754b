"""The staff roles' groups and their permissions, kept in step after every migration."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from accessprogram.models import Role
from accessprogram.models.users import ROLE_GROUPS

# App labels whose every permission program admins hold.
ADMIN_APPS = ("accessprogram", "generation", "review", "contributions", "showcase", "mfa", "account")
REVIEWER_APPS = ("review",)


def ensure_role_groups(sender=None, **kwargs) -> None:
    admins, _ = Group.objects.get_or_create(name=ROLE_GROUPS[Role.PROGRAM_ADMIN])
    reviewers, _ = Group.objects.get_or_create(name=ROLE_GROUPS[Role.REVIEWER])
    admins.permissions.set(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    reviewers.permissions.set(
        Permission.objects.filter(content_type__app_label__in=REVIEWER_APPS)
        | Permission.objects.filter(
            content_type__app_label__in=("generation", "accessprogram"), codename__startswith="view_"
        )
    )
