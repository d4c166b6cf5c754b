from generation.models.catalog import GenerationModel, PipelineFamily
from generation.models.jobs import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    GenerationJob,
    JobPhase,
    JobStatus,
    Output,
    ReviewStatus,
)
from generation.models.stills import InputImage
from generation.models.tracing import TraceRequest
from generation.models.workers import GpuWorker, WorkerState

__all__ = [
    "ACTIVE_STATUSES",
    "TERMINAL_STATUSES",
    "GenerationJob",
    "GenerationModel",
    "GpuWorker",
    "InputImage",
    "JobPhase",
    "JobStatus",
    "Output",
    "PipelineFamily",
    "ReviewStatus",
    "TraceRequest",
    "WorkerState",
]
