"""Messages to the Celery workers, sent by task name: services enqueue here, and only the worker imports the tasks.

Routing (`CELERY_TASK_ROUTES`: the GPU queue for `run_next_job`) applies to a message sent by name as to any other.
"""

from __future__ import annotations

from accessprogram.celery import app

RUN_NEXT_JOB = "generation.tasks.run_next_job"
RUN_TRACE_REQUEST = "generation.tasks.run_trace_request"


def send_run_next_job() -> None:
    """Tell the GPU workers one is free to claim the fairest queued job."""
    app.send_task(RUN_NEXT_JOB)


def send_run_trace_request(request_id: str) -> None:
    """Ask a worker to decode a staff trace request's clip."""
    app.send_task(RUN_TRACE_REQUEST, args=[request_id])
