"""The directory's REST API (/api/v1/directory/): public fields for the public, drafts for partners."""

from django.test import TestCase

from core.testing import api_client
from directory import services
from directory.models import Service, ServiceEdit

from .helpers import SECRET_STREET, build_directory


class DirectoryApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def test_the_public_gets_the_municipality_of_a_confidential_shelter(self):
        data = api_client().get(f"/api/v1/directory/services/{self.n.shelter.pk}").json()
        location = data["locations"][0]
        self.assertIsNone(location["address"])
        self.assertEqual((location["latitude"], location["longitude"]), (14.84, -91.52))
        self.assertEqual(location["municipality"], "Quetzaltenango")
        member = api_client(self.n.hn_officer).get(f"/api/v1/directory/services/{self.n.shelter.pk}").json()
        self.assertIn(SECRET_STREET, member["locations"][0]["address"])
        listing = api_client().get("/api/v1/directory/services?country=GT").content.decode()
        self.assertNotIn(SECRET_STREET, listing)
        self.assertNotIn("14.8512", listing)
        clusters = api_client().get("/api/v1/directory/map?bbox=-92,14,-91,15.5&zoom=18").content.decode()
        self.assertNotIn("14.8512", clusters)

    def test_filters_and_bad_input(self):
        client = api_client()
        data = client.get("/api/v1/directory/services?country=GT&age=10").json()
        self.assertEqual(
            {item["name_es"] for item in data["items"]},
            {"Atención a niñez retornada", "Albergue para niñez no acompañada", "Espacio amigable para la niñez"},
        )
        self.assertEqual(client.get("/api/v1/directory/services?country=ZZ").status_code, 404)
        self.assertEqual(client.get("/api/v1/directory/services?age=500").status_code, 400)
        self.assertEqual(client.get("/api/v1/directory/map?bbox=nonsense").status_code, 400)

    def test_a_partners_patch_is_a_draft_and_an_officer_approves_it(self):
        n = self.n
        url = f"/api/v1/directory/services/{n.unicef_service.pk}"
        response = api_client(n.partner).patch(
            url, {"name_es": "Propuesta", "revision": n.unicef_service.revision}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertFalse(response.json()["applied"])
        self.assertEqual(api_client().get(url).json()["name_es"], "Espacio amigable para la niñez")
        edit = ServiceEdit.objects.get()
        self.assertEqual(api_client(n.hn_officer).post(f"/api/v1/directory/edits/{edit.pk}/approve").status_code, 403)
        self.assertEqual(api_client(n.gt_officer).post(f"/api/v1/directory/edits/{edit.pk}/approve").status_code, 200)
        self.assertEqual(api_client().get(url).json()["name_es"], "Propuesta")

    def test_writes_are_refused_out_of_role(self):
        url = f"/api/v1/directory/services/{self.n.office_service.pk}"
        change = {"name_es": "x", "revision": self.n.office_service.revision}
        self.assertEqual(api_client().patch(url, change, content_type="application/json").status_code, 401)
        self.assertEqual(
            api_client(self.n.mx_officer).patch(url, change, content_type="application/json").status_code, 403
        )
        self.assertEqual(api_client(self.n.mx_officer).post(url + "/verify").status_code, 403)
        self.assertEqual(api_client(self.n.gt_officer).post(url + "/verify").status_code, 200)
        self.assertIsNotNone(Service.objects.get(pk=self.n.office_service.pk).assured_date)
        bad = api_client(self.n.gt_officer).patch(
            url,
            {
                "minimum_age": 15,
                "maximum_age": 3,
                "revision": Service.objects.get(pk=self.n.office_service.pk).revision,
            },
            content_type="application/json",
        )
        self.assertEqual(bad.status_code, 400)

    def test_an_unpublished_entry_is_not_found_for_the_public(self):
        draft = services.create_service(
            acting_user=self.n.partner, provider=self.n.unicef_provider, country=self.n.gt, name_es="Nuevo"
        )
        self.assertEqual(api_client().get(f"/api/v1/directory/services/{draft.pk}").status_code, 403)
        self.assertEqual(api_client(self.n.partner).get(f"/api/v1/directory/services/{draft.pk}").status_code, 200)
