"""In a real browser: answer a comparison (an officer answers and submits their column; the lead
returns it, then validates it), and use the matrix with the keyboard alone."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from comparisons import services
from comparisons.models import Answer, ColumnStatus
from comparisons.testing import build_analysis, column, submitted
from core.testing import build_network, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_answer_a_comparison_an_officer_submits_and_the_lead_validates(new_page):
    n = build_network()
    a = build_analysis(n)
    round_ = services.start_round(a.analysis, acting_user=n.lead, label_en="2026")

    officer = new_page(locale="en")
    sign_in_browser(officer, "pa@example.org")
    officer.goto("/circulars/my-work/")
    officer.get_by_role("link", name=a.analysis.title_en).click()
    officer.wait_for_load_state()
    assert officer.locator("h1").inner_text().startswith("Answers of Panama")

    def question(q):
        return officer.locator(f"#question-{q.pk}")

    question(a.heard).get_by_label("Yes", exact=True).check()
    question(a.heard).get_by_label("Legal or procedural instrument").fill("Ley de Niñez")
    question(a.heard).get_by_label("Article or section").fill("Art. 12")
    question(a.bid).get_by_label("Partly").check()
    question(a.detained).get_by_label("No", exact=True).check()
    question(a.means).get_by_label("Answer").select_option("air")
    question(a.services).get_by_label("Health").check()
    question(a.services).get_by_label("Psychosocial").check()
    question(a.months).get_by_label("Answer").fill("six")  # a wrong value first
    question(a.updated).get_by_label("Answer").fill("2025-03-31")
    question(a.challenges).get_by_label("Answer").fill("Rural follow-up.")
    with officer.expect_navigation():
        officer.get_by_role("button", name="Save and submit to the lead").click()
    assert "Give a number, e.g. 12 or 3.5." in question(a.months).inner_text()
    assert "Nothing was saved." in officer.locator("main").inner_text()
    assert not Answer.objects.exists()
    # What was typed is still there; correct the number and submit.
    assert question(a.heard).get_by_label("Yes", exact=True).is_checked()
    question(a.months).get_by_label("Answer").fill("6")
    officer.get_by_role("button", name="Save and submit to the lead").click()
    officer.wait_for_url("**/countries/pa/")
    assert "Answers submitted to the lead of the analysis." in officer.locator(".messages").inner_text()
    assert column(round_, "PA").status == ColumnStatus.SUBMITTED

    lead = new_page(locale="en")
    sign_in_browser(lead, "lead@example.org")
    lead.goto(f"/comparisons/{a.analysis.pk}/rounds/1/countries/pa/")
    lead.get_by_label("What should the country review?").fill("Add the basis of 1.2, please.")
    with lead.expect_navigation():
        lead.get_by_role("button", name="Return to the country with these comments").click()
    assert column(round_, "PA").status == ColumnStatus.RETURNED

    officer.goto(f"/comparisons/{a.analysis.pk}/rounds/1/countries/pa/answer/")
    assert "Add the basis of 1.2, please." in officer.locator("main").inner_text()
    question(a.bid).get_by_label("Legal or procedural instrument").fill("Protocolo de determinación")
    officer.get_by_role("button", name="Save and submit to the lead").click()
    officer.wait_for_url("**/countries/pa/")

    lead.reload()
    with lead.expect_navigation():
        lead.get_by_role("button", name="Validate these answers").click()
    assert "Validated" in lead.locator("h1").inner_text()
    assert column(round_, "PA").status == ColumnStatus.VALIDATED
    assert Answer.objects.get(question=a.bid).basis_instrument == "Protocolo de determinación"


@override_settings(TASKS=IMMEDIATE)
def test_the_matrix_is_usable_with_the_keyboard(new_page):
    n = build_network()
    a = build_analysis(n, visibility="public")
    round_ = services.start_round(a.analysis, acting_user=n.lead)
    services.validate_column(submitted(round_, "PA", n.pa_officer, a, heard="no"), acting_user=n.lead)
    services.validate_column(submitted(round_, "HN", n.hn_officer, a), acting_user=n.lead)

    page = new_page(locale="en", viewport={"width": 800, "height": 700})
    page.goto(f"/comparisons/{a.analysis.pk}/rounds/1/")
    page.wait_for_load_state()
    # Choose the gaps view with the keyboard: the matrix updates in place (htmx).
    page.locator("#id_view").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_view")).to_have_value("gaps")
    page.keyboard.press("Enter")
    expect(page.locator("#matrix tr[data-question]")).to_have_count(2)
    assert "view=gaps" in page.url
    # The table's region takes focus and scrolls with the arrow keys.
    region = page.locator(".matrix-wrap")
    region.focus()
    assert page.evaluate("document.activeElement.classList.contains('matrix-wrap')")
    page.keyboard.press("ArrowRight")
    # Tab reaches the first country's header link, then the first question's page.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused in ("Honduras", "Panama")
    for _ in range(3):
        page.keyboard.press("Tab")
        if "heard" in page.evaluate("document.activeElement.textContent"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/questions/{a.heard.pk}/")
    assert "Is the child heard before return?" in page.locator("h1").inner_text()
