"""Meetings benchmarks: importing a 60-agreement report, and the follow-up board with 5,000 commitments.

Run with `python -m bench.meetings` (add DATABASE_URL=postgres://… for PostgreSQL). It builds a
throw-away test database, so the development data is never touched. Targets (issue 3):
importing ≤ 1 s; the board p95 ≤ 100 ms, with the same number of queries at 500 and 5,000.
"""

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

IMPORT_RUNS = 7
BOARD_RUNS = 100

TEMPLATES = [
    "To thank the delegation of Guatemala for the presentation of its national report number {i}.",
    "Take note of the study {i} that IOM will develop on the reception of returned children during the "
    "second quarter of 2019.",
    "To receive the progress presented by UNICEF on the regional guide number {i}.",
    "To recommend to the RCGM the approval of a workshop {i} on consular protection during 2019.",
    "To reaffirm the commitment of the Member Countries to the plan, and to welcome the joint proposal "
    "presented by UNICEF and the ICRC for the development of the toolkit {i}.",
    "To approve the terms of reference {i}. The TS will circulate them to the liaison officers by March 31, 2019.",
    "Regarding the follow-up of the Strategic Plan, item {i}, it was agreed:",
    "To thank Mexico for its offer to host the meeting {i} in the first quarter of 2020.",
]
ITEMS = [
    "The PPT and the TS will provide the annual follow-up of the regional actions of item {i}.",
    "Each country will monitor the national actions of item {i} and report before the end of 2019.",
]


def report_lines(count=60):
    """A generated report in the RCM's layout with `count` numbered agreements (some with sub-items)."""
    lines = [
        "MEETING OF THE LIAISON OFFICER NETWORK FOR THE PROTECTION OF MIGRANT BOYS, GIRLS AND ADOLESCENTS",
        "REPORT OF THE LIAISON OFFICER NETWORK FOR THE PROTECTION OF MIGRANT BOYS, GIRLS AND ADOLESCENTS",
        "IV Virtual Meeting",
        "March 5th, 2019",
        "The Liaison Officer Network for the Protection of Migrant Boys, Girls and Adolescents held virtually its "
        "seventh meeting in accordance with the conclusions of the XXIII RCGM meeting. The meeting had the "
        "participation of representatives from Belize, Canada, Costa Rica, El Salvador, Guatemala, Honduras, "
        "Mexico, Nicaragua, Panama, the Dominican Republic and the United States.",
        "The Network submits its report to the RCGM, contained in the following items:",
    ]
    for i in range(1, count + 1):
        template = TEMPLATES[i % len(TEMPLATES)]
        lines.append(f"{i}. {template.format(i=i)}")
        if template.endswith("agreed:"):
            for letter, item in zip("ab", ITEMS, strict=True):
                lines.append(f"{letter}) {item.format(i=i)}")
    return lines


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def bench_import(n):
    from meetings import services
    from meetings.importer import parse_paragraphs

    lines = report_lines(60)
    timings, parse_timings = [], []
    for _run in range(IMPORT_RUNS):
        started = time.perf_counter()
        parsed = parse_paragraphs(lines)
        parsed_at = time.perf_counter()
        sid = transaction.savepoint()
        services.import_report(parsed, acting_user=n.ts, source_name="generated.txt")
        timings.append(time.perf_counter() - started)
        parse_timings.append(parsed_at - started)
        transaction.savepoint_rollback(sid)
    agreements = len(parsed.agreements)
    items = sum(len(a.items) for a in parsed.agreements)
    print(
        f"import: {agreements} agreements, {items} sub-items, {len(parsed.commitments)} commitments, "
        f"{len(parsed.warnings)} warnings"
    )
    print(
        f"  parse + write: median {statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
        f"(parse alone: median {statistics.median(parse_timings) * 1000:.0f} ms) — target ≤ 1000 ms"
    )
    return max(timings)


