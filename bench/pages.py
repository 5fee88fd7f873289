"""Pages near the platform's floor: each main page against a trivial Django page, same server, same load.

    python -m bench.pages [--practices 10000] [--points 50000] [--commitments 5000] [--seconds 5]
                          [--rounds 3] [--connections 16] [--workers 2] [--users 50] [--only NAME,…]

Builds a throw-away database — on the PostgreSQL server of DATABASE_URL when it is set (a database
of its own, dropped at the end), else SQLite in a temporary folder — with the demo data plus bulk
data (published practices, map locations, commitments), then starts two gunicorn servers as in
production (DEBUG off, collected static files): Enlace, and `bench.trivial` (one query, a small
template). `wrk` (apt install wrk) drives both with the same load, interleaved — the trivial page,
then the page, for every page, `--rounds` times — and the signed-in pages carry a member's
session (the TS's for the TS's pages). One line per page:

    page name=… rps=… p95_ms=… baseline_rps=… ratio=… queries=… kb=…

(rps and p95 are medians over the rounds; ratio = rps / baseline_rps; queries and kb are one
request's, measured in this process), then the mixed load — `--users` sessions rotating over the
signed-in pages for `--mixed-seconds` on five workers, beside the trivial page under the same load:

    mixed users=50 seconds=60 rps=… p95_ms=… errors=… baseline_rps=… baseline_p95_ms=…

the workers' memory (`memory worker_rss_mb=…`), and last `pages min_ratio=… median_ratio=…`.
"""

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import types
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-pages-" + "s" * 50
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p95_us=%d errors=%d bytes=%d\\n",
    summary.requests, summary.duration, latency:percentile(95), e.connect + e.read + e.write + e.status + e.timeout,
    summary.bytes))
end
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- the database --------------------------------------------------------------------------


def throwaway_database(tmp):
    """Point DATABASE_URL at a new database; return a function that drops it."""
    server = os.environ.get("DATABASE_URL", "")
    if server.startswith("postgres"):
        import psycopg

        name = f"enlace_bench_pages_{os.getpid()}"
        admin = server.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = server.rsplit("/", 1)[0] + "/" + name

        def drop():
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return drop
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    return lambda: None


def production_env(tmp):
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "RATE_LIMIT_SEARCH": "",
        "RATE_LIMIT_API_WRITES": "",
        "ENLACE_DEMO": "1",
    }


