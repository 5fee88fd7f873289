"""A circular linked to a record (a meeting commitment) marks it done when sent, through core.fulfilment.

Meetings registers its Commitment there; here a fulfiller is registered for a network model,
for the duration of each test, to prove the mechanism without importing meetings.
"""

from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import translation

from circulation import services
from circulation.models import Circular
from circulation.testing import circulate
from core import fulfilment
from core.testing import build_network, signed_in
from messaging.models import Notification
from network.models import Organization

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
class FulfilmentTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        self.calls = []
        self.refuse = None

        def fulfil(record, *, by, acting_user):
            if self.refuse:
                raise ValidationError(self.refuse)
            self.calls.append((record, by, acting_user))
            return record

        fulfilment.register_fulfiller(Organization, fulfil)
        self.addCleanup(fulfilment._fulfillers.pop, Organization, None)
        self.target = self.n.iom

    def test_sending_calls_the_registered_fulfiller_with_the_circular_and_who_sent_it(self):
        circular = circulate(self.target, acting_user=self.n.ts, countries=[self.n.gt])
        self.assertEqual(self.calls, [(self.target, circular, self.n.ts)])
        circular.refresh_from_db()
        self.assertEqual(circular.target, self.target)
        self.assertIsNotNone(circular.target_fulfilled_at)

    def test_a_record_that_cannot_be_fulfilled_is_refused_when_linking(self):
        with translation.override("en"):
            with self.assertRaisesMessage(ValidationError, "cannot fulfil this kind of record"):
                services.resolve_target(f"network.country:{self.n.gt.pk}", self.n.ts)
            with self.assertRaisesMessage(ValidationError, "app.model:number"):
                services.resolve_target("commitment 3", self.n.ts)
            with self.assertRaisesMessage(ValidationError, "There is no such record"):
                services.resolve_target("network.organization:999999", self.n.ts)
        self.assertEqual(services.resolve_target(f"network.organization:{self.target.pk}", self.n.ts), self.target)

    def test_when_the_fulfiller_refuses_nothing_is_sent(self):
        self.refuse = "This commitment is already done."
        circular = services.create_circular(
            acting_user=self.n.ts, title_en="Note", body_en="Text", countries=[self.n.gt], fulfils=self.target
        )
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "already done"):
            services.send_circular(circular, acting_user=self.n.ts)
        circular.refresh_from_db()
        self.assertTrue(circular.is_draft)
        self.assertFalse(Notification.objects.exists())
        self.assertFalse(circular.recipients.get().addressees.exists())

    def test_the_form_links_the_record_from_a_link_on_its_page(self):
        client = signed_in(self.n.ts)
        reference = f"network.organization:{self.target.pk}"
        form = client.get(reverse("circulation:create"), {"fulfils": reference})
        self.assertContains(form, f'value="{reference}"')
        client.post(
            reverse("circulation:create"),
            {
                "kind": "information_note",
                "title_en": "Note",
                "body_en": "Text",
                "countries": [self.n.gt.pk],
                "fulfils": reference,
            },
        )
        circular = Circular.objects.get()
        client.post(reverse("circulation:send", args=[circular.pk]), {"confirmed": "1"})
        self.assertEqual(len(self.calls), 1)
        page = client.get(circular.get_absolute_url(), headers={"accept-language": "en"})
        self.assertContains(page, str(self.target))

    def test_a_bad_reference_in_the_form_is_named_and_nothing_is_written(self):
        response = signed_in(self.n.ts).post(
            reverse("circulation:create"),
            {
                "kind": "information_note",
                "title_en": "Note",
                "countries": [self.n.gt.pk],
                "fulfils": "meetings.nothing:1",
            },
            headers={"accept-language": "en"},
        )
        self.assertContains(response, "app.model:number")
        self.assertFalse(Circular.objects.exists())
