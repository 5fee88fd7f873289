"""Benchmark the public directory exports: streamed CSV and XLSX against the whole-in-memory CSV.

    python -m bench.exports --services 50000 [--postgres URL] [--no-baseline]

Runs on a throwaway database (see bench.map). Creates the synthetic services, then downloads the
directory as an anonymous reader would (the view, its streamed body read to the end), once per
format, and the CSV as it was built before streaming (every row in memory, then written) as the
baseline of the same run, each in a process of its own. Memory is that process's resident size
sampled every 20 ms: its peak over the size just before the download (what one worker needs).
Prints one line per export and ends with:
exports services=N csv_s=… csv_peak_mb=… xlsx_s=… xlsx_peak_mb=… whole_csv_s=… whole_csv_peak_mb=…
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
    print(f"{label:<28} {seconds:8.2f} s  peak +{memory.over_mb:7.1f} MB  {size / 2**20:7.1f} MB written")
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
    """Write both exports of 50 points first: modules, translations and connections loaded once are the
    worker's idle size, not the export's."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from directory import exports, queries

    user = AnonymousUser()
    points = queries.map_points(user)
    few = points.filter(pk__in=list(points.values_list("pk", flat=True)[:50])).order_by("pk")
    with translation.override("en"):
        for _chunk in exports.csv_chunks(user, few):
            pass
        exports.xlsx_file(user, few).close()


MEASURES = {
    "csv": ("streamed CSV", lambda: streamed("csv")),
    "xlsx": ("streamed XLSX", lambda: streamed("xlsx")),
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
    parser.add_argument("--measure", choices=sorted(MEASURES), help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)
    if args.measure:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DEBUG"] = "0"  # as in production: no query log growing with the export
        os.environ.setdefault("SECRET_KEY", "bench-exports-only")
        os.environ.setdefault("ALLOWED_HOSTS", "testserver")
        import django

        django.setup()
        warm_up()
        label, make = MEASURES[args.measure]
        seconds, peak = measure(label, make())
        print(f"{seconds} {peak}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        setup_database(Path(tmp), args.postgres)
        from directory import synthetic

        started = time.perf_counter()
        synthetic.create(args.services, build=False)
        print(f"created {args.services} synthetic services in {time.perf_counter() - started:.1f} s")
        names = ["csv", "xlsx"] + ([] if args.no_baseline else ["whole_csv"])
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
