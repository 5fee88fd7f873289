"""In a real browser: a Guatemala officer finds a circular in the inbox, acknowledges it and replies;
the TS sees the reply on the tracking board."""

import datetime

import pytest
from django.utils import timezone

from circulation import services
from circulation.models import CircularKind
from circulation.testing import circulate
from core.testing import build_network, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_acknowledges_and_replies_and_the_ts_sees_it(new_page):
    n = build_network()
    circular = circulate(
        acting_user=n.ts,
        countries=[n.gt, n.hn],
        title_en="Call for contact points",
        body_en="Please confirm your contact points.",
        reply_deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    officer = new_page(locale="en")
    sign_in_browser(officer, "gt@example.org")
    officer.goto("/circulars/inbox/")
    officer.click("text=Call for contact points")
    officer.click("button:has-text('Acknowledge receipt')")
    officer.wait_for_load_state()
    assert "receipt acknowledged" in officer.content()
    officer.fill("textarea[name=text]", "Guatemala confirms its contact points.")
    officer.click("button:has-text('Send reply')")
    officer.wait_for_load_state()
    assert "Guatemala confirms its contact points." in officer.content()

    ts = new_page(locale="en")
    sign_in_browser(ts, "ts@example.org", n.ts_totp_secret)
    ts.goto(f"/circulars/{circular.pk}/board/")
    board = ts.locator("main").inner_text()
    assert "Guatemala" in board and "Honduras" in board
    assert "replied" in board.lower()


def test_the_ts_sends_a_circular_through_the_confirmation_step(new_page):
    n = build_network()
    draft = services.create_circular(
        acting_user=n.ts,
        countries=[n.gt, n.hn, n.mx],
        kind=CircularKind.INFORMATION_NOTE,
        title_en="Concept note on assisted return",
        body_en="Please find the concept note.",
    )
    ts = new_page(locale="en")
    sign_in_browser(ts, "ts@example.org", n.ts_totp_secret)
    ts.goto(f"/circulars/{draft.pk}/")
    ts.click("button:has-text('Send to the recipients')")
    confirm = ts.locator("main").inner_text()
    assert "It goes to 3 recipients: Guatemala, Honduras, Mexico." in confirm
    assert "4 people receive it" in confirm  # both of Guatemala's officers, Honduras's and Mexico's
    draft.refresh_from_db()
    assert draft.is_draft  # nothing is sent before the confirmation
    ts.click("main form button.primary:has-text('Send')")
    ts.wait_for_load_state()
    assert "Sent. The recipients are notified." in ts.locator("main").inner_text()
    draft.refresh_from_db()
    assert draft.is_sent
