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
from generation.models.library import Collection
from generation.models.stills import InputImage
from generation.models.styles import StylePreset
from generation.models.tracing import TraceRequest
from generation.models.workers import GpuWorker, WorkerState

__all__ = [
    "ACTIVE_STATUSES",
    "TERMINAL_STATUSES",
    "Collection",
    "GenerationJob",
    "GenerationModel",
    "GpuWorker",
    "InputImage",
    "JobPhase",
    "JobStatus",
    "Output",
    "PipelineFamily",
    "ReviewStatus",
    "StylePreset",
    "TraceRequest",
    "WorkerState",
]
