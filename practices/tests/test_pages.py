"""The repository's pages: Spanish by default, accessible markup, refusals where they belong."""

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from core.testing import build_network, signed_in
from practices.models import Call, Compilation, Practice, Resource

from .helpers import TemporaryMedia, published_practice


class PagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.practice = published_practice(cls.n)

    def test_the_search_page_speaks_spanish_and_labels_its_fields(self):
        page = self.client.get(reverse("practices:search"), {"q": "niñez"})
        self.assertContains(page, "Buenas prácticas y recursos")
        self.assertContains(page, '<label for="q">Palabras a buscar</label>', html=True)
        self.assertContains(page, "<legend>País</legend>", html=True)
        self.assertContains(page, 'role="search"')

    def test_a_practice_page_shows_the_template_and_hides_contacts_from_the_public(self):
        page = self.client.get(self.practice.get_absolute_url())
        self.assertContains(page, "Retornos seguros de la niñez migrante")
        self.assertContains(page, "Eje del plan")
        self.assertNotContains(page, "ana.perez@example.org")
        member = signed_in(self.n.hn_officer).get(self.practice.get_absolute_url())
        self.assertContains(member, "ana.perez@example.org")

    def test_anonymous_readers_are_sent_to_sign_in_and_outsiders_refused(self):
        self.assertEqual(self.client.get(reverse("practices:practice_create")).status_code, 302)
        self.assertEqual(signed_in(self.n.outsider).get(reverse("practices:practice_create")).status_code, 403)
        edit = reverse("practices:practice_edit", args=[self.practice.pk])
        self.assertEqual(signed_in(self.n.hn_officer).get(edit).status_code, 403)
        self.assertEqual(signed_in(self.n.partner).get(edit).status_code, 200)

    def test_a_member_submits_a_practice_through_the_form(self):
        client = signed_in(self.n.hn_officer)
        response = client.post(
            reverse("practices:practice_create"),
            {
                "title_es": "Recepción de niñez retornada",
                "summary_es": "Resumen",
                "description_es": "Descripción",
                "countries": [self.n.hn.pk],
                "themes": [1],
                "original_language": "es",
            },
        )
        self.assertEqual(response.status_code, 302)
        practice = Practice.objects.get(title_es="Recepción de niñez retornada")
        self.assertEqual((practice.submitting_country, practice.created_by), (self.n.hn, self.n.hn_officer))
        response = client.post(reverse("practices:practice_step", args=[practice.pk, "submit"]))
        practice.refresh_from_db()
        self.assertEqual(practice.status, "submitted")

    def test_a_form_error_names_the_field_and_writes_nothing(self):
        response = signed_in(self.n.hn_officer).post(
            reverse("practices:practice_create"), {"title_es": "", "original_language": "es", "start_year": "1800"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].errors)
        self.assertEqual(Practice.objects.count(), 1)

    def test_an_officer_cannot_submit_for_another_country(self):
        response = signed_in(self.n.gt_officer).post(
            reverse("practices:practice_create"),
            {"title_es": "X", "original_language": "es", "submitting_country": self.n.hn.pk},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Practice.objects.filter(title_es="X").exists())

    def test_the_ts_history_of_a_practice(self):
        page = signed_in(self.n.ts).get(self.practice.get_absolute_url())
        self.assertContains(page, "Retornos seguros")
        self.assertIsNotNone(page.context["history"])
        self.assertIsNone(signed_in(self.n.partner).get(self.practice.get_absolute_url()).context["history"])


class DemoDataTest(TemporaryMedia, TestCase):
    def test_the_demo_loads_twice_without_duplicates(self):
        call_command("load_demo", quiet_sign_ins=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
        counts = (Practice.objects.count(), Resource.objects.count(), Call.objects.count(), Compilation.objects.count())
        call_command("load_demo", quiet_sign_ins=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
        again = (Practice.objects.count(), Resource.objects.count(), Call.objects.count(), Compilation.objects.count())
        self.assertEqual(counts, again)
        self.assertGreaterEqual(Practice.objects.count() + Resource.objects.count(), 30)
        self.assertFalse(Practice.objects.filter(is_demo=False).exists())
        both = Practice.objects.exclude(title_es="").exclude(title_en="").count()
        self.assertEqual(both, Practice.objects.count())
        self.assertTrue(Resource.objects.filter(kind="course", provider__acronym_en="IOM").exists())
        call = Call.objects.get()
        self.assertEqual(call.theme.slug, "alternative-care")
        self.assertTrue(call.answers.exists())


class ImpossibleIdsTest(TestCase):
    def test_pages_answer_404_to_ids_no_record_can_have(self):
        huge = 2**70
        for url in (
            f"/practices/{huge}/",
            f"/practices/{huge}/versions/1/",
            f"/practices/1/versions/{huge}/",
            f"/practices/files/{huge}/",
            f"/practices/resources/{huge}/",
            f"/practices/resources/{huge}/file/",
            f"/practices/calls/{huge}/",
            f"/practices/calls/{huge}/compilation.docx",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
