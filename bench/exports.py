"""Benchmark the public directory exports, written in the request and prepared by the task worker.

    python -m bench.exports --services 50000 [--postgres URL] [--no-baseline] [--no-inline] [--keep]

Runs on a throwaway database (see bench.map). Creates the synthetic services, then, each in a
process of its own:
- csv, xlsx: the directory written in the request as an anonymous reader downloads it (the view,
  its streamed body read to the end; what happens up to EXPORT_INLINE_MAX points);
- prepared_csv, prepared_xlsx, prepared_hsds_zip: the file built by the task worker
  (core.prepared.build_prepared), what happens above EXPORT_INLINE_MAX / HSDS_INLINE_MAX;
- serve_prepared: a web worker sending the prepared CSV from storage;
- whole_csv: the CSV as it was built before streaming (every row in memory), the baseline.
Memory is that process's resident size sampled every 20 ms: its peak over the size just before
the export (what one worker needs). `--no-inline` skips csv and xlsx (at 500,000 services they
run past gunicorn's 60 s: such exports are prepared); `--keep` (SQLite) keeps the synthetic
directory under var/bench/ and reuses it the next time (500,000 services take minutes to create).
Prints one line per export and ends with:
exports services=N csv_s=… csv_peak_mb=… … prepared_csv_s=… prepared_csv_peak_mb=… …
"""

import argparse
import gc
import os
import tempfile
import threading
import time
from pathlib import Path

from bench.map import setup_database

PAGE = os.sysconf("SC_PAGE_SIZE")
ROOT = Path(__file__).resolve().parent.parent


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakMemory:
    """The peak resident size over the size at the start, sampled in a thread while the block runs."""

    def __enter__(self):
        gc.collect()
        self.start = self.peak = resident_bytes()
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while self.running:
            self.peak = max(self.peak, resident_bytes())
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, resident_bytes())

    @property
    def over_mb(self):
        return (self.peak - self.start) / 2**20


def measure(label, run):
    with PeakMemory() as memory:
        started = time.perf_counter()
        size = run()
        seconds = time.perf_counter() - started
    print(f"{label:<32} {seconds:8.2f} s  peak +{memory.over_mb:7.1f} MB  {size / 2**20:7.1f} MB written")
    return seconds, memory.over_mb


def streamed(fmt):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from directory.views import export

    def run():
        request = RequestFactory().get(f"/map/export.{fmt}", {"lang": "en"})
        request.user = AnonymousUser()
        response = export(request, fmt)
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        return size

    return run


def whole_csv():
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from core.office import csv_content
    from directory import exports, queries

    def run():
        with translation.override("en"):
            user = AnonymousUser()
            points = queries.map_points(user).order_by("country_id", "name_es", "service_at_location_id")
            header = exports.columns()
            head = [[label for label, _tag in header], [tag for _label, tag in header]]
            return len(csv_content([*head, *exports.rows_for(user, points)]))

    return run


def warm_up():
    """Write both exports of 50 points and the HSDS zip of 5 services first: modules, schemas,
    translations and connections loaded once are the worker's idle size, not the export's."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from directory import exports, queries
    from directory.hsds import streaming
    from directory.models import Service

    user = AnonymousUser()
    points = queries.map_points(user)
    few = points.filter(pk__in=list(points.values_list("pk", flat=True)[:50])).order_by("pk")
    with translation.override("en"):
        for _chunk in exports.csv_chunks(False, few):
            pass
        exports.xlsx_file(False, few).close()
        services = Service.objects.filter(pk__in=list(Service.objects.values_list("pk", flat=True)[:5]))
        with tempfile.TemporaryFile() as handle:
            streaming.write_zip(services, handle, public=True, lang="es")


def prepared_build(kind):
    """The task worker's build of one prepared export (queued as the first reader asks for it)."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from core import prepared

    def run():
        with translation.override("en"):
            row = prepared.prepare(kind, AnonymousUser(), {"filters": {}} if kind.startswith("directory") else {})
        prepared.build_prepared.call(row.pk)
        row.refresh_from_db()
        assert row.status == "ready", row.message
        return row.size

    return run


