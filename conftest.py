"""Test-wide settings. Under ENLACE_REQUIRE_ALL=1 (CI) a skipped test is a failure."""

import os

import pytest

REQUIRE_ALL = os.environ.get("ENLACE_REQUIRE_ALL") == "1"


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"ENLACE_REQUIRE_ALL=1 forbids skipping: {reason}"


def pytest_sessionstart(session):
    from django.conf import settings

    # whitenoise warns when the collected-static folder is missing; tests serve from the apps.
    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)


# ---- Browser tests (Playwright driving Debian's Chromium; never a browser download) ----------

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path():
    for path in CHROMIUM_CANDIDATES:
        if os.path.exists(path):
            return path
    pytest.skip("Chromium is not installed (apt-get install chromium); browser checks skipped")


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed; browser checks skipped")
    # Playwright's sync API runs an event loop in this thread; Django's ORM, used by the test
    # around it, is then considered "async" unless told otherwise.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open pages on the live server: `page = new_page(locale="es")`."""
    contexts = []

    def make(locale="es", **options):
        context = browser.new_context(locale=locale, base_url=live_server.url, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
