"""manage.py build_demo_model PATH: build the tiny, randomly initialised Wan pipeline offline."""

from pathlib import Path

from django.core.management.base import BaseCommand

from generation.engine.demo_model import build_demo_model


class Command(BaseCommand):
    help = "Build the demo model (a tiny random Wan pipeline) into PATH, fully offline."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        build_demo_model(path)
        self.stdout.write(f"Demo model written to {path}")
