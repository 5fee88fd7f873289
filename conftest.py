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
