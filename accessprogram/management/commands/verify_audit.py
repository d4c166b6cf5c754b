"""manage.py verify_audit: walk the audit log's hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from accessprogram.services.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero at the first broken link."

    def handle(self, *args, **options):
        checked, broken = audit_verify()
        if broken is not None:
            raise CommandError(
                f"Audit log broken at event #{broken.event_id}: {broken.reason}. {checked} event(s) before it verified."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} event(s) verified."))
