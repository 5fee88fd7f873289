"""In a real browser, at 50,000 locations: the map redraws fast with few markers, and works offline."""

from urllib.parse import urlparse

import pytest

from directory import synthetic

from .helpers import reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POINTS = 50_000


def wait_until(page, expression, timeout=10.0):
    """Poll an expression with page.evaluate (wait_for_function would need 'unsafe-eval' under our CSP)."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(50)


def test_fifty_thousand_locations_pan_and_zoom_offline(new_page):
    reference_data()
    synthetic.create(POINTS)
    page = new_page(locale="en", viewport={"width": 1400, "height": 900})
    attempted = []

    def block_the_internet(route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            attempted.append(route.request.url)
            route.abort()

    page.route("**/*", block_the_internet)
    page.goto("/map/")
    wait_until(page, "() => !!(window.enlaceMap && window.enlaceMap.borders && window.enlaceMap.redraws.length >= 1)")
    assert page.locator("#map path.leaflet-interactive, #map canvas").count() >= 1  # the borders drew
    # Country names on the offline base map, in the reader's language.
    wait_until(page, "() => document.querySelectorAll('#map .map-label.country').length >= 3")
    assert "Mexico" in page.locator("#map .map-label.country").all_text_contents()
    page.focus("#map")
    for key in ("+", "ArrowRight", "+", "ArrowDown", "-"):
        before = page.evaluate("window.enlaceMap.redraws.length")
        page.keyboard.press(key)
        wait_until(page, f"() => window.enlaceMap.redraws.length > {before}")
        page.wait_for_timeout(300)  # let a redraw started by the end of the animation land
        stats = page.evaluate("window.enlaceMap")
        assert stats["redraws"][-1] <= 500, stats["redraws"]
        assert stats["markers"] <= 500
        assert page.locator("#map .leaflet-marker-icon").count() <= 500
    assert page.evaluate("window.enlaceMap.markers") > 0
    assert attempted == []
