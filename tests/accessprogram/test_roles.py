"""Staff roles are Django groups with permissions; changing someone's roles is a service, and audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from accessprogram.errors import DomainError
from accessprogram.models import AuditEvent, Role
from accessprogram.models.users import ROLE_GROUPS
from accessprogram.roles import ensure_role_groups
from accessprogram.services.context import Actor
from accessprogram.services.members import user_set_staff_roles


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_creates_both_staff_groups_with_their_permissions(db):
    admins, reviewers = _codenames("Program admins"), _codenames("Reviewers")

    assert {
        "accessprogram.add_invitation",
        "accessprogram.change_cohort",
        "accessprogram.view_auditevent",
        "accessprogram.add_ndaversion",
    } <= admins
    assert {"accessprogram.view_invitation", "accessprogram.view_cohort"} <= reviewers
    assert not {p for p in reviewers if p.startswith("accessprogram.") and not p.split(".")[1].startswith("view_")}


def test_the_role_groups_handler_is_idempotent(db):
    before = {name: _codenames(name) for name in ROLE_GROUPS.values()}

    ensure_role_groups()
    ensure_role_groups()

    assert {name: _codenames(name) for name in ROLE_GROUPS.values()} == before
    assert Group.objects.filter(name__in=ROLE_GROUPS.values()).count() == 2


def test_program_admins_hold_their_permissions_through_the_group_not_superuser(admin_user, reviewer):
    assert not admin_user.is_superuser and admin_user.is_staff
    assert admin_user.is_program_admin and admin_user.is_reviewer
    assert admin_user.has_perm("accessprogram.add_invitation")
    assert reviewer.is_reviewer and not reviewer.is_program_admin
    assert reviewer.has_perm("accessprogram.view_invitation") and not reviewer.has_perm("accessprogram.add_invitation")


def test_testers_hold_no_staff_role(artist):
    assert not (artist.is_staff or artist.is_reviewer or artist.is_program_admin)
    assert artist.is_tester and not artist.has_perm("accessprogram.view_invitation")


def test_making_a_tester_a_reviewer_is_audited(admin_user, artist):
    user_set_staff_roles(actor=Actor(user=admin_user, ip="192.0.2.5"), user=artist, roles={Role.REVIEWER})

    artist.refresh_from_db()
    assert artist.is_staff and artist.is_reviewer and not artist.is_program_admin
    assert list(artist.groups.values_list("name", flat=True)) == ["Reviewers"]
    event = AuditEvent.objects.filter(action="user.roles_changed").latest("id")
    assert (event.actor, event.target_id, event.ip_address) == (admin_user, str(artist.pk), "192.0.2.5")
    assert event.details == {"before": [], "after": ["reviewer"]}


def test_removing_every_staff_role_ends_staff_access(admin_user, reviewer):
    user_set_staff_roles(actor=Actor(user=admin_user), user=reviewer, roles=set())

    reviewer.refresh_from_db()
    assert not reviewer.is_staff and not reviewer.is_reviewer
    assert AuditEvent.objects.filter(action="user.roles_changed").latest("id").details == {
        "before": ["reviewer"],
        "after": [],
    }


def test_an_admin_cannot_remove_their_own_admin_role(admin_user):
    with pytest.raises(DomainError, match="your own admin role"):
        user_set_staff_roles(actor=Actor(user=admin_user), user=admin_user, roles={Role.REVIEWER})

    assert admin_user.groups.filter(name="Program admins").exists()


def test_only_admin_and_reviewer_are_staff_roles(admin_user, artist):
    with pytest.raises(DomainError, match="staff roles"):
        user_set_staff_roles(actor=Actor(user=admin_user), user=artist, roles={Role.ARTIST})

    assert not AuditEvent.objects.filter(action="user.roles_changed").exists()
