"""Benchmark: the plan tree and the country × activity matrix, at 200 and at 2,000 activities.

Run: `python -m bench.plan [--repeat 30]` (add DATABASE_URL=postgres://… for PostgreSQL). It builds
a throw-away test database, so the development data is never touched: the network of the tests
with all 11 member countries, a plan 2017–2022 (5 axes, objectives of 10 activities each, 4 in 5
national) and, for each of the 6 years, an approved report per country and a regional one.
The reports and lines are bulk-inserted (the services would take minutes at 2,000 activities);
the benchmark measures reads.

For each size it prints, for `plan.queries.plan_tree` and `plan.queries.matrix` called directly,
for the pages `plan:plan` and `plan:matrix` (as the TS and anonymously) and for the API tree and
matrix: the number of queries, median and 95th-percentile time, and the response size. The
2,000-activity size is compared with the 200-activity baseline measured in the same run: the
number of queries must be the same (the run fails otherwise) and the time ratio shows how the
work grows with the plan (10× the activities).
"""

import argparse
import os
import random
import statistics
import sys
import time

SIZES = (200, 2000)
YEARS = range(2017, 2023)
EXTRA_COUNTRIES = ("BZ", "CA", "DO", "NI", "US")
PER_OBJECTIVE = 10
AXES = 5


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def build(n, activities, seed=7):
    """A public plan with `activities` activities and approved reports for every year and country."""
    from network.models import Country
    from plan.models import FollowUpLine, FollowUpReport, LineStatus, Node, Plan, ReportStatus, Scope, reindex_outline

    rnd = random.Random(seed)  # noqa: S311 - benchmark data
    plan = Plan.objects.create(
        body=n.network,
        title_es=f"Plan de prueba ({activities} actividades)",
        title_en=f"Benchmark plan ({activities} activities)",
        start_year=YEARS[0],
        end_year=YEARS[-1],
        visibility="public",
    )
    axes = Node.objects.bulk_create(
        Node(plan=plan, code=str(a), order=a, title_es=f"Eje {a}", title_en=f"Axis {a}") for a in range(1, AXES + 1)
    )
    objectives_per_axis = activities // (AXES * PER_OBJECTIVE)
    objectives = Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=axis,
            code=f"{axis.code}.{o}",
            order=o,
            title_es=f"Objetivo {axis.code}.{o}",
            title_en=f"Objective {axis.code}.{o}",
        )
        for axis in axes
        for o in range(1, objectives_per_axis + 1)
    )
    rows = []
    for objective in objectives:
        for i in range(1, PER_OBJECTIVE + 1):
            regional = i % 5 == 0
            rows.append(
                Node(
                    plan=plan,
                    parent=objective,
                    code=f"{objective.code}.{i}",
                    order=i,
                    title_es=f"Actividad {objective.code}.{i}",
                    title_en=f"Activity {objective.code}.{i}",
                    scope=Scope.REGIONAL if regional else Scope.NATIONAL,
                    responsible="ppt_ts" if regional else "countries",
                    weight=rnd.choice([1, 1, 1, 2]),
                    priority=i == 1,
                )
            )
    created = Node.objects.bulk_create(rows, batch_size=1000)
    reindex_outline(plan.pk)
    national = [node for node in created if node.scope == Scope.NATIONAL]
    regional = [node for node in created if node.scope == Scope.REGIONAL]
    countries = list(Country.objects.members())
    statuses = [LineStatus.IN_PROGRESS] * 5 + [LineStatus.COMPLETED, LineStatus.NOT_STARTED, LineStatus.NOT_APPLICABLE]
    for year in YEARS:
        reports = FollowUpReport.objects.bulk_create(
            FollowUpReport(plan=plan, year=year, country=country, status=ReportStatus.APPROVED)
            for country in [None, *countries]
        )
        lines = []
        for report in reports:
            for node in regional if report.country_id is None else national:
                status = rnd.choice(statuses)
                progress = {
                    LineStatus.COMPLETED: 100,
                    LineStatus.NOT_STARTED: 0,
                    LineStatus.NOT_APPLICABLE: None,
                }.get(status, rnd.randrange(5, 100, 5))
                lines.append(FollowUpLine(report=report, node=node, status=status, progress=progress))
        FollowUpLine.objects.bulk_create(lines, batch_size=2000)
    return plan, len(countries)


