"""manage.py trace_video FILE: name the output, job and tester a clip came from, or say nothing was found."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accessprogram.services.context import Actor
from generation.services.trace import trace_clip


class Command(BaseCommand):
    help = "Decode a clip's forensic watermark and name its output, job and tester."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        result = trace_clip(actor=Actor.system(), path=file)
        self.stdout.write(result.describe())
        if not result.found:
            raise CommandError("Not traced.")