def add_commitments(n, meeting, agreements, count, start):
    """Add `count` commitments quickly (bulk), spread over actors, statuses and due dates."""
    import datetime

    from meetings.models import ActorKind, Commitment, CommitmentActor

    countries = list(n.countries.values())
    statuses = ["pending", "in_progress", "pending", "done", "pending", "dropped"]
    rows = []
    for i in range(start, start + count):
        due = datetime.date(2017 + i % 12, 1 + i % 12, 1 + i % 28)
        rows.append(
            Commitment(
                meeting=meeting,
                agreement=agreements[i % len(agreements)],
                position=i,
                action_en=f"Generated action {i}",
                action_es=f"Acción generada {i}",
                due_date=due,
                due_by=due,
                status=statuses[i % len(statuses)],
            )
        )
    created = Commitment.objects.bulk_create(rows)
    actors = []
    for index, commitment in enumerate(created):
        choice = index % 4
        if choice == 0:
            actors.append(CommitmentActor(commitment=commitment, kind=ActorKind.TS))
        elif choice == 1:
            actors.append(CommitmentActor(commitment=commitment, kind=ActorKind.PPT))
        elif choice == 2:
            actors.append(
                CommitmentActor(
                    commitment=commitment, kind=ActorKind.COUNTRY, country=countries[index % len(countries)]
                )
            )
        else:
            actors.append(CommitmentActor(commitment=commitment, kind=ActorKind.ORGANIZATION, organization=n.iom))
        actors.append(CommitmentActor(commitment=commitment, kind=ActorKind.COUNTRY, country=n.mx))
    CommitmentActor.objects.bulk_create(actors)


def measure_board(client, url, params):
    timings = []
    client.get(url, params)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    count = len(queries)  # read now: the next request resets the connection's query log
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    cpu = []
    for _run in range(BOARD_RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url, params)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return count, percentile(timings, 0.95), statistics.median(timings), percentile(cpu, 0.95)


def bench_board(n):
    from django.urls import reverse

    from core.testing import signed_in
    from meetings.tests.helpers import import_seed

    meeting = import_seed(n)
    agreements = list(meeting.reports.get().agreements.all())
    pages = {
        "board (TS, open)": (n.ts, reverse("meetings:board"), {}),
        "board (Mexico, ours)": (n.mx_officer, reverse("meetings:board"), {"ours": "on"}),
        "board (TS, page 20)": (n.ts, reverse("meetings:board"), {"page": "20"}),
        "API commitments (Mexico)": (n.mx_officer, "/api/v1/commitments", {"limit": "50"}),
    }
    clients = {name: signed_in(user) for name, (user, _url, _params) in pages.items()}
    results = {}
    for size in (500, 5000):
        current = meeting.commitments.count()
        add_commitments(n, meeting, agreements, size - current, current)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for name, (_user, url, params) in pages.items():
            results[(name, size)] = measure_board(clients[name], url, params)
    ok = True
    for name in pages:
        q_small = results[(name, 500)][0]
        q_large, p95, median, cpu_p95 = results[(name, 5000)]
        same = q_small == q_large
        ok &= same and p95 <= 0.100
        print(
            f"{name}: queries {q_small} at 500, {q_large} at 5,000 ({'same' if same else 'DIFFERENT'}); "
            f"at 5,000 p95 {p95 * 1000:.1f} ms, median {median * 1000:.1f} ms "
            f"(this process's CPU p95 {cpu_p95 * 1000:.1f} ms) — target p95 ≤ 100 ms"
        )
    return ok


def main():
    # No setup_test_environment(): its instrumented template rendering would slow every page.
    settings.DEBUG = False
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per sign-in would drown the figures
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.utils import translation

        from meetings.tests.helpers import build_rcm

        translation.activate("en")
        print(f"database: {connection.vendor}")
        with transaction.atomic():
            n = build_rcm()
            import_seconds = bench_import(n)
            board_ok = bench_board(n)
            transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} (a loaded machine inflates wall-clock times)")
    met = import_seconds <= 1.0 and board_ok
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
