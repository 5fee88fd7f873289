"""Upcoming meetings in calendar applications, at a per-user secret address that can be revoked."""

import datetime

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.testing import signed_in
from meetings import services
from meetings.models import CalendarFeed

from .helpers import build_rcm


class CalendarFeedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        soon = timezone.localdate() + datetime.timedelta(days=10)
        cls.members = services.create_meeting(
            acting_user=cls.n.ts,
            body=cls.n.network,
            title_en="II Virtual Meeting",
            title_es="II Reunión Virtual",
            modality="virtual",
            link="https://meet.example.org/red",
            start_date=soon,
            starts_at=timezone.now() + datetime.timedelta(days=10),
        )
        services.publish_meeting(cls.members, acting_user=cls.n.ts)
        cls.draft = services.create_meeting(
            acting_user=cls.n.ts, body=cls.n.network, title_en="Secret draft", start_date=soon
        )

    def feed_for(self, user):
        response = signed_in(user).post(reverse("meetings:feeds"))
        self.assertEqual(response.status_code, 200)
        url = response.context["new_url"]
        return url[url.index("/meetings/") :]

    def events(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        calendar = Calendar.from_ical(response.content)
        return {str(event["summary"]): event for event in calendar.walk("VEVENT")}

    def test_a_member_subscribes_without_signing_in(self):
        url = self.feed_for(self.n.gt_officer)
        events = self.events(url)
        self.assertEqual(set(events), {"II Virtual Meeting"})  # the draft is the TS's
        event = events["II Virtual Meeting"]
        self.assertIn("meet.example.org", str(event["location"]))
        self.assertTrue(str(event["uid"]).startswith(f"meeting-{self.members.pk}@"))
        self.assertIsInstance(event.decoded("dtstart"), datetime.datetime)

    def test_the_ts_feed_shows_drafts_as_tentative(self):
        events = self.events(self.feed_for(self.n.ts))
        self.assertEqual(str(events["Secret draft"]["status"]), "TENTATIVE")
        self.assertEqual(events["Secret draft"].decoded("dtstart"), self.draft.start_date)

    def test_a_revoked_or_unknown_address_stops_working(self):
        url = self.feed_for(self.n.gt_officer)
        feed = CalendarFeed.objects.get(user=self.n.gt_officer)
        self.assertEqual(
            signed_in(self.n.hn_officer).post(reverse("meetings:feeds"), {"revoke": feed.pk}).status_code, 403
        )
        self.assertEqual(self.client.get(url).status_code, 200)
        signed_in(self.n.gt_officer).post(reverse("meetings:feeds"), {"revoke": feed.pk})
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(reverse("meetings:ical", args=["cal_nonsense"])).status_code, 404)

    def test_the_key_is_stored_hashed_and_shown_once(self):
        url = self.feed_for(self.n.gt_officer)
        key = url.rsplit("/", 1)[1].removesuffix(".ics")
        self.assertFalse(CalendarFeed.objects.filter(key_hash=key).exists())
        page = signed_in(self.n.gt_officer).get(reverse("meetings:feeds"))
        self.assertNotContains(page, key)

    def test_a_closed_account_stops_its_feed(self):
        url = self.feed_for(self.n.gt_officer)
        self.n.gt_officer.is_active = False
        self.n.gt_officer.save()
        self.assertEqual(self.client.get(url).status_code, 404)
