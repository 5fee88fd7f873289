"""Exports humanitarian partners use: CSV and XLSX with an HXL hashtag row, and the printable directory.

Rows are map points the caller already restricted; a confidential location's address and exact
position are written only for network members (the public gets its municipality).
"""

import tempfile

from django.conf import settings
from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import access, prepared
from core.batches import key_batches
from core.documents import XLSX_TYPE, language_of_active
from core.i18n import localized, localized_value
from core.office import Workbook, csv_content
from network.models import Country

from .hsds import streaming
from .models import Address, Phone, Service, ServiceAtLocation, ServiceStatus, TaxonomyTerm
from .queries import map_points
from .taxonomies import PROFILES, SERVICE_TYPES


def columns():
    """(header, HXL hashtag) pairs, in order."""
    return [
        (_("Organization"), "#org+name"),
        (_("Service"), "#service+name"),
        (_("Service type"), "#sector"),
        (_("Population profile"), "#population+type"),
        (_("Country"), "#country+name"),
        (_("State, department or province"), "#adm1+name"),
        (_("Municipality"), "#adm2+name"),
        (_("Address"), "#loc+address"),
        (_("Latitude"), "#geo+lat"),
        (_("Longitude"), "#geo+lon"),
        (_("Phone"), "#contact+phone"),
        (_("Minimum age"), "#age+min"),
        (_("Maximum age"), "#age+max"),
        (_("Languages"), "#meta+languages"),
        (_("Status"), "#status"),
        (_("Last verified"), "#date+verified"),
        (_("Service id (HSDS)"), "#service+id"),
        (_("ISO code"), "#country+code"),
    ]


# Column widths of the XLSX, in characters, in the order of columns().
WIDTHS = (30, 30, 24, 24, 16, 22, 22, 34, 10, 10, 16, 8, 8, 16, 12, 14, 38, 8)


# What a row needs of a map point (read as plain values: model instances cost ten times as much).
POINT_FIELDS = (
    "service_at_location_id",
    "service_id",
    "latitude",
    "longitude",
    "public_latitude",
    "public_longitude",
    "languages",
)
SERVICE_FIELDS = (
    "pk",
    "name_es",
    "name_en",
    "provider__name_es",
    "provider__name_en",
    "country_id",
    "minimum_age",
    "maximum_age",
    "status",
    "assured_date",
)


class Lookups:
    """What every row of one export shares, read once: countries, categories and status labels."""

    def __init__(self):
        self.countries = {c.pk: (str(c.name), c.code.code) for c in Country.objects.all()}
        self.terms = {}  # term id: (rank in the categories' own order, taxonomy code, name)
        for rank, term in enumerate(TaxonomyTerm.objects.select_related("taxonomy").filter(taxonomy__code__in=SHOWN)):
            self.terms[term.pk] = (rank, term.taxonomy.code, str(term))
        self.statuses = {value: str(label) for value, label in ServiceStatus.choices}


SHOWN = (SERVICE_TYPES, PROFILES)


def _as_values(points):
    return [p if isinstance(p, dict) else {name: getattr(p, name) for name in POINT_FIELDS} for p in points]


def rows_for(user, points):
    """Return the export's rows (lists of values) for map points, as this reader may see them."""
    return rows_of(access.sees_members_only(user), points)


