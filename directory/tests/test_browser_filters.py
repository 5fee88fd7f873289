"""In a real browser: a visitor filters the map's list, then works the list with the keyboard."""

import pytest
from playwright.sync_api import expect

from .helpers import build_directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_filters_the_map_and_uses_its_list_by_keyboard(new_page, live_server):
    n = build_directory()
    page = new_page(locale="en")
    page_origin = live_server.url
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(page_origin) else route.abort())
    page.goto("/map/?country=GT")
    items = page.locator("#results ol.service-list > li")
    expect(items).to_have_count(3)

    # Filtering by service type updates the list (htmx), without a page load.
    shelter = page.locator("select[name=type] option", has_text="Shelter").first.get_attribute("value")
    page.select_option("select[name=type]", shelter)
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Shelter for unaccompanied children")

    # Keyboard: Tab reaches the service link and its "Show on map" button; Enter opens the service.
    link = items.first.locator("a")
    link.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show on map"
    shown = items.first.element_handle()
    page.keyboard.press("Enter")
    # The map moves to the service and the list follows the map (htmx): wait for the new list,
    # or Enter would land on an item being replaced.
    page.wait_for_function("(item) => !item.isConnected", arg=shown)
    expect(items).to_have_count(1)
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/map/services/{n.shelter.pk}/")
    assert "Shelter for unaccompanied children" in page.locator("h1").inner_text()
