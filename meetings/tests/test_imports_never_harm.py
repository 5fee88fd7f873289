"""Imports that never harm: a report already in Enlace is shown as such and nothing is published
twice; the other language never overwrites a text a person corrected; a warning goes once its item
is corrected."""

import io
import json

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.models import AuditAction, AuditEntry
from core.testing import signed_in
from meetings import duplicates, services
from meetings.importer import parse_paragraphs
from meetings.models import Commitment, Meeting, MeetingStatus

from .helpers import DATA, build_rcm, commitment, import_seed, seed_text


def parsed(lang):
    return parse_paragraphs(seed_text(lang).splitlines())


class DuplicateImportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.existing = import_seed(cls.n)  # published and approved, in both languages

    def setUp(self):
        self.enterContext(translation.override("en"))

    def upload(self, lang="en"):
        client = signed_in(self.n.ts)
        upload = SimpleUploadedFile(f"seed_{lang}.txt", seed_text(lang).encode(), content_type="text/plain")
        response = client.post(reverse("meetings:import"), {"file": upload})
        self.assertEqual(response.status_code, 302, response.content[:300])
        return client, Meeting.objects.latest("pk")

    def test_importing_the_seed_again_shows_the_duplicate_and_publishes_nothing(self):
        published = Meeting.objects.filter(status=MeetingStatus.PUBLISHED).count()
        client, draft = self.upload()
        self.assertEqual(draft.duplicate_of, self.existing)
        review = client.get(reverse("meetings:review", args=[draft.pk]))
        self.assertContains(review, "This report seems to be already in Enlace")
        self.assertContains(review, self.existing.get_absolute_url())
        self.assertContains(review, "Add it as the other language of that meeting")
        self.assertNotContains(review, reverse("meetings:publish", args=[draft.pk]))
        client.post(reverse("meetings:publish", args=[draft.pk]), {"confirmed": "1"})
        with self.assertRaises(ValidationError):
            services.publish_meeting(draft, acting_user=self.n.ts)
        self.assertEqual(Meeting.objects.filter(status=MeetingStatus.PUBLISHED).count(), published)

    def test_the_dry_run_names_the_meeting_it_duplicates(self):
        out = io.StringIO()
        call_command("import_report", str(DATA / "seed_report_en.txt"), "--dry-run", "--json", stdout=out)
        self.assertEqual(json.loads(out.getvalue())["duplicate_of"], self.existing.pk)

    def test_keeping_it_as_a_new_meeting_lets_it_be_published(self):
        client, draft = self.upload()
        response = client.post(reverse("meetings:duplicate", args=[draft.pk]), {"choice": "new"})
        self.assertRedirects(response, reverse("meetings:review", args=[draft.pk]))
        draft.refresh_from_db()
        self.assertIsNone(draft.duplicate_of)
        services.publish_meeting(draft, acting_user=self.n.ts)

    def test_replacing_a_published_meeting_is_refused_and_a_draft_one_is_replaced(self):
        _client, draft = self.upload()
        with self.assertRaises(ValidationError):
            duplicates.resolve(draft, "replace", acting_user=self.n.ts)
        self.assertTrue(Meeting.objects.filter(pk=self.existing.pk).exists())
        _client, second = self.upload()
        self.assertIn(second.duplicate_of_id, (self.existing.pk, draft.pk))
        second.duplicate_of = draft
        second.save(update_fields=["duplicate_of"])
        duplicates.resolve(second, "replace", acting_user=self.n.ts)
        self.assertFalse(Meeting.objects.filter(pk=draft.pk).exists())

    def test_only_the_ts_chooses(self):
        _client, draft = self.upload()
        response = signed_in(self.n.gt_officer).post(reverse("meetings:duplicate", args=[draft.pk]), {"choice": "new"})
        self.assertIn(response.status_code, (403, 404))
        draft.refresh_from_db()
        self.assertEqual(draft.duplicate_of, self.existing)


class OtherLanguageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.english = import_seed(cls.n, publish=False, approve=False, spanish=False)

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_the_spanish_report_imported_after_is_added_as_the_other_language(self):
        spanish = services.import_report(parsed("es"), acting_user=self.n.ts, source_name="seed_es.txt")
        self.assertEqual(spanish.duplicate_of, self.english)
        shown = duplicates.resolve(spanish, "translation", acting_user=self.n.ts)
        self.assertEqual(shown, self.english)
        self.assertFalse(Meeting.objects.filter(pk=spanish.pk).exists())
        self.assertTrue(commitment(self.english, "2a").action_es)

    def test_a_hand_corrected_action_is_kept_the_conflict_listed_and_every_change_in_the_history(self):
        target = commitment(self.english, "2a")
        services.update_commitment(target, acting_user=self.n.ts, action_es="vigilar las acciones nacionales")
        agreement = target.agreement
        services.update_agreement(
            agreement, acting_user=self.n.ts, revision=agreement.revision, text_es="Texto corregido a mano."
        )
        warnings = services.add_translation(self.english, parsed("es"), acting_user=self.n.ts)
        target.refresh_from_db()
        agreement.refresh_from_db()
        self.assertEqual(target.action_es, "vigilar las acciones nacionales")
        self.assertEqual(agreement.text_es, "Texto corregido a mano.")
        self.assertTrue(any("2a" in str(w) and "corrected" in str(w) for w in warnings), warnings)
        self.english.refresh_from_db()
        listed = {(c["ref"], c["field"]) for c in self.english.translation_conflicts}
        self.assertIn(("2a", "action_es"), listed)
        self.assertIn((agreement.ref, "text_es"), listed)
        # Other commitments, never corrected by hand, got their Spanish.
        self.assertTrue(Commitment.objects.filter(meeting=self.english).exclude(action_es="").count() > 1)
        # The TS takes the imported text for the action: a change in the commitment's history.
        review = signed_in(self.n.ts).get(reverse("meetings:review", args=[self.english.pk]))
        self.assertContains(review, "vigilar las acciones nacionales")
        index = next(i for i, c in enumerate(self.english.translation_conflicts) if c["field"] == "action_es")
        imported = self.english.translation_conflicts[index]["imported"]
        response = signed_in(self.n.ts).post(
            reverse("meetings:translation_conflict", args=[self.english.pk, index]), {"choice": "imported"}
        )
        self.assertEqual(response.status_code, 302)
        target.refresh_from_db()
        self.assertEqual(target.action_es, imported)
        history = AuditEntry.objects.for_object(target).filter(action=AuditAction.UPDATE)
        values = [entry.changes.get("action_es", [None, None])[1] for entry in history]
        self.assertIn("vigilar las acciones nacionales", values)  # the hand correction
        self.assertIn(imported, values)  # the imported text, chosen by the TS

    def test_a_warning_goes_once_its_item_is_corrected(self):
        self.english.refresh_from_db()
        keyed = [w for w in self.english.warnings_to_check() if w["key"] == "ref:4e"]
        self.assertTrue(keyed, self.english.import_warnings)
        agreement = self.english.reports.get().agreements.get(number="4", letter="e")
        services.update_agreement(agreement, acting_user=self.n.ts, revision=agreement.revision, kind="agrees")
        self.english.refresh_from_db()
        self.assertFalse([w for w in self.english.warnings_to_check() if w["key"] == "ref:4e"])
        review = signed_in(self.n.ts).get(reverse("meetings:review", args=[self.english.pk]))
        self.assertNotContains(review, "4e: no operative verb")
