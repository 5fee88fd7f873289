"""The published HSDS package (zip of CSV tables) and HSDS JSON, written a chunk of services at a time.

`collect` gathers every table of some services in memory: some 20 KB a service, so the whole
directory at 500,000 services would need gigabytes. Here services are read CHUNK at a time, in id
order, and memory holds one chunk:

- JSON: services are nested one by one and sorted by id, so each chunk's services are written in
  turn; the text is the same as `package.json_text` of every service at once.
- The zip: each table is sorted by id across the whole directory and a row may come from several
  chunks (an organization with services in two chunks, a taxonomy used by all). Each chunk's
  tables are written, sorted, as runs to temporary files; each table is then merged from its runs
  (heapq.merge reads one row of each run at a time), a row met again dropped. Each file of the
  zip holds the same text as `package.package_files` of every service at once.
"""

import csv
import heapq
import io
import json
import pickle
import tempfile
import textwrap
import zipfile
from pathlib import Path

from core.batches import key_batches

from . import package
from .tables import TABLES, Nester, collect

CHUNK = 500
# The downloads of the published directory: format: (file name, content type).
DOWNLOADS = {"zip": ("enlace-hsds.zip", "application/zip"), "json": ("enlace-hsds.json", "application/json")}


def _chunks(services, size=None):
    """Querysets of `size` services at a time, in id order (core.batches: ids read once, packed)."""
    for part in key_batches(services.order_by("pk"), size or CHUNK):
        yield services.model.objects.filter(pk__in=part)


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


def _rows(path):
    with path.open("rb") as run:
        while True:
            try:
                yield pickle.load(run)  # noqa: S301 - our own temporary file, written just now
            except EOFError:
                return


def write_zip(services, handle, *, public, lang, size=None):
    """The HSDS data package of `services` as a zip into an open binary file, a chunk at a time."""
    with tempfile.TemporaryDirectory(prefix="enlace-hsds-") as folder:
        runs = {table: [] for table in TABLES}
        for number, chunk in enumerate(_chunks(services, size)):
            t = collect(chunk, public=public, lang=lang)
            for table, (_path, columns) in TABLES.items():
                run = Path(folder) / f"{table}-{number}.pickle"
                with run.open("wb") as out:
                    for row in t.rows(table):
                        pickle.dump((row["id"], [package.cell(row.get(c)) for c in columns]), out)
                runs[table].append(run)
        tables = {path: table for table, (path, _columns) in TABLES.items()}
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted([*tables, "datapackage.json"]):
                if name not in tables:
                    archive.writestr(name, json.dumps(package.datapackage(None), indent=2, ensure_ascii=False) + "\n")
                    continue
                with archive.open(name, "w", force_zip64=True) as entry:
                    _merge(tables[name], runs[tables[name]], entry)


def _merge(table, runs, entry):
    text = io.TextIOWrapper(entry, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(TABLES[table][1])
    last = object()
    for key, cells in heapq.merge(*(_rows(run) for run in runs), key=lambda item: item[0]):
        if key != last:
            writer.writerow(cells)
            last = key
    text.flush()
    text.detach()


def write_download(fmt, services, handle, *, public, lang="es"):
    """The HSDS JSON or zip of `services` (a queryset the caller restricted) into an open binary file."""
    (write_zip if fmt == "zip" else write_json)(services, handle, public=public, lang=lang)
