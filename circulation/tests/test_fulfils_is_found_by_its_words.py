"""The commitment a circular fulfils is found by the words of its action and chosen from a list — never
typed as "meetings.commitment:3" — and only among the commitments the author may mark done."""

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from circulation.models import Circular
from core.testing import signed_in
from meetings.tests.helpers import build_rcm, commitment, import_seed

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
OPTIONS = reverse("circulation:fulfils_options")


@override_settings(TASKS=IMMEDIATE, PAGE_CACHE=False)
class FulfilsPickerTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.target = commitment(cls.meeting, "3")

    def setUp(self):
        self.enterContext(translation.override("en"))

    def options(self, user, words):
        page = signed_in(user).get(OPTIONS, {"fulfils_q": words}, headers={"accept-language": "en"})
        self.assertEqual(page.status_code, 200)
        return page.context["options"]

    def test_the_ts_finds_a_commitment_by_words_of_its_action(self):
        words = self.target.action_en.split()[1:3]
        found = self.options(self.n.ts, " ".join(words))
        self.assertIn(f"meetings.commitment:{self.target.pk}", [reference for reference, _label in found])
        label = dict(found)[f"meetings.commitment:{self.target.pk}"]
        self.assertTrue(label.startswith("3 · "))
        self.assertEqual(self.options(self.n.ts, "zzyzxquux"), [])

    def test_the_ppt_finds_only_what_it_may_mark_done_and_others_may_not_search(self):
        ppt = commitment(self.meeting, "2a", kind="ppt")
        found = dict(self.options(self.n.pa_officer, ppt.action_en.split()[2]))
        self.assertIn(f"meetings.commitment:{ppt.pk}", found)
        self.assertNotIn(f"meetings.commitment:{self.target.pk}", found)  # the TS's own commitment
        self.assertEqual(self.client.get(OPTIONS, {"fulfils_q": "contact"}).status_code, 302)
        for user in (self.n.mx_officer, self.n.partner, self.n.outsider):  # they write no circular
            self.assertEqual(signed_in(user).get(OPTIONS, {"fulfils_q": "contact"}).status_code, 403)

    def test_the_form_finds_without_script_and_saves_the_choice(self):
        client = signed_in(self.n.ts)
        data = {
            "title_en": "Contact points",
            "body_en": "The list.",
            "countries": [self.n.gt.pk],
            "kind": "information_note",
        }
        words = " ".join(self.target.action_en.split()[1:3])
        found = client.post(reverse("circulation:create"), {**data, "fulfils_q": words, "find": "1"})
        self.assertEqual(found.status_code, 200)
        self.assertFalse(Circular.objects.filter(title_en="Contact points").exists())  # finding saves nothing
        self.assertContains(found, f'value="meetings.commitment:{self.target.pk}"')
        self.assertNotContains(found, "meetings.commitment:3.")  # no internal name asked of anyone
        saved = client.post(reverse("circulation:create"), {**data, "fulfils": f"meetings.commitment:{self.target.pk}"})
        self.assertEqual(saved.status_code, 302)
        circular = Circular.objects.get(title_en="Contact points")
        self.assertEqual(circular.target_id, self.target.pk)
        edit = client.get(reverse("circulation:edit", args=[circular.pk]), headers={"accept-language": "en"})
        self.assertContains(edit, f'value="meetings.commitment:{self.target.pk}" checked')
        self.assertContains(edit, str(self.target))
