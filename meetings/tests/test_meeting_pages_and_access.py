"""Meetings pages and API: drafts for the TS, published meetings by visibility, draft reports for members."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.testing import api_client, signed_in
from core.tests.upload_corpus import MINIMAL_PDF
from meetings import services
from meetings.models import Meeting

from .helpers import build_rcm, import_seed


class DraftsAndVisibilityTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.draft = import_seed(cls.n, publish=False, approve=False)
        cls.members_only = import_seed(cls.n, approve=False)  # published, report still a draft
        cls.public = import_seed(cls.n, visibility="public")  # published, approved

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_an_imported_draft_is_for_the_ts_only(self):
        url = self.draft.get_absolute_url()
        self.assertEqual(signed_in(self.n.ts).get(url).status_code, 200)
        self.assertEqual(signed_in(self.n.gt_officer).get(url).status_code, 403)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(api_client(self.n.gt_officer).get(f"/api/v1/meetings/{self.draft.pk}").status_code, 404)
        ids = [m["id"] for m in api_client(self.n.gt_officer).get("/api/v1/meetings").json()["items"]]
        self.assertNotIn(self.draft.pk, ids)
        self.assertEqual(
            signed_in(self.n.gt_officer).get(reverse("meetings:review", args=[self.draft.pk])).status_code, 403
        )

    def test_members_read_the_draft_report_the_public_does_not(self):
        url = self.members_only.get_absolute_url()
        member = signed_in(self.n.hn_officer).get(url, headers={"accept-language": "en"})
        self.assertContains(member, "draft, not approved yet")
        self.assertContains(member, "To thank the delegations")
        self.assertEqual(self.client.get(url).status_code, 403)  # members-only meeting
        public = self.client.get(self.public.get_absolute_url(), headers={"accept-language": "en"})
        self.assertContains(public, "To thank the delegations")
        self.assertNotContains(public, 'class="commitments"')  # commitments are for members
        member_view = signed_in(self.n.hn_officer).get(self.public.get_absolute_url())
        self.assertContains(member_view, 'class="commitments"')

    def test_anonymous_reads_only_approved_reports_of_public_meetings(self):
        services.start_correction(self.public, acting_user=self.n.ts)
        rows = api_client().get(f"/api/v1/meetings/{self.public.pk}/agreements").json()
        self.assertEqual(len(rows), 14)
        meeting = api_client().get(f"/api/v1/meetings/{self.public.pk}").json()
        self.assertEqual((meeting["report_version"], meeting["report_status"]), (1, "approved"))
        member = api_client(self.n.gt_officer).get(f"/api/v1/meetings/{self.public.pk}/agreements?version=2").json()
        self.assertEqual(len(member), 14)
        self.assertEqual(api_client().get(f"/api/v1/meetings/{self.public.pk}/agreements?version=2").json(), [])
        docx = self.client.get(reverse("meetings:report_docx", args=[self.public.pk]), {"version": 2})
        self.assertEqual(docx.status_code, 404)

    def test_search_respects_access(self):
        anonymous = self.client.get(reverse("search"), {"q": "Virtual"}, headers={"accept-language": "en"})
        self.assertContains(anonymous, self.public.get_absolute_url())
        self.assertNotContains(anonymous, self.draft.get_absolute_url())
        self.assertNotContains(anonymous, self.members_only.get_absolute_url())
        ts = signed_in(self.n.ts).get(reverse("search"), {"q": "repository"})
        self.assertContains(ts, f"{self.draft.get_absolute_url()}#agreement-")

    def test_meeting_documents_are_for_members(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        document = services.attach_document(
            self.public,
            SimpleUploadedFile("concept note.pdf", MINIMAL_PDF),
            acting_user=self.n.ts,
            title="Concept note",
            kind="concept_note",
        )
        url = reverse("meetings:document", args=[document.pk])
        self.assertEqual(signed_in(self.n.gt_officer).get(url).status_code, 200)
        self.assertEqual(signed_in(self.n.outsider).get(url).status_code, 403)
        self.assertNotContains(self.client.get(self.public.get_absolute_url()), "Concept note")


class MeetingPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def form(self, **extra):
        data = {
            "body": self.n.network.pk,
            "title_es": "II Reunión Presencial",
            "title_en": "II In-person Meeting",
            "kind": "ordinary",
            "modality": "in_person",
            "place": "Ciudad de Guatemala, Guatemala",
            "start_date": "2031-05-06",
            "end_date": "2031-05-07",
            "starts_at": "2031-05-06T09:00",
            "time_zone": "America/Guatemala",
            "visibility": "members",
            "delegations": [self.n.gt.pk, self.n.mx.pk],
        }
        data.update(extra)
        return data

    def test_the_ts_adds_a_meeting_with_times_in_its_own_zone(self):
        client = signed_in(self.n.ts)
        response = client.post(reverse("meetings:create"), self.form())
        meeting = Meeting.objects.get()
        self.assertRedirects(response, meeting.get_absolute_url())
        # 09:00 in Guatemala (UTC-6) is 15:00 UTC, whatever the zone of the person typing.
        self.assertEqual(meeting.starts_at, datetime.datetime(2031, 5, 6, 15, 0, tzinfo=datetime.UTC))
        self.assertEqual(sorted(c.code.code for c in meeting.delegations.all()), ["GT", "MX"])
        confirm = client.post(reverse("meetings:publish", args=[meeting.pk]))
        self.assertContains(confirm, 'name="confirmed"')
        client.post(reverse("meetings:publish", args=[meeting.pk]), {"confirmed": "1"})
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, "published")
        edit = client.get(reverse("meetings:edit", args=[meeting.pk]))
        self.assertContains(edit, 'value="2031-05-06T09:00"')

    def test_bad_input_is_named(self):
        client = signed_in(self.n.ts)
        response = client.post(reverse("meetings:create"), self.form(end_date="2031-05-01", time_zone="Mars/Olympus"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Meeting.objects.exists())
        self.assertContains(response, "time_zone")

    def test_officers_may_not_add_meetings(self):
        self.assertEqual(signed_in(self.n.gt_officer).post(reverse("meetings:create"), self.form()).status_code, 403)
        self.assertFalse(Meeting.objects.exists())

    def test_list_calendar_and_detail(self):
        meeting = import_seed(self.n, visibility="public")
        listing = self.client.get(reverse("meetings:list"), {"q": "Virtual"}, headers={"accept-language": "en"})
        self.assertContains(listing, "I Virtual Meeting")
        upcoming = self.client.get(reverse("meetings:list"), {"when": "upcoming"}, headers={"accept-language": "en"})
        self.assertContains(upcoming, "0 meetings")
        calendar = self.client.get(reverse("meetings:calendar"), {"month": "2017-11"})
        self.assertContains(calendar, meeting.get_absolute_url())
        self.assertEqual(self.client.get(reverse("meetings:calendar"), {"month": "nonsense"}).status_code, 200)
        detail = self.client.get(meeting.get_absolute_url(), headers={"accept-language": "en"})
        self.assertContains(detail, "paragraph 8 of the XXI Vice-Ministerial Declaration")
        self.assertContains(detail, "Canada")

    def test_a_missing_translation_is_shown(self):
        meeting = import_seed(self.n, spanish=False, visibility="public")
        response = self.client.get(meeting.get_absolute_url(), headers={"accept-language": "es"})
        self.assertContains(response, "Aún no hay texto en español")
