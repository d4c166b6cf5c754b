"""The account: one person, identified by e-mail; roles come from groups and a tester membership."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy

from accessprogram.localization import validate_time_zone


class Role(models.TextChoices):
    PROGRAM_ADMIN = "admin", gettext_lazy("Program admin")
    REVIEWER = "reviewer", gettext_lazy("Reviewer")
    ARTIST = "artist", gettext_lazy("Artist")
    RED_TEAMER = "red_teamer", gettext_lazy("Red-teamer")
    CREATIVE_PARTNER = "creative_partner", gettext_lazy("Creative partner")


STAFF_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.REVIEWER})
TESTER_ROLES = frozenset({Role.ARTIST, Role.RED_TEAMER, Role.CREATIVE_PARTNER})
# Django groups that carry the staff roles' permissions (created by a data migration).
ROLE_GROUPS = {Role.PROGRAM_ADMIN: "Program admins", Role.REVIEWER: "Reviewers"}


class EmailUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # Blank: follow the browser (Accept-Language). Set by the language switcher and the preferences page.
    language = models.CharField(gettext_lazy("language"), max_length=10, blank=True, choices=settings.LANGUAGES)
    time_zone = models.CharField(
        gettext_lazy("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )

    # Notification kinds this person does not want by e-mail (they still appear in the notification centre).
    email_muted_kinds = models.JSONField(default=list, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def _in_group(self, role: Role) -> bool:
        cache = self.__dict__.setdefault("_role_cache", {})
        if role not in cache:
            cache[role] = self.is_active and self.groups.filter(name=ROLE_GROUPS[role]).exists()
        return cache[role]

    @property
    def is_program_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self._in_group(Role.PROGRAM_ADMIN))

    @property
    def is_reviewer(self) -> bool:
        return self.is_active and (self.is_program_admin or self._in_group(Role.REVIEWER))

    @property
    def is_program_staff(self) -> bool:
        return self.is_reviewer

    @property
    def tester_membership(self):
        """The active tester membership, or None for staff and former testers."""
        if "_membership" not in self.__dict__:
            # By name: program.py imports this module (for Role), so this one never imports it.
            Membership = apps.get_model("accessprogram", "Membership")
            self.__dict__["_membership"] = (
                Membership.objects.select_related("cohort", "cohort__program")
                .filter(user=self, status=Membership.Status.ACTIVE)
                .first()
            )
        return self.__dict__["_membership"]

    @property
    def is_tester(self) -> bool:
        return self.tester_membership is not None
