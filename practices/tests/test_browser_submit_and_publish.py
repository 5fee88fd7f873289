"""In a real browser: a partner organization submits a practice; the TS reviews and publishes it;
then the public finds it."""

import pytest
from playwright.sync_api import expect

from core.testing import sign_in_browser

from .helpers import theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_submits_a_practice_and_the_ts_publishes_it(new_page):
    from core.testing import build_network

    n = build_network()
    theme("alternative-care")

    author = new_page(locale="en")
    sign_in_browser(author, "partner@example.org")
    author.goto("/practices/new/")
    author.fill("input[name=title_es]", "Familias de acogida temporal para niñez no acompañada")
    author.fill("textarea[name=summary_es]", "Una red de familias capacitadas recibe a niñas y niños no acompañados.")
    author.fill("textarea[name=description_es]", "Las familias reciben formación y acompañamiento psicosocial.")
    author.get_by_label("Honduras").check()
    author.locator("fieldset, div").filter(has_text="Themes").get_by_label("Alternative care").first.check()
    author.locator("main form button[type=submit]").last.click()
    author.wait_for_url("**/practices/*/?view=working")
    practice_url = author.url.split("?")[0]

    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator("main")).to_contain_text("Sent for review.")

    public = new_page(locale="en")
    assert public.goto(practice_url).status == 404  # unpublished work is for its author and the TS

    reviewer = new_page(locale="en")
    sign_in_browser(reviewer, "ts@example.org", n.ts_totp_secret)
    reviewer.goto(practice_url + "?view=working")
    reviewer.get_by_role("button", name="Start the review").click()
    expect(reviewer.locator("main")).to_contain_text("The review has started.")
    reviewer.fill("textarea[name=comment]", "Thank you: published as received.")
    reviewer.get_by_role("button", name="Publish", exact=True).click()
    expect(reviewer.locator("main")).to_contain_text("This version becomes public")  # the confirmation step
    reviewer.get_by_role("button", name="Publish", exact=True).click()
    expect(reviewer.locator("main")).to_contain_text("Published.")

    assert public.goto(practice_url).status == 200
    expect(public.locator("h1")).to_contain_text("Familias de acogida temporal")
    public.goto("/practices/?q=acogida")
    expect(public.locator("#results")).to_contain_text("Familias de acogida temporal")
