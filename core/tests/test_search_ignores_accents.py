"""Site search finds "Niñez" from "ninez" and "Peña" from "PENA", in every domain, on both databases."""

from core import search
from meetings.tests.helpers import DirectoryTestCase, import_seed


class AccentsTest(DirectoryTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = import_seed(cls.n)

    def found(self, query, kind):
        return [result.title for result in search.search(self.n.ts, query) if str(result.kind) == kind]

    def test_words_match_whatever_their_accents_and_case(self):
        self.assertEqual(search.fold("NIÑEZ Migración Pérez"), "ninez migracion perez")
        # The seed's agreements speak of "niñas, niños" in Spanish and of "Migrant" in English.
        with_accent = self.found("niñas", "Agreement")
        self.assertTrue(with_accent)
        self.assertEqual(self.found("NINAS", "Agreement"), with_accent)
        person = self.n.gt_person
        family = person.family_names
        self.assertTrue(self.found(search.fold(family).upper(), "Person"))
        self.assertEqual(self.found("zzqx", "Person"), [])

    def test_a_name_with_an_accent_is_found_without_it(self):
        from network import services

        services.update_person(
            self.n.gt_person, acting_user=self.n.ts, revision=self.n.gt_person.revision, family_names="Peña Gómez"
        )
        self.assertTrue(self.found("pena gomez", "Person"))
        self.assertTrue(self.found("PEÑA", "Person"))
        self.assertEqual(self.found("pena gomeza", "Person"), [])

    def test_a_search_that_finds_nothing_says_what_to_try(self):
        from django.urls import reverse

        response = self.client.get(reverse("search"), {"q": "zzqx wvut"}, headers={"accept-language": "es"})
        self.assertContains(response, "0 resultados")
        self.assertContains(response, "Nada coincide con todas estas palabras")
        self.assertContains(response, f'href="{reverse("practices:search")}"')
        self.assertContains(response, "solo los encuentran los miembros de la red")  # signed out
