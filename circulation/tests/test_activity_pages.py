"""The activity page groups related changes into one line and reads the trail a page at a time: every
change the reader may see is on exactly one page, and a page's cost does not grow with the trail."""

from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from circulation import activity
from circulation.testing import circulate
from core.testing import build_network, signed_in
from network import services as network_services
from network.models import Country, Membership

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def every_page(user, **kwargs):
    """Walk the pages as a reader following "Older changes"; return each page's entry ids."""
    pages, before = [], None
    while True:
        page = activity.feed_page(user, before=before, **kwargs)
        pages.append([change.entry.pk for group in page.groups for change in group.changes])
        if page.older is None:
            return pages
        before = page.older


@override_settings(TASKS=IMMEDIATE, PAGE_CACHE=False)
class ActivityPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        n = cls.n = build_network()
        for code in ("BZ", "CA", "DO", "NI", "US", "SV", "CR"):
            Country.objects.get_or_create(code=code, defaults={"membership": Membership.MEMBER})
        cls.members = list(Country.objects.members())
        cls.circular = circulate(acting_user=n.ts, countries=cls.members, title_en="To every member")

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_a_circular_to_every_member_is_one_line(self):
        groups = activity.feed_page(self.n.ts).groups
        recipients = next(g for g in groups if g.first.kind == "recipient")
        self.assertEqual(recipients.parent, self.circular)
        self.assertEqual(len(recipients.records), len(self.members))
        page = signed_in(self.n.ts).get(reverse("circulation:activity"), headers={"accept-language": "en"})
        self.assertContains(page, f"— {len(self.members)} recipients")
        self.assertContains(page, f'href="{self.circular.get_absolute_url()}"')
        # Every change of the trail is still there, in one line or another.
        flat = [change.entry.pk for group in groups for change in group.changes]
        self.assertEqual(flat, [change.entry.pk for change in activity.changes_for(self.n.ts)][: len(flat)])

    def test_repeated_edits_of_one_record_by_one_person_are_one_line(self):
        person = self.n.gt_officer.person
        for honorific in ("Sr.", "Lic.", "Dr."):
            person = network_services.update_person(person, acting_user=self.n.ts, honorific=honorific)
        first = activity.feed_page(self.n.ts).groups[0]
        self.assertEqual((first.first.label, len(first.changes), len(first.records)), (str(person), 3, 1))
        self.assertEqual(first.fields, ["honorific"])

    def walk(self, user):
        pages = every_page(user)
        flat = [pk for page in pages for pk in page]
        self.assertEqual(len(flat), len(set(flat)), "a change on two pages")
        self.assertEqual(flat, [change.entry.pk for change in activity.changes_for(user)], "a change on no page")
        return pages

    def test_every_change_is_on_exactly_one_page(self):
        for i in range(40):
            circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en=f"Note {i}")
        for user in (self.n.ts, self.n.gt_officer, self.n.hn_officer):
            with self.subTest(user=user.email):
                pages = self.walk(user)
                self.assertGreater(len(pages), 1 if user != self.n.hn_officer else 0)
        # Read a few entries at a time, with a small bound per page: still each change once.
        with mock.patch.object(activity, "CHUNK", 7), mock.patch.object(activity, "MAX_SCAN", 20):
            pages = self.walk(self.n.gt_officer)
            self.assertGreater(len(pages), 5)

    def test_a_page_costs_the_same_whatever_the_trail(self):
        def cost():
            client = signed_in(self.n.gt_officer)
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(client.get(reverse("circulation:activity")).status_code, 200)
            return len(queries)

        for i in range(60):
            circulate(acting_user=self.n.ts, countries=[self.n.gt, self.n.hn], title_en=f"Note {i}")
        before = cost()
        for i in range(60):
            circulate(acting_user=self.n.ts, countries=[self.n.gt, self.n.hn], title_en=f"More {i}")
        self.assertLessEqual(cost(), before)  # twice the trail: no more (fewer kinds of record on the page)
        # And never more than the bound: MAX_SCAN entries read, CHUNK at a time.
        self.assertLess(before, 15 + 8 * activity.MAX_SCAN // activity.CHUNK)

    def test_the_older_link_continues_and_a_bad_cursor_is_ignored(self):
        for i in range(40):
            circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en=f"Note {i}")
        client = signed_in(self.n.ts)
        first = client.get(reverse("circulation:activity"))
        older = first.context["page"].older
        self.assertContains(first, f"before={older}")
        second = client.get(reverse("circulation:activity"), {"before": older})
        self.assertContains(second, "Newest changes")
        for bad in ("x", "-1", "9" * 40):
            self.assertEqual(client.get(reverse("circulation:activity"), {"before": bad}).status_code, 200)
