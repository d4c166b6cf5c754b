from generation.models.catalog import GenerationModel, PipelineFamily
from generation.models.jobs import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    GenerationJob,
    JobStatus,
    Output,
    ReviewStatus,
)
from generation.models.tracing import TraceRequest

__all__ = [
    "ACTIVE_STATUSES",
    "TERMINAL_STATUSES",
    "GenerationJob",
    "GenerationModel",
    "JobStatus",
    "Output",
    "PipelineFamily",
    "ReviewStatus",
    "TraceRequest",
]
