"""Test-wide settings. Under ENLACE_REQUIRE_ALL=1 (CI) a skipped test is a failure."""

import os

import pytest

REQUIRE_ALL = os.environ.get("ENLACE_REQUIRE_ALL") == "1"


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run thousands of searches and API writes from one address in one process: the rate
    # limits are off here and turned on, with small rates, by their own tests (test_rate_limits.py).
    settings.RATE_LIMIT_SEARCH = ""
    settings.RATE_LIMIT_API_WRITES = ""
    settings.RATE_LIMIT_EXPORTS = ""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with no kept page: a rolled-back test's audit ids are used again (SQLite), so a
    page kept under one test's content version could be served to the next (core/pagecache.py)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_ALL and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"ENLACE_REQUIRE_ALL=1 forbids skipping: {reason}"


def pytest_collection_modifyitems(config, items):
    """Run the browser checks and the quality gates together in one process (pytest-xdist group),
    gates first: the gates share one production server, and the browser checks that time redraws
    then run late, once the other process has finished the unit tests and left the CPU to them."""
    heavy = [item for item in items if item.get_closest_marker("gate") or item.get_closest_marker("browser")]
    for item in heavy:
        item.add_marker(pytest.mark.xdist_group("browser-and-gates"))
    heavy.sort(key=lambda item: 0 if item.get_closest_marker("gate") else 1)
    chosen = set(map(id, heavy))
    items[:] = [item for item in items if id(item) not in chosen] + heavy


def pytest_terminal_summary(terminalreporter):
    """Print the tables that tests record as `summary_table` (the page-weight table of the gates)."""
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "summary_table" and getattr(report, "when", "call") == "call":
                    terminalreporter.write_sep("=", "summary table")
                    terminalreporter.write_line(value)


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


# ---- A production build, for the quality gates (page weight, accessibility, API fuzzing) -----


class ProductionServer:
    """gunicorn serving Enlace as in production (DEBUG off, collectstatic, compression), on demo data."""

    def __init__(self, url, env, root):
        self.url = url
        self.env = env
        self.root = root

    def manage(self, *args):
        import subprocess
        import sys

        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout


def _gate_database(tmp):
    """A database of its own for the production server: PostgreSQL when the suite runs on it."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return f"sqlite:///{tmp / 'gate.sqlite3'}"
    import psycopg

    name = f"{db['NAME']}_gate"
    conninfo = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
    if db.get("PASSWORD"):
        conninfo += f" password={db['PASSWORD']}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture(scope="session")
def production_server(tmp_path_factory, django_db_blocker):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent
    tmp = tmp_path_factory.mktemp("production")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with django_db_blocker.unblock():
        database_url = _gate_database(tmp)
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "gate-check-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": url,
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ENLACE_DEMO": "1",
        # The gates measure the pages and the API; thousands of fuzzed requests a minute would meet
        # the rate limits, which have their own tests (core/tests/test_rate_limits.py).
        "RATE_LIMIT_SEARCH": "",
        "RATE_LIMIT_API_WRITES": "",
        "RATE_LIMIT_EXPORTS": "",
    }
    server = ProductionServer(url, env, root)
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("load_demo", "--quiet-sign-ins")
    server.manage("collectstatic", "--noinput", "-v", "0")
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 - closed when the session ends
    process = subprocess.Popen(
        # 8 KB request lines, as nginx's default large buffers allow, so long filter URLs reach Django.
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--limit-request-line",
            "8190",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - local
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not start:\n{(tmp / 'gunicorn.log').read_text()}")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
