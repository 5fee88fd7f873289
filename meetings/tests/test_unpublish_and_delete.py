"""The TS unpublishes a meeting and deletes a draft one (a duplicate import), with a confirmation and
an audit entry; nobody else can, and a meeting whose report is approved stays on the record."""

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.models import AuditAction, AuditEntry
from core.testing import signed_in
from meetings import services
from meetings.models import Agreement, Commitment, Meeting

from .helpers import build_rcm, import_seed


class UnpublishAndDeleteTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def audit(self, action, meeting_pk):
        ct = ContentType.objects.get_for_model(Meeting)
        return AuditEntry.objects.filter(action=action, content_type=ct, object_id=str(meeting_pk))

    def test_the_ts_unpublishes_after_confirming_and_members_no_longer_see_it(self):
        meeting = import_seed(self.n, approve=False)
        self.assertEqual(signed_in(self.n.hn_officer).get(meeting.get_absolute_url()).status_code, 200)
        ts = signed_in(self.n.ts)
        url = reverse("meetings:unpublish", args=[meeting.pk])
        self.assertContains(ts.post(url, headers={"accept-language": "en"}), "They leave the follow-up boards")
        meeting.refresh_from_db()
        self.assertTrue(meeting.is_published)
        self.assertRedirects(ts.post(url, {"confirmed": "1"}), meeting.get_absolute_url())
        meeting.refresh_from_db()
        self.assertFalse(meeting.is_published)
        self.assertIn(signed_in(self.n.hn_officer).get(meeting.get_absolute_url()).status_code, (403, 404))
        change = self.audit(AuditAction.UPDATE, meeting.pk).latest("at")
        self.assertEqual(change.actor, self.n.ts)
        self.assertEqual(change.changes["status"], ["published", "draft"])

    def test_the_ts_deletes_a_draft_import_with_everything_in_it(self):
        meeting = import_seed(self.n, publish=False, approve=False)
        self.assertTrue(Commitment.objects.filter(meeting=meeting).exists())
        ts = signed_in(self.n.ts)
        url = reverse("meetings:delete", args=[meeting.pk])
        self.assertContains(ts.post(url), 'name="confirmed"')
        self.assertTrue(Meeting.objects.filter(pk=meeting.pk).exists())
        self.assertRedirects(ts.post(url, {"confirmed": "1"}), reverse("meetings:list"))
        self.assertFalse(Meeting.objects.filter(pk=meeting.pk).exists())
        self.assertFalse(Agreement.objects.filter(version__meeting_id=meeting.pk).exists())
        self.assertEqual(self.audit(AuditAction.DELETE, meeting.pk).get().actor, self.n.ts)

    def test_a_published_meeting_or_an_approved_report_is_not_deleted(self):
        published = import_seed(self.n, approve=False)
        with (
            translation.override("en"),
            self.assertRaisesMessage(Exception, "Unpublish the meeting before deleting it"),
        ):
            services.delete_meeting(published, acting_user=self.n.ts)
        approved = services.unpublish_meeting(import_seed(self.n), acting_user=self.n.ts)
        response = signed_in(self.n.ts).post(
            reverse("meetings:delete", args=[approved.pk]), {"confirmed": "1"}, headers={"accept-language": "en"}
        )
        self.assertRedirects(response, approved.get_absolute_url(), fetch_redirect_response=False)
        self.assertTrue(Meeting.objects.filter(pk=approved.pk).exists())

    def test_nobody_but_the_ts_unpublishes_or_deletes(self):
        published = import_seed(self.n, approve=False)
        draft = import_seed(self.n, publish=False, approve=False)
        for user in (self.n.gt_officer, self.n.pa_officer, self.n.partner, self.n.outsider):
            client = signed_in(user)
            for name, meeting in (("meetings:unpublish", published), ("meetings:delete", draft)):
                for data in ({}, {"confirmed": "1"}):
                    response = client.post(reverse(name, args=[meeting.pk]), data)
                    self.assertEqual(response.status_code, 403, (user, name, data))
        self.assertTrue(Meeting.objects.get(pk=published.pk).is_published)
        self.assertTrue(Meeting.objects.filter(pk=draft.pk).exists())
