"""Browser journey (quality gates): a reader asks for a big export, waits on its page, downloads it."""

import pytest

from core.models import PreparedExport
from core.prepared import build_prepared
from core.testing import read_in, serious_axe_violations
from directory import synthetic

from .helpers import build_directory

expect = pytest.importorskip("playwright.sync_api").expect

QUEUE_ONLY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_big_export_is_prepared_while_the_reader_waits(new_page, settings, tmp_path):
    settings.TASKS = QUEUE_ONLY  # the worker runs when the test says, so the waiting page is seen
    settings.EXPORT_INLINE_MAX = 5
    settings.MEDIA_ROOT = str(tmp_path)
    build_directory()
    synthetic.create(20, build=False)

    page = new_page(locale="en", bypass_csp=True)
    read_in(page, "en")
    page.goto("/map/")
    page.locator("main a", has_text="XLSX (HXL)").click()
    expect(page.locator("main h1")).to_have_text("Preparing your download")
    expect(page.locator("#progress")).to_contain_text("Waiting for the worker")
    assert serious_axe_violations(page) == []

    build_prepared.call(PreparedExport.objects.get().pk)  # the task worker takes it
    link = page.locator("#progress a", has_text="Download")
    expect(link).to_be_visible(timeout=10_000)  # the page polls (htmx) and shows the link by itself
    assert serious_axe_violations(page) == []
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")

    waiting = page.url
    read_in(page, "es")
    page.goto(waiting)
    expect(page.locator("main h1")).to_have_text("Preparando su descarga")
    assert serious_axe_violations(page) == []
