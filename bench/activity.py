"""Benchmark the activity page with a busy week in the audit trail.

    python -m bench.activity [--events 10000] [--runs 30] [--use-database-url]

Loads the demo into a throwaway database (SQLite in a temporary folder, or a database it creates
and drops on DATABASE_URL's server), then copies the demo's own audit entries — the creates,
updates and deletes its services wrote — with times spread over the last seven days until the trail
holds --events of them. Each reader (the TS, Guatemala's officer) opens the first page and the next
one; prints one line per page and reader:

    activity events=N reader=… page=… p95_ms=… median_ms=… queries=… groups=… kb=…

and, for reference, the time of reading the same week the old way (every entry up to 1,000 at once):
`activity reference=changes_for …`.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.map import p95, setup_database


def fill_trail(events, rng):
    """Copy the demo's change entries, spread over the last seven days, until there are `events` of them."""
    from django.utils import timezone

    from core.models import AuditAction, AuditEntry

    changes = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
    model = list(AuditEntry.objects.filter(action__in=changes).order_by("pk"))
    have = len(model)
    now = timezone.now()
    week = 7 * 24 * 3600
    copies = []
    while have + len(copies) < events:
        # A burst: one person's run of entries as the demo wrote them (times are given below, in id order).
        start = rng.randrange(len(model))
        for entry in model[start : start + rng.randint(1, 40)]:
            copies.append(
                AuditEntry(
                    actor_id=entry.actor_id,
                    actor_label=entry.actor_label,
                    action=entry.action,
                    content_type_id=entry.content_type_id,
                    object_id=entry.object_id,
                    object_repr=entry.object_repr,
                    changes=entry.changes,
                    note=entry.note,
                )
            )
            if have + len(copies) >= events:
                break
    created = AuditEntry.objects.bulk_create(copies, batch_size=1000)
    # Times in the order of the ids, as the trail writes them; spread over the week.
    ids = sorted(entry.pk for entry in created)
    for index, pk in enumerate(ids):
        at = now - datetime.timedelta(seconds=week * (len(ids) - index) / len(ids))
        AuditEntry.objects.filter(pk=pk).update(at=at)
    return AuditEntry.objects.filter(action__in=changes).count()


def measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return times, len(queries), response


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--use-database-url", action="store_true", help="use DATABASE_URL's server (PostgreSQL)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="enlace-bench-activity-"))
    os.environ["PAGE_CACHE"] = "0"  # the page's own cost, not the page cache's
    setup_database(tmp, os.environ.get("DATABASE_URL") if args.use_database_url else None)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import translation

    setup_test_environment()  # responses carry their template context (the page's groups)
    settings.ALLOWED_HOSTS = ["*"]
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    events = fill_trail(args.events, random.Random(20261206))
    print(f"trail holds {events} change entries", flush=True)
    from accounts.models import User
    from circulation import activity

    readers = {"ts": "ts@enlace.example", "officer": "guatemala@enlace.example"}
    for name, email in readers.items():
        user = User.objects.get(email=email)
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        if name == "ts":
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user).exists():
                from core.testing import give_totp

                give_totp(user)
            session = client.session
            session["account_authentication_methods"] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
            session.save()
        url = "/circulars/activity/"
        for page in (1, 2):
            times, queries, response = measure(client, url, args.runs)
            groups = len(response.context["page"].groups)
            print(
                f"activity events={events} reader={name} page={page} p95_ms={p95(times):.1f} "
                f"median_ms={statistics.median(times):.1f} queries={queries} groups={groups} "
                f"kb={len(response.content) / 1024:.1f}",
                flush=True,
            )
            older = response.context["page"].older
            if not older:
                break
            url = f"/circulars/activity/?before={older}"
        with translation.override("en"):
            started = time.perf_counter()
            listed = activity.changes_for(user)
            print(
                f"activity reference=changes_for reader={name} ms={(time.perf_counter() - started) * 1000:.1f} "
                f"changes={len(listed)} (the old page: up to 1,000 entries at once, then paginated)",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
