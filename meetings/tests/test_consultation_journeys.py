"""Browser journeys (quality gates): the TS consults; a country comments and proposes an amendment; the TS accepts."""

import pytest

from core.testing import build_network, read_in, serious_axe_violations, sign_in_browser

from .test_consultation_on_draft_reports import DEADLINE, IMMEDIATE, draft_report

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_country_amends_a_draft_and_the_ts_accepts_it(new_page, settings):
    settings.TASKS = IMMEDIATE
    n = build_network()
    version = draft_report(n)
    second = version.agreements.get(number="2", letter="")

    # The TS opens the consultation from the report editor.
    ts = new_page(locale="es", bypass_csp=True)
    sign_in_browser(ts, n.ts.email, totp_secret=n.ts_totp_secret)
    read_in(ts, "en")
    ts.goto(f"/meetings/{version.meeting_id}/report/")
    ts.locator("main a", has_text="Consult the parties").click()
    assert serious_axe_violations(ts) == []
    ts.fill("input[name=deadline]", DEADLINE.isoformat())
    ts.fill("textarea[name=note_en]", "Please answer by the deadline.")
    ts.locator("main button[type=submit]").click()
    expect(ts.locator("main h1")).to_have_text("Consultation on the draft report")
    consultation = version.consultations.get()
    assert consultation.circular.is_sent and consultation.deadline == DEADLINE

    # Guatemala's officer finds the consultation from the meeting's page, comments and proposes an amendment.
    page = new_page(locale="en", bypass_csp=True)
    sign_in_browser(page, n.gt_officer.email)
    read_in(page, "en")
    page.goto(version.meeting.get_absolute_url())
    page.locator("main a", has_text="Read the draft and give your position").first.click()
    expect(page.locator("main h1")).to_have_text("Consultation on the draft report")
    assert serious_axe_violations(page) == []
    general = page.locator("#general details")
    general.locator("summary").click()
    general.locator("textarea[name=text]").fill("Guatemala welcomes the report.")
    general.locator("button[type=submit]").click()
    expect(page.locator("#general")).to_contain_text("Guatemala welcomes the report.")
    row = page.locator(f"#agreement-{second.pk} > details")
    row.locator("summary").click()
    row.locator("input[name=kind][value=amendment]").check()
    row.locator("textarea[name=proposed_en]").fill("To approve the revised terms of reference of the study.")
    row.locator("textarea[name=text]").fill("The terms were revised in May.")
    row.locator("button[type=submit]").click()
    remark = page.locator(f"#agreement-{second.pk} .remark.amendment")
    expect(remark).to_contain_text("The terms were revised in May.")
    expect(remark.locator("ins")).to_contain_text("revised")
    expect(page.locator(f"tr#party-{consultation.parties.get(country=n.gt).pk}")).to_contain_text("1")
    assert serious_axe_violations(page) == []
    read_in(page, "es")
    page.goto(consultation.get_absolute_url())
    expect(page.locator("main h1")).to_have_text("Consulta sobre el proyecto de informe")
    assert serious_axe_violations(page) == []

    # The TS accepts it: the draft takes the new text.
    read_in(ts, "es")
    ts.goto(consultation.get_absolute_url())
    assert serious_axe_violations(ts) == []
    answer = ts.locator(f"#agreement-{second.pk} form.answer-form")
    answer.locator("input[name=answer][value=accepted]").check()
    answer.locator("button[type=submit]").click()
    expect(ts.locator(f"#agreement-{second.pk} .remark.amendment .answer")).to_contain_text("Aceptada")
    second.refresh_from_db()
    assert second.text_en == "To approve the revised terms of reference of the study."
    read_in(ts, "en")
    ts.goto(consultation.get_absolute_url())
    expect(ts.locator(f"#agreement-{second.pk}")).to_contain_text("revised terms of reference")
    assert serious_axe_violations(ts) == []
