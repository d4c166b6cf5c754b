"""Versioned NDAs and the click-wrap evidence of each acceptance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from accessprogram.models.program import Program


class NdaVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        PUBLISHED = "published", gettext_lazy("Current")
        SUPERSEDED = "superseded", gettext_lazy("Superseded")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="nda_versions")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_markdown = models.TextField(help_text=gettext_lazy("The agreement, in Markdown."))
    # The language the title, text and clauses above are written in; NdaTranslation holds the others.
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    ends_on = models.DateField(
        null=True, blank=True, help_text=gettext_lazy("When the agreement's obligations end, if ever.")
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # SHA-256 of the exact text testers are shown (see services.nda.nda_text_digest), fixed at publication.
    text_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["program", "version"], name="unique_nda_version_per_program"),
            models.UniqueConstraint(
                fields=["program"], condition=Q(status="published"), name="one_current_nda_per_program"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class NdaTranslation(models.Model):
    """The agreement in one more language: a full text of its own, binding for whoever signs it in that language.

    Publishing needs one for every language the program offers (see services.nda.nda_publish).
    """

    nda = models.ForeignKey(NdaVersion, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(max_length=200)
    body_markdown = models.TextField()
    # Each clause's text in this language, by clause key.
    clause_texts = models.JSONField(default=dict, blank=True)
    # SHA-256 of the exact text shown in this language, fixed at publication like NdaVersion.text_sha256.
    text_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["language"]
        constraints = [models.UniqueConstraint(fields=["nda", "language"], name="one_translation_per_language")]

    def __str__(self) -> str:
        return f"{self.nda} [{self.language}]"


class NdaClause(models.Model):
    """A separately recorded checkbox under the agreement, e.g. 'I may discuss the program's terms publicly'."""

    nda = models.ForeignKey(NdaVersion, on_delete=models.CASCADE, related_name="clauses")
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=500)
    required = models.BooleanField(default=False, help_text=gettext_lazy("Required clauses must be ticked to accept."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["nda", "key"], name="unique_clause_key_per_nda")]

    def __str__(self) -> str:
        return self.text


class NdaAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="nda_acceptances")
    nda = models.ForeignKey(NdaVersion, on_delete=models.PROTECT, related_name="acceptances")
    typed_name = models.CharField(max_length=200)
    # The language of the text the tester read and signed; text_sha256 is that text's fingerprint.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    text_sha256 = models.CharField(max_length=64)
    accepted_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "nda"], name="one_acceptance_per_user_and_nda")]

    def __str__(self) -> str:
        return f"{self.user} accepted {self.nda}"


class NdaClauseDecision(models.Model):
    acceptance = models.ForeignKey(NdaAcceptance, on_delete=models.PROTECT, related_name="clause_decisions")
    clause = models.ForeignKey(NdaClause, on_delete=models.PROTECT, related_name="+")
    agreed = models.BooleanField()

    class Meta:
        ordering = ["clause__position", "clause__pk"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "clause"], name="one_decision_per_clause_and_acceptance")
        ]

    def __str__(self) -> str:
        return f"{self.clause.key}: {'agreed' if self.agreed else 'declined'}"
