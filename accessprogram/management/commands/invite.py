"""manage.py invite EMAIL --role ROLE --cohort NAME: invite one person and print their link."""

from django.core.management.base import BaseCommand, CommandError

from accessprogram.errors import DomainError
from accessprogram.models import Cohort, Role
from accessprogram.services.context import Actor
from accessprogram.services.invitations import invitation_create


class Command(BaseCommand):
    help = "Invite one person into the program; prints the single-use link (also e-mailed)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--cohort", help="Cohort name (required for testers).")
        parser.add_argument("--days", type=int, default=None, help="Days until the link expires.")
        parser.add_argument("--no-email", action="store_true", help="Only print the link.")

    def handle(self, *args, email, role, cohort, days, no_email, **options):
        cohort_obj = None
        if cohort:
            cohort_obj = Cohort.objects.filter(name__iexact=cohort).first()
            if cohort_obj is None:
                names = ", ".join(Cohort.objects.values_list("name", flat=True)) or "none yet"
                raise CommandError(f"No cohort named “{cohort}” (cohorts: {names}).")
        try:
            issued = invitation_create(
                actor=Actor.system(),
                email=email,
                role=role,
                cohort=cohort_obj,
                expires_in_days=days,
                send=not no_email,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(issued.link)
