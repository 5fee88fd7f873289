"""In a real browser: the TS drafts and approves a report with the keyboard; an officer marks
their country's commitment done."""

import pytest
from playwright.sync_api import expect

from core.testing import serious_axe_violations, sign_in_browser
from meetings.models import ImportJob, Meeting

from .helpers import DATA, build_rcm, commitment, import_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_ts_drafts_and_approves_a_report_with_the_keyboard(new_page):
    n = build_rcm()
    meeting = import_seed(n, approve=False)
    page = new_page(locale="en")
    sign_in_browser(page, "ts@example.org", n.ts_totp_secret)
    page.goto(f"/meetings/{meeting.pk}/report/")
    rows = page.locator("#agreements > .row:not(.item)")
    assert rows.count() == 8

    # Add a ninth agreement without the mouse: focus the first field, type, Tab on, Enter.
    page.focus("#id_parent")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name")
    assert focused, "the add form's fields take the focus in order"
    page.select_option("select[name=kind]", "thanks")
    page.fill("textarea[name=text_en]", "To thank the PPT for hosting the meeting.")
    page.focus("textarea[name=text_en]")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.tagName") != "BUTTON":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(9)
    assert "To thank the PPT for hosting the meeting." in page.locator("#agreements").inner_text()

    # Move it up one place with the keyboard.
    page.focus("#agreements > .row:not(.item) >> nth=8 >> button[aria-label^='Move 9 up']")
    page.keyboard.press("Enter")
    expect(rows.nth(7)).to_contain_text("hosting the meeting")

    page.click("button:has-text('Approve and lock')")
    # The confirmation step says what approving does; only its button approves.
    expect(page.locator("main")).to_contain_text("The report is locked")
    page.click("main form button.primary:has-text('Approve and lock')")
    page.wait_for_load_state()
    page.goto(f"/meetings/{meeting.pk}/report/")
    assert "is approved and locked" in page.locator("main").inner_text()


def test_an_officer_marks_their_countrys_commitment_done(new_page):
    n = build_rcm()
    meeting = import_seed(n)
    national = commitment(meeting, "2a", kind="country")
    page = new_page(locale="en")
    sign_in_browser(page, "mx@example.org")
    page.goto("/meetings/follow-up/?ours=on")
    page.click(f"a[href='/meetings/commitments/{national.pk}/']")
    page.select_option("select[name=status]", "done")
    page.fill("textarea[name=note]", "Mexico reported its national actions.")
    page.click("button:has-text('Save the status')")
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Done" in text
    assert "Mexico reported its national actions." in text
    assert "Laura Hernández" in text  # who changed it, in the history


def test_honduras_and_guatemala_each_update_their_row_of_the_shared_commitment(new_page):
    n = build_rcm()
    meeting = import_seed(n)
    national = commitment(meeting, "2a", kind="country")
    for email, status, note in (
        ("hn@example.org", "in_progress", "Honduras installed its national table."),
        ("gt@example.org", "done", "Guatemala sent its national report."),
    ):
        page = new_page(locale="en")
        sign_in_browser(page, email)
        page.goto("/meetings/follow-up/?ours=on")
        page.click(f"a[href='/meetings/commitments/{national.pk}/']")
        page.select_option("select[name=status]", status)
        page.fill("textarea[name=note]", note)
        page.click("button:has-text('Save the status')")
        page.wait_for_load_state()
    rows = {
        row.locator("th").inner_text(): row.locator("td").first.inner_text()
        for row in page.locator("table.followup tbody tr").all()
    }
    assert rows["Honduras"] == "In progress"
    assert rows["Guatemala"] == "Done"
    assert rows["Mexico"] == "Pending"
    total = len(rows)
    assert f"1 of {total} actors done" in page.locator("main").inner_text()
    assert "Honduras installed its national table." in page.locator("table.followup").inner_text()


