"""Each reader reads a practice's notifications wholly in their own language — in the list, in My work
and by e-mail — whoever acted and in whatever language, labelled as being about a practice."""

import importlib

from django.apps import apps as django_apps
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from core.testing import build_network, signed_in
from messaging.models import Notification, NotificationKind, NotificationPreference, OutboundEmail
from practices import services

from .helpers import practice_fields

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
TITLE_EN = "Regional training on best-interests determination"
TITLE_ES = "Formación regional sobre la determinación del interés superior"


@override_settings(TASKS=IMMEDIATE)
class PracticeNotificationsInEachLanguageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.n.ts.language = "es"  # the TS reads Enlace in Spanish; the partner in English
        cls.n.ts.save(update_fields=["language"])

    def act(self, lang, step, *args, **kwargs):
        """Take a review step as a user reading Enlace in `lang`, its e-mails queued as on commit."""
        with translation.override(lang), self.captureOnCommitCallbacks(execute=True):
            return step(*args, **kwargs)

    def returned_then_published(self, ts_acts_in="es"):
        fields = practice_fields(self.n, title_es=TITLE_ES, title_en=TITLE_EN)
        practice = self.act("en", services.create_practice, acting_user=self.n.partner, **fields)
        practice = self.act("en", services.submit, practice, acting_user=self.n.partner, comment="Ready.")
        practice = self.act(ts_acts_in, services.return_to_author, practice, "Fix it.", acting_user=self.n.ts)
        practice = self.act("en", services.submit, practice, acting_user=self.n.partner)
        return self.act(ts_acts_in, services.publish, practice, acting_user=self.n.ts)

    def test_the_author_reads_in_english_what_the_spanish_speaking_ts_did(self):
        self.returned_then_published()
        returned = f"“{TITLE_EN}” was returned to you with comments"
        published = f"“{TITLE_EN}” was published"
        client = signed_in(self.n.partner)
        page = client.get(reverse("circulation:notifications"))
        self.assertContains(page, returned)
        self.assertContains(page, published)
        for spanish in ("se publicó", "devuelta", TITLE_ES):
            self.assertNotContains(page, spanish)
        landing = client.get(reverse("circulation:mywork"))
        self.assertContains(landing, published)
        self.assertNotContains(landing, "se publicó")
        emails = OutboundEmail.objects.filter(to=self.n.partner.email).order_by("pk")
        self.assertEqual([email.subject for email in emails], [f"[Enlace] {returned}", f"[Enlace] {published}"])
        self.assertEqual({email.language for email in emails}, {"en"})
        self.assertNotIn("se publicó", emails[1].body)

    def test_the_ts_reads_in_spanish_what_the_english_speaking_author_sent(self):
        self.returned_then_published()
        sent = f"«{TITLE_ES}» se envió a revisión"
        page = signed_in(self.n.ts).get(reverse("circulation:notifications"))
        self.assertContains(page, sent)
        self.assertContains(page, "Publíquela o devuélvala")
        self.assertNotContains(page, "was sent for review")
        email = OutboundEmail.objects.filter(to=self.n.ts.email).earliest("pk")
        self.assertEqual((email.subject, email.language), (f"[Enlace] {sent}", "es"))
        self.assertIn("Publíquela o devuélvala", email.body)

    def test_a_reader_without_a_saved_language_reads_the_sites(self):
        self.n.partner.language = ""
        self.n.partner.save(update_fields=["language"])
        self.returned_then_published(ts_acts_in="en")
        email = OutboundEmail.objects.filter(to=self.n.partner.email).latest("pk")
        self.assertEqual((email.subject, email.language), (f"[Enlace] «{TITLE_ES}» se publicó", "es"))

    def test_each_notification_is_labelled_as_being_about_a_practice(self):
        practice = self.returned_then_published()
        self.act("es", services.withdraw, practice, acting_user=self.n.ts, comment="El programa terminó.")
        kinds = list(Notification.objects.filter(user=self.n.partner).order_by("pk").values_list("kind", flat=True))
        returned, published = NotificationKind.PRACTICE_RETURNED, NotificationKind.PRACTICE_PUBLISHED
        self.assertEqual(kinds, [returned, published, returned])
        page = signed_in(self.n.partner).get(reverse("circulation:notifications"))
        self.assertContains(page, "A practice or resource I submitted published")
        self.assertContains(page, "A practice or resource I submitted returned or withdrawn")
        self.assertNotContains(page, "A report")

    def test_the_labels_read_in_spanish_too(self):
        """Fails until the Spanish catalogue has the two labels."""
        self.returned_then_published()
        self.n.partner.language = "es"
        self.n.partner.save(update_fields=["language"])
        page = signed_in(self.n.partner).get(reverse("circulation:notifications"))
        self.assertContains(page, f"«{TITLE_ES}» se publicó")
        self.assertContains(page, "Publicación de una práctica o recurso que envié")
        self.assertContains(page, "Devolución o retiro de una práctica o recurso que envié")


