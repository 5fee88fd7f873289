"""A notification reads in the language its reader reads Enlace in now, whatever the recipient's language
when it was made; every link in an e-mail goes to the one configured address, and none is stored in a text."""

import re

from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from circulation.testing import circulate
from core.testing import api_client, build_network, signed_in
from meetings import services as meeting_services
from messaging.models import Notification, NotificationKind
from messaging.notifications import notify
from plan import services as plan_services
from plan.testing import build_plan, fill_report

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SITE = "https://enlace.example.org:8443"


@override_settings(TASKS=IMMEDIATE)
class ReadInTheReadersLanguageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.n.gt_officer.language = "es"
        cls.n.gt_officer.save(update_fields=["language"])

    def approved_in_spanish(self):
        p = build_plan(self.n)
        values = {p.national_a: ("in_progress", 5), p.national_b: ("in_progress", 5), p.national_c: ("in_progress", 5)}
        report = fill_report(p.plan, 2018, self.n.gt, self.n.gt_officer, values, submit=True)
        plan_services.approve_report(report, acting_user=self.n.ts)
        return Notification.objects.get(user=self.n.gt_officer, kind=NotificationKind.REPORT_APPROVED)

    def test_a_notification_made_in_spanish_reads_in_english_for_an_english_reader(self):
        notification = self.approved_in_spanish()
        self.assertEqual(notification.language, "es")
        self.assertEqual(notification.subject, "El seguimiento 2018 de «Plan Estratégico de prueba» fue aprobado")
        # The officer now reads Enlace in English.
        self.n.gt_officer.language = "en"
        self.n.gt_officer.save(update_fields=["language"])
        client = signed_in(self.n.gt_officer)
        english = client.get(reverse("circulation:notifications"), headers={"accept-language": "en"})
        self.assertContains(english, "The 2018 follow-up of “Test Strategic Plan” was approved")
        self.assertNotContains(english, "fue aprobado")
        landing = client.get(reverse("circulation:mywork"), headers={"accept-language": "en"})
        self.assertContains(landing, "was approved")
        self.n.gt_officer.language = "es"
        self.n.gt_officer.save(update_fields=["language"])
        spanish = signed_in(self.n.gt_officer).get(reverse("circulation:notifications"))
        self.assertContains(spanish, "fue aprobado")
        rows = api_client(self.n.gt_officer).get("/api/v1/notifications", headers={"accept-language": "en"}).json()
        self.assertEqual(rows["items"][0]["subject"], "The 2018 follow-up of “Test Strategic Plan” was approved")
        with translation.override("en"):
            self.assertEqual(str(notification), "The 2018 follow-up of “Test Strategic Plan” was approved")

    def test_texts_given_as_functions_lazy_strings_or_both_languages_are_kept_in_both(self):
        made = notify(
            [self.n.gt_officer],
            NotificationKind.CIRCULAR_RECEIVED,
            subject={"es": "Hola", "en": "Hello"},
            body=lambda lang: f"[{lang}]",
            dedupe_key="test:both",
        )
        self.assertEqual(made[0].texts, {"es": ["Hola", "[es]"], "en": ["Hello", "[en]"]})

    @override_settings(SITE_URL=SITE)
    def test_email_links_go_to_the_configured_address(self):
        with self.captureOnCommitCallbacks(execute=True):
            circular = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Links")
        sent = [message for message in mail.outbox if message.to == ["gt@example.org"]]
        self.assertTrue(sent)
        links = re.findall(r"https?://[^\s>]+", sent[0].body)
        self.assertTrue(links)
        self.assertTrue(all(link.startswith(SITE + "/") for link in links), links)
        self.assertIn(SITE + circular.get_absolute_url(), links)

    def test_no_link_is_written_into_a_convocations_text(self):
        from meetings.tests.test_convocation_and_delegations import future_meeting

        circular = meeting_services.convene_meeting(future_meeting(self.n), acting_user=self.n.ts)
        for text in (circular.body_es, circular.body_en):
            self.assertNotIn("http://127", text)
            self.assertNotIn("/meetings/", text)
        self.assertIn("register your delegation", circular.body_en)
