"""Start every engine of deploy/scale/engines.py in /tmp/enlace-scale-try and prove each one works.

    .venv/bin/python deploy/scale/try_engines.py

Checks: replication primary -> standby, paused replay makes lag grow, promotion after the
primary stops, PgBouncer forwarding and re-pointed to the promoted standby, HAProxy balancing
two stub servers, its stats socket, its cache rules and a killed server going DOWN, S3 with the
right key / a wrong key / after a restart / hung, Redis, the SMTP sink; then stop_all() and
nothing left running. Prints the start-up time of each engine. Exit status 0 when all pass.
"""

from __future__ import annotations

import email.message
import email.utils
import json
import shutil
import signal
import smtplib
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import engines as E  # noqa: E402

WORKDIR = Path("/tmp/enlace-scale-try")  # noqa: S108
PORTS = {
    "primary": 26401,
    "standby": 26402,
    "pgbouncer": 26403,
    "redis": 26404,
    "smtp": 26405,
    "haproxy": 26410,
    "app1": 26411,
    "app2": 26412,
    "s3": 26420,  # and 26421-26427 (master, volume, filer, their gRPC ports, S3 gRPC)
}
STUB = Path(__file__).resolve().parent / "http_stub.py"

results: list[tuple[str, bool, str]] = []
timings: dict[str, float] = {}


def check(name: str, ok: bool, detail: str = "") -> bool:
    results.append((name, bool(ok), detail))
    print(f"  {'PASS' if ok else 'FAIL'}  {name}{'  (' + detail + ')' if detail else ''}", flush=True)
    return bool(ok)


def start(engine: E.Process) -> E.Process:
    seconds = engine.start()
    timings[engine.name] = seconds
    print(f"started {engine.name:<10} port {engine.port:<6} pid {engine.pid:<7} in {seconds:.2f}s", flush=True)
    return engine


