"""The map's side list, the work list and the printable directory read a page at a time (issue 21): the
same queries at N and 10×N points; the side list's links walk every point once; a bad link gives the first page."""

import base64
import html
import json
import re
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.testing import build_network, signed_in
from directory import queries, synthetic, views
from directory.models import Location, MapPoint, Place, PlaceKind, Service, ServiceEdit

from .helpers import reference_data

NEXT = re.compile(r'<a href="\?([^"]*)"[^>]*rel="next"')
ROW = re.compile(r'<a href="[^"]*/map/services/([0-9a-f-]{36})/">')


def cursor(value):
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def row_ids(page):
    return ROW.findall(page.split('id="results"', 1)[1])


@override_settings(PAGE_CACHE=False)
class SideListTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        reference_data()
        cls.n = build_network()
        synthetic.create(45, seed=11, build=False)
        points = list(MapPoint.objects.order_by("pk"))
        # Ties: the same names on ten points, the same Spanish name with another English one on five.
        MapPoint.objects.filter(pk__in=[p.pk for p in points[:10]]).update(name_es="Mismo", name_en="Same")
        MapPoint.objects.filter(pk__in=[p.pk for p in points[10:15]]).update(name_es="Mismo")

    def read(self, query="", htmx=False):
        headers = {"Accept-Language": "en", **({"HX-Request": "true"} if htmx else {})}
        response = self.client.get(f"{reverse('directory:map')}?{query}", headers=headers)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def walk(self, htmx=False):
        seen, query, pages = [], "", 0
        while True:
            page = self.read(query, htmx)
            seen += row_ids(page)
            pages += 1
            found = NEXT.search(page)
            if found is None:
                return seen, pages, page
            self.assertIn(">First page</a>", self.read(html.unescape(found.group(1)), htmx))
            query = html.unescape(found.group(1))

    def test_next_links_walk_every_point_once_in_name_order(self):
        expected = [
            str(sid) for sid in MapPoint.objects.order_by(*queries.LIST_ORDER).values_list("service_id", flat=True)
        ]
        for htmx in (False, True):
            with self.subTest(htmx=htmx):
                seen, pages, last = self.walk(htmx)
                self.assertEqual(seen, expected)
                self.assertEqual(pages, 3)  # 20, 20 and 5
                self.assertNotIn('rel="next"', last)

    def test_the_count_stops_at_its_bound(self):
        self.assertIn("45 services in view", self.read())
        with mock.patch.object(queries, "LIST_COUNT_BOUND", 30):
            page = self.read()
        self.assertIn("More than 30 services in view", page)

    def test_a_bad_cursor_gives_the_first_page_and_says_so(self):
        first = row_ids(self.read())
        bad = [
            "garbage",
            "%%%",
            "a" * 5000,
            base64.urlsafe_b64encode(b"\xff\xfe").decode(),
            cursor({"name": "x"}),
            cursor(["only", "two"]),
            cursor(["a", "b", 3]),
            cursor(["a", "b", "not-an-id"]),
            cursor(["a\u0000", "b", "0" * 32]),
            cursor([1, 2, "0" * 32]),
        ]
        for value in bad:
            for htmx in (False, True):
                with self.subTest(value=value[:20], htmx=htmx):
                    page = self.read(f"after={value}", htmx)
                    self.assertIn("That link to the list was out of date", page)
                    self.assertEqual(row_ids(page), first)

    def test_a_cursor_of_a_point_since_removed_goes_on_after_it(self):
        ordered = list(MapPoint.objects.order_by(*queries.LIST_ORDER))
        after = queries.encode_cursor(ordered[4])
        MapPoint.objects.filter(pk=ordered[4].pk).delete()
        page = self.read(f"after={after}")
        self.assertEqual(row_ids(page)[0], str(ordered[5].service_id))
        self.assertNotIn("out of date", page)

    def test_no_page_counts_or_skips_every_point(self):
        ordered = list(MapPoint.objects.order_by(*queries.LIST_ORDER))
        with CaptureQueriesContext(connection) as seen:
            self.read(f"after={queries.encode_cursor(ordered[30])}")
        sql = [query["sql"].upper() for query in seen]
        self.assertFalse([q for q in sql if "OFFSET" in q])
        counts = [q for q in sql if "COUNT(" in q and "MAP" in q]
        self.assertEqual(len(counts), 1)
        self.assertIn(f"LIMIT {queries.LIST_COUNT_BOUND + 1}", counts[0])

    def test_nearest_first_is_unchanged(self):
        point = MapPoint.objects.order_by("pk").first()
        page = self.read(f"lat={point.latitude}&lon={point.longitude}")
        self.assertIn("Nearest services to", page)
        self.assertNotIn('rel="next"', page)
        self.assertEqual(len(row_ids(page)), views.PAGE_SIZE)


