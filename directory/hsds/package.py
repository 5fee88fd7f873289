"""HSDS files: write the tabular data package (CSV + datapackage.json) and HSDS JSON; read them back.

Reading is careful: a zip is checked before anything is extracted (entries, nesting, sizes),
a JSON file larger than the limit is refused before it is read, and every row is checked
(UUIDs, coordinates, dates, enumerations, recurrence rules, references) before one is
written. Errors name the file, the row and the field.
"""

import csv
import io
import json
import os
import uuid
import zipfile
from pathlib import Path

from django.conf import settings

from core import boundedjson
from core.office import spreadsheet_text

from . import schema
from .tables import TABLES, services_json

MAX_JSON_BYTES = getattr(settings, "DIRECTORY_IMPORT_MAX_BYTES", 100 * 1024 * 1024)
MAX_CSV_BYTES = MAX_JSON_BYTES
ZIP_MAX_ENTRIES = 100
ZIP_MAX_DEPTH = 3
ZIP_MAX_RATIO = 100
CSV_MAX_FIELD = 1_000_000
PACKAGE_NAME = "enlace-directory"


class ImportRefused(Exception):
    """The input is not acceptable; `errors` say where and why. Nothing was written."""

    def __init__(self, errors, rows=None):
        self.errors = list(errors)
        self.rows = rows or {}  # the rows at fault: {where: [messages]} (see hsds.lenient)
        super().__init__("\n".join(self.errors))


# ---- Writing --------------------------------------------------------------------------------


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return spreadsheet_text(str(value))  # the published package is opened in spreadsheets too


