"""The `scale` stage: Enlace on the tested topology, loaded and broken on purpose.

    .venv/bin/python deploy/scale/stage.py [--workdir /tmp/enlace-scale] [--keep]

On 127.0.0.1, by itself, with real engines (deploy/scale/engines.py): a PostgreSQL 15 primary
(initdb) and a streaming standby (pg_basebackup), PgBouncer in transaction pooling in front of
the primary, HAProxy (deploy/haproxy.cfg) in front of two gunicorn app servers
(deploy/gunicorn.conf.py, two workers each), two task workers (`manage.py db_worker`), a
SeaweedFS S3 server with access keys, its own Redis, and a slow SMTP sink. Enlace runs as in
production (DEBUG off, JSON logs, files in the bucket, cache and rate limits in Redis, the standby
for anonymous public reads). Then each check of issue 18's table runs, its figures are printed
as a table, written to workdir/results.json, and every process started is stopped by its PID.

Exit status: 0 when every check passes, 1 otherwise, 2 when the topology could not be set up.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import http.client
import http.cookies
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import engines  # noqa: E402
from load import Recorder, run_for, wrk  # noqa: E402

PYTHON = sys.executable
HOST = "127.0.0.1"
PORTS = {
    "primary": 25432,
    "standby": 25433,
    "pgbouncer": 26432,
    "redis": 26379,
    "s3": 28333,  # and the next 7 ports (SeaweedFS's master, volume, filer, gRPC)
    "smtp": 22525,
    "proxy": 28080,
    "app1": 28001,
    "app2": 28002,
}
WORKERS_PER_SERVER = 2
DEMO_PASSWORD = "Demo-Enlace-2026"  # noqa: S105 - the demo data's published password
OFFICER = "guatemala@enlace.example"
# The stage's time limits (issue 18): every check's "within" figure.
FAILOVER_LIMIT_SECONDS = 30
STORAGE_LIMIT_SECONDS = 5
STANDBY_PAGE_LIMIT_SECONDS = 2


def say(text):
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


# --- HTTP through the proxy ---------------------------------------------------------------------


class Browser:
    """A reader with cookies, over HTTP/1.1 to one address (the proxy, or an app server)."""

    def __init__(self, port=PORTS["proxy"], timeout=15.0):
        self.port = port
        self.timeout = timeout
        self.cookies = {}

    def request(self, method, path, *, body=None, headers=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, content  # headers: case-insensitive

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path, fields, *, files=None, referer=None):
        token = self.cookies.get("csrftoken", "")
        fields = {"csrfmiddlewaretoken": token, **fields}
        headers = {"X-CSRFToken": token, "Referer": referer or f"http://{HOST}:{self.port}{path}"}
        if files:
            boundary = "----enlace-scale-boundary"
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for name, (filename, data, kind) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    f"Content-Type: {kind}\r\n\r\n".encode()
                    + data
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, headers=headers)

    def sign_in(self, email=OFFICER, password=DEMO_PASSWORD):
        self.cookies.clear()
        self.get("/accounts/login/")
        status, headers, _ = self.post_form("/accounts/login/", {"login": email, "password": password})
        if status != 302 or "sessionid" not in self.cookies:
            raise AssertionError(f"sign-in answered {status} ({headers.get('Location')})")
        return self


def wait_ready(port, timeout=60):
    """Wait until an app server's /readyz answers 200 (its workers have loaded Enlace)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            if Browser(port, timeout=10).get("/readyz")[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the app server on port {port} was not ready after {timeout} s")


class ReadyProbe:
    """Ask an app server's /readyz twice a second in a thread; `stop()` gives the slowest answer (s)."""

    def __init__(self, port):
        self.port = port
        self.slowest = 0.0
        self._stop = False
        self._thread = None

    def _run(self):
        while not self._stop:
            started = time.monotonic()
            with contextlib.suppress(OSError):
                Browser(self.port, timeout=30).get("/readyz")
            self.slowest = max(self.slowest, time.monotonic() - started)
            time.sleep(0.5)

    def start(self):
        import threading

        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop = True
        self._thread.join(35)
        return self.slowest


# --- The topology -------------------------------------------------------------------------------