def measure(call, repeat):
    """(queries, median ms, p95 ms, size KB) of `call()`, which returns the size of what it produced."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm up
    with CaptureQueriesContext(connection) as captured:
        call()
    count = len(captured)
    times = []
    size = 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = call()
        times.append((time.perf_counter() - started) * 1000)
    return count, statistics.median(times), percentile(times, 0.95), size / 1024


def cases(n, plan, year):
    """The things measured: (label, callable returning a size in bytes), and a note on what was found."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from core.testing import signed_in
    from plan import queries

    def direct_tree():
        _roots, outline = queries.plan_tree(plan, year, n.ts)
        return len(outline)

    def direct_matrix():
        data = queries.matrix(plan, year, n.ts)
        return sum(1 for _row in data.rows())

    found = [("plan_tree() as the TS", direct_tree), ("matrix() as the TS", direct_matrix)]
    notes = []
    ts, anonymous = signed_in(n.ts), Client()

    def page(client, url):
        def call():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return len(response.content)

        return call

    pages = []
    try:
        pages.append(("page plan:plan", reverse("plan:plan", args=[plan.pk]) + f"?year={year}"))
    except NoReverseMatch:
        notes.append("page plan:plan is not there yet: not measured")
    try:
        pages.append(("page plan:matrix", reverse("plan:matrix", args=[plan.pk, year])))
    except NoReverseMatch:
        notes.append("page plan:matrix is not there yet: not measured")
    for label, url in pages:
        for who, client in (("TS", ts), ("anonymous", anonymous)):
            call = page(client, url)
            try:
                call()
            except Exception as error:  # noqa: BLE001 - a page still being written must not stop the bench
                notes.append(f"{label} ({who}) failed and was not measured: {error!r}"[:300])
                continue
            found.append((f"{label} ({who})", call))
    api = f"/api/v1/plans/{plan.pk}"
    found.append(("API nodes (anonymous)", page(anonymous, f"{api}/nodes?year={year}")))
    found.append(("API matrix (anonymous)", page(anonymous, f"{api}/matrix?year={year}")))
    return found, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--year", type=int, default=2019)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.db import connection
    from django.utils import translation

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False  # no setup_test_environment(): its instrumented templates would slow the pages
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("axes").setLevel(logging.WARNING)
    translation.activate("en")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    ok = True
    try:
        from core.testing import build_network
        from network.models import Country, Membership

        n = build_network()
        for code in EXTRA_COUNTRIES:
            Country.objects.get_or_create(code=code, defaults={"membership": Membership.MEMBER})
        results, labels, all_notes = {}, [], []
        for size in SIZES:
            started = time.perf_counter()
            plan, country_count = build(n, size)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            built = time.perf_counter() - started
            print(
                f"\n{size:,} activities × {country_count} countries × {len(YEARS)} years on {connection.vendor} "
                f"(data built in {built:.1f} s; year shown: {args.year})"
            )
            print(f"{'what':34} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'size KB':>8}")
            found, notes = cases(n, plan, args.year)
            all_notes += [note for note in notes if note not in all_notes]
            for label, call in found:
                figures = measure(call, args.repeat)
                results[(label, size)] = figures
                if label not in labels:
                    labels.append(label)
                count, median, p95, kb = figures
                shown = f"{kb:8.1f}" if not label.endswith("the TS") else f"{'-':>8}"
                print(f"{label:34} {count:7d} {median:8.1f} {p95:8.1f} {shown}")
        small, large = SIZES
        print(f"\n{large:,} against the {small:,}-activity baseline of this run:")
        print(f"{'what':34} {'queries':>13} {'p50 ratio':>10} {'p95 ratio':>10}")
        for label in labels:
            if (label, small) not in results or (label, large) not in results:
                continue
            q_small, median_small, p95_small, _kb = results[(label, small)]
            q_large, median_large, p95_large, _kb = results[(label, large)]
            same = q_small == q_large
            ok &= same
            print(
                f"{label:34} {q_small:4d} → {q_large:<4d}{'' if same else ' !!'} "
                f"{median_large / median_small:10.1f} {p95_large / p95_small:10.1f}"
            )
        for note in all_notes:
            print(f"note: {note}")
        print("queries: " + ("the same at both sizes" if ok else "DIFFERENT between the sizes"))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