def csv_text(t, table):
    """Return one table as CSV text (header, then rows sorted by id)."""
    columns = TABLES[table][1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in t.rows(table):
        writer.writerow([cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def datapackage(t):
    """Return datapackage.json for the tables written (field types from HSDS's tabular schema)."""
    tabular = schema("tabular")["properties"]
    resources = []
    for table, (path, columns) in TABLES.items():
        properties = tabular[table]["items"]["properties"]
        fields = []
        for column in columns:
            spec = properties.get(column, {})
            field = {"name": column, "type": spec.get("datapackage_type", spec.get("type", "string"))}
            if spec.get("format"):
                field["format"] = spec["format"]
            fields.append(field)
        resources.append(
            {
                "name": table,
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": "id"},
            }
        )
    return {
        "name": PACKAGE_NAME,
        "title": "Enlace: map of specialized actors and services for migrant children",
        "profile": "tabular-data-package",
        "licenses": [{"name": "CC-BY-4.0"}],
        "resources": resources,
    }


def package_files(t):
    """Return {file name: text} of the data package."""
    files = {path: csv_text(t, table) for table, (path, _columns) in TABLES.items()}
    files["datapackage.json"] = json.dumps(datapackage(t), indent=2, ensure_ascii=False) + "\n"
    return files


def write_package(t, directory):
    """Write the data package into `directory` (created if needed); return the file names."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = package_files(t)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return sorted(files)


def package_zip(t):
    """Return the data package as zip bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in sorted(package_files(t).items()):
            archive.writestr(name, text)
    return buffer.getvalue()


def json_text(t):
    """Return HSDS JSON: a list of fully nested services."""
    return json.dumps(services_json(t), indent=1, ensure_ascii=False) + "\n"


# ---- Reading --------------------------------------------------------------------------------


def _read_csv(name, text, errors):
    """Return [(row number, row dict)] of a CSV text; row 1 is the header."""
    csv.field_size_limit(CSV_MAX_FIELD)
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = []
        for number, row in enumerate(reader, start=2):
            if None in row:
                errors.append(f"{name}, row {number}: more cells than columns in the header.")
                continue
            rows.append((number, {key.strip(): (value or "").strip() for key, value in row.items() if key}))
        return rows
    except csv.Error as error:
        errors.append(f"{name}: not a readable CSV file ({error}).")
        return []


def _decode(name, data, errors):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        errors.append(f"{name}: not a UTF-8 text file.")
        return ""


def _check_zip(path, archive):
    entries = archive.infolist()
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ImportRefused([f"{path.name}: the zip holds {len(entries)} entries (at most {ZIP_MAX_ENTRIES})."])
    total = 0
    for entry in entries:
        parts = [part for part in entry.filename.split("/") if part]
        if entry.filename.startswith("/") or ".." in parts or "\\" in entry.filename:
            raise ImportRefused([f"{path.name}: the entry “{entry.filename[:200]}” has an unsafe path."])
        if len(parts) > ZIP_MAX_DEPTH:
            raise ImportRefused(
                [
                    f"{path.name}: the entry “{entry.filename[:200]}” is nested {len(parts)} folders deep "
                    f"(at most {ZIP_MAX_DEPTH})."
                ]
            )
        total += entry.file_size
        if (
            entry.compress_size
            and entry.file_size > 1_000_000
            and entry.file_size / entry.compress_size > ZIP_MAX_RATIO
        ):
            raise ImportRefused([f"{path.name}: “{entry.filename[:200]}” inflates far beyond its size (a zip bomb)."])
    if total > MAX_CSV_BYTES:
        raise ImportRefused([f"{path.name}: the files inside add up to more than {MAX_CSV_BYTES // (1024 * 1024)} MB."])


def read_path(path):
    """Read a folder, a zip or a JSON file into raw tables: {table: [(where, row)]}.

    `where` names the file and row (or record) for messages.
    """
    path = Path(path)
    if not path.exists():
        raise ImportRefused([f"{path}: no such file or folder."])
    if path.is_dir():
        return _read_files({p.name: p for p in path.iterdir() if p.is_file()}, path.name)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            _check_zip(path, archive)
            members = {}
            for entry in archive.infolist():
                if entry.is_dir():
                    continue
                base = os.path.basename(entry.filename)
                if base in members:
                    raise ImportRefused([f"{path.name}: two files are called {base}."])
                members[base] = entry
            return _read_files({name: (archive, entry) for name, entry in members.items()}, path.name)
    if path.suffix.lower() == ".json":
        return read_json(path)
    raise ImportRefused([f"{path.name}: give a folder, a .zip data package or a .json file."])


def _file_bytes(source):
    if isinstance(source, tuple):
        archive, entry = source
        with archive.open(entry) as handle:
            return handle.read(MAX_CSV_BYTES + 1)
    with open(source, "rb") as handle:
        return handle.read(MAX_CSV_BYTES + 1)


def _read_files(files, label):
    errors = []
    known = {path: table for table, (path, _columns) in TABLES.items()}
    raw = {table: [] for table in TABLES}
    if "services.csv" not in files and "services.json" not in files:
        json_files = [name for name in files if name.endswith(".json") and name != "datapackage.json"]
        if len(json_files) == 1 and isinstance(files[json_files[0]], Path):
            return read_json(files[json_files[0]])
        raise ImportRefused([f"{label}: no services.csv in this data package."])
    for name, source in sorted(files.items()):
        if name not in known:
            continue
        data = _file_bytes(source)
        if len(data) > MAX_CSV_BYTES:
            errors.append(f"{name}: larger than {MAX_CSV_BYTES // (1024 * 1024)} MB.")
            continue
        raw[known[name]] = [
            (f"{name}, row {n}", row) for n, row in _read_csv(name, _decode(name, data, errors), errors)
        ]
    if errors:
        raise ImportRefused(errors)
    return raw


def read_json(path):
    """Read HSDS JSON (a list of nested services, a page with `contents`, or one service)."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise ImportRefused(
            [
                f"{path.name}: {size // (1024 * 1024)} MB is more than the "
                f"{MAX_JSON_BYTES // (1024 * 1024)} MB an import may be; split it."
            ]
        )
    try:
        data = boundedjson.loads(path.read_text(encoding="utf-8"))
    except boundedjson.TooDeep as error:
        raise ImportRefused([f"{path.name}: {error}; HSDS services nest a few levels only."]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportRefused([f"{path.name}: not valid JSON ({error})."]) from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    elif isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportRefused([f"{path.name}: expected a list of HSDS services."])
    return flatten(path.name, data)


def flatten(label, services):
    """Turn nested HSDS services into raw tables, checking each against compiled/service.json."""
    from . import schema_errors

    raw = {table: [] for table in TABLES}
    errors = []
    seen = {table: set() for table in TABLES}

    def put(table, where, row, **links):
        row = dict(row)
        for key, value in links.items():
            row.setdefault(key, value)
        flat = {k: _flat(v) for k, v in row.items() if not isinstance(v, (list, dict))}
        key = flat.get("id")
        if key in seen[table]:
            return
        seen[table].add(key)
        raw[table].append((where, flat))

    def attributes(where, items, entity, link_id):
        for item in items or []:
            term = item.get("taxonomy_term")
            if isinstance(term, dict):
                taxonomy = term.get("taxonomy_detail")
                if isinstance(taxonomy, dict):
                    put("taxonomy", where, taxonomy)
                put("taxonomy_term", where, term)
            put("attribute", where, item, link_id=link_id, link_entity=entity)

    def phones(where, items, **links):
        for item in items or []:
            put("phone", where, item, **links)

    def schedules(where, items, **links):
        for item in items or []:
            put("schedule", where, item, **links)

    for index, service in enumerate(services, start=1):
        where = f"{label}, service {index}"
        if not isinstance(service, dict):
            errors.append(f"{where}: not an object.")
            continue
        problems = schema_errors("service", service, limit=5)
        if problems:
            errors.extend(f"{where}, {problem}" for problem in problems)
            continue
        sid = service["id"]
        org = service.get("organization")
        if isinstance(org, dict):
            put("organization", where, org)
            phones(where, org.get("phones"), organization_id=org.get("id"))
            attributes(where, org.get("attributes"), "organization", org.get("id"))
        put("service", where, service)
        phones(where, service.get("phones"), service_id=sid)
        schedules(where, service.get("schedules"), service_id=sid)
        for item in service.get("service_areas") or []:
            put("service_area", where, item, service_id=sid)
        for item in service.get("languages") or []:
            put("language", where, item, service_id=sid)
        for item in service.get("contacts") or []:
            put("contact", where, item, service_id=sid)
        attributes(where, service.get("attributes"), "service", sid)
        for link in service.get("service_at_locations") or []:
            location = link.get("location")
            if isinstance(location, dict):
                put("location", where, location)
                for address in location.get("addresses") or []:
                    put("address", where, address, location_id=location.get("id"))
                phones(where, location.get("phones"), location_id=location.get("id"))
                schedules(where, location.get("schedules"), location_id=location.get("id"))
                attributes(where, location.get("attributes"), "location", location.get("id"))
            put("service_at_location", where, link, service_id=sid, location_id=(location or {}).get("id"))
            phones(where, link.get("phones"), service_at_location_id=link.get("id"))
            schedules(where, link.get("schedules"), service_at_location_id=link.get("id"))
            for item in link.get("contacts") or []:
                put("contact", where, item, service_at_location_id=link.get("id"))
    if errors:
        raise ImportRefused(errors[:50])
    return raw


def _flat(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return repr(value)
    return str(value)


def is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
