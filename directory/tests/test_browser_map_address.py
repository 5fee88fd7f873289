"""In a real browser: a filtered map is an address to share, reload and go Back through; the division
select follows the country; without JavaScript a note stands in for the map; at phone width the list
flows with the page."""

import time

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from directory.models import Place, PlaceKind

from .helpers import build_directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until(page, expression, timeout=10.0):
    """Poll an expression (wait_for_function would need 'unsafe-eval' under our CSP), across a page load."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:  # the page is being loaded again
            pass
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


MAP_DRAWN = "() => !window.leftBehind && !!(window.enlaceMap && window.enlaceMap.redraws.length >= 1)"


def go_back(page):
    """Back, then wait for the page it loads again (the map page reloads a filtered address)."""
    page.evaluate("window.leftBehind = true")
    page.go_back()
    wait_until(page, MAP_DRAWN)


def only_this_site(page, origin):
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(origin) else route.abort())


def division_countries(page):
    return {
        text.rsplit("(", 1)[-1].rstrip(")") if "(" in text else "one"
        for text in page.locator("select[name=division] option").all_text_contents()[1:]
    }


def test_a_filtered_map_is_an_address_to_reload_and_go_back_through(new_page, live_server):
    build_directory()
    guatemalan = Place.objects.filter(kind=PlaceKind.DIVISION, country_code="GT").count()
    page = new_page(locale="en", viewport={"width": 1280, "height": 900})
    only_this_site(page, live_server.url)
    page.goto("/map/")
    wait_until(page, MAP_DRAWN)
    items = page.locator("#results ol.service-list > li")
    expect(items).to_have_count(3)
    assert page.locator("select[name=division] option").count() > 200
    expect(items.first.get_by_role("button", name="Show on map")).to_be_visible()

    page.select_option("select[name=country]", "GT")
    page.wait_for_url(lambda url: "country=GT" in url)
    expect(page.locator("select[name=division] option")).to_have_count(guatemalan + 1)
    assert "division=&" not in page.url and "type=" not in page.url  # empty filters stay out of the address
    shelter = page.locator("select[name=type] option", has_text="Shelter").first.get_attribute("value")
    page.select_option("select[name=type]", shelter)
    page.wait_for_url(lambda url: f"type={shelter}" in url)
    expect(items).to_have_count(1)
    filtered = page.url

    # Panning replaces the address (no new history entry) and keeps the filters in it.
    entries = page.evaluate("history.length")
    before = page.evaluate("window.enlaceMap.requests")
    page.focus("#map")
    page.keyboard.press("ArrowRight")
    wait_until(page, f"() => window.enlaceMap.requests > {before} && location.href !== {filtered!r}")
    assert page.evaluate("history.length") == entries
    assert "country=GT" in page.url and f"type={shelter}" in page.url and "bbox=" in page.url

    # Reloading the address shows the same filtered map and list.
    page.reload()
    wait_until(page, MAP_DRAWN)
    expect(items).to_have_count(1)
    expect(page.locator("select[name=country]")).to_have_value("GT")
    expect(page.locator("select[name=type]")).to_have_value(shelter)
    expect(page.locator("select[name=division] option")).to_have_count(guatemalan + 1)

    # Back goes to the view before the last filter, then to the map as it opened: not off the map.
    go_back(page)
    assert "country=GT" in page.url and "type=" not in page.url
    expect(items).to_have_count(3)
    expect(page.locator("select[name=country]")).to_have_value("GT")
    go_back(page)
    assert page.url.endswith("/map/")
    expect(page.locator("select[name=country]")).to_have_value("")
    expect(items).to_have_count(3)


def test_without_javascript_the_form_works_and_a_note_stands_in_for_the_map(new_page, live_server):
    build_directory()
    page = new_page(locale="en", java_script_enabled=False, viewport={"width": 1280, "height": 900})
    only_this_site(page, live_server.url)
    page.goto("/map/")
    note = page.locator("#map noscript .map-off")  # Playwright's text search leaves <noscript> out
    expect(note).to_be_visible()
    expect(note).to_have_text("The map needs JavaScript. The list beside or below it holds the same services.")
    expect(page.locator(".show-on-map").first).to_be_hidden()
    assert page.locator("#map").bounding_box()["height"] < 200  # no empty box the height of the screen
    page.select_option("select[name=country]", "GT")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(lambda url: "country=GT" in url)
    assert division_countries(page) == {"one"}  # Guatemala's divisions, named without a country code
    expect(page.locator("#results ol.service-list > li")).to_have_count(3)


def test_at_phone_width_the_list_flows_with_the_page(new_page, live_server):
    build_directory()
    page = new_page(locale="en", viewport={"width": 390, "height": 844})
    only_this_site(page, live_server.url)
    page.goto("/map/")
    wait_until(page, MAP_DRAWN)
    box = page.locator(".map-list")
    style = box.evaluate("(list) => [getComputedStyle(list).overflowY, getComputedStyle(list).maxHeight]")
    assert style == ["visible", "none"], style
    expect(page.locator(".show-on-map").first).to_be_visible()
