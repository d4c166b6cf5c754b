from showcase.models.calls import (
    CallStatus,
    Juror,
    JurorConflict,
    RubricCriterion,
    Scorecard,
    ScorecardLine,
    ShowcaseCall,
    Submission,
)
from showcase.models.licences import LicenceRequest, LicenceStatus

__all__ = [
    "CallStatus",
    "Juror",
    "JurorConflict",
    "LicenceRequest",
    "LicenceStatus",
    "RubricCriterion",
    "Scorecard",
    "ScorecardLine",
    "ShowcaseCall",
    "Submission",
]
