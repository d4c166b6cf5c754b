"""One access helper per resource: reports, findings, ledger entries and surveys, scoped to the user."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext

from accessprogram.models import Role
from contributions.models import Finding, LedgerEntry, Report, ReportScreenshot, Survey


def reports_for_user(user):
    """A tester's own reports; every report for staff."""
    reports = Report.objects.select_related("reporter", "output", "duplicate_of")
    return reports if user.is_program_staff else reports.filter(reporter=user)


def report_for_user(user, report_id) -> Report:
    try:
        return reports_for_user(user).get(pk=report_id)
    except (Report.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404(gettext("No such report.")) from exc


def screenshot_for_user(user, report_id, screenshot_id) -> ReportScreenshot:
    """A screenshot reaches only its reporter and staff."""
    report = report_for_user(user, report_id)
    try:
        return report.screenshots.get(pk=screenshot_id)
    except (ReportScreenshot.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("No such screenshot.")) from exc


def is_red_teamer(user) -> bool:
    membership = user.tester_membership
    return membership is not None and membership.kind == Role.RED_TEAMER


def findings_for_user(user):
    findings = Finding.objects.select_related("reporter", "output", "decided_by")
    return findings if user.is_program_staff else findings.filter(reporter=user)


def finding_for_user(user, finding_id) -> Finding:
    try:
        return findings_for_user(user).get(pk=finding_id)
    except (Finding.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404(gettext("No such finding.")) from exc


def ledger_entry_for(source) -> LedgerEntry | None:
    """The ledger entry a contribution (a report, a finding, a survey response...) earned, if any."""
    return LedgerEntry.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=str(source.pk)
    ).first()


def ledger_for_user(user):
    """A tester's own ledger entries (staff read everyone's on the staff ledger page)."""
    return LedgerEntry.objects.filter(tester=user).select_related("rate_card_line", "rate_card_line__rate_card")


def surveys_for_tester(user):
    """Open surveys of the tester's cohort."""
    membership = user.tester_membership
    if membership is None:
        return Survey.objects.none()
    return Survey.objects.filter(cohort=membership.cohort, is_open=True)


def survey_for_tester(user, survey_id) -> Survey:
    try:
        return surveys_for_tester(user).get(pk=survey_id)
    except (Survey.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(gettext("No such survey.")) from exc
