from contributions.models.common import SafetyCategory, Severity
from contributions.models.findings import Finding, FindingStatus
from contributions.models.ledger import (
    KINDS_WITH_SEVERITY,
    LEDGER_NEXT_STATUS,
    ContributionKind,
    LedgerEntry,
    LedgerStatus,
    RateCard,
    RateCardLine,
    SessionRecord,
    format_money,
)
from contributions.models.policy import PolicyRule, PromptBlock, RuleKind
from contributions.models.reports import (
    ACCEPTED_STATUSES,
    REPORT_TRANSITIONS,
    Report,
    ReportReply,
    ReportScreenshot,
    ReportStatus,
    ReportType,
)
from contributions.models.surveys import QuestionKind, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

__all__ = [
    "ACCEPTED_STATUSES",
    "KINDS_WITH_SEVERITY",
    "LEDGER_NEXT_STATUS",
    "REPORT_TRANSITIONS",
    "ContributionKind",
    "Finding",
    "FindingStatus",
    "LedgerEntry",
    "LedgerStatus",
    "PolicyRule",
    "PromptBlock",
    "QuestionKind",
    "RateCard",
    "RateCardLine",
    "Report",
    "ReportReply",
    "ReportScreenshot",
    "ReportStatus",
    "ReportType",
    "RuleKind",
    "SafetyCategory",
    "SessionRecord",
    "Severity",
    "Survey",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "format_money",
]
