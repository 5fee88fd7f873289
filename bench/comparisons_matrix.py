"""Benchmark: the comparative matrix at the largest size the network needs (11 countries × 100 questions).

Run: `python -m bench.comparisons_matrix [--repeat 20]` (add DATABASE_URL=postgres://… for PostgreSQL).
It builds the data through the services in a throwaway test database, then prints, for the
matrix page (anonymous and lead), its differences and gaps views, the XLSX and DOCX exports and
the API matrix: queries, median and 95th-percentile time, and response size.
"""

import argparse
import os
import statistics
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from comparisons.testing import add_lead, all_members, build_answered
        from core.testing import build_network

        started = time.perf_counter()
        n = build_network()
        add_lead(n)
        analysis, _questions = build_answered(n, all_members(), args.questions, "Benchmark")
        built = time.perf_counter() - started
        lead = Client()
        lead.force_login(n.lead)
        anonymous = Client()
        base = f"/comparisons/{analysis.pk}/rounds/1/"
        cases = [
            ("matrix page (anonymous)", anonymous, base),
            ("matrix page (lead)", lead, base),
            ("differences view", anonymous, base + "?view=differences"),
            ("gaps view", anonymous, base + "?view=gaps"),
            ("htmx fragment", anonymous, base + "?view=gaps"),
            ("XLSX export", anonymous, base + "export.xlsx?lang=es"),
            ("DOCX report", anonymous, base + "export.docx?lang=en"),
            ("API matrix", anonymous, f"/api/v1/comparisons/analyses/{analysis.pk}/rounds/1/matrix"),
            ("changes page (lead)", lead, f"/comparisons/{analysis.pk}/rounds/2/changes/"),
        ]
        engine = connection.vendor
        print(
            f"Comparative matrix: 11 countries × {args.questions} questions on {engine} (data built in {built:.1f} s)"
        )
        print(f"{'what':26} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'size KB':>8}")
        for label, client, url in cases:
            headers = {"HX-Request": "true"} if label == "htmx fragment" else {}
            client.get(url, headers=headers)  # warm up
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url, headers=headers)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            times.sort()
            p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
            print(
                f"{label:26} {len(queries):7d} {statistics.median(times):8.1f} {p95:8.1f} "
                f"{len(response.content) / 1024:8.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
