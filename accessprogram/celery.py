"""The Celery application: web processes enqueue, GPU workers consume the `gpu` queue."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accessprogram.settings")

app = Celery("accessprogram")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
