"""What operators and load balancers read: readiness, metrics, request ids in the logs.

- `/healthz` (core.views) is liveness: the process answers and its database too.
- `/readyz` is readiness, for load balancers: 503 when the database does not answer (take this
  server out), else 200 with `"status": "ok"` or `"degraded"` and each check — the cache (Redis
  answering or this process's memory standing in), the file store, the standby's lag. A degraded
  server still serves pages, so it stays in the pool.
- `/metrics` is Prometheus's text format, safe under gunicorn's several processes
  (PROMETHEUS_MULTIPROC_DIR): request latency by view, database queries and time per request,
  and, read when scraped, the task queue by state and the e-mail outbox by state. It answers the
  bearer METRICS_TOKEN when one is set, else only direct requests from this machine.
- Every request has an id (the proxy's `X-Request-ID` when well formed, else a new one), sent back
  in `X-Request-ID`, added to every log line (`LOG_FORMAT=json` writes one JSON object per line)
  and carried into the background tasks the request enqueues.
"""

import contextlib
import logging
import os
import secrets
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import replica
from .audit import client_address
from .requestid import WELL_FORMED, current_request_id, reset_request_id, set_request_id
from .storage import STORAGE_DOWN

logger = logging.getLogger(__name__)

# Gauges read when /metrics is scraped: (name, help, label, read) where read() yields (label value, number).
_gauges = []


def register_gauge(name, documentation, label, read):
    """Let an app publish a count read at scrape time (messaging: the outbox by state)."""
    _gauges.append((name, documentation, label, read))


# --- Metrics (prometheus_client; one registry per scrape in multiprocess mode) -------------------

try:
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
    from prometheus_client.core import GaugeMetricFamily
    from prometheus_client.multiprocess import MultiProcessCollector
except ImportError:  # pragma: no cover - a dependency; absent only in a broken install
    Histogram = None

if Histogram is not None:
    REQUEST_SECONDS = Histogram(
        "enlace_request_seconds",
        "Time to answer a request, by view.",
        ["view", "method", "status"],
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    )
    REQUEST_QUERIES = Histogram(
        "enlace_request_db_queries",
        "Database queries per request, by view.",
        ["view"],
        buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200),
    )
    REQUEST_DB_SECONDS = Histogram(
        "enlace_request_db_seconds",
        "Database time per request, by view and database.",
        ["view", "database"],
        buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
    )


class _QueryClock:
    """Counts the queries of one request and their time, per database."""

    def __init__(self, alias):
        self.alias = alias
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class RequestIdMiddleware:
    """Give every request an id (in the logs, the answer and its tasks) and time it for /metrics."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = None
        if not current_request_id():  # a request without the request_started signal (a test's factory)
            given = request.headers.get("X-Request-ID", "")
            token = set_request_id(given if WELL_FORMED.match(given) else uuid.uuid4().hex)
        clocks = [_QueryClock(alias) for alias in connections]
        started = time.perf_counter()
        try:
            with contextlib.ExitStack() as stack:
                for clock in clocks:
                    stack.enter_context(connections[clock.alias].execute_wrapper(clock))
                response = self.get_response(request)
            response["X-Request-ID"] = current_request_id()
            if Histogram is not None:
                match = getattr(request, "resolver_match", None)
                view = (match.view_name if match else "") or "unresolved"
                REQUEST_SECONDS.labels(view, request.method, str(response.status_code)).observe(
                    time.perf_counter() - started
                )
                REQUEST_QUERIES.labels(view).observe(sum(clock.count for clock in clocks))
                for clock in clocks:
                    if clock.count:
                        REQUEST_DB_SECONDS.labels(view, clock.alias).observe(clock.seconds)
            return response
        finally:
            if token is not None:
                reset_request_id(token)


def _task_states():
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    for row in DBTaskResult.objects.values("status").annotate(n=Count("pk")).order_by():
        yield row["status"], row["n"]


register_gauge("enlace_tasks", "Background tasks by state (the queue's depth is 'READY').", "status", _task_states)


class _ScrapedGauges:
    """Read when scraped: the registered counts (tasks by state, the outbox by state)."""

    def collect(self):
        for name, documentation, label, read in _gauges:
            family = GaugeMetricFamily(name, documentation, labels=[label])
            for value, number in read():
                family.add_metric([str(value)], number)
            yield family


def _may_read_metrics(request):
    token = getattr(settings, "METRICS_TOKEN", "")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return secrets.compare_digest(given.encode(), token.encode())
    direct = "HTTP_X_FORWARDED_FOR" not in request.META
    return direct and client_address(request) in ("127.0.0.1", "::1")


@never_cache
@require_safe
def metrics(request):
    """Prometheus metrics (see the module's docstring for who may read them)."""
    if Histogram is None or not _may_read_metrics(request):
        return HttpResponse(status=404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # every worker's files, added up
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        registry.register(_ScrapedGauges())
        text = generate_latest(registry)
    else:  # one process: its own registry, and the counts read now
        from prometheus_client import REGISTRY

        gauges = CollectorRegistry()
        gauges.register(_ScrapedGauges())
        text = generate_latest(REGISTRY) + generate_latest(gauges)
    return HttpResponse(text, content_type=CONTENT_TYPE_LATEST)


# --- Readiness --------------------------------------------------------------------------------


def _check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    if getattr(cache, "degraded", False):
        return "degraded"
    key = f"readyz:{os.getpid()}"
    cache.set(key, "1", 30)
    if getattr(cache, "degraded", False) or cache.get(key) != "1":
        return "degraded"
    return "ok"


def _check_storage():
    try:
        default_storage.exists("readyz-probe")
    except STORAGE_DOWN:
        return "down"
    return "ok"


_ready = {"at": 0.0, "answer": None}
READY_SECONDS = 1.0


@never_cache
@require_safe
def readyz(request):
    """Readiness for load balancers: 503 without a database; 200 "ok" or "degraded" otherwise.

    Worked out at most once a second per process (it asks the store, the cache and the standby):
    anyone may call it, as load balancers do, without making it work harder.
    """
    now = time.monotonic()
    if _ready["answer"] is None or now - _ready["at"] >= READY_SECONDS:
        _ready["answer"], _ready["at"] = _readiness(), now
    body, status = _ready["answer"]
    return JsonResponse(body, status=status)


def _readiness():
    checks = {}
    try:
        _check_database()
    except Exception as error:  # noqa: BLE001 - any database failure: not ready
        return {"status": "down", "checks": {"database": type(error).__name__}}, 503
    checks["database"] = "ok"
    checks["cache"] = _check_cache()
    checks["storage"] = _check_storage()
    checks["replica"] = replica.status()
    healthy = ("ok", "absent")
    status = "ok" if all(value in healthy for value in checks.values()) else "degraded"
    return {"status": status, "checks": checks}, 200
