"""A tester's own ordering of their outputs: named collections (favourites are a flag on the output)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

from generation.models.jobs import Output

COLLECTION_NAME_MAX = 80


class Collection(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collections")
    name = models.CharField(max_length=COLLECTION_NAME_MAX, verbose_name=gettext_lazy("Name"))
    outputs = models.ManyToManyField(Output, related_name="collections", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="one_collection_name_per_owner")]

    def __str__(self) -> str:
        return self.name
