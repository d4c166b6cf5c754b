"""A published rate card, PNG/JPEG/WebP bytes and small helpers for the contribution tests."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accessprogram.services.context import Actor
from contributions.models import RateCard, RateCardLine
from contributions.services.ledger import rate_card_publish

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64

# (kind, severity, amount in cents)
RATES = [
    ("bug", "low", 1_000),
    ("bug", "medium", 2_500),
    ("bug", "high", 5_000),
    ("bug", "critical", 10_000),
    ("finding", "low", 2_000),
    ("finding", "medium", 5_000),
    ("finding", "high", 15_000),
    ("finding", "critical", 40_000),
    ("survey", "", 1_500),
    ("showcase", "", 25_000),
    ("session_hour", "", 6_000),
    ("licence", "", 50_000),
]


def publish_rate_card(admin, rates=RATES, currency="EUR") -> RateCard:
    from contributions.services.ledger import next_rate_card_version

    card = RateCard.objects.create(version=next_rate_card_version())
    RateCardLine.objects.bulk_create(
        RateCardLine(rate_card=card, kind=kind, severity=severity, amount_minor=amount, currency=currency)
        for kind, severity, amount in rates
    )
    return rate_card_publish(actor=Actor(user=admin), card=card)


@pytest.fixture
def rate_card(admin_user) -> RateCard:
    return publish_rate_card(admin_user)


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
