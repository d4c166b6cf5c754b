from review.models.notes import Note, Revision
from review.models.provenance import SignedCopy
from review.models.reasons import ReasonCode, ReviewSettings
from review.models.reviews import OPEN_STATES, Decision, Review, ReviewDecision, ReviewState
from review.models.sharing import GalleryEntry, ShareLink

__all__ = [
    "OPEN_STATES",
    "Decision",
    "GalleryEntry",
    "Note",
    "ReasonCode",
    "Revision",
    "Review",
    "ReviewDecision",
    "ReviewSettings",
    "ReviewState",
    "ShareLink",
    "SignedCopy",
]
