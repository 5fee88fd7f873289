"""Benchmark the follow-up board at 50,000 commitments: sorted on its stored key, read through its index.

    python -m bench.board [--commitments 50000] [--runs 30] [--use-database-url]

Builds a throwaway database (an SQLite file in a temporary folder, or, with --use-database-url, a
database `enlace_bounded_board_<pid>` it creates on DATABASE_URL's PostgreSQL server and drops at the
end), imports the seed report and adds commitments (bulk, spread over statuses, actors and due dates)
until there are --commitments. For each board — the TS's open board (the default), Mexico's "ours",
the TS's overdue ones — it prints one line:

    board db=… commitments=N case=… page_p50_ms=… page_p95_ms=… queries=… p50_ms=… p95_ms=…
        baseline_p50_ms=… ratio=… count_p50_ms=… full_count_p50_ms=…

`page_*` is the whole page (`/meetings/follow-up/`, page cache off) and its queries; `count_p50_ms`
the page's count (core.paging.ReachPaginator: up to 1,000) and `full_count_p50_ms` the full COUNT
the page ran before; `p50_ms`/`p95_ms`
the board's first page of rows alone (25 commitments with their actors), and `baseline_p50_ms` the
same rows read as the board read them before issue 21 (sorted on a Case/When rank computed per row,
no index to serve it), in the same run; `ratio` = p50 / baseline p50. On PostgreSQL it then prints
each board's plan and whether it reads `commitment_board_idx`:

    board explain case=… index_used=yes|no
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.map import p95

PAGE = 25  # the board's page size (meetings/views/followup.py)
INDEX = "commitment_board_idx"


def setup_database(tmp, server_url):
    """Use a throwaway database: an SQLite file in `tmp`, or a new database on a PostgreSQL server."""
    name = ""
    if server_url:
        import psycopg

        name = f"enlace_bounded_board_{os.getpid()}"
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = server_url.rsplit("/", 1)[0] + "/" + name
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["PAGE_CACHE"] = "0"  # the page's own cost, not the page cache's
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return name


def drop_database(server_url, name):
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def legacy_board(user, *, status, ours, today):
    """The board's rows as read before (issue 21): status IN (…) and a Case/When rank computed per row."""
    from django.db.models import Case, Exists, F, IntegerField, OuterRef, Value, When

    from core import access
    from meetings.access import actor_q
    from meetings.models import OPEN_STATUSES, Commitment, CommitmentActor

    rows = access.restrict(Commitment.objects.for_board(), user)
    if status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif status == "overdue":
        rows = rows.filter(status__in=OPEN_STATUSES, due_by__lt=today)
    if ours:
        mine = CommitmentActor.objects.filter(commitment=OuterRef("pk")).filter(actor_q(access.principal_for(user)))
        rows = rows.filter(Exists(mine.filter(status__in=OPEN_STATUSES)))
    rank = Case(
        When(status__in=OPEN_STATUSES, due_by__lt=today, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = rows.annotate(overdue_rank=rank)
    return rows.order_by(
        "overdue_rank",
        F("due_by").asc(nulls_last=True),
        "-meeting__start_date",
        "agreement__position",
        "agreement__sub_position",
        "position",
        "pk",
    )


def add_commitments(n, meeting, agreements, count, rng):
    """Add `count` commitments (bulk) over the seed's agreements: a mix of statuses, a tenth undated,
    due dates spread over 2017–2030, each with one actor (TS, PPT, a country, IOM) and a third with Mexico."""
    import datetime

    from meetings.models import ActorKind, Commitment, CommitmentActor

    countries = list(n.countries.values())
    statuses = ["pending"] * 4 + ["in_progress"] * 2 + ["done"] * 3 + ["dropped"]
    first_day, days = datetime.date(2017, 1, 1), 14 * 365
    rows = []
    for i in range(count):
        due = None if rng.random() < 0.1 else first_day + datetime.timedelta(days=rng.randrange(days))
        rows.append(
            Commitment(
                meeting=meeting,
                agreement=agreements[i % len(agreements)],
                position=1 + i // len(agreements),
                action_en=f"Generated action {i}",
                action_es=f"Acción generada {i}",
                due_date=due,
                due_by=due,
                status=rng.choice(statuses),
            )
        )
    created = Commitment.objects.bulk_create(rows, batch_size=2000)
    actors = []
    for index, commitment in enumerate(created):
        kind = rng.choice([ActorKind.TS, ActorKind.PPT, ActorKind.COUNTRY, ActorKind.ORGANIZATION])
        country = rng.choice(countries) if kind == ActorKind.COUNTRY else None
        organization = n.iom if kind == ActorKind.ORGANIZATION else None
        actors.append(CommitmentActor(commitment=commitment, kind=kind, country=country, organization=organization))
        if index % 3 == 0 and country != n.mx:
            actors.append(CommitmentActor(commitment=commitment, kind=ActorKind.COUNTRY, country=n.mx))
    for actor in actors:
        actor.status = actor.commitment.status
    CommitmentActor.objects.bulk_create(actors, batch_size=2000)


def timed(read, runs):
    """Milliseconds of each of `runs` calls of `read` (after one to warm up)."""
    read()
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commitments", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--use-database-url", action="store_true", help="use DATABASE_URL's server (PostgreSQL)")
    args = parser.parse_args()
    server_url = os.environ.get("DATABASE_URL") if args.use_database_url else None
    tmp = Path(tempfile.mkdtemp(prefix="enlace-bench-board-"))
    name = setup_database(tmp, server_url)
    try:
        return run(args)
    finally:
        if name:
            drop_database(server_url, name)


def run(args):
    import logging

    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone, translation

    from core.paging import ReachPaginator
    from core.testing import signed_in
    from meetings import queries
    from meetings.tests.helpers import build_rcm, import_seed

    logging.getLogger("axes").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = ["*"]
    translation.activate("en")
    n = build_rcm()
    meeting = import_seed(n)
    agreements = list(meeting.reports.get().agreements.all())
    have = meeting.commitments.count()
    add_commitments(n, meeting, agreements, args.commitments - have, random.Random(20261206))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    vendor = connection.vendor
    today = timezone.localdate()
    cases = {
        "default": (n.ts, {}, {"status": "open", "ours": False}),
        "ours": (n.mx_officer, {"ours": "on"}, {"status": "open", "ours": True}),
        "overdue": (n.ts, {"status": "overdue"}, {"status": "overdue", "ours": False}),
    }
    url = reverse("meetings:board")
    for case, (user, params, filters) in cases.items():
        client = signed_in(user)
        response = client.get(url, params)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        with CaptureQueriesContext(connection) as seen:
            client.get(url, params)
        page_times = timed(lambda client=client, params=params: client.get(url, params), args.runs)
        rows = queries.board(user, **filters)
        before = legacy_board(user, today=today, **filters)
        new = [c.pk for c in rows[:PAGE]]
        old = [c.pk for c in before[:PAGE]]
        assert new == old, f"{case}: the board's order changed"
        times = timed(lambda rows=rows: list(rows[:PAGE]), args.runs)
        baseline = timed(lambda before=before: list(before[:PAGE]), args.runs)
        p50, base50 = statistics.median(times), statistics.median(baseline)
        reach = timed(lambda rows=rows: ReachPaginator(rows, PAGE).count, args.runs)
        full = timed(lambda rows=rows: rows.order_by().count(), args.runs)
        print(
            f"board db={vendor} commitments={args.commitments} case={case} "
            f"page_p50_ms={statistics.median(page_times):.1f} page_p95_ms={p95(page_times):.1f} "
            f"queries={len(seen)} p50_ms={p50:.1f} p95_ms={p95(times):.1f} "
            f"baseline_p50_ms={base50:.1f} ratio={p50 / base50:.2f} "
            f"count_p50_ms={statistics.median(reach):.1f} full_count_p50_ms={statistics.median(full):.1f}",
            flush=True,
        )
    if vendor == "postgresql":
        for case, (user, _params, filters) in cases.items():
            plan = queries.board(user, **filters)[:PAGE].explain()
            used = INDEX in plan
            print(f"board explain case={case} index_used={'yes' if used else 'no'}", flush=True)
            print("    " + plan.replace("\n", "\n    "), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
