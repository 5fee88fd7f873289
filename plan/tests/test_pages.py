"""The plan's pages: each shows what the reader may see, refuses the rest, and bad input writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.testing import signed_in
from core.tests.upload_corpus import MINIMAL_PDF
from plan import services
from plan.models import (
    Evidence,
    FollowUpLine,
    FollowUpReport,
    Indicator,
    IndicatorValue,
    LineStatus,
    ReportAction,
    ReportStatus,
    ValueKind,
)
from plan.mywork import plan_reports
from plan.testing import approved_report, fill_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def report_url(p, year, code):
    return reverse("plan:report", args=[p.plan.pk, year, code])


def text(response):
    return response.content.decode()


def lines_post(p, values, submit=False):
    """The lines form's fields: {activity: (status, progress, narrative)}."""
    data = {}
    for node, (status, progress, narrative) in values.items():
        data[f"l{node.pk}_status"] = status
        data[f"l{node.pk}_progress"] = progress
        data[f"l{node.pk}_narrative"] = narrative
    data["submit" if submit else "save"] = "1"
    return data


def every_line(p, a, b=("not_started", 0), c=("not_applicable", None)):
    return {p.national_a: a, p.national_b: b, p.national_c: c}


# ---- the list, the tree, the matrix --------------------------------------------------------


def test_members_see_the_list_and_the_tree_with_no_report_where_nothing_is_approved(n, p):
    approved_report(
        p.plan,
        2018,
        n.hn,
        n.hn_officer,
        n.ts,
        {
            p.national_a: (LineStatus.IN_PROGRESS, 40),
            p.national_b: (LineStatus.COMPLETED, None),
            p.national_c: (LineStatus.NOT_APPLICABLE, None),
        },
    )
    client = signed_in(n.gt_officer)
    listing = client.get(reverse("plan:list"))
    assert listing.status_code == 200
    assert "Test Strategic Plan" in text(listing)

    page = client.get(reverse("plan:plan", args=[p.plan.pk]))
    assert page.status_code == 200
    body = text(page)
    assert "Progress in 2018" in body  # the latest year with an approved report
    row_a = body.split(f'data-node="{p.national_a.pk}"')[1].split("</tr>")[0]
    assert "40%" in row_a
    row_c = body.split(f'data-node="{p.national_c.pk}"')[1].split("</tr>")[0]
    assert "no report" in row_c and "0%" not in row_c
    row_regional = body.split(f'data-node="{p.regional_a.pk}"')[1].split("</tr>")[0]
    assert "no report" in row_regional
    # Per country and per year.
    mexico = client.get(reverse("plan:plan", args=[p.plan.pk]) + "?year=2018&country=mx")
    assert "Progress in 2018: Mexico" in text(mexico)
    assert "40%" not in text(mexico).split(f'data-node="{p.national_a.pk}"')[1].split("</tr>")[0]
    other_year = client.get(reverse("plan:plan", args=[p.plan.pk]) + "?year=2019")
    assert "Progress in 2019" in text(other_year)


def test_anonymous_readers_are_refused_a_members_plan(n, p):
    client = signed_in(n.outsider)
    assert client.get(reverse("plan:plan", args=[p.plan.pk])).status_code == 403
    anonymous = signed_in(n.outsider)
    anonymous.logout()
    assert anonymous.get(reverse("plan:plan", args=[p.plan.pk])).status_code == 403
    assert anonymous.get(reverse("plan:matrix", args=[p.plan.pk, 2018])).status_code == 403
    assert anonymous.get(report_url(p, 2018, "hn")).status_code == 403
    listing = anonymous.get(reverse("plan:list"))
    assert listing.status_code == 200 and "Test Strategic Plan" not in text(listing)
    start = anonymous.post(reverse("plan:report_start", args=[p.plan.pk, 2018, "hn"]))
    assert start.status_code == 302 and "/accounts/login/" in start["Location"]
    assert not FollowUpReport.objects.exists()