def serve_prepared():
    """A web worker sending the prepared CSV from storage (built first, outside the measure)."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from core.models import PreparedExport
    from core.views import prepared_file

    prepared_build("directory.csv")()
    row = PreparedExport.objects.get(kind="directory.csv", status="ready")

    def run():
        request = RequestFactory().get(f"/documents/prepared/{row.key}/file")
        request.user = AnonymousUser()
        response = prepared_file(request, row.key)
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size

    return run


MEASURES = {
    "csv": ("streamed CSV", lambda: streamed("csv")),
    "xlsx": ("streamed XLSX", lambda: streamed("xlsx")),
    "prepared_csv": ("prepared CSV (task worker)", lambda: prepared_build("directory.csv")),
    "prepared_xlsx": ("prepared XLSX (task worker)", lambda: prepared_build("directory.xlsx")),
    "prepared_hsds_zip": ("prepared HSDS zip (task worker)", lambda: prepared_build("hsds.zip")),
    "serve_prepared": ("prepared CSV sent (web worker)", serve_prepared),
    "whole_csv": ("whole CSV (baseline)", whole_csv),
}


def measure_alone(name):
    """Measure one export in a process of its own (so one export's memory never hides another's)."""
    import subprocess
    import sys

    output = subprocess.run(  # noqa: S603 - this very module, with a fixed argument
        [sys.executable, "-m", "bench.exports", "--measure", name],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    ).stdout
    print(output.splitlines()[0])
    seconds, peak = output.splitlines()[-1].split()
    return float(seconds), float(peak)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=50000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (postgres://user@host:port/any)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the whole-in-memory CSV (big sizes)")
    parser.add_argument("--no-inline", action="store_true", help="skip the exports written in the request")
    parser.add_argument("--keep", action="store_true", help="SQLite: keep the database under var/bench/ and reuse it")
    parser.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.measure:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DEBUG"] = "0"  # as in production: no query log growing with the export
        os.environ.setdefault("SECRET_KEY", "bench-exports-only")
        os.environ.setdefault("ALLOWED_HOSTS", "testserver")
        import django

        django.setup()
        from django.test import override_settings

        warm_up()
        label, make = MEASURES[args.measure]
        with override_settings(EXPORT_INLINE_MAX=10**9):  # "csv", "xlsx": written in the request whatever the size
            seconds, peak = measure(label, make())
        print(f"{seconds} {peak}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        kept = ROOT / "var" / "bench" / f"exports-{args.services}" if args.keep and not args.postgres else None
        if kept is not None:
            kept.mkdir(parents=True, exist_ok=True)
        reuse = kept is not None and (kept / "bench.sqlite3").exists()
        setup_database(kept or Path(tmp), args.postgres)
        from directory import synthetic

        started = time.perf_counter()
        if reuse:
            print(f"reusing the {args.services} synthetic services of {kept}")
        else:
            synthetic.create(args.services, build=False)
            print(f"created {args.services} synthetic services in {time.perf_counter() - started:.1f} s")
        from core.models import PreparedExport

        PreparedExport.objects.all().delete()  # every run builds its own
        os.environ["MEDIA_ROOT"] = str(Path(tmp) / "media")  # prepared files: in this run's folder
        names = [] if args.no_inline else ["csv", "xlsx"]
        names += ["prepared_csv", "prepared_xlsx", "prepared_hsds_zip", "serve_prepared"]
        names += [] if args.no_baseline else ["whole_csv"]
        figures = {name: measure_alone(name) for name in names}
        parts = [f"services={args.services}"]
        for name, (seconds, peak) in figures.items():
            parts += [f"{name}_s={seconds:.2f}", f"{name}_peak_mb={peak:.1f}"]
        print("exports " + " ".join(parts))
        if args.postgres:
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    main()
