"""Exports humanitarian partners use: CSV and XLSX with an HXL hashtag row, and the printable directory.

Rows are map points the caller already restricted; a confidential location's address and exact
position are written only for network members (the public gets its municipality).
"""

import itertools
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import access
from core.documents import XLSX_TYPE, language_of_active
from core.i18n import localized
from core.office import Workbook, csv_content

from .models import Address, Location, Phone
from .queries import services_for_points
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


def rows_for(user, points):
    """Return the export's rows (lists of values) for map points, in a fixed number of queries."""
    points = list(points)
    member = access.sees_members_only(user)
    services = services_for_points(points)
    sal_locations = dict(
        Location.objects.filter(service_at_locations__in=[p.service_at_location_id for p in points]).values_list(
            "service_at_locations", "pk"
        )
    )
    locations = {
        loc.pk: loc
        for loc in Location.objects.filter(pk__in=set(sal_locations.values())).select_related(
            "municipality", "division"
        )
    }
    addresses = {}
    for address in Address.objects.filter(location_id__in=locations):
        addresses.setdefault(address.location_id, address)
    phones = {}
    for phone in Phone.objects.filter(service_id__in=services).order_by("id"):
        phones.setdefault(phone.service_id, phone.number)
    out = []
    for point in points:
        service = services[point.service_id]
        location = locations.get(sal_locations.get(point.service_at_location_id))
        hidden = location is not None and location.is_confidential and not member
        address = addresses.get(location.pk) if location is not None and not hidden else None
        terms = list(service.terms.all())
        lat, lon = (point.latitude, point.longitude) if member else (point.public_latitude, point.public_longitude)
        out.append(
            [
                str(service.provider),
                str(service),
                "; ".join(str(t) for t in terms if t.taxonomy.code == SERVICE_TYPES),
                "; ".join(str(t) for t in terms if t.taxonomy.code == PROFILES),
                str(service.country.name),
                location.division.name if location is not None and location.division else "",
                location.municipality.name if location is not None and location.municipality else "",
                (f"{address.address_1}, {address.city}" if address else (_("Confidential address") if hidden else "")),
                round(lat, 5),
                round(lon, 5),
                phones.get(service.pk, ""),
                service.minimum_age if service.minimum_age is not None else "",
                service.maximum_age if service.maximum_age is not None else "",
                point.languages.strip("|").replace("|", ", "),
                service.get_status_display(),
                service.assured_date or "",  # a date: ISO in the CSV, a real date in the XLSX
                str(service.pk),
                service.country.code.code,
            ]
        )
    return out


def _filename(ext):
    return f"enlace-services-{timezone.localdate().isoformat()}.{ext}"


# Rows are read and written this many map points at a time: memory stays flat whatever the size
# (2,000 at a time held some 60 MB of model instances at once; 500 holds a quarter of it).
CHUNK = 500


def points_in_chunks(points, size=None):
    """The points of an ordered queryset, `size` at a time, in its order.

    The order is read once as keys only (a few bytes a point); each chunk is then read whole. No
    server-side cursor is needed, so it works the same behind PgBouncer in transaction mode.
    """
    keys = list(points.values_list("pk", flat=True))
    for part in itertools.batched(keys, size or CHUNK):
        found = {point.pk: point for point in points.order_by().filter(pk__in=part)}
        yield [found[key] for key in part if key in found]


def rows_in_chunks(user, points, size=None):
    """The export's rows, `size` points at a time: memory does not grow with the number of points."""
    for chunk in points_in_chunks(points, size):
        yield from rows_for(user, chunk)


def _header_rows():
    header = columns()
    return [[label for label, _tag in header], [tag for _label, tag in header]]


def csv_chunks(user, points):
    """The CSV's bytes, a chunk of rows at a time: the same bytes as `csv_content` of every row at once."""
    yield "\ufeff".encode()
    yield csv_content(_header_rows(), bom=False)
    batch = []
    for row in rows_in_chunks(user, points):
        batch.append(row)
        if len(batch) >= CHUNK:
            yield csv_content(batch, bom=False)
            batch = []
    if batch:
        yield csv_content(batch, bom=False)


def csv_response(user, points):
    """Streamed to the reader as it is written (the translation active now is kept for the rows)."""
    lang = translation.get_language()

    def stream():
        with translation.override(lang):
            yield from csv_chunks(user, points)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_file(user, points):
    """Write the XLSX to a temporary file (openpyxl's write-only mode keeps rows on disk); return it, rewound."""
    book = Workbook(language_of_active())
    sheet = book.sheet(_("Services"), WIDTHS, freeze="A3")
    head, tags = _header_rows()
    sheet.header(head)
    sheet.row(tags)
    for row in rows_in_chunks(user, points):
        sheet.row(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    book.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(user, points):
    """Built on disk, then sent from the file a block at a time."""
    return FileResponse(xlsx_file(user, points), as_attachment=True, filename=_filename("xlsx"), content_type=XLSX_TYPE)


FORMATS = {"csv": csv_response, "xlsx": xlsx_response}


def print_context(user, country, points):
    """Group a country's services by division for the printable directory."""
    header = [label for label, _tag in columns()]
    groups = {}
    for row in rows_for(user, points):
        groups.setdefault(row[5] or _("Nationwide or unknown"), []).append(
            dict(zip(header, row, strict=True)) | {"row": row}
        )
    return {
        "country": country,
        "groups": sorted(groups.items()),
        "printed": timezone.localdate(),
        "localized": localized,
    }
