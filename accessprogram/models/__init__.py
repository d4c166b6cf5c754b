from accessprogram.models.audit import AuditEvent
from accessprogram.models.invitations import Invitation
from accessprogram.models.nda import NdaAcceptance, NdaClause, NdaClauseDecision, NdaTranslation, NdaVersion
from accessprogram.models.notifications import ALWAYS_EMAILED, Notification, NotificationKind
from accessprogram.models.program import Cohort, Membership, Program, QuotaPeriod, QuotaUnit, Resolution, TesterKind
from accessprogram.models.suspensions import AnomalyThresholds, Suspension, SuspensionScope
from accessprogram.models.tokens import AccessToken, TokenScope
from accessprogram.models.users import STAFF_ROLES, TESTER_ROLES, Role, User

__all__ = [
    "ALWAYS_EMAILED",
    "AccessToken",
    "AnomalyThresholds",
    "AuditEvent",
    "Cohort",
    "Invitation",
    "Membership",
    "NdaAcceptance",
    "NdaClause",
    "NdaClauseDecision",
    "NdaTranslation",
    "NdaVersion",
    "Notification",
    "NotificationKind",
    "Program",
    "QuotaPeriod",
    "QuotaUnit",
    "Resolution",
    "Role",
    "STAFF_ROLES",
    "Suspension",
    "SuspensionScope",
    "TESTER_ROLES",
    "TesterKind",
    "TokenScope",
    "User",
]
