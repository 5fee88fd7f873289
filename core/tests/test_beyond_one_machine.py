"""Running on several app servers: a failing file store, a dead Redis, a standby, proxies, operations.

Real parts where a unit test can have them: botocore's S3 client against a port that refuses and
against one that accepts and never answers, Redis's client against a port where nothing listens,
a PostgreSQL standby address where nothing listens. The whole topology (PostgreSQL primary and
standby, PgBouncer, HAProxy, SeaweedFS, Redis, two app servers, two workers) is the `scale` stage
(deploy/scale/stage.py), run by .ci/run.
"""

import json
import socket
import threading
import time
from contextlib import closing, contextmanager

from botocore.config import Config
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client, TestCase, override_settings

from core import replica
from core.models import DocumentSettings
from core.testing import api_client, build_network, one_rate_window
from practices.models import PracticeFile
from practices.tests.helpers import TemporaryMedia, pdf_with_text


def fresh_readyz():
    """/readyz worked out now (it keeps its answer a second per process)."""
    from core import operations

    operations._ready["answer"] = None
    return Client().get("/readyz")


def free_port():
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent_server():
    """A TCP server that accepts connections and never answers: a hung store."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


def s3_storage(port):
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "enlace",
                "endpoint_url": f"http://127.0.0.1:{port}",
                "access_key": "enlace",
                "secret_key": "not-a-real-secret",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "file_overwrite": False,
                "querystring_auth": False,
                "client_config": Config(connect_timeout=1, read_timeout=1.5, retries={"total_max_attempts": 1}),
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


class FileStoreDownTest(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def assert_unavailable(self, response, started, *, api=False):
        self.assertEqual(response.status_code, 503, response.content[:300])
        self.assertEqual(response["Retry-After"], "30")
        self.assertLess(time.monotonic() - started, 5)
        if api:
            self.assertIn("almacén de archivos", response.json()["detail"])  # the API speaks Spanish by default
        else:
            self.assertContains(response, "file store", status_code=503)

    def test_a_store_that_refuses_or_hangs_answers_503_with_retry_after_and_other_pages_work(self):
        DocumentSettings.objects.update_or_create(pk=DocumentSettings.SINGLETON, defaults={"logo": "logos/red.png"})
        with silent_server() as hung:
            for port in (free_port(), hung):
                with self.subTest(port=port), override_settings(STORAGES=s3_storage(port), LANGUAGE_CODE="en"):
                    started = time.monotonic()
                    self.assert_unavailable(Client().get("/documents/logo", HTTP_ACCEPT_LANGUAGE="en"), started)
                    spanish = Client().get("/documents/logo", HTTP_ACCEPT_LANGUAGE="es")
                    self.assertContains(spanish, "El almacén de archivos no responde", status_code=503)
                    self.assertEqual(Client().get("/").status_code, 200)
                    self.assertEqual(Client().get("/healthz").status_code, 200)
                    ready = fresh_readyz().json()
                    self.assertEqual((ready["status"], ready["checks"]["storage"]), ("degraded", "down"))

    def test_a_download_from_a_hung_store_is_503_not_404(self):
        practice_id = self.new_practice()
        upload = api_client(self.n.partner).post(
            f"/api/v1/practices/{practice_id}/files", {"file": SimpleUploadedFile("anexo.pdf", pdf_with_text("hola"))}
        )
        self.assertEqual(upload.status_code, 201, upload.content)
        attached = PracticeFile.objects.get()
        author = Client()
        author.force_login(self.n.partner)
        self.assertEqual(author.get(f"/practices/files/{attached.pk}/").status_code, 200)
        with silent_server() as hung, override_settings(STORAGES=s3_storage(hung)):
            started = time.monotonic()
            self.assert_unavailable(author.get(f"/practices/files/{attached.pk}/"), started)

    def new_practice(self):
        response = api_client(self.n.partner).post(
            "/api/v1/practices",
            data=json.dumps(
                {
                    "title_es": "Acompañamiento",
                    "summary_es": "Resumen.",
                    "description_es": "Descripción.",
                    "countries": ["GT"],
                    "themes": ["return-reintegration"],
                    "axis": 4,
                    "population": ["returned"],
                    "start_year": 2020,
                }
            ),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        return response.json()["id"]

    def test_an_upload_to_a_dead_store_writes_nothing(self):
        practice_id = self.new_practice()
        with override_settings(STORAGES=s3_storage(free_port())):
            started = time.monotonic()
            upload = api_client(self.n.partner).post(
                f"/api/v1/practices/{practice_id}/files",
                {"file": SimpleUploadedFile("anexo.pdf", pdf_with_text("hola"))},
            )
            self.assert_unavailable(upload, started, api=True)
        self.assertFalse(PracticeFile.objects.exists())


DEAD_REDIS = {
    "default": {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
    }
}


@override_settings(CACHES=DEAD_REDIS, RATE_LIMIT_SEARCH="3/m")
class RedisDownTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        caches["default"].clear()  # this process's memory (Redis does not answer)
        self.enterContext(one_rate_window())

    def test_pages_are_served_and_rate_limits_still_count_in_each_process(self):
        started = time.monotonic()
        self.assertEqual(Client().get("/").status_code, 200)
        self.assertEqual(Client().get("/practices/").status_code, 200)
        self.assertLess(time.monotonic() - started, 3)
        self.assertTrue(caches["default"].degraded)
        statuses = [Client().get("/practices/", {"q": "retorno"}).status_code for _ in range(4)]
        self.assertEqual(statuses, [200, 200, 200, 429])  # counted in this process's memory
        ready = fresh_readyz().json()
        self.assertEqual((ready["status"], ready["checks"]["cache"]), ("degraded", "degraded"))
        signed_in = Client()
        signed_in.force_login(self.n.gt_officer)
        self.assertEqual(signed_in.get("/practices/mine/").status_code, 200)  # sessions live in the database


@override_settings(TRUSTED_PROXY_COUNT=1, ALLAUTH_TRUSTED_PROXY_COUNT=1)
class BehindAProxyTest(TestCase):
    def test_sign_in_limits_count_per_client_not_per_proxy(self):
        from allauth.account.adapter import get_adapter
        from django.test import RequestFactory

        factory = RequestFactory()
        first = factory.post("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
        second = factory.post("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
        self.assertEqual(get_adapter().get_client_ip(first), "203.0.113.7")
        self.assertEqual(get_adapter().get_client_ip(second), "198.51.100.9")
        # A client cannot pose as another by sending its own X-Forwarded-For: the proxy's entry is the last.
        forged = factory.post("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
        self.assertEqual(get_adapter().get_client_ip(forged), "203.0.113.7")


@contextmanager
def replica_alias(test, settings_dict, *, same_connection=False):
    """Add the `replica` database to this process for a test, then remove it.

    `same_connection`: the standby is the test database itself, through the same connection (a
    perfect copy that never lags), so that the test's own rows are seen.
    """
    connections.settings[replica.ALIAS] = settings_dict
    if same_connection:
        connections[replica.ALIAS] = connections["default"]
    replica._state.update(checked=0.0, usable=False, down_until=0.0, lag=None)
    allowed = type(test).databases
    type(test).databases = {*allowed, replica.ALIAS}  # Django's test isolation lets this test reach it
    try:
        yield
    finally:
        type(test).databases = allowed
        if replica.ALIAS in connections:
            if not same_connection:
                connections[replica.ALIAS].close()
            del connections[replica.ALIAS]
        del connections.settings[replica.ALIAS]
        replica._state.update(checked=0.0, usable=False, down_until=0.0, lag=None)


class StandbyTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def dead_standby(self):
        dead = dict(connections["default"].settings_dict)
        dead.update(
            ENGINE="django.db.backends.postgresql",
            NAME="enlace",
            HOST="127.0.0.1",
            PORT=str(free_port()),
            USER="postgres",
            PASSWORD="",
            OPTIONS={"connect_timeout": 1},
            TEST={"MIRROR": "default"},
        )
        return dead

    def test_outside_a_public_reads_view_nothing_goes_to_the_standby(self):
        router = replica.ExplicitReplicaRouter()
        self.assertIsNone(router.db_for_read(DocumentSettings))
        self.assertEqual(router.db_for_write(DocumentSettings), "default")

    def test_a_standby_that_does_not_answer_is_set_aside_and_pages_read_the_primary(self):
        with replica_alias(self, self.dead_standby()):
            started = time.monotonic()
            for path in ("/map/", "/map/data.json?zoom=3", "/practices/", "/organizations/"):
                with self.subTest(path=path):
                    self.assertEqual(Client().get(path).status_code, 200)
            self.assertLess(time.monotonic() - started, 4)  # one connect timeout, then set aside
            self.assertEqual(replica.status(), "down")
            self.assertEqual(fresh_readyz().json()["checks"]["replica"], "down")

    def test_the_guard_reads_the_primary_when_the_standby_is_behind_or_paused(self):
        chosen = []
        from directory import queries

        original = queries.clusters

        def spy(*args, **kwargs):
            chosen.append(replica.ExplicitReplicaRouter().db_for_read(DocumentSettings) or "default")
            return original(*args, **kwargs)

        mirror = dict(connections["default"].settings_dict)
        with replica_alias(self, mirror, same_connection=True), self.settings(PAGE_CACHE=False):
            for lag, expected in ((0.2, "replica"), (30.0, "default"), (None, "default")):
                with self.subTest(lag=lag):
                    replica._state.update(checked=0.0)
                    with _lag(lag), _patched(queries, "clusters", spy):
                        Client().get("/map/data.json?zoom=3")
                    self.assertEqual(chosen[-1], expected)
            signed_in = Client()
            signed_in.force_login(self.n.gt_officer)
            replica._state.update(checked=0.0)
            with _lag(0.0), _patched(queries, "clusters", spy):
                signed_in.get("/map/data.json?zoom=3")
            self.assertEqual(chosen[-1], "default")  # signed-in readers: always the primary


@contextmanager
def _patched(module, name, value):
    original = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, original)


@contextmanager
def _lag(value):
    with _patched(replica, "lag_seconds", lambda: value):
        yield


class CrisisTrafficTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    SNAPPED = "/map/data.json?bbox=-180.000000,-85.051129,180.000000,85.051129&zoom=2&lang=es"

    def test_the_anonymous_map_snapped_to_tiles_is_cacheable_by_a_proxy_and_the_rest_is_not(self):
        public = Client().get(self.SNAPPED)
        self.assertEqual(public["Cache-Control"], "public, max-age=60")
        self.assertNotIn("Cookie", public.get("Vary", ""))
        self.assertNotIn("Accept-Language", public.get("Vary", ""))
        self.assertFalse(public.cookies)
        for path in ("/map/data.json?bbox=-100,-10,10,20&zoom=2&lang=es", self.SNAPPED.replace("&lang=es", "")):
            with self.subTest(path=path):
                self.assertTrue(Client().get(path)["Cache-Control"].startswith("private"))
        member = Client()
        member.force_login(self.n.gt_officer)
        answer = member.get(self.SNAPPED)
        self.assertTrue(answer["Cache-Control"].startswith("private"))
        self.assertIn("Cookie", answer["Vary"])

    def test_a_shared_answer_drops_only_cookie_and_language_from_vary_and_never_carries_a_cookie(self):
        from django.http import HttpResponse
        from django.test import RequestFactory

        from core.middleware import SharedCacheMiddleware

        def answer(cache_control, vary, cookie=False):
            def view(request):
                response = HttpResponse("x")
                response["Cache-Control"] = cache_control
                response["Vary"] = vary
                if cookie:
                    response.set_cookie("c", "1")
                return response

            return SharedCacheMiddleware(view)(RequestFactory().get("/"))

        shared = answer("public, max-age=60", "Accept-Encoding, Cookie, Accept-Language")
        self.assertEqual(shared["Vary"], "Accept-Encoding")
        self.assertFalse(answer("public, max-age=60", "Cookie").has_header("Vary"))
        self.assertEqual(answer("private, max-age=60", "Cookie")["Vary"], "Cookie")  # untouched
        self.assertTrue(answer("public, max-age=60", "Cookie", cookie=True)["Cache-Control"].startswith("private"))
        borders = Client().get("/map/borders.geojson", HTTP_ACCEPT_ENCODING="gzip")
        self.assertIn("Accept-Encoding", borders["Vary"])

    def test_the_map_page_asks_in_tiles_and_names_its_language_for_anonymous_readers(self):
        self.assertContains(Client().get("/map/", HTTP_ACCEPT_LANGUAGE="en"), 'data-lang="en"')
        member = Client()
        member.force_login(self.n.gt_officer)
        self.assertNotContains(member.get("/map/"), "data-lang=")


class OperationsTest(TestCase):
    def test_readyz_and_metrics(self):
        ready = fresh_readyz()
        self.assertEqual(ready.status_code, 200)
        self.assertEqual(ready.json()["checks"]["database"], "ok")
        self.assertEqual(ready.json()["checks"]["replica"], "absent")
        self.assertTrue(ready["X-Request-ID"])
        given = Client().get("/", HTTP_X_REQUEST_ID="lb-1234")
        self.assertEqual(given["X-Request-ID"], "lb-1234")
        self.assertNotEqual(Client().get("/", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"], "bad id\n")
        metrics = Client().get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
        for name in ("enlace_request_seconds_bucket", "enlace_request_db_queries", "enlace_tasks", "enlace_outbox"):
            self.assertIn(name, metrics)
        self.assertEqual(Client().get("/metrics", REMOTE_ADDR="198.51.100.9").status_code, 404)
        through_proxy = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
        self.assertEqual(through_proxy.status_code, 404)
        with self.settings(METRICS_TOKEN="s3cret-token"):
            self.assertEqual(Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code, 404)
            authorised = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
            self.assertEqual(authorised.status_code, 200)

    def test_every_log_line_of_a_request_carries_its_id_even_those_django_writes_last(self):
        import logging

        from core.requestid import RequestIdFilter

        seen = []

        class Keep(logging.Handler):
            def emit(self, record):
                seen.append((record.getMessage(), record.request_id))

        handler = Keep()
        handler.addFilter(RequestIdFilter())
        logger = logging.getLogger("django.request")
        logger.addHandler(handler)
        try:
            response = Client().get("/practices/99999999/", HTTP_X_REQUEST_ID="proxy-id-404")
        finally:
            logger.removeHandler(handler)
        self.assertEqual(response.status_code, 404)
        self.assertIn(("Not Found: /practices/99999999/", "proxy-id-404"), seen)

    def test_the_request_id_is_carried_into_the_tasks_it_enqueues(self):
        from django_tasks_db.models import DBTaskResult

        from messaging.outbox import queue_email

        with self.captureOnCommitCallbacks(execute=True):
            from core.requestid import request_id_as

            with request_id_as("req-42"):
                queue_email(to="a@example.org", subject="s", body="b", language="es", dedupe_key="k1")
        task = DBTaskResult.objects.get()
        self.assertEqual(task.args_kwargs["kwargs"], {"request_id": "req-42"})