def http_get(url: str, headers: dict | None = None, timeout: float = 5.0) -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (http://127.0.0.1 only)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()


# ----------------------------------------------------------------------------------------------


def try_postgres() -> tuple[E.Primary, E.Standby, E.PgBouncer]:
    print("\n== PostgreSQL primary, standby, PgBouncer")
    primary = start(E.Primary(WORKDIR, PORTS["primary"]))
    primary.psql("CREATE TABLE probe (id int PRIMARY KEY, note text)", db="enlace", user="enlace")
    primary.psql("INSERT INTO probe VALUES (1, 'before standby')", db="enlace", user="enlace")
    standby = start(E.Standby(WORKDIR, PORTS["standby"], primary))
    check("standby is in recovery", standby.is_in_recovery())
    primary.psql("INSERT INTO probe VALUES (2, 'streamed')", db="enlace")
    waited = standby.wait_caught_up(10)
    check(
        "row written on primary visible on standby",
        standby.psql("SELECT note FROM probe WHERE id = 2", db="enlace") == "streamed",
        f"after {waited:.2f}s",
    )
    check(
        "primary sees the standby streaming",
        [r["state"] for r in primary.replication()] == ["streaming"],
        str(primary.replication()),
    )

    standby.pause_replay()
    check("replay paused", standby.replay_paused())
    for i in range(3, 6):
        primary.psql(f"INSERT INTO probe VALUES ({i}, 'while paused')", db="enlace")  # noqa: S608
        time.sleep(0.5)
    lag1 = standby.lag_seconds()
    time.sleep(1.0)
    lag2 = standby.lag_seconds()
    check(
        "lag grows while replay is paused",
        lag2 > lag1 >= 1.0,
        f"{lag1:.2f}s then {lag2:.2f}s, {standby.lag_bytes():.0f} bytes",
    )
    check(
        "standby does not show rows written during the pause",
        standby.psql("SELECT count(*) FROM probe", db="enlace") == "2",
    )
    standby.resume_replay()
    standby.wait_caught_up(10)
    check(
        "after resume the standby catches up, lag 0",
        standby.psql("SELECT count(*) FROM probe", db="enlace") == "5" and standby.lag_seconds() == 0.0,
    )

    bouncer = start(E.PgBouncer(WORKDIR, PORTS["pgbouncer"], E.LOCALHOST, PORTS["primary"]))
    check(
        "PgBouncer forwards queries (as enlace)",
        bouncer.psql("SELECT count(*) FROM probe", db="enlace", user="enlace") == "5",
    )
    bouncer.psql("INSERT INTO probe VALUES (6, 'via pgbouncer')", db="enlace", user="enlace")
    check("PgBouncer admin console answers", "enlace" in bouncer.admin("SHOW POOLS"))
    check("PgBouncer pool_mode is transaction", "transaction" in bouncer.admin("SHOW POOLS"))

    # failover: the primary dies, PgBouncer fails fast, the standby is promoted, PgBouncer re-pointed
    standby.wait_caught_up(10)
    primary.stop("immediate")
    check("primary stopped (immediate)", not primary.running and not primary.is_ready())
    t0 = time.monotonic()
    try:
        bouncer.psql("SELECT 1", db="enlace", user="enlace", timeout=30)
        failed = False
    except E.EngineError:
        failed = True
    check(
        "PgBouncer fails fast while no backend",
        failed and time.monotonic() - t0 < 8,
        f"error after {time.monotonic() - t0:.2f}s",
    )
    took = standby.promote()
    check("standby promoted", not standby.is_in_recovery(), f"pg_promote took {took:.2f}s")
    standby.psql("INSERT INTO probe VALUES (7, 'on promoted standby')", db="enlace")
    bouncer.repoint(E.LOCALHOST, standby.port)
    t0 = time.monotonic()
    while True:
        try:
            count = bouncer.psql("SELECT count(*) FROM probe", db="enlace", user="enlace")
            break
        except E.EngineError:
            if time.monotonic() - t0 > 15:
                count = "error"
                break
            time.sleep(0.2)
    check(
        "PgBouncer re-pointed to the promoted standby",
        count == "7",
        f"{count} rows, answered after {time.monotonic() - t0:.2f}s",
    )
    bouncer.psql("INSERT INTO probe VALUES (8, 'write via pgbouncer after failover')", db="enlace", user="enlace")
    check(
        "writes through PgBouncer after failover",
        standby.psql("SELECT note FROM probe WHERE id = 8", db="enlace") == "write via pgbouncer after failover",
    )
    check("PgBouncer SHOW DATABASES names the new port", f"{standby.port}" in bouncer.admin("SHOW DATABASES"))
    return primary, standby, bouncer


def try_haproxy() -> None:
    print("\n== HAProxy and two stub app servers")
    apps = [
        start(
            E.Process(
                name,
                [sys.executable, str(STUB), "--port", str(PORTS[name]), "--name", name],
                workdir=WORKDIR,
                port=PORTS[name],
            )
        )
        for name in ("app1", "app2")
    ]
    proxy = start(
        E.HAProxy(
            WORKDIR,
            PORTS["haproxy"],
            [(E.LOCALHOST, PORTS["app1"]), (E.LOCALHOST, PORTS["app2"])],
            maxconn_per_server=2,
            check_inter="500ms",
            check_fastinter="250ms",
            timeout_check="1s",
            check_fall=2,
            check_rise=1,
        )
    )
    for name in ("app1", "app2"):
        proxy.wait_state(name, "UP", timeout=10)
    states = proxy.server_states()
    check("stats socket: both servers UP", states == {"app1": "UP", "app2": "UP"}, str(states))

    seen = [http_get(proxy.url + "/whoami")[2] for _ in range(10)]
    check("roundrobin over both servers", seen.count("app1") == 5 and seen.count("app2") == 5, " ".join(seen))
    forwarded = json.loads(http_get(proxy.url + "/headers", {"X-Forwarded-For": "203.0.113.9"})[2])
    check(
        "X-Forwarded-For appended, X-Forwarded-Proto set",
        forwarded.get("x-forwarded-for", "").replace(" ", "") == "203.0.113.9,127.0.0.1"
        and forwarded.get("x-forwarded-proto") == "http",
        str(forwarded),
    )

    def twice(path, headers=None):
        first = http_get(proxy.url + path, headers)
        second = http_get(proxy.url + path, headers)
        return first, second

    a, b = twice("/public")
    check("public response cached", b[1].get("x-cache-hit") == "1" and a[2] == b[2], f"{a[2]!r} then {b[2]!r}")
    _, b = twice("/public", {"Cookie": "sessionid=abc"})
    check("cache not used with a session cookie", b[1].get("x-cache-hit") == "0")
    _, b = twice("/public-cookie")
    check("public response with Set-Cookie not cached", b[1].get("x-cache-hit") == "0")
    _, b = twice("/public-vary-cookie")
    check("public response with Vary: Cookie not cached", b[1].get("x-cache-hit") == "0")
    _, b = twice("/public-vary-ae")
    check("public response with Vary: Accept-Encoding cached", b[1].get("x-cache-hit") == "1")
    _, b = twice("/whoami")
    check("no-store response not cached", b[1].get("x-cache-hit") == "0")

    # a killed server: requests still succeed (retries + redispatch), and it becomes DOWN
    t0 = time.monotonic()
    apps[1].kill(signal.SIGKILL)
    apps[1].wait_exit(5)  # (a request in flight while it dies would rightly get a 502)
    answers = [http_get(proxy.url + "/whoami") for _ in range(6)]
    check(
        "no failed request while app2 dies",
        all(s == 200 for s, _, _ in answers),
        " ".join(f"{s}:{body}" for s, _, body in answers),
    )
    proxy.wait_state("app2", "DOWN", timeout=15)
    check(
        "killed server becomes DOWN",
        proxy.server_states()["app2"] == "DOWN",
        f"after {time.monotonic() - t0:.2f}s; {proxy.server_states()}",
    )
    apps[1].stop()
    start(apps[1])
    waited = proxy.wait_state("app2", "UP", timeout=15)
    check("restarted server is UP again", True, f"after {waited:.2f}s")


def try_s3() -> None:
    print("\n== SeaweedFS S3")
    s3 = start(E.SeaweedS3(WORKDIR, PORTS["s3"], bucket="media"))
    s3.create_bucket()
    s3.create_bucket("other")
    status, _, _ = s3.request("PUT", "/media/probe/hello.txt", body=b"hello from the scale stage")
    check("PUT with the bucket's key (signed by engines.s3_request)", status == 200, f"HTTP {status}")
    status, _, body = s3.request("GET", "/media/probe/hello.txt")
    check("GET with the bucket's key", status == 200 and body == b"hello from the scale stage")
    status, _, body = s3.request("GET", "/media/probe/hello.txt", access_key=s3.access_key, secret_key="wrong")  # noqa: S106
    check("wrong secret refused (s3_request)", status == 403, f"HTTP {status} {body[:80]!r}")
    status, _, _ = s3.request("PUT", "/other/x.txt", body=b"x")
    check("the bucket's key refused on another bucket", status == 403, f"HTTP {status}")
    status, _, _ = http_get(s3.endpoint + "/media/probe/hello.txt")
    check("anonymous GET refused", status == 403, f"HTTP {status}")

    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import ClientError
    except ImportError:
        print("  (boto3 not installed: boto3 checks skipped)")
        boto3 = None
    if boto3:

        def client(secret):
            return boto3.client(
                "s3",
                endpoint_url=s3.endpoint,
                aws_access_key_id=s3.access_key,
                aws_secret_access_key=secret,
                region_name="us-east-1",
                config=Config(
                    s3={"addressing_style": "path"}, retries={"max_attempts": 1}, connect_timeout=2, read_timeout=5
                ),
            )

        good, bad = client(s3.secret_key), client("wrong-secret")
        good.put_object(Bucket="media", Key="probe/boto3.txt", Body=b"boto3 body")
        check(
            "boto3 put/get with the right key",
            good.get_object(Bucket="media", Key="probe/boto3.txt")["Body"].read() == b"boto3 body",
        )
        try:
            bad.get_object(Bucket="media", Key="probe/boto3.txt")
            check("boto3 with a wrong key refused", False, "accepted!")
        except ClientError as exc:
            check(
                "boto3 with a wrong key refused",
                exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403,
                exc.response["Error"]["Code"],
            )

    stopped_in = s3.stop()
    check("S3 stopped", not s3.running and not s3.storage.running, f"in {stopped_in:.2f}s")
    seconds = s3.start()
    timings["s3 (restart)"] = seconds
    status, _, body = s3.request("GET", "/media/probe/hello.txt")
    check(
        "data survives stop/start",
        status == 200 and body == b"hello from the scale stage",
        f"restart took {seconds:.2f}s",
    )
    status, _, _ = s3.request("PUT", "/media/probe/after-restart.txt", body=b"new")
    status2, _, body = s3.request("GET", "/media/probe/hello.txt")
    check("writes after restart do not overwrite old files", status == 200 and body == b"hello from the scale stage")

    s3.kill(signal.SIGKILL)  # a crash of the gateway and master/volume/filer
    s3.stop()
    seconds = s3.start()
    timings["s3 (after kill)"] = seconds
    status, _, body = s3.request("GET", "/media/probe/after-restart.txt")
    check("data survives a SIGKILL", status == 200 and body == b"new", f"restart took {seconds:.2f}s")

    s3.hang()
    t0 = time.monotonic()
    try:
        s3.request("GET", "/media/probe/hello.txt", timeout=1.0)
        hung = False
    except (TimeoutError, OSError):
        hung = True
    check("hang(): a request times out", hung, f"after {time.monotonic() - t0:.2f}s")
    s3.unhang()
    status, _, _ = s3.request("GET", "/media/probe/hello.txt")
    check("unhang(): answers again", status == 200)


def try_redis_and_smtp() -> None:
    print("\n== Redis and the SMTP sink")
    redis = start(E.Redis(WORKDIR, PORTS["redis"]))
    check("redis PING", redis.ping())
    redis.execute("SET", "probe", "value")
    check("redis SET/GET", redis.execute("GET", "probe") == "value")
    check(
        "redis has no persistence",
        redis.execute("CONFIG", "GET", "save") == ["save", ""]
        and redis.execute("CONFIG", "GET", "appendonly") == ["appendonly", "no"],
    )
    redis.pause()
    check("paused redis does not answer", not redis.ping(timeout=0.5))
    redis.resume()
    check("resumed redis answers", redis.ping())

    sink = start(E.SmtpSink(WORKDIR, PORTS["smtp"], delay_seconds=0.5))
    message = email.message.EmailMessage()
    message["From"] = "enlace@example.org"
    message["To"] = "reader@example.org"
    message["Subject"] = "Probe ñ"
    message["Message-ID"] = email.utils.make_msgid(domain="enlace.test")
    message.set_content("hello")
    t0 = time.monotonic()
    with smtplib.SMTP(E.LOCALHOST, PORTS["smtp"], timeout=10) as smtp:
        smtp.send_message(message)
    sent_in = time.monotonic() - t0
    received = sink.wait_for(1, timeout=5)
    got = received[0]
    check(
        "SMTP sink received the message",
        got["message_id"] == message["Message-ID"]
        and got["to"] == ["reader@example.org"]
        and got["from"] == "enlace@example.org"
        and got["subject"] == "Probe ñ",
        json.dumps(got, ensure_ascii=False),
    )
    check("SMTP sink is slow by delay_seconds", sent_in >= 0.5, f"send took {sent_in:.2f}s")


def ps_leftovers() -> list[str]:
    """Lines of `ps` naming the work directory or one of our ports."""
    out = subprocess.run(["/usr/bin/ps", "-eo", "pid,user,args"], capture_output=True, text=True).stdout
    marks = [str(WORKDIR)] + [str(p) for p in PORTS.values()]
    return [
        line
        for line in out.splitlines()[1:]
        if any(m in line for m in marks) and "try_engines" not in line and "ps -eo" not in line
    ]


def main() -> int:
    E.install_signal_handlers()
    killed = E.reap_stale(WORKDIR)
    if killed:
        print(f"ended {len(killed)} processes left by an earlier run: {killed}")
    shutil.rmtree(WORKDIR, ignore_errors=True)
    print("versions:", json.dumps(E.versions(), indent=1))
    t0 = time.monotonic()
    try:
        try_postgres()
        try_haproxy()
        try_s3()
        try_redis_and_smtp()
    except Exception as exc:  # report, then still stop everything
        import traceback

        traceback.print_exc()
        check(f"stage ran without an exception ({type(exc).__name__})", False, str(exc)[:500])
    total = time.monotonic() - t0

    print("\n== stop_all")
    t1 = time.monotonic()
    stopped = E.stop_all()
    print(f"stopped {stopped} in {time.monotonic() - t1:.2f}s")
    check("leftovers() is empty", not E.leftovers(), str(E.leftovers()))
    lines = ps_leftovers()
    check("ps shows nothing of ours", not lines, "; ".join(lines))

    print("\n== start-up times")
    for name, seconds in timings.items():
        print(f"  {name:<14} {seconds:6.2f}s")
    print(
        f"  {'sum':<14} {sum(v for k, v in timings.items() if '(' not in k):6.2f}s"
        f" (whole try, checks included: {total:.1f}s)"
    )
    failed = [r for r in results if not r[1]]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
