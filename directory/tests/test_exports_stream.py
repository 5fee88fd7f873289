"""The directory's CSV and XLSX are streamed a chunk at a time, with the same content as built whole."""

import io
from unittest import mock

from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core import access
from core.office import csv_content
from core.testing import body_of, signed_in
from directory import exports, queries, synthetic
from directory.models import Address, Location, Phone
from directory.queries import services_for_points
from directory.taxonomies import PROFILES, SERVICE_TYPES

from .helpers import build_directory


def rows_as_before(user, points):
    """The rows as they were built before they were read as values (from model instances): the reference."""
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


def whole_csv(user, lang="en"):
    """The CSV as it was built before streaming: every row in memory, then written at once."""
    with translation.override(lang):
        return _whole_csv(user)


def _whole_csv(user):
    points = queries.map_points(user).order_by("country_id", "name_es", "service_at_location_id")
    header = exports.columns()
    rows = [[label for label, _tag in header], [tag for _label, tag in header], *rows_as_before(user, points)]
    return csv_content(rows)


class StreamedExports(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()
        synthetic.create(40, build=False)

    def test_the_streamed_csv_is_byte_for_byte_the_whole_one_in_chunks_of_any_size(self):
        cases = [
            (None, Client(), "en"),
            (None, Client(), "es"),
            (self.n.gt_officer, signed_in(self.n.gt_officer), "en"),
        ]
        for user, client, lang in cases:
            expected = whole_csv(user, lang)
            for size in (exports.CHUNK, 7, 1):
                with (
                    self.subTest(member=user is not None, lang=lang, chunk=size),
                    mock.patch.object(exports, "CHUNK", size),
                ):
                    response = client.get(reverse("directory:export", args=["csv"]), {"lang": lang})
                    self.assertTrue(response.streaming)
                    chunks = list(response.streaming_content)
                    self.assertEqual(b"".join(chunks), expected)
                    if size == 7:
                        self.assertGreater(len(chunks), 6)  # written as it goes, not at once

    def test_the_xlsx_holds_the_same_rows_as_the_csv(self):
        with mock.patch.object(exports, "CHUNK", 9):
            response = Client().get(reverse("directory:export", args=["xlsx"]), {"lang": "en"})
        self.assertTrue(response.streaming)
        sheet = load_workbook(io.BytesIO(body_of(response))).active
        cells = [["" if cell.value is None else str(cell.value) for cell in row] for row in sheet.iter_rows()]
        csv_lines = whole_csv(None).decode("utf-8-sig").splitlines()
        self.assertEqual(len(cells), len(csv_lines))
        self.assertEqual(cells[1][0], "#org+name")
        self.assertEqual(cells[0][0], "Organization")
        self.assertEqual(sorted(row[16] for row in cells[2:]), sorted(line.split(",")[-2] for line in csv_lines[2:]))

    def test_the_queries_do_not_grow_with_the_rows_in_a_chunk(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count(size):
            with mock.patch.object(exports, "CHUNK", size), CaptureQueriesContext(connection) as seen:
                body_of(Client().get(reverse("directory:export", args=["csv"])))
            return len(seen)

        whole = count(1000)
        self.assertLessEqual(whole, 14)
        self.assertGreater(count(10), whole)  # a few more per chunk, never one per row
        self.assertLess(count(10), whole * 6)
