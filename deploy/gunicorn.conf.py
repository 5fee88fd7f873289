"""gunicorn settings for an Enlace app server (`gunicorn -c deploy/gunicorn.conf.py config.wsgi`).

Values come from the environment so that one file serves every server of the topology
(docs/deployment.md). The proxy in front of it (deploy/haproxy.cfg) sends each server at most
as many requests at once as it has workers (`maxconn`), and queues the rest itself.
"""

import os
import pathlib

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A request has a minute at most: big imports and exports run in the worker (manage.py db_worker).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
# Workers are replaced now and then, so that memory cannot creep.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# Application logs go to standard error (JSON with LOG_FORMAT=json); the proxy logs the requests.
accesslog = None
errorlog = "-"
proc_name = os.environ.get("GUNICORN_NAME", "enlace")


def on_starting(server):
    """Prometheus metrics of several processes: start with an empty folder (core/operations.py)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = pathlib.Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    """A worker that ends leaves its counters; its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
