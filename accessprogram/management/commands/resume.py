"""manage.py resume SCOPE TARGET: lift the active suspension of a token, tester, cohort or the program."""

from django.core.management.base import BaseCommand, CommandError

from accessprogram.errors import DomainError
from accessprogram.models import SuspensionScope
from accessprogram.services.context import Actor
from accessprogram.services.suspensions import suspension_active_of, suspension_lift, suspension_resolve_target


class Command(BaseCommand):
    help = "Lift the suspension of a token (id), a tester (e-mail), a cohort (name) or the program."

    def add_arguments(self, parser):
        parser.add_argument("scope", choices=SuspensionScope.values)
        parser.add_argument("target")
        parser.add_argument("--reason", default="", help="Why it is lifted (for the audit log).")

    def handle(self, *args, scope, target, reason, **options):
        try:
            resolved = suspension_resolve_target(scope=scope, target=target)
            suspension = suspension_lift(
                actor=Actor.system(), suspension=suspension_active_of(scope=scope, target=resolved), reason=reason
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Lifted the suspension of {suspension.target_label}.")
