"""The TS's first sign-in, in Enlace's own pages and in the reader's language: the password once, the
authenticator key shown whole and grouped beside its QR code, the code typed as the app shows it, then
recovery codes one per line with a download and a way on."""

import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.testing import PASSWORD, build_network, code_with_time_to_type, serious_axe_violations, totp_code

ACTIVATE = reverse("mfa_activate_totp")


def first_time_ts(language):
    n = build_network()
    Authenticator.objects.filter(user=n.ts).delete()
    n.ts.language = language
    n.ts.save(update_fields=["language"])
    return n


@pytest.mark.django_db
def test_the_password_is_asked_once_and_the_key_is_shown_whole():
    n = first_time_ts("es")
    client = Client()
    response = client.post(reverse("account_login"), {"login": n.ts.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == ACTIVATE  # no second password prompt on the way
    page = response.content.decode()
    assert "Configure su segundo factor" in page
    secret = response.context["form"].secret
    shown = re.search(r'<code class="secret" id="totp-secret">([^<]+)</code>', page).group(1)
    assert shown.replace(" ", "") == secret and len(secret) == 32
    assert all(len(group) == 4 for group in shown.split())
    # The code as the app shows it, with its space (the clock stands still until it is checked: allauth
    # accepts the current 30-second window only).
    with time_machine.travel(timezone.now(), tick=False):
        code = totp_code(secret)
        response = client.post(ACTIVATE, {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert codes.content.decode().count("<li><code>") == len(codes.context["unused_codes"]) > 0
    assert reverse("circulation:mywork") in codes.content.decode()
    assert client.get(reverse("circulation:mywork")).status_code == 200  # the second factor is on


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_ts_sets_up_its_second_factor_at_first_sign_in_in_spanish(new_page):
    n = first_time_ts("es")
    page = new_page(locale="es", bypass_csp=True)  # bypass_csp only lets axe in
    page.goto("/accounts/login/")
    page.fill("input[name=login]", n.ts.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(ACTIVATE) + "$"))
    expect(page.locator("h1")).to_have_text("Configure su segundo factor")
    assert page.locator("img.qr").is_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    assert serious_axe_violations(page) == []
    code = code_with_time_to_type(secret)
    page.fill("#id_code", f"{code[:3]} {code[3:]}")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Sus códigos de recuperación")
    codes = page.locator("ol.codes li")
    assert codes.count() >= 8
    with page.expect_download() as download:
        page.click("a[download]")
    text = open(download.value.path()).read()
    assert codes.first.inner_text() in text
    assert serious_axe_violations(page) == []
    page.click("text=Los he guardado: continuar")
    expect(page).to_have_url(re.compile(re.escape(reverse("circulation:mywork")) + "$"))
    expect(page.locator("h1")).to_have_text("Mi trabajo")
