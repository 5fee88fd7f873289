"""A confidential shelter's address and position never reach an anonymous visitor, on any path."""

import io
import json
import zipfile

from django.test import Client, TestCase
from django.urls import reverse

from core.testing import body_of, signed_in

from .helpers import SECRET_STREET, build_directory

EXACT = "14.8512"


class ConfidentialLocationTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def assertHidden(self, text):
        self.assertNotIn(SECRET_STREET, text)
        self.assertNotIn(EXACT, text)
        self.assertNotIn("-91.5371", text)

    def test_the_service_page_shows_the_public_only_the_municipality(self):
        url = reverse("directory:service", args=[self.n.shelter.pk])
        public = Client().get(url).content.decode()
        self.assertHidden(public)
        self.assertIn("Quetzaltenango", public)
        member = signed_in(self.n.hn_officer).get(url).content.decode()
        self.assertIn(SECRET_STREET, member)

    def test_map_clusters_and_points_snap_to_the_municipality_for_the_public(self):
        url = reverse("directory:map_data") + "?bbox=-92,14.5,-91,15.2&zoom=17"
        data = json.loads(Client().get(url).content)
        shelter = [p for p in data["points"] if p["s"] == str(self.n.shelter.pk)]
        self.assertEqual(len(shelter), 1)
        self.assertEqual((shelter[0]["lat"], shelter[0]["lon"]), (14.84, -91.52))  # the municipality's centroid
        for zoom in range(3, 19, 3):
            text = Client().get(reverse("directory:map_data") + f"?bbox=-95,10,-85,20&zoom={zoom}").content.decode()
            self.assertHidden(text)
        member = json.loads(signed_in(self.n.gt_officer).get(url).content)
        mine = [p for p in member["points"] if p["s"] == str(self.n.shelter.pk)]
        self.assertEqual((mine[0]["lat"], mine[0]["lon"]), (14.8512, -91.5371))

    def test_the_hsds_api_gives_the_public_no_address(self):
        for url in (
            f"/api/hsds/services/{self.n.shelter.pk}",
            "/api/hsds/services?full=true",
            "/api/hsds/service_at_locations?full=true",
            f"/api/hsds/organizations/{self.n.sbs_provider.pk}?full_service=true",
        ):
            response = Client().get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertHidden(response.content.decode())
        member = signed_in(self.n.gt_officer).get(f"/api/hsds/services/{self.n.shelter.pk}").content.decode()
        self.assertIn(SECRET_STREET, member)

    def test_exports_and_the_printable_directory_hide_it_from_the_public(self):
        for url in (
            reverse("directory:export", args=["csv"]),
            reverse("directory:print", args=["gt"]),
            reverse("directory:hsds_download", args=["json"]),
        ):
            response = Client().get(url)
            self.assertEqual(response.status_code, 200)
            self.assertHidden(body_of(response).decode("utf-8-sig"))
        archive = zipfile.ZipFile(io.BytesIO(body_of(Client().get(reverse("directory:hsds_download", args=["zip"])))))
        self.assertHidden("".join(archive.read(name).decode() for name in archive.namelist()))
        xlsx = body_of(Client().get(reverse("directory:export", args=["xlsx"])))
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(xlsx)).active
        self.assertHidden(json.dumps([[str(c.value) for c in row] for row in sheet.iter_rows()]))
        member_csv = body_of(signed_in(self.n.gt_officer).get(reverse("directory:export", args=["csv"]))).decode(
            "utf-8-sig"
        )
        self.assertIn(SECRET_STREET, member_csv)

    def test_the_hxl_row_follows_the_header(self):
        lines = body_of(Client().get(reverse("directory:export", args=["csv"]))).decode("utf-8-sig").splitlines()
        self.assertTrue(lines[1].startswith("#org+name,#service+name,#sector"))
        self.assertIn("#geo+lat", lines[1])
        self.assertIn("#adm1+name", lines[1])

    def test_search_by_the_street_finds_nothing_for_the_public(self):
        public = Client().get(reverse("search"), {"q": "Escondida"}).content.decode()
        self.assertNotIn(str(self.n.shelter.pk), public)
        member = signed_in(self.n.gt_officer).get(reverse("search"), {"q": "Escondida"}).content.decode()
        self.assertIn(str(self.n.shelter.pk), member)

    def test_the_list_beside_the_map_gives_the_public_the_snapped_position(self):
        html = Client().get(reverse("directory:map"), {"country": "GT"}).content.decode()
        self.assertIn("Albergue", html)
        self.assertHidden(html)


class ActivityFeedKeepsAddressesTest(TestCase):
    """Addresses and phones are now in the audit trail: the activity feed shows them to members only."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def test_the_confidential_shelters_address_reaches_no_one_outside_the_network_through_the_activity_feed(self):
        from circulation.activity import changes_for
        from directory.models import Address

        def streets(user):
            return [change.label for change in changes_for(user) if isinstance(change.obj, Address)]

        self.assertEqual(streets(None), [])
        self.assertEqual(streets(self.n.outsider), [])
        self.assertTrue(any(SECRET_STREET in label for label in streets(self.n.ts)))
        for user in (None, self.n.outsider):
            labels = " ".join(change.label for change in changes_for(user))
            self.assertNotIn(SECRET_STREET, labels)
