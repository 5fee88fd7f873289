"""A country's follow-up report: filled and submitted by its officers, returned, approved, locked, reopened."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from core import access
from core.models import AuditAction, AuditEntry
from plan import services
from plan.models import FollowUpReport, LineStatus, ReportAction, ReportStatus
from plan.testing import add_previous_ppt, fill_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_honduras_fills_submits_and_the_ts_returns_then_approves(n, p):
    report = fill_report(
        p.plan,
        2018,
        n.hn,
        n.hn_officer,
        {
            p.national_a: (LineStatus.IN_PROGRESS, 40, "Protocolo en consulta"),
            p.national_b: (LineStatus.COMPLETED, None),
            p.national_c: (LineStatus.NOT_APPLICABLE, None),
        },
    )
    assert [line.node.code for line in report.lines.all()] == ["1.1.1", "1.1.2", "2.1.1"]
    services.submit_report(report, acting_user=n.hn_officer)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    services.return_report(report, acting_user=n.ts, comment="Add the evidence of 1.1.1")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.events.last().comment == "Add the evidence of 1.1.1"

    services.save_lines(report, {p.national_a.pk: {"status": "in_progress", "progress": 60}}, acting_user=n.hn_officer)
    services.submit_report(report, acting_user=n.hn_officer)
    services.approve_report(report, acting_user=n.ts)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    assert list(report.events.values_list("action", flat=True)) == [
        ReportAction.SUBMITTED,
        ReportAction.RETURNED,
        ReportAction.SUBMITTED,
        ReportAction.APPROVED,
    ]

    # Locked: neither its officers nor the TS change it without a recorded reopening.
    with pytest.raises(ValidationError, match="approved"):
        services.save_lines(report, {p.national_a.pk: {"status": "completed"}}, acting_user=n.hn_officer)
    with pytest.raises(ValidationError):
        services.save_lines(report, {p.national_a.pk: {"status": "completed"}}, acting_user=n.ts)
    with pytest.raises(PermissionDenied):
        services.reopen_report(report, acting_user=n.hn_officer, reason="we want to change it")
    with pytest.raises(ValidationError, match="why"):
        services.reopen_report(report, acting_user=n.ts, reason="  ")
    services.reopen_report(report, acting_user=n.ts, reason="Honduras sent corrected figures")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    reopened = report.events.get(action=ReportAction.REOPENED)
    assert (reopened.by, reopened.comment) == (n.ts, "Honduras sent corrected figures")
    assert AuditEntry.objects.filter(object_id=str(reopened.pk), action=AuditAction.CREATE).exists()
    services.save_lines(report, {p.national_a.pk: {"status": "completed"}}, acting_user=n.hn_officer)


def test_honduras_cannot_open_or_fill_mexicos_draft(n, p):
    mexico = fill_report(
        p.plan,
        2018,
        n.mx,
        n.mx_officer,
        {
            p.national_a: (LineStatus.IN_PROGRESS, 10),
            p.national_b: (LineStatus.NOT_STARTED, 0),
            p.national_c: (LineStatus.NOT_APPLICABLE, None),
        },
    )
    assert not access.can(n.hn_officer, access.VIEW, mexico)
    assert list(access.restrict(FollowUpReport.objects.all(), n.hn_officer)) == []
    with pytest.raises(PermissionDenied):
        services.save_lines(mexico, {p.national_a.pk: {"status": "completed"}}, acting_user=n.hn_officer)
    with pytest.raises(PermissionDenied):
        services.submit_report(mexico, acting_user=n.hn_officer)
    with pytest.raises(PermissionDenied):
        services.get_or_start_report(p.plan, 2018, n.mx, acting_user=n.hn_officer)
    with pytest.raises(PermissionDenied):
        services.get_or_start_report(p.plan, 2019, n.mx, acting_user=n.hn_officer)
    assert not FollowUpReport.objects.filter(year=2019).exists()
    # Once approved, every member who sees the plan sees it.
    services.submit_report(mexico, acting_user=n.mx_officer)
    services.approve_report(mexico, acting_user=n.ts)
    mexico.refresh_from_db()
    assert access.can(n.hn_officer, access.VIEW, mexico)


def test_the_current_ppt_edits_the_regional_report_and_the_previous_ppt_is_refused(n, p):
    add_previous_ppt(n, n.hn)  # Honduras held the PPT before Panama
    report = fill_report(p.plan, 2022, None, n.pa_officer, {p.regional_a: (LineStatus.IN_PROGRESS, 50)})
    assert report.country is None
    with pytest.raises(PermissionDenied):
        services.save_lines(report, {p.regional_a.pk: {"status": "completed"}}, acting_user=n.hn_officer)
    assert not access.can(n.hn_officer, access.VIEW, report)
    services.submit_report(report, acting_user=n.pa_officer)
    assert FollowUpReport.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


@pytest.mark.parametrize(
    "entry, field",
    [
        ({"status": "in_progress", "progress": 101}, "progress"),
        ({"status": "in_progress", "progress": -1}, "progress"),
        ({"status": "in_progress", "progress": "12.5"}, "progress"),
        ({"status": "in_progress", "progress": None}, "progress"),
        ({"status": "finished", "progress": 10}, "status"),
        ({"status": "completed", "progress": 50}, "progress"),
    ],
)
def test_wrong_lines_are_refused_and_nothing_is_written(n, p, entry, field):
    report = fill_report(p.plan, 2018, n.hn, n.hn_officer, {p.national_b: (LineStatus.IN_PROGRESS, 30)})
    entries = {p.national_b.pk: {"status": "completed"}, p.national_a.pk: entry}
    with pytest.raises(ValidationError) as error:
        services.save_lines(report, entries, acting_user=n.hn_officer)
    assert f"1.1.1: {field}" in error.value.message_dict
    assert report.lines.get(node=p.national_b).status == LineStatus.IN_PROGRESS


def test_a_year_outside_the_plan_and_an_observer_are_refused(n, p):
    with pytest.raises(ValidationError, match="outside the plan"):
        services.get_or_start_report(p.plan, 2023, n.hn, acting_user=n.hn_officer)
    assert not FollowUpReport.objects.exists()


def test_submitting_needs_every_line_filled(n, p):
    report = fill_report(p.plan, 2018, n.hn, n.hn_officer, {p.national_a: (LineStatus.IN_PROGRESS, 40)})
    with pytest.raises(ValidationError, match="missing: 1.1.2, 2.1.1"):
        services.submit_report(report, acting_user=n.hn_officer)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert not report.events.exists()