def rows_of(member, points, lookups=None):
    """The rows of map points, in a fixed number of queries; `member`: exact places of confidential ones.

    `points`: map points, or their POINT_FIELDS as dicts (what `points_in_chunks` yields).
    """
    points = _as_values(points)
    lookups = lookups or Lookups()
    service_ids = {p["service_id"] for p in points}
    services = {row["pk"]: row for row in Service.objects.filter(pk__in=service_ids).values(*SERVICE_FIELDS)}
    places = {
        row["pk"]: row
        for row in ServiceAtLocation.objects.filter(pk__in=[p["service_at_location_id"] for p in points]).values(
            "pk", "location_id", "location__is_confidential", "location__division__name", "location__municipality__name"
        )
    }
    addresses = {}
    located = {row["location_id"] for row in places.values()}
    for address in Address.objects.filter(location_id__in=located).values("location_id", "address_1", "city"):
        addresses.setdefault(address["location_id"], address)
    phones = {}
    for phone in Phone.objects.filter(service_id__in=service_ids).order_by("id").values("service_id", "number"):
        phones.setdefault(phone["service_id"], phone["number"])
    categories = {}
    links = Service.terms.through.objects.filter(service_id__in=service_ids, taxonomyterm_id__in=lookups.terms)
    for service_id, term_id in links.values_list("service_id", "taxonomyterm_id"):
        categories.setdefault(service_id, []).append(lookups.terms[term_id])
    return [_row(point, services, places, addresses, phones, categories, lookups, member) for point in points]


def _row(point, services, places, addresses, phones, categories, lookups, member):
    service = services[point["service_id"]]
    place = places.get(point["service_at_location_id"])
    hidden = place is not None and place["location__is_confidential"] and not member
    address = addresses.get(place["location_id"]) if place is not None and not hidden else None
    terms = sorted(categories.get(service["pk"], ()))
    lat, lon = (
        (point["latitude"], point["longitude"]) if member else (point["public_latitude"], point["public_longitude"])
    )
    country_name, country_code = lookups.countries[service["country_id"]]
    return [
        localized_value(service, "provider__name"),
        localized_value(service, "name"),
        "; ".join(name for _rank, code, name in terms if code == SERVICE_TYPES),
        "; ".join(name for _rank, code, name in terms if code == PROFILES),
        country_name,
        (place["location__division__name"] or "") if place is not None else "",
        (place["location__municipality__name"] or "") if place is not None else "",
        f"{address['address_1']}, {address['city']}" if address else (_("Confidential address") if hidden else ""),
        round(lat, 5),
        round(lon, 5),
        phones.get(service["pk"], ""),
        service["minimum_age"] if service["minimum_age"] is not None else "",
        service["maximum_age"] if service["maximum_age"] is not None else "",
        point["languages"].strip("|").replace("|", ", "),
        lookups.statuses.get(service["status"], service["status"]),
        service["assured_date"] or "",  # a date: ISO in the CSV, a real date in the XLSX
        str(service["pk"]),
        country_code,
    ]


def _filename(ext, made=None):
    day = timezone.localdate(made) if made else timezone.localdate()
    return f"enlace-services-{day.isoformat()}.{ext}"


# Rows are read and written this many map points at a time: memory stays flat whatever the size
# (2,000 at a time held some 60 MB of model instances at once; 500 holds a quarter of it).
CHUNK = 500


def points_in_chunks(points, size=None):
    """The points of an ordered queryset, `size` at a time, in its order (core.batches: the order is
    read once as packed keys, then each chunk whole; no cursor stays open)."""
    for part in key_batches(points, size or CHUNK):
        found = {
            row["service_at_location_id"]: row for row in points.order_by().filter(pk__in=part).values(*POINT_FIELDS)
        }
        yield [found[key] for key in part if key in found]


def rows_in_chunks(member, points, size=None):
    """The export's rows, `size` points at a time: memory does not grow with the number of points."""
    lookups = Lookups()
    for chunk in points_in_chunks(points, size):
        yield from rows_of(member, chunk, lookups)


def _header_rows():
    header = columns()
    return [[label for label, _tag in header], [tag for _label, tag in header]]


def csv_chunks(member, points):
    """The CSV's bytes, a chunk of rows at a time: the same bytes as `csv_content` of every row at once."""
    yield "\ufeff".encode()
    yield csv_content(_header_rows(), bom=False)
    batch = []
    for row in rows_in_chunks(member, points):
        batch.append(row)
        if len(batch) >= CHUNK:
            yield csv_content(batch, bom=False)
            batch = []
    if batch:
        yield csv_content(batch, bom=False)