class Topology:
    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.primary = engines.Primary(self.workdir, PORTS["primary"], max_connections=150)
        self.standby = engines.Standby(self.workdir, PORTS["standby"], self.primary, slot="standby1")
        self.pgbouncer = engines.PgBouncer(self.workdir, PORTS["pgbouncer"], HOST, PORTS["primary"])
        self.redis = engines.Redis(self.workdir, PORTS["redis"])
        self.s3 = engines.SeaweedS3(self.workdir, PORTS["s3"])
        self.smtp = engines.SmtpSink(self.workdir, PORTS["smtp"], delay_seconds=0.05)
        self.apps = {}
        self.workers = {}
        self.proxy = None

    def env(self, *, direct=False):
        """The environment of every Enlace process (`direct`: the primary itself, not PgBouncer)."""
        database = (
            f"postgres://enlace@{HOST}:{PORTS['primary']}/enlace"
            if direct
            else f"postgres://enlace@{HOST}:{PORTS['pgbouncer']}/enlace"
        )
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "DEBUG": "0",
            "SECRET_KEY": "scale-stage-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CSRF_TRUSTED_ORIGINS": f"http://{HOST}:{PORTS['proxy']}",
            "SITE_URL": f"http://{HOST}:{PORTS['proxy']}",
            "SECURE_COOKIES": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": database,
            "DB_CONN_MAX_AGE": "60",
            "REPLICA_DATABASE_URL": f"postgres://enlace@{HOST}:{PORTS['standby']}/enlace",
            "REPLICA_MAX_LAG_SECONDS": "2",
            "CACHE_URL": f"redis://{HOST}:{PORTS['redis']}/0",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(PORTS["smtp"]),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": "10",
            "STATIC_ROOT": str(self.workdir / "static"),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMIT_SEARCH": "100000/m",
            "ENLACE_RELEASE": "scale",
            "OUTBOX_UNCONFIRMED_AFTER": "6",
            "TASK_STALE_AFTER": "6",
            **self.s3.app_env(),
        }
        if not direct:
            env["DB_POOLER"] = "pgbouncer"
        return env

    def manage(self, *args, direct=False, extra=None, timeout=300, check=True):
        env = {**self.env(direct=direct), **(extra or {})}
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
        if os.environ.get("SCALE_VERBOSE"):
            say(f"manage.py {args[0]}: {time.monotonic() - started:.1f} s")
        if check and done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return done

    def shell(self, code, **kwargs):
        """Run Python in Enlace's context (manage.py shell -c); return its last printed line as JSON."""
        done = self.manage("shell", "-c", code, **kwargs)
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    def app_server(self, name):
        port = PORTS[name]
        env = {
            **self.env(),
            "GUNICORN_BIND": f"{HOST}:{port}",
            "WEB_CONCURRENCY": str(WORKERS_PER_SERVER),
            "GUNICORN_NAME": f"enlace-{name}",
            "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / f"metrics-{name}"),
        }
        argv = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "config.wsgi"]
        return engines.Process(name, argv, workdir=self.workdir, port=port, cwd=ROOT, env=env)

    def worker(self, name):
        argv = [PYTHON, "manage.py", "db_worker", "--worker-id", name, "--interval", "0.2", "--no-startup-delay"]
        env = {**self.env(), "LOG_LEVEL": "INFO"}  # a line per e-mail sent, with its request id
        return engines.Process(name, argv, workdir=self.workdir, cwd=ROOT, env=env)

    def start(self):
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            side = [pool.submit(engine.start) for engine in (self.redis, self.s3, self.smtp)]
            self.primary.start()
            self.standby.start()
            self.pgbouncer.start()
            for future in side:
                future.result()
        self.s3.create_bucket()
        say(f"engines up in {time.monotonic() - started:.1f} s")
        self.manage("migrate", "--noinput", "-v", "0", direct=True)
        self.manage("compile_catalogues", direct=True)
        self.manage("collectstatic", "--noinput", "-v", "0", direct=True)
        self.manage("load_demo", direct=True, extra={"ENLACE_DEMO": "1"})
        say(f"Enlace migrated, demo data loaded in {time.monotonic() - started:.1f} s")
        for name in ("app1", "app2"):
            self.apps[name] = self.app_server(name)
        for name in ("worker1", "worker2"):
            self.workers[name] = self.worker(name)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda process: process.start(), [*self.apps.values(), *self.workers.values()]))
        for name in self.apps:  # a server joins the proxy once it is ready, as in a rolling deploy
            wait_ready(PORTS[name])
        self.proxy = engines.HAProxy(
            self.workdir,
            PORTS["proxy"],
            [(name, HOST, PORTS[name]) for name in self.apps],
            maxconn_per_server=WORKERS_PER_SERVER,
        )
        self.proxy.start()
        for name in self.apps:
            self.proxy.wait_state(name, "UP", timeout=30)
        self.standby.wait_caught_up()
        say(f"topology up in {time.monotonic() - started:.1f} s")
        return time.monotonic() - started

    def stat_rows(self):
        """HAProxy's `show stat` for the app servers: {name: row as a dict}."""
        text = self.proxy.stats("show stat")
        lines = [line for line in text.splitlines() if line.strip()]
        header = lines[0].lstrip("# ").split(",")
        rows = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "app" and row.get("svname") in self.apps:
                rows[row["svname"]] = row
        return rows

    def memory(self):
        """Resident memory (MB) of each process this stage started, with its children."""
        found = {}
        for process in [*self.apps.values(), *self.workers.values()]:
            found[process.name] = _tree_rss_mb(process.pid)
        for name, engine in (("postgres primary", self.primary), ("postgres standby", self.standby)):
            found[name] = _tree_rss_mb(engine._daemon_pid() or engine.pid)
        for name, engine in (("pgbouncer", self.pgbouncer), ("haproxy", self.proxy), ("redis", self.redis)):
            found[name] = _tree_rss_mb(engine._daemon_pid() or engine.pid)
        return found


