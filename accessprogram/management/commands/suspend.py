"""manage.py suspend SCOPE TARGET --reason TEXT: a kill switch from the shell, effective on the next request."""

from django.core.management.base import BaseCommand, CommandError

from accessprogram.errors import DomainError
from accessprogram.models import SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_create, suspension_resolve_target


class Command(BaseCommand):
    help = (
        "Suspend a token (by id), a tester (by e-mail), a cohort (by name) or the program (by name, or 'current'). "
        "Its queued jobs are cancelled and its running jobs stop at their next step."
    )

    def add_arguments(self, parser):
        parser.add_argument("scope", choices=SuspensionScope.values)
        parser.add_argument("target")
        parser.add_argument("--reason", required=True, help="Why; recorded in the audit log and told to the owner.")

    def handle(self, *args, scope, target, reason, **options):
        try:
            suspension = suspension_create(
                actor=Actor.system(),
                scope=scope,
                target=suspension_resolve_target(scope=scope, target=target),
                reason=reason,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Suspended {suspension.target_label} (suspension {suspension.pk}).")
