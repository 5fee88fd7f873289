"""In a real browser: the map's side list goes page by page (htmx, and without JavaScript) and back."""

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from directory import synthetic

from .helpers import reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_kept_pages():
    """Each test's directory is new, but the audit trail (the page cache's version) is empty in both."""
    for cache in caches.all():
        cache.clear()


def test_a_visitor_pages_through_the_side_list_and_back(new_page, live_server):
    reference_data()
    synthetic.create(45, seed=41, build=False)
    page = new_page(locale="en")
    origin = live_server.url
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin) else route.abort())
    page.goto("/map/")
    items = page.locator("#results ol.service-list > li")
    expect(items).to_have_count(20)
    first = items.first.locator("a").inner_text()
    seen = set()
    for expected in (20, 20, 5):  # the next page replaces the list (htmx), without a page load
        expect(items).to_have_count(expected)
        seen |= {items.nth(i).locator("a").first.inner_text() for i in range(expected)}
        if expected != 5:
            shown = items.first.element_handle()
            page.locator("#results a[rel=next]").click()
            page.wait_for_function("(item) => !item.isConnected", arg=shown)
    assert len(seen) == 45
    expect(page.locator("#results a[rel=next]")).to_have_count(0)
    page.locator("#results a", has_text="First page").click()
    expect(items.first.locator("a")).to_have_text(first)


def test_the_side_list_pages_without_javascript(new_page, live_server):
    reference_data()
    synthetic.create(25, seed=42, build=False)
    page = new_page(locale="en", java_script_enabled=False)
    page.goto(f"{live_server.url}/map/")
    items = page.locator("#results ol.service-list > li")
    expect(items).to_have_count(20)
    page.locator("#results a[rel=next]").click()
    expect(items).to_have_count(5)
    assert "after=" in page.url