def csv_response(member, points):
    """Streamed to the reader as it is written (the translation active now is kept for the rows)."""
    lang = translation.get_language()

    def stream():
        with translation.override(lang):
            yield from csv_chunks(member, points)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def write_xlsx(member, points, handle):
    """Write the XLSX into an open binary file (openpyxl's write-only mode keeps rows on disk)."""
    book = Workbook(language_of_active())
    sheet = book.sheet(_("Services"), WIDTHS, freeze="A3")
    head, tags = _header_rows()
    sheet.header(head)
    sheet.row(tags)
    for row in rows_in_chunks(member, points):
        sheet.row(row)
    book.save(handle)


def xlsx_file(member, points):
    """The XLSX in a temporary file, rewound."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    write_xlsx(member, points, handle)
    handle.seek(0)
    return handle


def xlsx_response(member, points):
    """Built on disk, then sent from the file a block at a time."""
    handle = xlsx_file(member, points)
    return FileResponse(handle, as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_TYPE)


FORMATS = {"csv": csv_response, "xlsx": xlsx_response}


# ---- Exports too big for one request: prepared by the task worker (core.prepared) ------------

# The map's filters an export keeps (anything else in the address does not change the file).
FILTERS = ("country", "division", "type", "profile", "age", "language", "status")
ORDER = ("country_id", "name_es", "service_at_location_id")


def filter_params(form):
    """The filters of a valid form as the address gave them (an invalid form filters nothing, as the map)."""
    if not (form.is_bound and form.is_valid()):
        return {}
    return {name: form.data[name] for name in FILTERS if form.data.get(name)}


def export_response(user, fmt, form):
    """The export of what `form` selects: written now, or prepared in the background when it is big."""
    member = access.sees_members_only(user)
    points = map_points(user, form.filters()).order_by(*ORDER)
    if points[: settings.EXPORT_INLINE_MAX + 1].count() <= settings.EXPORT_INLINE_MAX:
        return FORMATS[fmt](member, points)
    return prepared.response(prepared.prepare(f"directory.{fmt}", user, {"filters": filter_params(form)}))


def _prepared_points(params):
    from .forms import MapFilterForm

    query = QueryDict(mutable=True)
    query.update(params.get("filters", {}))
    return map_points(None, MapFilterForm(query or None).filters()).order_by(*ORDER)


def _build_csv(members, params, handle):
    points = _prepared_points(params)
    for chunk in csv_chunks(members, points):
        handle.write(chunk)
    return points.count()  # a row a point (a line is not a row: an address may hold a line break)


def _build_xlsx(members, params, handle):
    points = _prepared_points(params)
    write_xlsx(members, points, handle)
    return points.count()


def register_prepared():
    prepared.register(
        "directory.csv", _build_csv, lambda row: _filename("csv", row.created_at), "text/csv; charset=utf-8"
    )
    prepared.register("directory.xlsx", _build_xlsx, lambda row: _filename("xlsx", row.created_at), XLSX_TYPE)
    for fmt, (name, content_type) in streaming.DOWNLOADS.items():
        prepared.register(f"hsds.{fmt}", _build_hsds(fmt), lambda row, name=name: name, content_type)


def print_context(user, country, points):
    """Group a country's services by division for the printable directory, the groups in the order of
    `points` (queries.print_rows: by division name, those without one last)."""
    header = [label for label, _tag in columns()]
    groups = {}
    for row in rows_for(user, points):
        groups.setdefault(row[5] or _("Nationwide or unknown"), []).append(
            dict(zip(header, row, strict=True)) | {"row": row}
        )
    return {
        "country": country,
        "groups": list(groups.items()),
        "printed": timezone.localdate(),
        "localized": localized,
    }


def _build_hsds(fmt):
    def build(members, params, handle):
        rows = Service.objects.published()  # what every reader may see of the directory (its policy)
        streaming.write_download(fmt, rows, handle, public=not members)
        return rows.count()

    return build