def _json_lines(path):
    """The JSON objects of a log file (one per line; other lines skipped)."""
    found = []
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return found
    for line in lines:
        if line.startswith("{"):
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
    return found


def _children(pid):
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def _tree_rss_mb(pid):
    """{"total": MB, "each": [MB per process]} of a process and its children."""
    if not pid:
        return {"total": 0.0, "each": []}
    each = [_rss_mb(pid)] + [_rss_mb(child) for child in _children(pid)]
    return {"total": round(sum(each), 1), "each": [round(value, 1) for value in each]}


# --- The checks ---------------------------------------------------------------------------------


class Stage:
    def __init__(self, topology):
        self.t = topology
        self.results = []
        self.context = {}

    def record(self, step, fault, passed, detail):
        self.results.append({"step": step, "fault": fault, "passed": bool(passed), "detail": detail})
        say(f"{'PASS' if passed else 'FAIL'} {step}: {detail}")

    def marked_down(self):
        """How many times the proxy has marked each app server down so far."""
        try:
            return {name: int(row.get("chkdown") or 0) for name, row in self.t.stat_rows().items()}
        except (OSError, engines.EngineError):
            return {}

    def run(self, step, fault, check):
        started = time.monotonic()
        downs = self.marked_down()
        try:
            passed, detail = check()
        except Exception as error:  # noqa: BLE001 - a check that breaks fails, and the stage goes on
            passed, detail = False, f"{type(error).__name__}: {error}"
        now = self.marked_down()
        changed = {name: count - downs.get(name, 0) for name, count in now.items() if count != downs.get(name, 0)}
        note = f"; servers marked down meanwhile: {changed}" if changed else ""
        self.record(step, fault, passed, f"{detail}{note} [{time.monotonic() - started:.1f} s]")

    # -- paths ------------------------------------------------------------------------------------

    def map_paths(self):
        """Anonymous map answers at several zooms, snapped to tiles as the map page asks them."""
        views = [
            (3, "-135.000000,0.000000,-45.000000,40.979898"),
            (5, "-101.250000,11.178402,-78.750000,21.943046"),
            (7, "-92.812500,13.923404,-87.187500,16.636192"),
            (9, "-91.406250,14.264383,-89.296875,15.284185"),
            (12, "-90.615234,14.562318,-90.439453,14.689881"),
        ]
        return [f"/map/data.json?bbox={bbox}&zoom={zoom}&lang=es" for zoom, bbox in views]

    def paths(self):
        public = [
            "/",
            "/map/",
            *self.map_paths(),
            "/practices/",
            "/practices/?q=retorno",
            "/practices/?" + urllib.parse.urlencode({"q": "protección niñez"}),
            "/search/?q=retorno",
            "/organizations/",
            "/documents/logo" if self.context.get("logo") else "/",
        ]
        signed = ["!/circulars/my-work/", "!/meetings/", f"!/practices/files/{self.context['file_id']}/"]
        return public + signed

    # -- 1. sessions ------------------------------------------------------------------------------

    def check_sessions(self):
        reader = Browser().sign_in()
        self.context["cookie"] = f"sessionid={reader.cookies['sessionid']}"
        self.context["reader"] = reader
        servers, statuses = [], []
        for _ in range(24):
            status, headers, body = reader.get("/circulars/my-work/")
            statuses.append(status)
            servers.append(headers.get("X-Served-By", "?"))
            if b'name="login"' in body:
                return False, "a request was answered with the sign-in form"
        spread = {name: servers.count(name) for name in sorted(set(servers))}
        passed = set(statuses) == {200} and len(spread) == 2
        return passed, f"24 signed-in requests: statuses {sorted(set(statuses))}, answered by {spread}"

    # -- 2. files -----------------------------------------------------------------------------------

    def bucket_files(self):
        """{key: sha256} of every object in the bucket, read with the S3 API itself (boto3)."""
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.t.s3.endpoint,
            aws_access_key_id=self.t.s3.access_key,
            aws_secret_access_key=self.t.s3.secret_key,
            region_name="us-east-1",
        )
        found = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=self.t.s3.bucket):
            for item in page.get("Contents", []):
                data = client.get_object(Bucket=self.t.s3.bucket, Key=item["Key"])["Body"].read()
                found[item["Key"]] = hashlib.sha256(data).hexdigest()
        return client, found

    def check_files(self):
        reader = self.context["reader"]
        practice_id = self.t.shell(
            "import json\n"
            "from accounts.models import User\n"
            "from network.models import Country\n"
            "from practices import services\n"
            f"officer = User.objects.get(email='{OFFICER}')\n"
            "p = services.create_practice(acting_user=officer, title_es='Práctica de la prueba de escala',"
            " summary_es='Resumen.', description_es='Descripción.', countries=[Country.objects.get(code='GT')])\n"
            "print(json.dumps(p.pk))"
        )
        content = (ROOT / "docs" / "img" / "country-page.png").read_bytes()  # a real image, as users attach
        status, headers, _ = reader.post_form(
            f"/practices/{practice_id}/files/",
            {},
            files={"file": ("escala.png", content, "image/png")},
            referer=f"http://{HOST}:{PORTS['proxy']}/practices/{practice_id}/",
        )
        if status != 302:
            return False, f"the upload answered {status}"
        file_id = self.t.shell(
            "import json\nfrom practices.models import PracticeFile\n"
            f"print(json.dumps(PracticeFile.objects.filter(practice_id={practice_id}).latest('pk').pk))"
        )
        self.context["file_id"] = file_id
        self.context["upload_practice"] = practice_id
        self.context["file_bytes"] = content
        _client, objects = self.bucket_files()
        in_bucket = [key for key, digest in objects.items() if digest == hashlib.sha256(content).hexdigest()]
        status, headers, body = reader.get(f"/practices/files/{file_id}/")
        same = status == 200 and body == content
        # Backup → wipe (database and bucket) → restore: identical rows and files.
        before_rows = self.t.shell(_ROWS_DIGEST)
        backup = self.t.workdir / "backup.zip"
        self.t.manage("backup", "--output", str(backup))
        self.t.manage("flush", "--noinput")
        client, objects_before = self.bucket_files()
        for key in objects_before:
            client.delete_object(Bucket=self.t.s3.bucket, Key=key)
        wiped = self.bucket_files()[1] == {} and self.t.shell(
            "import json\nfrom core.backup import database_is_empty\nprint(json.dumps(database_is_empty()))"
        )
        probe = ReadyProbe(PORTS["app1"]).start()
        self.t.manage("restore", str(backup))
        slowest_ready = probe.stop()
        after_rows = self.t.shell(_ROWS_DIGEST)
        _client, objects_after = self.bucket_files()
        restored = after_rows == before_rows and objects_after == objects_before
        self.context["reader"] = reader = Browser().sign_in()  # sessions are not in a backup
        self.context["cookie"] = f"sessionid={reader.cookies['sessionid']}"
        status2, _h, body2 = reader.get(f"/practices/files/{file_id}/")
        passed = bool(in_bucket) and same and wiped and restored and status2 == 200 and body2 == content
        return passed, (
            f"upload in bucket as {in_bucket[:1]}, download same bytes: {same}; backup of "
            f"{before_rows['rows']} rows and {len(objects_before)} files, wiped: {wiped}, restored identical: "
            f"rows {after_rows == before_rows}, files {objects_after == objects_before}; "
            f"/readyz during the restore: slowest {slowest_ready:.1f} s"
        )

    # -- 3. load ------------------------------------------------------------------------------------

    def check_paths(self):
        """Every path of the load answers 2xx/3xx once, alone (else the load's count says nothing)."""
        reader = self.context["reader"]
        wrong = {}
        for path in self.paths():
            status = (reader if path.startswith("!") else Browser()).get(path.lstrip("!"))[0]
            if not 200 <= status < 400:
                wrong[path] = status
        return not wrong, f"{len(self.paths())} paths; answering outside 2xx/3xx: {wrong}"

    def check_load(self):
        passed, detail = self.check_paths()
        if not passed:
            return passed, detail
        before = {name: int(row.get("chkdown") or 0) for name, row in self.t.stat_rows().items()}
        summary = wrk(
            f"http://{HOST}:{PORTS['proxy']}",
            self.paths(),
            connections=16,
            seconds=30,
            cookie=self.context["cookie"],
            workdir=self.t.workdir,
        )
        after = self.t.stat_rows()
        downs = {name: int(row.get("chkdown") or 0) - before.get(name, 0) for name, row in after.items()}
        states = {name: row.get("status") for name, row in after.items()}
        bad = int(summary["non2xx"]) + int(summary["errors"])
        self.context["load"] = {k: v for k, v in summary.items() if k != "output"}
        passed = bad == 0 and not any(downs.values()) and set(states.values()) == {"UP"} and summary["requests"] > 0
        if not passed:
            print(summary["output"])
        return passed, (
            f"{int(summary['requests'])} requests, {summary['rps']:.0f} req/s, p50 {summary['p50']:.0f} ms, "
            f"p99 {summary['p99']:.0f} ms, outside 2xx/3xx or failed: {bad}; marked down: {downs}"
        )

    # -- 4. app server killed -------------------------------------------------------------------------

    def check_app_killed(self):
        victim = self.t.apps["app2"]
        moments = {}

        def during(started):
            time.sleep(3)
            moments["kill"] = time.monotonic()
            victim.kill(signal.SIGKILL, group=True)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if self.t.proxy.server_states().get("app2", "").startswith("DOWN"):
                    moments["down"] = time.monotonic()
                    break
                time.sleep(0.05)

        recorder = Recorder(HOST, PORTS["proxy"], self.paths(), threads=16, cookie=self.context["cookie"])
        outcomes = run_for(recorder, 12, during)
        kill, down = moments["kill"], moments.get("down")
        in_flight = [o for o in outcomes if o.started <= kill <= o.ended]
        failed = Recorder.failed(outcomes)
        after_down = Recorder.failed(outcomes, since=down) if down else failed
        server_errors_after = [o for o in after_down if o.status >= 500 or o.status == 0]
        how = sorted({f"{o.status or o.error}" for o in failed})
        on_reused = sum(1 for o in failed if o.reused)
        restart = victim.restart()
        rejoined = self.t.proxy.wait_state("app2", "UP", timeout=30)
        passed = down is not None and len(failed) <= len(in_flight) and not server_errors_after
        return passed, (
            f"{len(outcomes)} requests; killed with {len(in_flight)} in flight through the proxy "
            f"({WORKERS_PER_SERVER} at most on the server); failed {len(failed)} {how}, {on_reused} of them "
            f"on kept-alive connections; marked down after "
            f"{(down - kill) if down else float('nan'):.1f} s; 5xx after: {len(server_errors_after)}; "
            f"restarted in {restart:.1f} s, back UP after {rejoined:.1f} s"
        )

    # -- operations: proxy cache, metrics, request ids ---------------------------------------------------

    def check_operations(self):
        map_path = self.map_paths()[1]
        Browser().get(map_path)  # the first anonymous reader: the proxy keeps the answer
        second = Browser().get(map_path)[1]
        member = Browser()
        member.cookies = dict(self.context["reader"].cookies)
        signed = member.get(map_path)[1]
        cached = (
            "public" in (second.get("Cache-Control") or "")
            and second.get("X-Cache-Hit") == "1"
            and signed.get("X-Cache-Hit") == "0"
            and "private" in (signed.get("Cache-Control") or "")
        )
        # Prometheus, across gunicorn's processes: every request app1 answered is counted.
        served = int(self.t.stat_rows()["app1"].get("stot") or 0)
        text = Browser(PORTS["app1"]).get("/metrics")[2].decode()
        counts = [line for line in text.splitlines() if line.startswith("enlace_request_seconds_count")]
        counted = sum(float(line.rsplit(" ", 1)[1]) for line in counts)
        gauges = "enlace_tasks{" in text and "enlace_outbox_emails{" in text
        # Request ids: the proxy's id in the answer, and in the app's JSON log line of that request.
        status, headers, _b = member.get("/practices/99999999/")  # logged by Django as "Not Found"
        request_id = headers.get("X-Request-ID", "")
        logged = any(
            entry.get("request_id") == request_id for app in self.t.apps.values() for entry in _json_lines(app.log_path)
        )
        passed = cached and counted >= served > 0 and gauges and status == 404 and logged
        return passed, (
            f"anonymous map answer cached by the proxy: {cached} (signed-in: private, never from the cache); "
            f"/metrics of app1 counts {counted:.0f} requests for {served} it served through the proxy (its "
            f"{WORKERS_PER_SERVER} workers together), queue and outbox gauges: {gauges}; request id "
            f"{request_id[:8]}… in the answer, in the app's JSON log: {logged}"
        )

    # -- 5. worker killed -----------------------------------------------------------------------------

    def check_worker_killed(self):
        self.t.smtp.clear()
        self.t.shell(
            "import json\nfrom core.requestid import request_id_as\nfrom messaging.outbox import queue_email\n"
            "with request_id_as('scale-batch-request'):\n"
            "    for i in range(100):\n"
            "        queue_email(to=f'officer{i}@example.org', subject=f'Scale {i}', body='Prueba de escala.',"
            " language='es', dedupe_key=f'scale-batch-{i}')\n"
            "print(json.dumps(100))"
        )
        time.sleep(1.0)
        sent_before_kill = len(self.t.smtp.messages())
        victim = self.t.workers["worker1"]
        victim.kill(signal.SIGKILL, group=True)
        time.sleep(7)  # past OUTBOX_UNCONFIRMED_AFTER and TASK_STALE_AFTER
        victim.restart()
        # The timed sweep, on both app "hosts" at once (safe to run on every server).
        deadline = time.monotonic() + 60
        states = {}
        while time.monotonic() < deadline:
            sweeps = [
                subprocess.Popen(  # noqa: S603
                    [PYTHON, "manage.py", "sweep_outbox"],
                    cwd=ROOT,
                    env=self.t.env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(2)
            ]
            for sweep in sweeps:
                sweep.wait(60)
            states = self.t.shell(
                "import json\nfrom django.db.models import Count\nfrom messaging.models import OutboundEmail\n"
                "rows = OutboundEmail.objects.filter(dedupe_key__startswith='scale-batch-')\n"
                "print(json.dumps({r['state']: r['n'] for r in rows.values('state').annotate(n=Count('pk'))}))"
            )
            if not states.get("queued") and not states.get("sending"):
                break
            time.sleep(2)
        messages = self.t.smtp.messages()
        ids = [message.get("message_id") for message in messages]
        twice = len(ids) - len(set(ids))
        settled = states.get("sent", 0) + states.get("unconfirmed", 0)
        sent_lines = [
            entry
            for worker in self.t.workers.values()
            for entry in _json_lines(worker.log_path)
            if entry.get("logger") == "enlace.outbox" and str(entry.get("message", "")).startswith("e-mail")
        ]
        # The request id goes with each task; a task the sweep enqueues again carries the sweep's own.
        carried = sum(1 for entry in sent_lines if entry.get("request_id") == "scale-batch-request")
        passed = twice == 0 and settled == 100 and not states.get("queued") and not states.get("sending")
        passed = passed and all(entry.get("request_id") for entry in sent_lines) and carried >= 90
        return passed, (
            f"killed after {sent_before_kill} of 100 sent; outbox {states}; received {len(ids)}, twice: {twice}; "
            f"worker log lines carrying the queueing request's id: {carried}"
        )

    # -- 6. standby lag ---------------------------------------------------------------------------------

    def check_standby_lag(self):
        self.t.standby.pause_replay()
        try:
            name = f"Organización escrita con la réplica en pausa {int(time.time())}"
            self.t.shell(
                "import json\nfrom network.models import Organization\n"
                f"o = Organization.objects.create(name_es='{name}', name_en='{name}', kind='other')\n"
                "print(json.dumps(o.pk))"
            )
            anonymous = Browser()
            fresh = []
            for _ in range(6):
                status, _h, body = anonymous.get("/organizations/")
                fresh.append(status == 200 and name.encode() in body)
            reader = Browser().sign_in()
            signed = [reader.get("/circulars/my-work/")[0] for _ in range(6)]
            time.sleep(2.5)
            time.sleep(1.1)  # /readyz keeps its answer a second
            ready = [json.loads(Browser(PORTS[app]).get("/readyz")[2]) for app in self.t.apps]
            behind = all(r["checks"]["replica"] == "behind" and r["status"] == "degraded" for r in ready)
        finally:
            self.t.standby.resume_replay()
        caught_up = self.t.standby.wait_caught_up()
        passed = all(fresh) and set(signed) == {200} and behind
        return passed, (
            f"public reads show a write the paused standby lacks: {sum(fresh)}/6; "
            f"signed-in pages {sorted(set(signed))}, sign-in worked; /readyz replica 'behind': {behind}; "
            f"caught up {caught_up:.1f} s after resuming"
        )

    # -- 7. standby down --------------------------------------------------------------------------------

    def check_standby_down(self):
        self.t.standby.stop()
        try:
            anonymous = Browser(timeout=10)
            timings = []
            paths = [*self.map_paths(), "/practices/?q=retorno", "/organizations/", "/map/"]
            for path in paths * 4:
                started = time.monotonic()
                status, _h, _b = anonymous.get(path)
                timings.append((status, time.monotonic() - started))
            time.sleep(1.1)  # /readyz keeps its answer a second
            ready = [json.loads(Browser(PORTS[app]).get("/readyz")[2]) for app in self.t.apps]
        finally:
            self.t.standby.start()
        caught_up = self.t.standby.wait_caught_up()
        statuses = {status for status, _s in timings}
        slowest = max(seconds for _st, seconds in timings)
        within = sum(1 for _st, seconds in timings if seconds <= STANDBY_PAGE_LIMIT_SECONDS)
        degraded = all(r["status"] == "degraded" and r["checks"]["replica"] == "down" for r in ready)
        passed = statuses == {200} and within == len(timings) and slowest <= 5 and degraded
        return passed, (
            f"{len(timings)} public pages: statuses {sorted(statuses)}, {within} within 2 s, slowest {slowest:.2f} s;"
            f" /readyz degraded (replica down): {degraded}; restarted, caught up in {caught_up:.1f} s"
        )

    # -- 8. storage down --------------------------------------------------------------------------------

    def storage_checks(self, label):
        reader = self.context["reader"]
        results = []
        started = time.monotonic()
        status, headers, _b = reader.get(f"/practices/files/{self.context['file_id']}/")
        results.append(("download", status, time.monotonic() - started, headers.get("Retry-After")))
        practice = self.context.get("upload_practice")
        started = time.monotonic()
        status, headers, _b = reader.post_form(
            f"/practices/{practice}/files/",
            {},
            files={"file": ("durante-la-falla.png", self.context["file_bytes"], "image/png")},  # passes the checks
        )
        results.append(("upload", status, time.monotonic() - started, headers.get("Retry-After")))
        others = [Browser().get(path)[0] for path in ("/", "/practices/", "/organizations/", self.map_paths()[1])]
        ok = all(
            status == 503 and seconds <= STORAGE_LIMIT_SECONDS and retry for _n, status, seconds, retry in results
        ) and set(others) == {200}
        text = ", ".join(f"{n} {s} in {sec:.1f} s" for n, s, sec, _r in results)
        return ok, f"{label}: {text}; other pages {sorted(set(others))}"

    def check_storage_down(self):
        files_before = self.bucket_files()[1]
        self.t.s3.stop()
        try:
            stopped_ok, stopped = self.storage_checks("store stopped")
        finally:
            self.t.s3.start()
        self.t.s3.hang()
        try:
            hung_ok, hung = self.storage_checks("store hung")
        finally:
            self.t.s3.unhang()
        status, _h, body = self.context["reader"].get(f"/practices/files/{self.context['file_id']}/")
        intact = self.bucket_files()[1] == files_before and status == 200 and body == self.context["file_bytes"]
        return stopped_ok and hung_ok and intact, f"{stopped}; {hung}; files intact after restart: {intact}"

    # -- 9. Redis down ----------------------------------------------------------------------------------

    def check_redis_down(self):
        self.t.redis.stop()
        try:
            timings = []
            reader = self.context["reader"]
            for path in ["/", "/practices/?q=retorno", *self.map_paths()[:2], "/organizations/"] * 3:
                started = time.monotonic()
                timings.append((Browser().get(path)[0], time.monotonic() - started))
            signed = [reader.get("/circulars/my-work/")[0] for _ in range(4)]
            time.sleep(1.1)  # /readyz keeps its answer a second
            ready = [json.loads(Browser(PORTS[app]).get("/readyz")[2]) for app in self.t.apps]
        finally:
            self.t.redis.start()
        statuses = {status for status, _s in timings} | set(signed)
        slowest = max(seconds for _s, seconds in timings)
        degraded = all(r["checks"]["cache"] == "degraded" for r in ready)
        passed = statuses == {200} and slowest < 3 and degraded
        return passed, (
            f"{len(timings)} public and {len(signed)} signed-in pages: {sorted(statuses)}, slowest {slowest:.2f} s; "
            f"/readyz cache degraded: {degraded} (rate limits count per process meanwhile, docs/deployment.md)"
        )

    # -- 10. primary failover ---------------------------------------------------------------------------

    def check_failover(self):
        self.t.standby.wait_caught_up()
        self.t.primary.stop(mode="immediate")
        stopped = time.monotonic()
        self.t.standby.promote()
        self.t.pgbouncer.repoint(HOST, PORTS["standby"])
        attempts = 0
        while time.monotonic() - stopped < FAILOVER_LIMIT_SECONDS + 30:
            attempts += 1
            try:
                reader = Browser(timeout=5).sign_in()  # a write: the session row, the last sign-in
                status, _h, _b = reader.post_form("/i18n/setlang/", {"language": "es", "next": "/"})
                if status in (302, 303):
                    break
            except (AssertionError, OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        took = time.monotonic() - stopped
        passed = took <= FAILOVER_LIMIT_SECONDS
        return passed, f"primary stopped, standby promoted, PgBouncer re-pointed: writes succeed after {took:.1f} s"

    # -- figures -----------------------------------------------------------------------------------------

    def figures(self):
        """req/s of one app server alone for the map and the search; memory of every process.

        "kept": the same few addresses again and again (the page cache answers after the first);
        "each new": an address no one asked before (every request rendered: the worst case).
        """
        found = {}
        words = [
            "retorno",
            "protección",
            "niñez",
            "familia",
            "albergue",
            "frontera",
            "salud",
            "educación",
            "reintegración",
            "acogida",
            "tutela",
            "refugio",
            "asistencia",
            "consulado",
            "migrante",
        ]
        searches = ["/practices/?" + urllib.parse.urlencode({"q": f"{a} {b}"}) for a in words for b in words if a != b]
        for label, paths in (
            ("map, each new viewport", distinct_viewports(600)),
            ("search, each new query", searches),
            ("map", self.map_paths()),
            (
                "search",
                [
                    "/practices/?q=retorno",
                    "/practices/?" + urllib.parse.urlencode({"q": "protección"}),
                    "/practices/?" + urllib.parse.urlencode({"q": "niñez"}),
                ],
            ),
        ):
            summary = wrk(
                f"http://{HOST}:{PORTS['app1']}",
                paths,
                connections=WORKERS_PER_SERVER,
                seconds=5,
                threads=1,
                workdir=self.t.workdir,
            )
            found[f"{label}: req/s of one app server ({WORKERS_PER_SERVER} workers)"] = round(summary["rps"], 1)
        proxy = wrk(
            f"http://{HOST}:{PORTS['proxy']}", self.map_paths(), connections=16, seconds=5, workdir=self.t.workdir
        )
        found["map req/s through the proxy (cache)"] = round(proxy["rps"], 1)
        found["memory MB"] = self.t.memory()
        return found


def distinct_viewports(count):
    """Map addresses no one asked before: viewports of 4 × 3 tiles, snapped, over the region, zooms 6-12."""
    import math

    def lon(x, zoom):
        return x / 2**zoom * 360 - 180

    def lat(y, zoom):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**zoom))))

    found = []
    for zoom in (6, 8, 10, 12):
        # Tiles over Mexico to Panama (lon -118…-77, lat 7…33).
        x0, x1 = int((-118 + 180) / 360 * 2**zoom), int((-77 + 180) / 360 * 2**zoom)
        y0 = int((1 - math.asinh(math.tan(math.radians(33))) / math.pi) / 2 * 2**zoom)
        y1 = int((1 - math.asinh(math.tan(math.radians(7))) / math.pi) / 2 * 2**zoom)
        for x in range(x0, x1, 2):
            for y in range(y0, y1, 2):
                bbox = f"{lon(x, zoom):.6f},{lat(y + 3, zoom):.6f},{lon(x + 4, zoom):.6f},{lat(y, zoom):.6f}"
                found.append(f"/map/data.json?bbox={bbox}&zoom={zoom}&lang=es")
    step = max(1, len(found) // count)
    return found[::step][:count]


_ROWS_DIGEST = (
    "import hashlib, json\n"
    "from core.backup import dump_data, row_counts\n"
    "data = dump_data()\n"
    "print(json.dumps({'rows': sum(row_counts().values()), 'sha256': hashlib.sha256(data.encode()).hexdigest()}))"
)


def table(results, figures):
    width = max(len(r["step"]) for r in results)
    lines = ["", "=== scale stage", f"{'step'.ljust(width)} | result | detail"]
    lines.append("-" * (width + 1) + "|--------|" + "-" * 60)
    for r in results:
        lines.append(f"{r['step'].ljust(width)} | {'pass' if r['passed'] else 'FAIL'}   | {r['detail']}")
    lines.append("")
    for name, value in figures.items():
        if name == "memory MB":
            for process, memory in value.items():
                each = ", ".join(f"{value:.0f}" for value in memory["each"])
                lines.append(f"memory {process}: {memory['total']:.0f} MB ({len(memory['each'])} processes: {each})")
        else:
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", default="/tmp/enlace-scale")  # noqa: S108 - the stage's own, reaped first
    parser.add_argument("--keep", action="store_true", help="leave the work directory (logs) in place")
    options = parser.parse_args()
    workdir = Path(options.workdir)
    engines.reap_stale(workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    engines.install_signal_handlers()
    began = time.monotonic()
    topology = Topology(workdir)
    stage = Stage(topology)
    figures = {}
    try:
        try:
            setup_seconds = topology.start()
        except Exception as error:  # noqa: BLE001 - say what failed to start, then stop everything
            traceback.print_exc()
            print(f"The topology could not be set up: {error}", file=sys.stderr)
            return 2
        figures["setup seconds"] = round(setup_seconds, 1)
        say(f"servers marked down during the set-up: {stage.marked_down()}")
        stage.run("sessions", "—", stage.check_sessions)
        stage.run("files", "—", stage.check_files)
        if "file_id" not in stage.context:
            stage.context["file_id"] = 0
        stage.run("load", "16 connections, 30 s, mixed URLs", stage.check_load)
        stage.run("app server killed", "SIGKILL one server under load", stage.check_app_killed)
        stage.run("operations", "—", stage.check_operations)
        stage.run("worker killed", "SIGKILL one worker mid-batch of 100 e-mails", stage.check_worker_killed)
        stage.run("standby lag", "replay paused", stage.check_standby_lag)
        stage.run("standby down", "standby stopped", stage.check_standby_down)
        stage.run("storage down", "S3 server stopped / hung", stage.check_storage_down)
        stage.run("Redis down", "own Redis stopped", stage.check_redis_down)
        figures.update(stage.figures())
        stage.run("primary failover", "primary stopped, standby promoted", stage.check_failover)
    finally:
        stopped = engines.stop_all()
        left = engines.leftovers()
        figures["stage seconds"] = round(time.monotonic() - began, 1)
        if left:
            stage.record("cleanup", "—", False, f"processes still running: {left}")
        say(f"stopped {len(stopped)} processes")
    print(table(stage.results, figures))
    (workdir / "results.json").write_text(json.dumps({"results": stage.results, "figures": figures}, indent=2))
    if not options.keep:
        for name in ("static", "backup.zip"):
            path = workdir / name
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink()
    return 0 if stage.results and all(r["passed"] for r in stage.results) else 1


if __name__ == "__main__":
    sys.exit(main())
