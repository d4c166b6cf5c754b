"""A tester's library: favourites, named collections, and showing an approved output to the program's feed."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accessprogram.errors import Conflict, DomainError
from accessprogram.services.audit import audit_record
from accessprogram.services.context import Actor
from generation.models import Collection, Output, ReviewStatus
from generation.models.library import COLLECTION_NAME_MAX


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError(gettext("Give the collection a name."), field="name")
    if len(name) > COLLECTION_NAME_MAX:
        raise DomainError(
            gettext("At most %(max)s characters.") % {"max": COLLECTION_NAME_MAX}, field="name", code="too_long"
        )
    return name


def _name_taken() -> Conflict:
    return Conflict(gettext("You already have a collection with this name."), field="name", code="name_taken")


@transaction.atomic
def output_favourite_set(*, output: Output, favourite: bool) -> Output:
    """Star or unstar one of the owner's outputs (the caller found it through `output_for_user`)."""
    Output.objects.filter(pk=output.pk).update(favourite=favourite)
    output.favourite = favourite
    return output


@transaction.atomic
def output_show_to_program(*, actor: Actor, output: Output, shown: bool) -> Output:
    """Show an approved output on the program's feed, or take it off. Only while approved: the feed itself
    re-checks the approval and the owner's standing on every read, so a withdrawal or a suspension ends it."""
    locked = Output.objects.select_for_update().get(pk=output.pk)
    if shown and locked.review_status != ReviewStatus.APPROVED:
        raise Conflict(gettext("Only an approved output can be shown to the program."), code="not_approved")
    if locked.shown_to_program != shown:
        Output.objects.filter(pk=locked.pk).update(shown_to_program=shown)
        audit_record(
            actor=actor,
            action="output.shown_to_program" if shown else "output.hidden_from_program",
            target=locked,
            details={},
        )
    output.shown_to_program = shown
    return output


def collection_create(*, owner, name: str) -> Collection:
    name = _clean_name(name)
    try:
        with transaction.atomic():
            return Collection.objects.create(owner=owner, name=name)
    except IntegrityError as exc:
        raise _name_taken() from exc


def collection_rename(*, collection: Collection, name: str) -> Collection:
    name = _clean_name(name)
    try:
        with transaction.atomic():
            Collection.objects.filter(pk=collection.pk).update(name=name)
    except IntegrityError as exc:
        raise _name_taken() from exc
    collection.name = name
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection) -> None:
    """The collection goes; its outputs stay in the library."""
    collection.delete()


@transaction.atomic
def collection_add_output(*, collection: Collection, output: Output) -> None:
    if output.owner_id != collection.owner_id:
        raise DomainError(gettext("Only your own outputs go into your collections."), field="output")
    collection.outputs.add(output)


@transaction.atomic
def collection_remove_output(*, collection: Collection, output: Output) -> None:
    collection.outputs.remove(output)
