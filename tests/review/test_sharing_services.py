"""share_link_create / share_link_revoke / gallery_add / gallery_remove: only approved work goes public."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.utils import timezone

from accessprogram.errors import Conflict, DomainError, NotAllowed
from accessprogram.models import AuditEvent
from accessprogram.services.context import Actor
from review.models import GalleryEntry
from review.services.sharing import gallery_add, gallery_remove, share_link_revoke
from tests.review.conftest import share


def test_it_refuses_share_before_approval(artist_output):
    with pytest.raises(Conflict) as exc:
        share(artist_output)
    assert exc.value.code == "not_approved" and "approved" in exc.value.message


def test_a_share_link_has_an_unguessable_slug_and_a_hashed_passphrase(approved_output):
    link = share(approved_output, passphrase="open sesame")
    other = share(approved_output)
    assert len(link.slug) >= 20 and link.slug != other.slug
    assert link.passphrase_hash != "open sesame" and check_password("open sesame", link.passphrase_hash)
    assert link.credit_line == "Aiko Artist"
    event = AuditEvent.objects.get(action="share.created", details__share=link.pk)
    assert "open sesame" not in str(event.details)


def test_staff_may_share_but_other_testers_may_not(approved_output, admin_user, artist2):
    assert share(approved_output, admin_user).created_by == admin_user
    with pytest.raises(NotAllowed):
        share(approved_output, artist2)


def test_an_expiry_must_be_in_the_future(approved_output):
    with pytest.raises(DomainError) as exc:
        share(approved_output, expires_at=timezone.now() - timedelta(minutes=1))
    assert exc.value.field == "expires_at"


def test_a_suspended_owners_output_cannot_be_shared(approved_output, artist):
    artist.is_active = False
    artist.save()
    with pytest.raises(Conflict):
        share(approved_output, artist)


def test_revoking_is_recorded_once(approved_output, artist):
    link = share(approved_output)
    share_link_revoke(actor=Actor(user=artist), link=link)
    share_link_revoke(actor=Actor(user=artist), link=link)
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == artist
    assert AuditEvent.objects.filter(action="share.revoked").count() == 1


def test_only_the_owner_puts_an_output_in_the_gallery(approved_output, artist, admin_user):
    with pytest.raises(NotAllowed):
        gallery_add(actor=Actor(user=admin_user), output=approved_output, credit_line="Staff pick")
    entry = gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Aiko A.", show_prompt=True)
    assert entry.credit_line == "Aiko A." and entry.show_prompt
    with pytest.raises(Conflict):
        gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Again")


def test_the_gallery_takes_only_approved_outputs(artist_output, artist):
    with pytest.raises(Conflict):
        gallery_add(actor=Actor(user=artist), output=artist_output, credit_line="Aiko")


def test_staff_may_take_an_output_out_of_the_gallery(approved_output, artist, admin_user):
    gallery_add(actor=Actor(user=artist), output=approved_output, credit_line="Aiko")
    gallery_remove(actor=Actor(user=admin_user), output=approved_output)
    assert not GalleryEntry.objects.exists()
    assert AuditEvent.objects.filter(action="gallery.removed", actor=admin_user).exists()
