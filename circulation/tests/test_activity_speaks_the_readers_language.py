"""The activity feed names each record in the reader's language (not in the language of whoever
changed it), and a record without a page of its own links to the page of the record it belongs to."""

import datetime

from django.test import TestCase, override_settings
from django.utils import translation

from circulation import activity
from circulation.testing import circulate
from core.testing import build_network, signed_in
from meetings import services as meeting_services
from meetings.models import Commitment

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE, PAGE_CACHE=False)
class ActivityLanguageTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_a_record_changed_in_spanish_is_named_in_english_for_an_english_reader(self):
        with translation.override("es"):  # the TS works in Spanish
            circulate(
                acting_user=self.n.ts,
                countries=[self.n.gt],
                title_es="Nota sobre retorno asistido",
                title_en="Note on assisted return",
                body_es="Adjunta.",
            )
        with translation.override("en"):
            labels = [change.label for change in activity.changes_for(self.n.gt_officer)]
        self.assertIn("Note on assisted return", labels)
        self.assertNotIn("Nota sobre retorno asistido", labels)
        with translation.override("es"):
            labels = [change.label for change in activity.changes_for(self.n.gt_officer)]
        self.assertIn("Nota sobre retorno asistido", labels)
        page = signed_in(self.n.gt_officer).get("/circulars/activity/", headers={"accept-language": "en"})
        self.assertContains(page, "Note on assisted return")

    def test_an_actor_row_links_to_its_commitment(self):
        meeting = meeting_services.create_meeting(
            acting_user=self.n.ts,
            body=self.n.network,
            modality="virtual",
            title_en="A meeting",
            visibility="members",
            start_date=datetime.date(2026, 3, 2),
        )
        meeting = meeting_services.publish_meeting(meeting, acting_user=self.n.ts)
        version = meeting_services.start_report(meeting, acting_user=self.n.ts)
        agreement = meeting_services.add_agreement(version, acting_user=self.n.ts, text_en="Share it.")
        commitment = meeting_services.create_commitment(
            agreement,
            acting_user=self.n.ts,
            actors=meeting_services.actors_from_codes(["GT", "HN"]),
            action_en="share the protocol",
        )
        row = commitment.actors.get(country__code="GT")
        meeting_services.change_commitment_status(commitment, "done", acting_user=self.n.gt_officer, actor=row)
        changes = [c for c in activity.changes_for(self.n.ts) if c.kind == str(type(row)._meta.verbose_name)]
        self.assertTrue(changes)
        self.assertEqual({c.url for c in changes}, {Commitment.objects.get(pk=commitment.pk).get_absolute_url()})