class OldPracticeNotificationsTest(TestCase):
    """Notifications made before (filed as a report's, worded around the title in the actor's language)."""

    migration = importlib.import_module("practices.migrations.0007_practice_notifications_in_each_language")

    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        fields = practice_fields(cls.n, title_es=TITLE_ES, title_en=TITLE_EN)
        cls.practice = services.create_practice(acting_user=cls.n.partner, **fields)

    def old(self, kind, key, texts, user=None):
        user = user or self.n.partner
        return Notification.objects.create(
            user=user, kind=kind, subject=texts["en"][0], dedupe_key=key, texts=texts, language="en", delivery="off"
        )

    def test_they_get_their_kind_and_are_worded_again_in_each_language(self):
        pk = self.practice.pk
        mixed = {"es": [f"«{TITLE_ES}» se publicó", ""], "en": [f"«{TITLE_EN}» se publicó", ""]}
        published = self.old("report_approved", f"practice:{pk}:publish:2026-11-02T10:00:00+00:00", mixed)
        withdrawn = self.old(
            "report_returned",
            f"practice:{pk}:withdraw:2026-11-03T10:00:00+00:00",
            {"es": ["x", "Terminó."], "en": ["x", "Terminó."]},
        )
        report = self.old(
            "report_approved", "plan-report:1:approved:2026-11-02", {"es": ["Informe", ""], "en": ["Report", ""]}
        )
        NotificationPreference.objects.create(user=self.n.partner, kind="report_approved", delivery="digest")

        self.migration.forward(django_apps, None)

        published.refresh_from_db()
        self.assertEqual(published.kind, NotificationKind.PRACTICE_PUBLISHED)
        self.assertEqual(published.texts["en"], [f"“{TITLE_EN}” was published", ""])
        self.assertEqual(published.texts["es"], [f"«{TITLE_ES}» se publicó", ""])
        self.assertEqual(published.subject, f"“{TITLE_EN}” was published")
        withdrawn.refresh_from_db()
        self.assertEqual(withdrawn.kind, NotificationKind.PRACTICE_RETURNED)
        self.assertEqual(withdrawn.texts["en"], [f"“{TITLE_EN}” was withdrawn from publication", "Terminó."])
        report.refresh_from_db()
        self.assertEqual((report.kind, report.texts["en"]), ("report_approved", ["Report", ""]))
        kept = NotificationPreference.objects.get(user=self.n.partner, kind=NotificationKind.PRACTICE_PUBLISHED)
        self.assertEqual(kept.delivery, "digest")

        self.migration.backward(django_apps, None)
        published.refresh_from_db()
        self.assertEqual(published.kind, "report_approved")
        self.assertFalse(NotificationPreference.objects.filter(kind=NotificationKind.PRACTICE_PUBLISHED).exists())