def test_the_matrix_shows_approved_lines_states_and_who_has_not_submitted(n, p):
    approved_report(p.plan, 2018, n.hn, n.hn_officer, n.ts, every_line(p, ("in_progress", 40), ("completed", 100)))
    fill_report(p.plan, 2018, n.mx, n.mx_officer, {p.national_a: ("in_progress", 63)})  # a draft
    fill_report(p.plan, 2018, n.gt, n.gt_officer, every_line(p, ("completed", 100)), submit=True)
    client = signed_in(n.pa_officer)
    page = client.get(reverse("plan:matrix", args=[p.plan.pk, 2018]))
    assert page.status_code == 200
    body = text(page)
    row = body.split(f'<tr data-node="{p.national_a.pk}">')[1].split("</tr>")[0]
    assert f'headers="a-{p.national_a.pk} c-hn"' in row
    assert "40%" in row and "In progress" in row
    assert "63%" not in body  # Mexico's draft stays Mexico's
    assert "100%" not in row  # Guatemala's submitted report is not approved yet
    waiting = body.split('id="waiting-h"')[1].split("</ul>")[0]
    assert "Mexico" in waiting and "Panama" in waiting and "Honduras" not in waiting
    assert "Guatemala" not in waiting  # submitted
    assert "overdue since" in waiting
    assert "Regional report (PPT and TS)" in body
    # Panama's officer may see Honduras's approved report, not Mexico's draft: no link to it.
    assert report_url(p, 2018, "hn") in body
    assert report_url(p, 2018, "mx") not in body
    # Panama is the PPT: its own report and the regional one are linked, to start them.
    assert report_url(p, 2018, "pa") in body
    assert report_url(p, 2018, "regional") in body
    assert client.get(reverse("plan:matrix", args=[p.plan.pk, 2030])).status_code == 404


