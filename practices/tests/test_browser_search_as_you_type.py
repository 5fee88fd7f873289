"""In a real browser: the results follow the words as they are typed, and facets refine them."""

import pytest
from playwright.sync_api import expect

from core.testing import build_network

from .helpers import published_practice, theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_results_update_as_the_reader_types_and_refines(new_page):
    n = build_network()
    published_practice(n, title_es="Retornos seguros de la niñez migrante")
    published_practice(
        n, title_es="Familias de acogida para niñez no acompañada", themes=[theme("alternative-care")], countries=[n.hn]
    )
    page = new_page(locale="es")
    page.goto("/practices/")
    page.locator("#q").press_sequentially("ninez", delay=40)
    expect(page.locator("#results mark").first).to_have_text("niñez", ignore_case=True)
    expect(page.locator("#results .results li")).to_have_count(2)
    assert "q=ninez" in page.url
    page.get_by_label("Honduras").check()
    expect(page.locator("#results .results li")).to_have_count(1)
    assert "country=HN" in page.url
    assert "Familias de acogida" in page.locator("#results .results").inner_text()
    assert page.get_by_label("Honduras").is_checked()