def build_data(args, rng):
    """Migrate, load the demo, add the bulk data (in this process, configured like the servers)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-sign-ins", stdout=open(os.devnull, "w"))  # noqa: SIM115
    log(f"demo loaded ({time.perf_counter() - started:.0f} s)")
    if args.practices:
        from bench.search import generate

        generate(args.practices, rng, log)
    if args.points:
        from directory import synthetic

        synthetic.create(args.points)
        log(f"{args.points} map locations created")
    if args.commitments:
        add_commitments(args.commitments)
        log(f"{args.commitments} commitments added")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def add_commitments(count):
    from bench.meetings import add_commitments as bulk
    from meetings.models import Agreement, Meeting, MeetingStatus
    from network.models import Country, Organization

    meeting = Meeting.objects.filter(status=MeetingStatus.PUBLISHED, reports__isnull=False).first()
    agreements = list(Agreement.objects.filter(version__meeting=meeting))
    countries = {country.code.code: country for country in Country.objects.all()}
    network = types.SimpleNamespace(countries=countries, mx=countries["MX"], iom=Organization.objects.first())
    start = meeting.commitments.count() + 1000
    for offset in range(0, count, 1000):
        bulk(network, meeting, agreements, min(1000, count - offset), start + offset)


# ---- what is measured --------------------------------------------------------------------------


def pages():
    """(name, path, who): who is None (anonymous), "member" (Guatemala's officer) or "ts"."""
    from django.urls import reverse

    from circulation.models import Circular
    from comparisons.models import Round
    from meetings.models import Meeting, MeetingStatus
    from network.models import Body, Organization
    from plan.models import FollowUpReport, Plan
    from practices.models import Practice, Status

    plan = Plan.objects.filter(visibility="public").order_by("pk").first()
    plan_reader = None if plan else "member"
    plan = plan or Plan.objects.order_by("pk").first()
    report = FollowUpReport.objects.filter(plan=plan, country__code="GT").order_by("-year").first()
    round_ = Round.objects.filter(analysis__visibility="public").order_by("pk").first() or Round.objects.first()
    practice = Practice.objects.filter(status=Status.PUBLISHED, is_demo=True).first()
    meeting = Meeting.objects.filter(status=MeetingStatus.PUBLISHED, visibility="public").first()
    circular = Circular.objects.filter(sent_at__isnull=False).order_by("pk").first()
    year = report.year if report else plan.start_year
    listed = [
        ("home", "/", None),
        ("country", reverse("network:country", args=["gt"]), None),
        ("body", reverse("network:body", args=[Body.objects.order_by("pk").first().slug]), None),
        ("organization", reverse("network:organization", args=[Organization.objects.order_by("pk").first().pk]), None),
        ("practice-search", "/practices/?q=ni%C3%B1ez+migrante+retorno", None),
        ("practice", practice.get_absolute_url(), None),
        ("meeting", meeting.get_absolute_url(), None),
        ("map", "/map/", None),
        ("map-api", "/map/data.json?bbox=-120,5,-60,35&zoom=4", None),
        ("map-api-country", "/map/data.json?bbox=-93,13,-88,18&zoom=7&country=GT", None),
        ("api-practices", "/api/v1/practices/search?q=ni%C3%B1ez", None),
        ("api-meetings", "/api/v1/meetings", None),
        ("comparison-matrix", reverse("comparisons:matrix", args=[round_.analysis_id, round_.number]), None),
        ("plan-matrix", reverse("plan:matrix", args=[plan.pk, year]), plan_reader),
        ("api-commitments", "/api/v1/commitments?limit=50", "member"),
        ("board", "/meetings/follow-up/", "member"),
        ("our-commitments", "/meetings/follow-up/?ours=on", "member"),
        ("my-work", "/circulars/my-work/", "member"),
        ("plan-tree", reverse("plan:plan", args=[plan.pk]), "member"),
        ("plan-report", report.get_absolute_url() if report else reverse("plan:plan", args=[plan.pk]), "member"),
        ("notifications", "/circulars/notifications/", "member"),
        ("circular-board", reverse("circulation:board", args=[circular.pk]), "ts"),
    ]
    return listed


def sessions(count):
    """Session cookies of signed-in demo accounts: {"member": …, "ts": …} and `count` rotating members."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects.filter(is_active=True, person__isnull=False, email__endswith="@enlace.example")
    member = users.get(email="guatemala@enlace.example")
    ts = users.get(email="ts@enlace.example")
    from core.testing import give_totp

    give_totp(ts)  # TS accounts need a second factor before any page
    cookies = {}
    for key, user in (("member", member), ("ts", ts)):
        client = Client()
        client.force_login(user)
        cookies[key] = f"sessionid={client.cookies['sessionid'].value}"
    members = [user for user in users.exclude(pk=ts.pk) if user.email != "partner@enlace.example"]
    rotating = []
    for index in range(count):
        client = Client()
        client.force_login(members[index % len(members)])
        rotating.append(f"sessionid={client.cookies['sessionid'].value}")
    return cookies, rotating


def one_request(path, who, users):
    """(queries, kb) of one request, in this process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if who:
        client.force_login(users[who])
    client.get(path)  # warm up
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in this process")
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    return len(queries), len(body) / 1024


def profile(name, path, who, users, runs=30):
    """Print where one page's time goes: cProfile over `runs` requests, the 30 costliest functions."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    if who:
        client.force_login(users[who])
    client.get(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for _run in range(runs):
        client.get(path)
    profiler.disable()
    print(f"profile name={name} ms_per_request={(time.perf_counter() - started) * 1000 / runs:.1f}")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


# ---- servers and load --------------------------------------------------------------------------


class Server:
    def __init__(self, name, app, env, workers, tmp):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(workers), "--limit-request-line", "8190"]
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=5)  # noqa: S310 - http://127.0.0.1
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{name} did not start: see {self.log.name}")

    def worker_rss_mb(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        sizes = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def wrk(url, seconds, connections, script, headers=()):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    values = dict(part.split("=") for part in line.split()[1:])
    requests = int(values["requests"])
    return {
        "rps": requests / (int(values["duration_us"]) / 1e6),
        "p95_ms": int(values["p95_us"]) / 1000,
        "errors": int(values["errors"]),
        "kb": int(values["bytes"]) / max(requests, 1) / 1024,
    }


def rotating_script(tmp, paths, cookies):
    script = tmp / "mixed.lua"
    listed = ", ".join(json.dumps(path) for path in paths)
    jar = ", ".join(json.dumps(cookie) for cookie in cookies)
    script.write_text(
        f"local paths = {{{listed}}}\nlocal cookies = {{{jar}}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n"
        "  local cookie = cookies[(math.floor(n / #paths) % #cookies) + 1]\n"
        "  return wrk.format('GET', paths[(n % #paths) + 1], {Cookie = cookie})\n"
        "end\n" + REPORT_LUA
    )
    return script


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--practices", type=int, default=10000)
    parser.add_argument("--points", type=int, default=50000)
    parser.add_argument("--commitments", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--mixed-seconds", type=int, default=60)
    parser.add_argument("--only", default="", help="comma-separated page names")
    parser.add_argument("--profile", default="", help="profile these pages in this process instead of loading them")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench.pages needs wrk (apt install wrk).")
    rng = random.Random(20261205)
    tmp = Path(tempfile.mkdtemp(prefix="enlace-bench-pages-"))
    drop = throwaway_database(tmp)
    env = production_env(tmp)
    os.environ.update(env)  # this process builds the data and counts queries as the servers run
    servers = []
    try:
        build_data(args, rng)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
        )
        from django.contrib.auth import get_user_model

        listed = pages()
        if args.only:
            wanted = set(args.only.split(","))
            listed = [page for page in listed if page[0] in wanted]
        cookies, rotating = sessions(args.users)
        accounts = get_user_model().objects
        users = {
            "member": accounts.get(email="guatemala@enlace.example"),
            "ts": accounts.get(pk=_session_user(cookies["ts"])),
        }
        measured = {name: one_request(path, who, users) for name, path, who in listed}
        if args.profile:
            for name, path, who in listed:
                if name in args.profile.split(","):
                    profile(name, path, who, users)
            return
        enlace = Server("enlace", "config.wsgi", env, args.workers, tmp)
        trivial_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.trivial"}
        trivial = Server("trivial", "bench.trivial:application", trivial_env, args.workers, tmp)
        servers += [enlace, trivial]
        report = tmp / "report.lua"
        report.write_text(REPORT_LUA)
        results = {name: {"page": [], "base": []} for name, _path, _who in listed}
        for round_ in range(args.rounds):
            for name, path, who in listed:
                headers = [f"Cookie: {cookies[who]}"] if who else []
                results[name]["base"].append(wrk(trivial.url + "/", args.seconds, args.connections, report))
                run = wrk(enlace.url + path, args.seconds, args.connections, report, headers)
                if run["errors"]:
                    raise RuntimeError(f"{name}: {run['errors']} errors under load (round {round_ + 1})")
                results[name]["page"].append(run)
            log(f"round {round_ + 1}/{args.rounds} done")
        ratios = []
        for name, _path, _who in listed:
            page_rps = statistics.median(r["rps"] for r in results[name]["page"])
            base_rps = statistics.median(r["rps"] for r in results[name]["base"])
            p95 = statistics.median(r["p95_ms"] for r in results[name]["page"])
            queries, kb = measured[name]
            ratios.append(page_rps / base_rps)
            print(
                f"page name={name} rps={page_rps:.0f} p95_ms={p95:.1f} baseline_rps={base_rps:.0f} "
                f"ratio={page_rps / base_rps:.2f} queries={queries} kb={kb:.1f}",
                flush=True,
            )
        rss = enlace.worker_rss_mb()
        print(f"memory worker_rss_mb={','.join(f'{size:.0f}' for size in rss)}", flush=True)
        for server in servers:
            server.stop()
        servers = []
        if args.users and args.mixed_seconds:
            # What every member may open (not Guatemala's own report), and public pages read while signed in.
            signed_in = [path for name, path, who in listed if who == "member" and name != "plan-report"]
            signed_in += [path for name, path, _who in listed if name in ("home", "practice-search", "map-api")]
            enlace = Server("enlace-mixed", "config.wsgi", env, 5, tmp)
            trivial = Server("trivial-mixed", "bench.trivial:application", trivial_env, 5, tmp)
            servers += [enlace, trivial]
            mixed = wrk(enlace.url, args.mixed_seconds, args.users, rotating_script(tmp, signed_in, rotating))
            base = wrk(trivial.url + "/", args.mixed_seconds, args.users, report)
            print(
                f"mixed users={args.users} seconds={args.mixed_seconds} rps={mixed['rps']:.0f} "
                f"p95_ms={mixed['p95_ms']:.1f} errors={mixed['errors']} baseline_rps={base['rps']:.0f} "
                f"baseline_p95_ms={base['p95_ms']:.1f}",
                flush=True,
            )
        print(f"pages min_ratio={min(ratios):.2f} median_ratio={statistics.median(ratios):.2f}", flush=True)
    finally:
        for server in servers:
            server.stop()
        from django.db import connections

        connections.close_all()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


def _session_user(cookie):
    from django.contrib.sessions.backends.db import SessionStore

    return SessionStore(session_key=cookie.split("=", 1)[1])["_auth_user_id"]


if __name__ == "__main__":
    main()
