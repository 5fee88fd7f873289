"""Meetings benchmarks: importing a 60-agreement report, a 100-file archive, and the follow-up board.

Run with `python -m bench.meetings` (add DATABASE_URL=postgres://… for PostgreSQL). It builds a
throw-away test database, so the development data is never touched. Targets (issue 3):
importing ≤ 1 s; a 100-file archive (`import_reports`) ≤ 60 s; the board p95 ≤ 100 ms, with the same
number of queries at 500 and 5,000.
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

from meetings.testing import report_lines  # noqa: E402

IMPORT_RUNS = 7
BOARD_RUNS = 100


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


def bench_archive(n, files=100):
    """`import_reports` on a folder of `files` distinct reports made from the test corpus's own reports."""
    import re
    import shutil
    import tempfile
    from pathlib import Path

    from meetings.archive import import_archive

    corpus = sorted((Path(__file__).resolve().parents[1] / "meetings/tests/data/archive").glob("*.txt"))
    folder = Path(tempfile.mkdtemp(prefix="enlace-bench-archive-"))
    try:
        for index in range(files):
            source = corpus[index % len(corpus)]
            text = source.read_text(encoding="utf-8")
            # Each copy another meeting: its agreements say which, so none is a duplicate of another.
            text = re.sub(r"(?m)^(\d{1,2}[.)]-?\s.*)$", rf"\1 (ref. {index})", text)
            shift = index // len(corpus)  # and another year: not the same body on the same day
            text = re.sub(r"\b(?:19|20)\d\d\b", lambda year, shift=shift: str(int(year.group()) - shift), text)
            (folder / f"{index:03d}-{source.name}").write_text(text, encoding="utf-8")
        started = time.perf_counter()
        results = list(import_archive(str(folder), acting_user=n.ts))
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    made = sum(1 for result in results if result.meeting)
    duplicates = sum(1 for result in results if result.duplicate_of)
    refused = sum(1 for result in results if result.error)
    print(
        f"archive: {len(results)} files → {made} drafts, {duplicates} duplicates, {refused} not read in "
        f"{seconds:.1f} s ({seconds / max(len(results), 1) * 1000:.0f} ms a file) — target ≤ 60 s"
    )
    return seconds


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
        # The meeting's own page: a page of agreements, the first commitments of each (issue 21).
        "meeting page (Mexico)": (n.mx_officer, meeting.get_absolute_url(), {}),
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
    page_kb = len(clients["meeting page (Mexico)"].get(meeting.get_absolute_url()).content) / 1024
    print(f"meeting page at 5,000 commitments: {page_kb:.0f} KB")
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


def bench_big_reports(n):
    """The review page and the dry run at 1,000, 4,000 and 8,000 agreements: time against the 1,000 baseline."""
    from django.urls import reverse

    from core.testing import signed_in
    from meetings import duplicates, services
    from meetings.importer import parse_paragraphs

    client = signed_in(n.ts)
    rows = {}
    for size in (1000, 4000, 8000):
        lines = report_lines(size)
        started = time.perf_counter()
        parsed = parse_paragraphs(lines)  # what `import_report --dry-run` does
        dry_run = time.perf_counter() - started
        meeting = services.import_report(parsed, acting_user=n.ts, source_name=f"{size}.txt")
        if meeting.duplicate_of_id:
            duplicates.resolve(meeting, "new", acting_user=n.ts)
        url = reverse("meetings:review", args=[meeting.pk])
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        count = len(queries)
        timings = []
        for _run in range(5):
            started = time.perf_counter()
            client.get(url, {"page": "5"})
            timings.append(time.perf_counter() - started)
        rows[size] = (dry_run, statistics.median(timings), count, len(response.content))
    base = rows[1000]
    ok = True
    for size, (dry_run, review, count, size_bytes) in rows.items():
        ok &= count == base[2] and review <= 3 * base[1]
        print(
            f"review page at {size:,} agreements: {review * 1000:.0f} ms ({review / base[1]:.2f}× the 1,000 "
            f"baseline), {count} queries, {size_bytes // 1024} KB; dry run {dry_run * 1000:.0f} ms "
            f"({dry_run / base[0]:.2f}× the baseline for {size / 1000:.0f}× the agreements)"
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
            sid = transaction.savepoint()
            archive_seconds = bench_archive(n)
            transaction.savepoint_rollback(sid)
            board_ok = bench_board(n)
            big_ok = bench_big_reports(n)
            transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} (a loaded machine inflates wall-clock times)")
    met = import_seconds <= 1.0 and archive_seconds <= 60 and board_ok and big_ok
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