def test_the_node_page_shows_indicators_timeline_and_takes_a_value(n, p):
    indicator = Indicator.objects.create(node=p.national_a, name_en="Protocols adopted", unit="protocols")
    approved_report(p.plan, 2018, n.hn, n.hn_officer, n.ts, every_line(p, ("in_progress", 40)))
    services.add_indicator_value(indicator, acting_user=n.ts, kind=ValueKind.TARGET, year=2018, value=5)
    client = signed_in(n.hn_officer)
    url = reverse("plan:node", args=[p.plan.pk, p.national_a.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert "Protocols adopted" in body and "Year by year" in body and "<svg" in body
    assert "No text in Spanish yet." in body  # the indicator has no Spanish name
    # Honduras's officer records Honduras's actual value.
    response = client.post(
        url, {"indicator": indicator.pk, "kind": "actual", "year": 2018, "country": "hn", "value": "2"}
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(kind=ValueKind.ACTUAL)
    assert (value.country, value.value, value.entered_by) == (n.hn, 2, n.hn_officer)
    # A value for a year outside the plan, or not a number: a clear message, nothing written.
    bad = client.post(url, {"indicator": indicator.pk, "kind": "actual", "year": 2030, "country": "hn", "value": "x"})
    assert bad.status_code == 400
    assert "Select a valid choice" in text(bad)
    bad = client.post(url, {"indicator": indicator.pk, "kind": "actual", "year": 2019, "country": "hn", "value": "x"})
    assert bad.status_code == 400 and "Give the value as a number." in text(bad)
    assert IndicatorValue.objects.count() == 2
    # Mexico is not among Honduras's choices.
    refused = client.post(url, {"indicator": indicator.pk, "kind": "actual", "year": 2019, "country": "mx", "value": 1})
    assert refused.status_code == 400 and IndicatorValue.objects.count() == 2
    # A partner (no country to report for) gets no form; posting is refused.
    partner = signed_in(n.partner)
    assert "Record a value" not in text(partner.get(url))
    assert partner.post(url, {"indicator": indicator.pk, "kind": "target", "year": 2019, "value": 1}).status_code == 403


# ---- a report ------------------------------------------------------------------------------


def test_honduras_starts_fills_and_submits_and_cannot_open_mexicos_draft(n, p):
    fill_report(p.plan, 2018, n.mx, n.mx_officer, {p.national_a: ("in_progress", 70, "Borrador de México")})
    client = signed_in(n.hn_officer)
    mexico = client.get(report_url(p, 2018, "mx"))
    assert mexico.status_code == 403
    assert "Borrador de México" not in text(mexico)

    page = client.get(report_url(p, 2018, "hn"))
    assert page.status_code == 200 and "Start the report" in text(page)
    started = client.post(reverse("plan:report_start", args=[p.plan.pk, 2018, "hn"]))
    assert started.status_code == 302
    report = FollowUpReport.objects.get(country=n.hn, year=2018)
    form = client.get(report_url(p, 2018, "hn"))
    assert 'id="lines-form"' in text(form)
    values = {
        p.national_a: ("in_progress", "40", "Protocolo en consulta"),
        p.national_b: ("completed", "", ""),
        p.national_c: ("not_applicable", "", ""),
    }
    response = client.post(report_url(p, 2018, "hn"), lines_post(p, values, submit=True))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert FollowUpLine.objects.get(report=report, node=p.national_a).narrative == "Protocolo en consulta"
    after = client.get(report_url(p, 2018, "hn"))
    assert "Report submitted to the Technical Secretariat." in text(after)
    assert 'id="lines-form"' not in text(after)  # locked while the TS reviews it


def test_bad_lines_show_a_message_beside_the_field_and_write_nothing(n, p):
    report = fill_report(p.plan, 2018, n.hn, n.hn_officer, {p.national_a: ("in_progress", 10)})
    client = signed_in(n.hn_officer)
    values = {
        p.national_a: ("in_progress", "140", "Mucho avance"),
        p.national_b: ("completed", "50", ""),
        p.national_c: ("in_progress", "abc", ""),
    }
    response = client.post(report_url(p, 2018, "hn"), lines_post(p, values))
    assert response.status_code == 400
    body = text(response)
    assert "Nothing was saved." in body
    assert "Progress goes from 0 to 100; 140 is outside." in body
    assert "A completed activity is at 100%." in body
    assert "Progress is a whole number from 0 to 100." in body
    assert 'value="140"' in body  # what was typed stays
    line = FollowUpLine.objects.get(report=report, node=p.national_a)
    assert (line.progress, line.narrative) == (10, "")
    # Submitting with a missing progress saves the lines but does not submit.
    values = {
        p.national_a: ("in_progress", "20", ""),
        p.national_b: ("in_progress", "", ""),
        p.national_c: ("not_applicable", "", ""),
    }
    response = client.post(report_url(p, 2018, "hn"), lines_post(p, values, submit=True))
    assert response.status_code == 400
    assert "Give the progress, from 0 to 100." in text(response)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_ts_returns_with_a_required_comment_then_approves_and_reopens(n, p):
    report = fill_report(
        p.plan,
        2018,
        n.hn,
        n.hn_officer,
        {p.national_a: ("in_progress", 40), p.national_b: ("completed", 100), p.national_c: ("not_applicable", None)},
        submit=True,
    )
    ts = signed_in(n.ts)
    page = ts.get(report_url(p, 2018, "hn"))
    assert "Approve this report" in text(page)
    empty = ts.post(reverse("plan:report_return", args=[p.plan.pk, 2018, "hn"]), {"return-comment": "  "})
    assert empty.status_code == 400 and "This field is required." in text(empty)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    ts.post(reverse("plan:report_return", args=[p.plan.pk, 2018, "hn"]), {"return-comment": "Add evidence of 1.1.1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    officer = signed_in(n.hn_officer)
    assert "Add evidence of 1.1.1" in text(officer.get(report_url(p, 2018, "hn")))
    services.submit_report(report, acting_user=n.hn_officer)

    # An officer cannot approve.
    assert officer.post(reverse("plan:report_approve", args=[p.plan.pk, 2018, "hn"])).status_code == 403
    confirm = ts.post(reverse("plan:report_approve", args=[p.plan.pk, 2018, "hn"]), {"approve-comment": "Bien"})
    assert "The report is locked" in text(confirm) and 'value="Bien"' in confirm.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED  # not before it is confirmed
    ts.post(reverse("plan:report_approve", args=[p.plan.pk, 2018, "hn"]), {"approve-comment": "", "confirmed": "1"})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    # Locked: the officer's changes are refused with the reason.
    locked = officer.post(report_url(p, 2018, "hn"), lines_post(p, {p.national_a: ("completed", "100", "")}))
    assert locked.status_code == 302
    assert FollowUpLine.objects.get(report=report, node=p.national_a).progress == 40
    assert "approved" in text(officer.get(report_url(p, 2018, "hn")))
    # Reopening needs a reason.
    bad = ts.post(reverse("plan:report_reopen", args=[p.plan.pk, 2018, "hn"]), {"reopen-reason": ""})
    assert bad.status_code == 400
    ts.post(reverse("plan:report_reopen", args=[p.plan.pk, 2018, "hn"]), {"reopen-reason": "Corrected figures"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.events.last().action == ReportAction.REOPENED
    # Approving a report that is not submitted: the reason, nothing changed.
    again = ts.post(
        reverse("plan:report_approve", args=[p.plan.pk, 2018, "hn"]),
        {"approve-comment": "", "confirmed": "1"},
        follow=True,
    )
    assert "Only a submitted report can be approved or returned." in text(again)
    history = text(ts.get(report_url(p, 2018, "hn")))
    assert "Review history" in history and "Corrected figures" in history


def test_evidence_is_added_as_a_link_or_a_checked_file_and_removed(n, p):
    report = fill_report(p.plan, 2018, n.hn, n.hn_officer, {})
    line = report.lines.get(node=p.national_a)
    client = signed_in(n.hn_officer)
    url = reverse("plan:evidence_add", args=[p.plan.pk, 2018, "hn"])
    neither = client.post(url, {"line": line.pk, "label": "Acta"})
    assert neither.status_code == 400 and "Give a file or a link." in text(neither)
    program = SimpleUploadedFile("acta.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    refused = client.post(url, {"line": line.pk, "file": program})
    assert refused.status_code == 400 and "this is a program" in text(refused)
    assert not Evidence.objects.exists()
    client.post(url, {"line": line.pk, "label": "Acta", "link": "https://example.org/acta"})
    pdf = SimpleUploadedFile("informe.pdf", MINIMAL_PDF, content_type="application/pdf")
    client.post(url, {"line": line.pk, "file": pdf})
    assert Evidence.objects.count() == 2
    stored = Evidence.objects.exclude(file="").get()
    download = client.get(reverse("plan:evidence", args=[p.plan.pk, 2018, "hn", stored.pk]))
    assert download.status_code == 200
    assert (
        signed_in(n.mx_officer).get(reverse("plan:evidence", args=[p.plan.pk, 2018, "hn", stored.pk])).status_code
        == 403
    )
    link = Evidence.objects.get(link="https://example.org/acta")
    assert (
        signed_in(n.mx_officer).post(reverse("plan:evidence_remove", args=[p.plan.pk, 2018, "hn", link.pk])).status_code
        == 403
    )
    client.post(reverse("plan:evidence_remove", args=[p.plan.pk, 2018, "hn", link.pk]))
    assert Evidence.objects.count() == 1


def test_the_current_ppt_starts_the_regional_report(n, p):
    client = signed_in(n.pa_officer)
    page = client.get(report_url(p, 2018, "regional"))
    assert page.status_code == 200 and "Start the report" in text(page)
    client.post(reverse("plan:report_start", args=[p.plan.pk, 2018, "regional"]))
    report = FollowUpReport.objects.get(country__isnull=True)
    assert [line.node for line in report.lines.all()] == [p.regional_a]
    # Honduras (not the PPT) may not start it or see its draft.
    assert signed_in(n.hn_officer).get(report_url(p, 2018, "regional")).status_code == 403


def test_unknown_codes_and_years_are_not_found(n, p):
    client = signed_in(n.ts)
    assert client.get(report_url(p, 2018, "zz")).status_code == 404
    assert client.get(report_url(p, 2016, "hn")).status_code == 404
    assert client.get(report_url(p, 2018, "HN")).status_code == 200  # upper case as in get_absolute_url


def test_my_work_lists_reports_to_start_fill_and_review(n, p, monkeypatch):
    import plan.mywork

    monkeypatch.setattr(plan.mywork, "follow_up_year", lambda today=None: 2018)
    kinds = {(item.kind, item.detail) for item in plan_reports(n.hn_officer)}
    assert ("Plan follow-up to start", "Honduras, 2018") in kinds
    page = signed_in(n.hn_officer).get(reverse("circulation:mywork"))
    assert "Plan follow-up to start" in text(page) and report_url(p, 2018, "hn") in text(page)
    fill_report(p.plan, 2018, n.hn, n.hn_officer, {})
    kinds = {(item.kind, item.detail) for item in plan_reports(n.hn_officer)}
    assert ("Plan follow-up to submit", "Honduras, 2018") in kinds
    assert ("Plan follow-up to start", "Honduras, 2018") not in kinds
    ppt = {(item.kind, item.detail) for item in plan_reports(n.pa_officer)}
    assert ("Plan follow-up to start", "Regional report, 2018") in ppt
    fill_report(
        p.plan,
        2018,
        n.mx,
        n.mx_officer,
        {p.national_a: ("in_progress", 5), p.national_b: ("in_progress", 5), p.national_c: ("in_progress", 5)},
        submit=True,
    )
    review = [item for item in plan_reports(n.ts) if item.kind == "Plan follow-up to review"]
    assert [item.detail for item in review] == ["Mexico, 2018"]
    assert review[0].url == report_url(p, 2018, "mx")
    assert plan_reports(n.outsider) == []
