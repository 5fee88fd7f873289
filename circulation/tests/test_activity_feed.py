"""What changed this week, per country and network-wide, as a page and an Atom feed: only what the reader may see."""

import datetime
import xml.etree.ElementTree as ET

import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from circulation import activity, services
from circulation.testing import circulate
from core.audit import record
from core.models import AuditAction, Visibility
from core.testing import build_network, signed_in
from network import services as network_services

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
ATOM = "{http://www.w3.org/2005/Atom}"


@override_settings(TASKS=IMMEDIATE)
class ActivityFeedTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def labels(self, user, **kwargs):
        return [change.label for change in activity.changes_for(user, **kwargs)]

    def test_the_feed_shows_changes_of_the_week_newest_first(self):
        network_services.update_person(self.n.hn_person, acting_user=self.n.ts, family_names="Alvarado Reyes")
        changes = activity.changes_for(self.n.gt_officer)
        self.assertEqual(changes[0].label, "José Alvarado Reyes")
        self.assertEqual(changes[0].fields, ["family names"])
        self.assertEqual(changes[0].actor, "Tania Secretaría")

    def test_older_changes_are_left_out(self):
        with time_machine.travel(timezone.now() - datetime.timedelta(days=10)):
            network_services.update_person(self.n.mx_person, acting_user=self.n.ts, honorific="Mtra.")
        network_services.update_person(self.n.hn_person, acting_user=self.n.ts, honorific="Abog.")
        labels = self.labels(self.n.ts)
        self.assertIn("José Alvarado", labels)

        def honorifics(**kwargs):
            return [c.label for c in activity.changes_for(self.n.ts, **kwargs) if c.fields == ["honorific"]]

        self.assertEqual(honorifics(), ["José Alvarado"])
        self.assertEqual(honorifics(days=31), ["José Alvarado", "Laura Hernández"])

    def test_a_circular_appears_only_to_those_who_may_see_it(self):
        circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="For Guatemala only")
        self.assertIn("For Guatemala only", self.labels(self.n.gt_officer))
        self.assertNotIn("For Guatemala only", self.labels(self.n.hn_officer))
        self.assertNotIn("For Guatemala only", self.labels(self.n.partner))

    def test_people_hidden_from_the_public_are_not_shown_to_outsiders_and_values_never(self):
        network_services.update_person(self.n.gt_person, acting_user=self.n.ts, email="carlos.new@example.org")
        outsider = activity.changes_for(self.n.outsider)
        self.assertNotIn("Carlos Estrada", [c.label for c in outsider])
        page = signed_in(self.n.gt_officer).get(reverse("circulation:activity"), headers={"accept-language": "en"})
        self.assertContains(page, "Carlos Estrada")
        self.assertContains(page, "e-mail address")
        self.assertNotContains(page, "carlos.new@example.org")
        self.assertNotContains(page, "ts@example.org")  # who made it is named, never by their address
        network_services.update_person(
            self.n.pa_person, acting_user=self.n.ts, visibility=Visibility.PUBLIC, honorific="Lic."
        )
        self.assertIn("Ricardo Castillo", [c.label for c in activity.changes_for(self.n.outsider)])
        self.assertNotContains(signed_in(self.n.outsider).get(reverse("circulation:activity")), "ts@example.org")

    def test_refusals_and_sign_ins_are_never_shown(self):
        record(AuditAction.SIGN_IN, self.n.gt_person, actor=self.n.gt_officer)
        record(AuditAction.REFUSED, self.n.gt_person, actor=self.n.hn_officer, note="change")
        actions = {c.action for c in activity.changes_for(self.n.ts)}
        self.assertTrue(actions <= {AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE})

    def test_per_country(self):
        network_services.update_person(self.n.hn_person, acting_user=self.n.ts, honorific="Abog.")
        network_services.update_person(self.n.gt_person, acting_user=self.n.ts, honorific="Lic.")
        honduras = [(c.label, c.fields) for c in activity.changes_for(self.n.ts, country=self.n.hn) if c.fields]
        self.assertIn(("José Alvarado", ["honorific"]), honduras)
        self.assertEqual({label for label, _fields in honduras}, {"José Alvarado"})
        page = signed_in(self.n.ts).get(reverse("circulation:activity"), {"country": "HN"})
        self.assertContains(page, "José Alvarado")
        self.assertNotContains(page, "Carlos Estrada")

    def test_deletions_are_shown_to_the_ts_only(self):
        draft = services.create_circular(acting_user=self.n.pa_officer, title_en="PPT draft", countries=[self.n.gt])
        services.delete_circular(draft, acting_user=self.n.pa_officer)
        self.assertIn("PPT draft", [c.label for c in activity.changes_for(self.n.ts) if c.action == "delete"])
        self.assertNotIn("PPT draft", self.labels(self.n.pa_officer))

    def test_the_atom_feed_lives_at_a_secret_revocable_address(self):
        network_services.update_person(self.n.hn_person, acting_user=self.n.ts, honorific="Abog.")
        client = signed_in(self.n.gt_officer)
        response = client.post(reverse("circulation:feed_settings"), {"action": "create"})
        url = response.context["feed_url"]
        self.assertIn("/circulars/activity/feed/", url)
        feed = self.client.get(url)  # a feed reader: no session
        self.assertEqual(feed.status_code, 200)
        self.assertEqual(feed["Content-Type"].split(";")[0], "application/atom+xml")
        entries = ET.fromstring(feed.content).findall(f"{ATOM}entry")  # noqa: S314 - our own response
        self.assertIn("José Alvarado", " ".join(e.find(f"{ATOM}title").text for e in entries))
        self.assertNotIn(b"example.org", feed.content.replace(b"http://testserver", b""))
        client.post(reverse("circulation:feed_settings"), {"action": "revoke"})
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(reverse("circulation:feed", args=["made-up"])).status_code, 404)

    def test_a_new_address_replaces_the_old_one(self):
        client = signed_in(self.n.gt_officer)
        first = client.post(reverse("circulation:feed_settings"), {"action": "create"}).context["feed_url"]
        second = client.post(reverse("circulation:feed_settings"), {"action": "create"}).context["feed_url"]
        self.assertEqual(self.client.get(first).status_code, 404)
        self.assertEqual(self.client.get(second).status_code, 200)

    def test_the_feed_of_an_outsider_holds_no_members_only_record(self):
        client = signed_in(self.n.outsider)
        url = client.post(reverse("circulation:feed_settings"), {"action": "create"}).context["feed_url"]
        network_services.update_person(self.n.gt_person, acting_user=self.n.ts, honorific="Lic.")
        self.assertNotIn("Carlos Estrada", self.client.get(url).content.decode())

    def test_the_page_needs_a_sign_in(self):
        self.assertEqual(self.client.get(reverse("circulation:activity")).status_code, 302)
