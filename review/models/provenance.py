"""Content credentials: the C2PA-signed copy of an approved output that public downloads carry."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from generation.models import Output
from review.models.reviews import Review


class SignedCopy(models.Model):
    """The signed MP4 of one approval. Re-approving after a withdrawal signs a new copy for the new review."""

    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="signed_copies")
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="signed_copy")
    video_key = models.CharField(max_length=255, unique=True)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    manifest_label = models.CharField(
        max_length=120, help_text=gettext_lazy("The active manifest's label in the file.")
    )
    validation_state = models.CharField(max_length=20, help_text=gettext_lazy("Read back from the file after signing."))
    certificate_subject = models.CharField(max_length=255)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        indexes = [models.Index(fields=["output", "-signed_at"])]

    def __str__(self) -> str:
        return f"Signed copy of output {self.output_id.hex[:8]}"
