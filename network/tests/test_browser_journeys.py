"""In a real browser: a liaison officer signs in, switches language and stays on the page."""

import pytest

from core.testing import build_network, sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_signs_in_and_switches_language_on_the_same_page(new_page):
    build_network()
    page = new_page(locale="es")
    sign_in_browser(page, "gt@example.org")  # this officer chose English
    page.goto("/countries/gt/?x=1")
    assert page.locator("h2#h-officers").inner_text() == "Liaison officers and contact points"
    page.click("button[lang=es]")
    page.wait_for_load_state()
    assert page.url.endswith("/countries/gt/?x=1")
    assert page.locator("h2#h-officers").inner_text() == "Funcionarios de enlace y puntos de contacto"
    assert page.locator("html").get_attribute("lang") == "es"
    page.goto("/")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "es"