def test_the_ts_imports_a_report_already_in_enlace_and_adds_it_as_the_other_language(new_page):
    n = build_rcm()
    english = import_seed(n, publish=False, approve=False, spanish=False)
    page = new_page(locale="en", bypass_csp=True)  # bypass_csp only lets the test inject axe
    sign_in_browser(page, "ts@example.org", n.ts_totp_secret)
    page.goto("/meetings/import/")
    page.set_input_files("input[name=file]", str(DATA / "seed_report_es.txt"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    notice = page.locator("section.duplicate")
    expect(notice).to_contain_text("This report seems to be already in Enlace")
    assert page.locator("main form[action$='/publish/']").count() == 0  # nothing to publish twice by accident
    assert serious_axe_violations(page) == []
    page.click("button:has-text('Add it as the other language of that meeting')")
    page.wait_for_load_state()
    assert page.url.endswith(f"/meetings/{english.pk}/review/")
    expect(page.locator("main")).to_contain_text("added as the other language")
    assert serious_axe_violations(page) == []  # the message is announced without breaking the list
    assert Meeting.objects.count() == 1


def test_the_ts_follows_a_big_import_and_its_progress_page_is_accessible(new_page):
    n = build_rcm()
    job = ImportJob.objects.create(
        source_name="big.docx", file="meetings/imports/big.docx", created_by=n.ts, status="running", progress=40
    )
    page = new_page(locale="es", bypass_csp=True)  # bypass_csp only lets the test inject axe
    sign_in_browser(page, "ts@example.org", n.ts_totp_secret)
    page.goto(job.get_absolute_url())
    expect(page.locator("progress")).to_have_attribute("value", "40")
    assert serious_axe_violations(page) == []


def test_the_ts_imports_a_hard_wrapped_report_and_follows_each_item_to_its_source(new_page):
    n = build_rcm()
    page = new_page(locale="en", bypass_csp=True)  # bypass_csp only lets the test inject axe
    sign_in_browser(page, "ts@example.org", n.ts_totp_secret)
    page.goto("/meetings/import/")
    page.set_input_files("input[name=file]", str(DATA / "archive" / "red-2019-ciudad-de-guatemala-es.txt"))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    meeting = Meeting.objects.get()
    assert page.url.endswith(f"/meetings/{meeting.pk}/review/")
    # What was read with less confidence comes first: agreement 3 took an unnumbered paragraph.
    expect(page.locator("nav.to-check")).to_contain_text("3")
    third = page.locator("li.agreement").nth(2)
    expect(third.locator(".confidence")).to_have_text("Check")
    expect(page.locator("li.agreement").first.locator(".confidence")).to_have_text("High confidence")
    # Following an item's "Source" link brings its paragraph into view, highlighted.
    third.locator(".read-from a").focus()
    page.keyboard.press("Enter")
    target = page.locator(".source p:target")
    expect(target).to_contain_text("Aprobar la propuesta de lineamientos regionales")
    assert target.evaluate("p => getComputedStyle(p).backgroundColor") != "rgba(0, 0, 0, 0)"
    assert serious_axe_violations(page) == []


def test_the_ts_imports_the_archive_as_a_zip_and_reviews_the_drafts_one_by_one(new_page, tmp_path):
    import zipfile

    n = build_rcm()
    archive = tmp_path / "archivo.zip"
    names = ["red-2017-compromisos-es.txt", "rcgm-2016-conclusions-en.txt"]
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in names:
            zipped.write(DATA / "archive" / name, name)
    page = new_page(locale="en", bypass_csp=True)  # bypass_csp only lets the test inject axe
    sign_in_browser(page, "ts@example.org", n.ts_totp_secret)
    page.goto("/meetings/import/")
    page.click("text=Import many reports at once")
    page.set_input_files("input[name=file]", str(archive))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("table.archive-results tbody tr")).to_have_count(2)
    assert serious_axe_violations(page) == []
    page.click("text=Review the drafts one by one")
    page.wait_for_load_state()
    first, second = Meeting.objects.order_by("pk")
    expect(page.locator("main table")).to_contain_text(str(first.start_date.year))  # the drafts, in order
    page.goto(f"/meetings/{first.pk}/review/")
    page.click("text=Next imported draft")
    page.wait_for_load_state()
    assert page.url.endswith(f"/meetings/{second.pk}/review/")
    expect(page.locator("h1")).to_have_text("Review the import")
    assert serious_axe_violations(page) == []
