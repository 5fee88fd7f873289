"""Run the real task worker (`manage.py db_worker`) and commands in other processes, on the test database.

With SQLite in memory (the default test database) the data is copied to a file for the
other processes and copied back afterwards (SQLite's backup API); with an SQLite file or
PostgreSQL they use the test database itself. Use inside a TransactionTestCase, so what the
test wrote is committed and visible to them.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
MAIL_BACKEND = "circulation.tests.mailbackend.FileDropBackend"


class OtherProcesses:
    def __init__(self, mail_dir, **env):
        self.mail_dir = mail_dir
        self.extra_env = env
        self.file = None
        self.procs = []

    def __enter__(self):
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            if connection.is_in_memory_db():
                handle, name = tempfile.mkstemp(suffix=".sqlite3", prefix="enlace-worker-")
                os.close(handle)
                self.file = name
                self.push()
                self.url = f"sqlite:///{name}"
            else:
                self.url = f"sqlite:///{connection.settings_dict['NAME']}"
        else:
            d = connection.settings_dict
            auth = quote(d["USER"] or "") + (":" + quote(d["PASSWORD"]) if d.get("PASSWORD") else "")
            host = d.get("HOST") or "127.0.0.1"
            port = d.get("PORT") or "5432"
            self.url = f"postgres://{auth}@{host}:{port}/{d['NAME']}"
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        if self.file:
            self.pull()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.file + suffix):
                    os.unlink(self.file + suffix)

    # SQLite in memory: copy the test database to the file, and back.
    def push(self):
        if self.file:
            target = sqlite3.connect(self.file)
            connection.connection.backup(target)
            target.close()

    def pull(self):
        if self.file:
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()

    def env(self, **extra):
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "EMAIL_BACKEND": MAIL_BACKEND,
            "ENLACE_TEST_MAIL_DIR": str(self.mail_dir),
            "DEBUG": "1",
            "PYTHONPATH": str(BASE_DIR),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("TASKS_BACKEND", None)
        env.update({k: str(v) for k, v in {**self.extra_env, **extra}.items()})
        return env

    def start_worker(self, *args, **env):
        cmd = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.05"]
        proc = subprocess.Popen(
            [*cmd, *args], cwd=BASE_DIR, env=self.env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        return proc

    def run_worker_batch(self, timeout=60, **env):
        """Run a worker until nothing is left to do."""
        proc = self.start_worker("--batch", **env)
        out, _ = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, out.decode(errors="replace")
        return out.decode(errors="replace")

    def manage(self, *args, timeout=60, **env):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env(**env),
            capture_output=True,
            timeout=timeout,
        )
        assert done.returncode == 0, (done.stdout + done.stderr).decode(errors="replace")
        return done.stdout.decode(errors="replace")

    @staticmethod
    def kill(proc):
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)


def wait_until(predicate, timeout=30, every=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    raise AssertionError("timed out waiting")
