"""Container health check for a GPU worker: exit 0 while its fleet row beats, 1 when it is silent or stopped.

    python manage.py worker_health gpu0@host

A worker loading or warming up is healthy: its row beats from a thread of its own while the model loads.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from generation.services.fleet import worker_is_healthy


class Command(BaseCommand):
    help = "Exit 0 if the named GPU worker's heartbeat is fresh, 1 otherwise."

    def add_arguments(self, parser) -> None:
        parser.add_argument("worker", help="The worker's Celery node name, e.g. gpu0@host.")

    def handle(self, *args, worker: str, **options) -> None:
        if not worker_is_healthy(worker):
            raise CommandError(f"worker {worker} is silent or stopped", returncode=1)
        self.stdout.write(f"worker {worker} is beating")
