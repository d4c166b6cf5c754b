"""manage.py demo_totp: print the current TOTP code for the demo staff accounts' shared secret."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from showcase.management.commands.seed_demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current TOTP code of the demo staff accounts (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo TOTP secret does not exist in production.")
        counter = int(time.time()) // 30
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)))
