"""Every page of the network answers for every role; the admin adds a second network."""

from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from accounts.models import User
from core.testing import build_network, signed_in
from network.models import Appointment, Body, Country, Organization, Person, PPTPeriod


class PagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def urls(self):
        term = self.n.gt_person.appointments.get()
        return [
            reverse("network:home"),
            reverse("network:body", args=["child-protection"]),
            reverse("network:country", args=["gt"]),
            reverse("network:organizations"),
            reverse("network:organization", args=[self.n.iom.pk]),
            reverse("network:contacts"),
            reverse("network:contacts") + "?country=GT&q=Carlos&include_past=on",
            reverse("network:person", args=[self.n.gt_person.pk]),
            reverse("network:person_edit", args=[self.n.gt_person.pk]),
            reverse("network:person_create"),
            reverse("network:appointment_create", args=[self.n.gt_person.pk]),
            reverse("network:appointment_edit", args=[self.n.gt_person.pk, term.pk]),
            reverse("network:organization_create"),
            reverse("network:organization_edit", args=[self.n.sbs.pk]),
            reverse("search") + "?q=Carlos",
            reverse("accounts:preferences"),
            reverse("accounts:api_tokens"),
            reverse("account_change_password"),
            reverse("admin:index"),
        ]

    # What each role gets, page by page: (anonymous, TS, Guatemala principal, Guatemala alternate, partner,
    # an account with no role, Panama's officer). 302 sends to sign in (or, for the admin, out of it); 403 refuses.
    # The person, terms and institution are Guatemala's: Panama's officer sees them but edits none.
    EXPECTED = {
        "home": (200, 200, 200, 200, 200, 200, 200),
        "body": (200, 200, 200, 200, 200, 200, 200),
        "country": (200, 200, 200, 200, 200, 200, 200),
        "organizations": (200, 200, 200, 200, 200, 200, 200),
        "organization": (200, 200, 200, 200, 200, 200, 200),
        "contacts": (302, 200, 200, 200, 200, 403, 200),
        "contacts filtered": (302, 200, 200, 200, 200, 403, 200),
        "person": (403, 200, 200, 200, 200, 403, 200),
        "person edit": (302, 200, 200, 200, 403, 403, 403),
        "person create": (302, 200, 200, 200, 403, 403, 200),
        "term create": (302, 200, 200, 200, 403, 403, 200),  # Panama may propose a term; the person accepts it
        "term edit": (302, 200, 200, 200, 403, 403, 403),
        "organization create": (302, 200, 200, 200, 403, 403, 200),
        "organization edit": (302, 200, 200, 200, 403, 403, 403),
        "search": (200, 200, 200, 200, 200, 200, 200),
        "preferences": (302, 200, 200, 200, 200, 200, 200),
        "api tokens": (302, 200, 200, 200, 200, 200, 200),
        "password": (302, 200, 200, 200, 200, 200, 200),
        "admin": (302, 200, 302, 302, 302, 302, 302),
    }

    def test_each_role_gets_the_answer_its_rights_give_on_every_page(self):
        users = [
            None,
            self.n.ts,
            self.n.gt_officer,
            self.n.gt_alternate,
            self.n.partner,
            self.n.outsider,
            self.n.pa_officer,
        ]
        clients = [signed_in(user) if user else self.client for user in users]
        pages = dict(zip(self.EXPECTED, self.urls(), strict=True))
        for name, url in pages.items():
            found = tuple(client.get(url).status_code for client in clients)
            self.assertEqual(found, self.EXPECTED[name], f"{name}: {url}")

    def test_the_ts_reaches_every_page(self):
        client = signed_in(self.n.ts)
        for url in self.urls():
            self.assertEqual(client.get(url).status_code, 200, url)

    def test_only_the_ts_reaches_the_admin(self):
        self.assertEqual(signed_in(self.n.gt_officer).get(reverse("admin:index")).status_code, 302)

    def test_an_unknown_country_is_not_found(self):
        self.assertEqual(self.client.get("/countries/zz/").status_code, 404)
        self.assertEqual(self.client.get("/countries/" + "x" * 300 + "/").status_code, 404)

    def test_a_second_network_is_added_from_the_admin(self):
        client = signed_in(self.n.ts)
        response = client.post(
            reverse("admin:network_body_add"),
            {
                "conference": self.n.conference.pk,
                "kind": "network",
                "slug": "consular-protection",
                "name_es": "Red de Protección Consular",
                "name_en": "Consular Protection Network",
                "parent": self.n.rcgm.pk,
                "order": 5,
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertContains(self.client.get(reverse("network:home")), "Red de Protección Consular")
        self.assertEqual(self.client.get(reverse("network:body", args=["consular-protection"])).status_code, 200)

    def test_a_duplicate_e_mail_in_the_form_names_the_field(self):
        client = signed_in(self.n.gt_officer)
        data = {
            "person-given_names": "Otra",
            "person-family_names": "Persona",
            "person-email": "HN@example.org",
            "person-visibility": "members",
            "term-organization": self.n.sbs.pk,
            "term-role": "alternate",
            "term-body": self.n.network.pk,
            "term-start_date": "2026-01-01",
        }
        response = client.post(reverse("network:person_create"), data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("email", response.context["person_form"].errors)
        self.assertFalse(Person.objects.filter(family_names="Persona").exists())

    def test_a_bad_phone_in_the_form_names_the_field(self):
        client = signed_in(self.n.gt_officer)
        url = reverse("network:person_edit", args=[self.n.gt_person.pk])
        response = client.post(url, {"given_names": "Carlos", "family_names": "Estrada", "phone_office": "abc"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("phone_office", response.context["form"].errors)


class DemoDataTest(TestCase):
    def test_load_demo_is_idempotent_and_marks_demo_records(self):
        call_command("load_demo", stdout=StringIO())
        counts = [m.objects.count() for m in (Body, Country, Organization, Person, Appointment, PPTPeriod, User)]
        out = StringIO()
        call_command("load_demo", stdout=out)
        self.assertEqual(
            counts, [m.objects.count() for m in (Body, Country, Organization, Person, Appointment, PPTPeriod, User)]
        )
        self.assertEqual(Country.objects.members().count(), 11)
        self.assertIn("ts@enlace.example", out.getvalue())
        self.assertFalse(Person.objects.filter(is_demo=False).exists())
        self.assertTrue(
            {"IOM", "UNICEF", "ICRC", "UNHCR"} <= set(Organization.objects.values_list("acronym_en", flat=True))
        )
        self.assertTrue(Organization.objects.filter(name_en="Child Fund").exists())
        # Every demo record passes the same validation as the forms (lengths, choices, phones).
        for model in (Body, Country, Organization, Person, Appointment, PPTPeriod):
            for record in model.objects.all():
                record.full_clean()


class CountriesByNameTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_country_choices_and_the_home_page_list_countries_by_name_in_the_readers_language(self):
        from django.utils import translation

        from core.search import fold
        from network.forms import DirectoryFilterForm

        for language in ("es", "en"):
            with translation.override(language):
                labels = [str(label) for value, label in DirectoryFilterForm().fields["country"].choices if value]
                self.assertGreaterEqual(len(labels), 4)
                self.assertEqual(labels, sorted(labels, key=fold), language)
        response = self.client.get(reverse("network:home"), headers={"accept-language": "es"})
        names = [str(country.name) for country in response.context["members"]]
        self.assertEqual(names, sorted(names, key=fold))