@override_settings(PAGE_CACHE=False)
class SameQueriesAtAnySizeTest(TestCase):
    """The side list, the work list and the printable directory at N and 10×N rows."""

    @classmethod
    def setUpTestData(cls):
        reference_data()
        cls.n = build_network()
        cls.division = Place.objects.filter(kind=PlaceKind.DIVISION, country_code="GT").order_by("name").first()

    def grow(self, count, seed):
        """Add `count` services in Guatemala: published, half in a division; a tenth unpublished, a tenth
        with a partner's change waiting; none verified."""
        before = set(Service.objects.values_list("pk", flat=True))
        synthetic.create(count, seed=seed, build=False)
        made = list(Service.objects.exclude(pk__in=before).order_by("pk"))
        ids = [s.pk for s in made]
        Service.objects.filter(pk__in=ids).update(country=self.n.gt)
        MapPoint.objects.filter(service_id__in=ids).update(country=self.n.gt)
        half = ids[: count // 2]
        Location.objects.filter(service_at_locations__service_id__in=half).update(division=self.division)
        MapPoint.objects.filter(service_id__in=half).update(division=self.division)
        Service.objects.filter(pk__in=ids[: count // 10]).update(is_published=False)
        MapPoint.objects.filter(service_id__in=ids[: count // 10]).update(is_published=False)
        ServiceEdit.objects.bulk_create(
            ServiceEdit(service_id=pk, author=self.n.partner, changes={"name_es": "Otro"}) for pk in ids[-count // 10 :]
        )

    def queries_of(self, client, url, **headers):
        client.get(url, headers=headers)  # warm: sessions, roles, content types
        with CaptureQueriesContext(connection) as seen:
            response = client.get(url, headers=headers)
        self.assertEqual(response.status_code, 200, url)
        return len(seen), response.content.decode()

    def shown(self):
        """How many entries to verify the work list shows, and how many entries the printable directory."""
        officer = signed_in(self.n.gt_officer)
        review = officer.get(reverse("directory:review", args=["gt"])).content.decode()
        printed = self.client.get(reverse("directory:print", args=["gt"])).content.decode()
        return review.count('/verify/"'), printed.count('class="print-entry"')

    def measure(self):
        anonymous, officer = self.client, signed_in(self.n.gt_officer)
        map_url = reverse("directory:map")
        first = self.queries_of(anonymous, map_url)[1]
        after = html.unescape(NEXT.search(first).group(1))
        return {
            "side list": self.queries_of(anonymous, map_url)[0],
            "side list, htmx": self.queries_of(anonymous, map_url, **{"HX-Request": "true"})[0],
            "side list, next page": self.queries_of(anonymous, f"{map_url}?{after}")[0],
            "side list, a member": self.queries_of(officer, map_url)[0],
            "work list": self.queries_of(officer, reverse("directory:review", args=["gt"]))[0],
            "work list, page 2": self.queries_of(
                officer, reverse("directory:review", args=["gt"]) + "?edits=2&new=2&verify=2"
            )[0],
            "printable directory": self.queries_of(anonymous, reverse("directory:print", args=["gt"]))[0],
            "printable directory, page 2": self.queries_of(
                anonymous, reverse("directory:print", args=["gt"]) + "?page=2"
            )[0],
        }

    def test_the_same_queries_at_n_and_ten_times_n(self):
        with mock.patch.object(views, "REVIEW_PAGE", 5), mock.patch.object(views, "PRINT_PAGE", 7):
            self.grow(60, seed=21)
            small = self.measure()
            self.grow(540, seed=22)
            large = self.measure()
            to_verify, entries = self.shown()
        self.assertEqual(MapPoint.objects.filter(country=self.n.gt, is_published=True).count(), 540)
        self.assertEqual((to_verify, entries), (5, 7))
        for page, count in small.items():
            with self.subTest(page=page):
                self.assertEqual(large[page], count)


@override_settings(PAGE_CACHE=False)
class WorkListAndPrintPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        reference_data()
        cls.n = build_network()
        divisions = list(Place.objects.filter(kind=PlaceKind.DIVISION, country_code="GT").order_by("name")[:2])
        before = set(Service.objects.values_list("pk", flat=True))
        synthetic.create(23, seed=31, build=False)
        ids = list(Service.objects.exclude(pk__in=before).order_by("pk").values_list("pk", flat=True))
        Service.objects.filter(pk__in=ids).update(country=cls.n.gt)
        MapPoint.objects.filter(service_id__in=ids).update(country=cls.n.gt)
        for index, division in enumerate(divisions):  # two divisions of 8, and 7 points without one
            part = ids[index * 8 : index * 8 + 8]
            Location.objects.filter(service_at_locations__service_id__in=part).update(division=division)
            MapPoint.objects.filter(service_id__in=part).update(division=division)
        cls.divisions = [d.name for d in divisions]
        ServiceEdit.objects.bulk_create(ServiceEdit(service_id=pk, author=cls.n.partner, changes={}) for pk in ids[:12])

    def test_the_printable_directory_pages_cover_each_service_once_division_by_division(self):
        client = self.client
        url = reverse("directory:print", args=["gt"])
        names, headings = [], []
        with mock.patch.object(views, "PRINT_PAGE", 5):
            for number in range(1, 6):
                page = client.get(url, {"page": number, "lang": "en"}).content.decode()
                names += re.findall(r'<article class="print-entry"><h3>([^<]+)</h3>', page)
                for heading in re.findall(r'<section class="print-group"><h2>([^<]+)</h2>', page):
                    if not headings or headings[-1] != heading:
                        headings.append(heading)
                self.assertIn(f"Page {number} of 5", page)
        expected = set(MapPoint.objects.filter(country=self.n.gt).values_list("name_en", flat=True))
        self.assertEqual(sorted(names), sorted(expected))
        self.assertEqual(headings, [*self.divisions, "Nationwide or unknown"])

    def test_each_list_of_the_work_list_has_its_own_pages(self):
        client = signed_in(self.n.gt_officer)
        url = reverse("directory:review", args=["gt"])
        with mock.patch.object(views, "REVIEW_PAGE", 5):
            first = client.get(url, headers={"Accept-Language": "en"}).content.decode()
            second = client.get(url, {"edits": 3, "verify": 2}, headers={"Accept-Language": "en"}).content.decode()
            junk = client.get(url, {"edits": "x", "verify": "-4", "new": "99999"})
        self.assertEqual(first.count("Page 1 of 3"), 1)  # 12 changes to approve
        self.assertEqual(first.count("Page 1 of 5"), 1)  # 23 entries to verify
        self.assertIn(html.escape("?edits=2#h-edits"), first)
        self.assertIn("Page 3 of 3", second)
        self.assertIn("Page 2 of 5", second)
        self.assertIn(html.escape("?edits=3&verify=3#h-verify"), second)
        self.assertEqual(junk.status_code, 200)
