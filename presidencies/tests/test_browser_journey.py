"""Browser journey (quality gates): the TS opens a handover, keeps one commitment with the outgoing country
with a reason; the handover and presidencies pages pass axe in both languages."""

import pytest
from playwright.sync_api import expect

from core.testing import read_in, serious_axe_violations, sign_in_browser
from presidencies.models import HandoverKeep

from .helpers import build_handover_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ts_keeps_a_commitment_with_the_outgoing_country_accessibly(new_page):
    n = build_handover_world()
    page = new_page(locale="en", bypass_csp=True)
    sign_in_browser(page, n.ts.email, totp_secret=n.ts_totp_secret)
    read_in(page, "en")
    page.goto("/presidencies/")
    assert serious_axe_violations(page) == []
    page.locator(f"main a[href='/presidencies/{n.ppt.pk}/handover/']").click()
    main = page.locator("main")
    expect(main).to_contain_text("Open commitments of the PPT")
    expect(main).to_contain_text("1 of 2 replies pending: Honduras")
    assert serious_axe_violations(page) == []

    item = page.locator(f"#commitment-{n.to_keep.pk}")
    item.locator("summary").click()
    item.locator("button[type=submit]").click()  # no reason: refused, nothing written
    expect(page.locator("main .errors")).to_be_visible()
    assert not HandoverKeep.objects.exists()
    assert serious_axe_violations(page) == []

    item = page.locator(f"#commitment-{n.to_keep.pk}")
    if not item.locator("textarea").is_visible():
        item.locator("summary").click()
    item.locator("textarea").fill("Panamá presenta el informe que preparó.")
    item.locator("button[type=submit]").click()
    expect(page.locator(f"#commitment-{n.to_keep.pk}")).to_contain_text(
        "To be kept with Panama: Panamá presenta el informe que preparó."
    )
    assert HandoverKeep.objects.get().commitment_id == n.to_keep.pk

    read_in(page, "es")
    for path in (f"/presidencies/{n.ppt.pk}/handover/", "/presidencies/"):
        page.goto(path)
        assert serious_axe_violations(page) == []
    page.goto(f"/presidencies/{n.ppt.pk}/handover/")
    expect(page.locator("main")).to_contain_text("Se quedará con Panamá")
