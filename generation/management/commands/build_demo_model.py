"""manage.py build_demo_model PATH: build the tiny, randomly initialised Wan pipelines offline."""

from pathlib import Path

from django.core.management.base import BaseCommand

from generation.engine.demo_model import build_demo_image_model, build_demo_model, image_to_video_path


class Command(BaseCommand):
    help = (
        "Build the demo models, fully offline: a tiny random Wan text-to-video pipeline into PATH and a "
        "Wan image-to-video one beside it, into PATH-i2v."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        build_demo_model(path)
        self.stdout.write(f"Demo model written to {path}")
        build_demo_image_model(image_to_video_path(path))
        self.stdout.write(f"Demo image-to-video model written to {image_to_video_path(path)}")
