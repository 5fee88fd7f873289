"""'My work': the page officials open first, gathering every app's items (circulars here)."""

import datetime

from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from circulation import services
from circulation.testing import circulate
from core.mywork import items_for
from core.testing import build_network, signed_in

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class MyWorkTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_circulars_to_answer_overdue_first_and_gone_once_answered(self):
        soon = timezone.localdate() + datetime.timedelta(days=3)
        later = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Answer later", reply_deadline=soon)
        first = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Answer first", reply_deadline=soon)
        services.extend_deadline(first.recipients.get(), soon + datetime.timedelta(days=5), acting_user=self.n.ts)
        # An overdue one: its deadline has passed since it was sent.
        overdue = circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Overdue one", reply_deadline=soon)
        overdue.__class__.objects.filter(pk=overdue.pk).update(
            reply_deadline=timezone.localdate() - datetime.timedelta(days=1)
        )
        circulate(acting_user=self.n.ts, countries=[self.n.gt], title_en="Just read it")
        items = items_for(self.n.gt_officer)
        self.assertEqual([i.title for i in items], ["Overdue one", "Answer later", "Answer first", "Just read it"])
        self.assertTrue(items[0].overdue)
        services.reply_to_circular(later, acting_user=self.n.gt_alternate, text="Done")
        self.assertNotIn("Answer later", [i.title for i in items_for(self.n.gt_officer)])
        self.assertEqual(items_for(self.n.hn_officer), [])

    def test_drafts_to_send_for_their_author(self):
        services.create_circular(acting_user=self.n.pa_officer, title_en="PPT draft", countries=[self.n.gt])
        self.assertEqual([i.title for i in items_for(self.n.pa_officer)], ["PPT draft"])
        self.assertEqual(items_for(self.n.ts), [])

    def test_the_page_lists_them_and_the_menu_links_it_for_members(self):
        circulate(
            acting_user=self.n.ts,
            countries=[self.n.gt],
            title_en="Please reply",
            reply_deadline=timezone.localdate() + datetime.timedelta(days=2),
        )
        page = signed_in(self.n.gt_officer).get(reverse("circulation:mywork"), headers={"accept-language": "en"})
        self.assertContains(page, "Please reply")
        self.assertContains(page, f'href="{reverse("circulation:mywork")}"')
        self.assertContains(page, "Notifications")
        outsider = signed_in(self.n.outsider).get(reverse("network:home"))
        self.assertNotContains(outsider, f'href="{reverse("circulation:mywork")}"')
        self.assertEqual(self.client.get(reverse("circulation:mywork")).status_code, 302)
