"""The published HSDS package (zip of CSV tables) and HSDS JSON, written a chunk of services at a time.

`collect` gathers every table of some services in memory: some 20 KB a service, so the whole
directory at 500,000 services would need gigabytes. Here services are read CHUNK at a time, in id
order, and memory holds one chunk:

- JSON: services are nested one by one and sorted by id, so each chunk's services are written in
  turn; the text is the same as `package.json_text` of every service at once.
- The zip: each table is sorted by id across the whole directory and a row may come from several
  chunks (an organization with services in two chunks, a taxonomy used by all). Each chunk's
  tables are written, sorted, as runs to a temporary file per table; each table is then merged from its runs
  (heapq.merge reads one row of each run at a time), a row met again dropped. Each file of the
  zip holds the same text as `package.package_files` of every service at once.
"""

import array
import csv
import heapq
import io
import itertools
import json
import os
import pickle
import tempfile
import textwrap
import zipfile
from pathlib import Path

from . import package
from .tables import TABLES, Nester, collect

CHUNK = 250
# The downloads of the published directory: format: (file name, content type).
DOWNLOADS = {"zip": ("enlace-hsds.zip", "application/zip"), "json": ("enlace-hsds.json", "application/json")}


def _chunks(services, size=None):
    """Querysets of `size` services at a time, in id order: each chunk's ids read after the last one's
    (keyset on the primary key, served by its index; nothing held between chunks)."""
    rows = services.order_by("pk")
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        keys = list(page.values_list("pk", flat=True)[: size or CHUNK])
        if not keys:
            return
        yield services.model.objects.filter(pk__in=keys)
        last = keys[-1]


def write_json(services, handle, *, public, lang, size=None):
    """HSDS JSON of `services` into an open binary file: the text of package.json_text, a chunk at a time."""
    first = True
    for chunk in _chunks(services, size):
        t = collect(chunk, public=public, lang=lang)
        nester = Nester(t)
        for row in t.rows("service"):
            item = json.dumps(nester.service(row), indent=1, ensure_ascii=False)
            handle.write(((",\n" if not first else "[\n") + textwrap.indent(item, " ")).encode())
            first = False
    handle.write(b"[]\n" if first else b"\n]\n")


# A run is read through a small buffer: a merge holds one open run per chunk (2,000 at 500,000 services).
RUN_BUFFER = 1024


def _rows(path, start, end):
    """The rows of one run: the part of a table's run file from `start` to `end`."""
    with open(path, "rb", buffering=RUN_BUFFER) as run:
        run.seek(start)
        while run.tell() < end:
            yield pickle.load(run)  # noqa: S301 - our own temporary file, written just now


def write_zip(services, handle, *, public, lang, size=None):
    """The HSDS data package of `services` as a zip into an open binary file, a chunk at a time.

    Each table's runs go one after another into one file; where each starts is kept as a number."""
    with tempfile.TemporaryDirectory(prefix="enlace-hsds-") as folder:
        paths = {table: str(Path(folder) / f"{table}.runs") for table in TABLES}
        starts = {table: array.array("q") for table in TABLES}
        outs = {table: open(paths[table], "wb") for table in TABLES}  # noqa: SIM115 - closed below
        try:
            for chunk in _chunks(services, size):
                t = collect(chunk, public=public, lang=lang)
                for table, (_path, columns) in TABLES.items():
                    out = outs[table]
                    starts[table].append(out.tell())
                    for row in t.rows(table):
                        pickle.dump((row["id"], [package.cell(row.get(c)) for c in columns]), out)
        finally:
            for out in outs.values():
                out.close()
        tables = {path: table for table, (path, _columns) in TABLES.items()}
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted([*tables, "datapackage.json"]):
                if name not in tables:
                    archive.writestr(name, json.dumps(package.datapackage(None), indent=2, ensure_ascii=False) + "\n")
                    continue
                table = tables[name]
                ends = [*starts[table][1:], os.path.getsize(paths[table])]
                runs = [(paths[table], start, end) for start, end in zip(starts[table], ends, strict=True)]
                with archive.open(name, "w", force_zip64=True) as entry:
                    _merge(table, _merged(runs, folder), entry)


# At most this many runs are open at once (a process may open some 1,000 files): more are merged in
# groups into longer runs first.
FAN_IN = 200


def _sorted(runs):
    return heapq.merge(*(_rows(*run) for run in runs), key=lambda item: item[0])


def _merged(runs, folder):
    """The rows of every run, in id order, never more than FAN_IN runs open at once."""
    while len(runs) > FAN_IN:
        path = tempfile.mktemp(dir=folder, suffix=".runs")  # noqa: S306 - in our own temporary folder
        longer = []
        with open(path, "wb") as out:
            for group in itertools.batched(runs, FAN_IN):
                start = out.tell()
                for row in _sorted(group):
                    pickle.dump(row, out)
                longer.append((path, start, out.tell()))
        runs = longer
    return _sorted(runs)


def _merge(table, rows, entry):
    text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(TABLES[table][1])
    last = object()
    for key, cells in rows:
        if key != last:
            writer.writerow(cells)
            last = key
    text.flush()
    text.detach()


def write_download(fmt, services, handle, *, public, lang="es"):
    """The HSDS JSON or zip of `services` (a queryset the caller restricted) into an open binary file."""
    (write_zip if fmt == "zip" else write_json)(services, handle, public=public, lang=lang)
