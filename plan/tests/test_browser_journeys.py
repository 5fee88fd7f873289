"""In a real browser: submit a country's plan follow-up (Honduras's officer starts, fills and submits
the 2018 report; the TS, signed in with a second factor, approves it)."""

import pytest
from django.test import override_settings

from core.testing import build_network, sign_in_browser
from plan.models import FollowUpLine, FollowUpReport, ReportStatus
from plan.testing import build_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_submit_a_countrys_plan_follow_up(new_page):
    n = build_network()
    p = build_plan(n)

    officer = new_page(locale="en")
    sign_in_browser(officer, "hn@example.org")
    officer.goto(f"/plan/{p.plan.pk}/2018/")
    officer.get_by_role("link", name="Honduras", exact=True).first.click()
    officer.wait_for_url("**/reports/hn/")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Start the report").click()
    assert "Honduras: follow-up 2018" in officer.locator("h1").inner_text()

    def field(activity, part):
        return officer.locator(f"[name=l{activity.pk}_{part}]")

    field(p.national_a, "status").select_option("in_progress")
    field(p.national_a, "progress").fill("140")  # a wrong value first
    field(p.national_a, "narrative").fill("Protocolo de recepción en consulta.")
    field(p.national_b, "status").select_option("completed")
    field(p.national_c, "status").select_option("not_applicable")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Save and submit to the TS").click()
    main = officer.locator("main").inner_text()
    assert "Progress goes from 0 to 100; 140 is outside." in main
    assert "Nothing was saved." in main
    assert FollowUpLine.objects.get(node=p.national_a).narrative == ""
    # What was typed is still there; correct the progress and submit.
    assert field(p.national_a, "narrative").input_value() == "Protocolo de recepción en consulta."
    field(p.national_a, "progress").fill("40")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Save and submit to the TS").click()
    assert "Report submitted to the Technical Secretariat." in officer.locator(".messages").inner_text()
    report = FollowUpReport.objects.get(country=n.hn, year=2018)
    assert report.status == ReportStatus.SUBMITTED

    ts = new_page(locale="en")
    sign_in_browser(ts, "ts@example.org", n.ts_totp_secret)
    ts.goto(f"/plan/{p.plan.pk}/2018/reports/hn/")
    assert "Protocolo de recepción en consulta." in ts.locator("main").inner_text()
    ts.get_by_label("Comment (optional)").fill("Thank you.")
    with ts.expect_navigation():
        ts.get_by_role("button", name="Approve this report").click()
    assert "The report is locked" in ts.locator("main").inner_text()  # the confirmation step
    with ts.expect_navigation():
        ts.get_by_role("button", name="Approve and lock").click()
    assert "Approved" in ts.locator("h1").inner_text()
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED

    # The plan's tree now shows Honduras's progress for 2018.
    ts.goto(f"/plan/{p.plan.pk}/?year=2018")
    row = ts.locator(f"tr[data-node='{p.national_a.pk}']").inner_text()
    assert "40%" in row
