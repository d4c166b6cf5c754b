"""manage.py trace_video FILE [--json]: name the output, job and tester a clip came from, or say nothing was found."""

import json as _json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accessprogram.services.context import Actor
from generation.services.trace import trace_clip


class Command(BaseCommand):
    help = "Decode a clip's forensic watermark and name its output, job and tester."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON object (found, output, job, tester, token, confidence, seconds) and exit 0.",
        )

    def handle(self, *args, file: Path, json: bool = False, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        result = trace_clip(actor=Actor.system(), path=file)
        if json:
            self.stdout.write(_json.dumps(result.as_json()))
            return
        self.stdout.write(result.describe())
        if not result.found:
            raise CommandError("Not traced.")
