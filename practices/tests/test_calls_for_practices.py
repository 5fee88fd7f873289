"""Calls for practices: who has answered and who has not; what each person has to do."""

import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import translation

from core import mywork
from core.testing import api_client, build_network, signed_in
from practices import queries, services

from .helpers import practice_fields, theme


class CallTrackingTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.call = services.open_call(
            acting_user=cls.n.ts,
            title_es="Buenas prácticas en cuidado alternativo",
            title_en="Best practices in alternative care",
            theme=theme("alternative-care"),
            countries=[cls.n.gt, cls.n.hn, cls.n.mx],
            deadline=datetime.date.today() + datetime.timedelta(days=20),
        )

    def setUp(self):
        self.enterContext(translation.override("en"))

    def answer(self, user, countries, submit=True):
        practice = services.create_practice(
            acting_user=user, **practice_fields(self.n, call=self.call, countries=countries)
        )
        return services.submit(practice, acting_user=user) if submit else practice

    def tracking(self):
        return {row["country"].code.code: (row["answered"], row["answers"]) for row in queries.call_tracking(self.call)}

    def test_a_country_has_answered_once_a_practice_about_it_is_submitted(self):
        self.assertEqual(self.tracking(), {"GT": (False, 0), "HN": (False, 0), "MX": (False, 0)})
        self.answer(self.n.gt_officer, [self.n.gt])
        self.answer(self.n.hn_officer, [self.n.hn], submit=False)  # a draft is not an answer yet
        self.assertEqual(self.tracking(), {"GT": (True, 1), "HN": (False, 0), "MX": (False, 0)})

    def test_members_see_who_answered_the_public_does_not(self):
        self.answer(self.n.gt_officer, [self.n.gt])
        self.assertIsNone(api_client().get(f"/api/v1/calls/{self.call.pk}").json()["tracking"])
        tracking = api_client(self.n.partner).get(f"/api/v1/calls/{self.call.pk}").json()["tracking"]
        self.assertEqual({row["country"]: row["answered"] for row in tracking}, {"GT": True, "HN": False, "MX": False})
        self.assertNotContains(self.client.get(self.call.get_absolute_url()), "not yet")
        page = signed_in(self.n.hn_officer).get(self.call.get_absolute_url(), headers={"Accept-Language": "en"})
        self.assertContains(page, "not yet")

    def test_officers_of_a_country_that_has_not_answered_have_it_in_their_work(self):
        items = [item for item in mywork.items_for(self.n.hn_officer) if item.url == self.call.get_absolute_url()]
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0].due, self.call.deadline)
        self.answer(self.n.hn_officer, [self.n.hn])
        self.assertFalse([i for i in mywork.items_for(self.n.hn_officer) if i.url == self.call.get_absolute_url()])

    def test_the_ts_has_submissions_to_review_in_their_work(self):
        practice = self.answer(self.n.gt_officer, [self.n.gt])
        urls = [item.url for item in mywork.items_for(self.n.ts)]
        self.assertIn(practice.get_absolute_url(), urls)
        self.assertNotIn(practice.get_absolute_url(), [item.url for item in mywork.items_for(self.n.hn_officer)])

    def test_only_the_ts_opens_calls(self):
        with self.assertRaises(PermissionDenied):
            services.open_call(
                acting_user=self.n.gt_officer,
                title_es="X",
                theme=theme("prevention"),
                countries=[self.n.gt],
                deadline=datetime.date.today(),
            )
        response = api_client(self.n.gt_officer).post(
            "/api/v1/calls",
            data=json.dumps({"title_es": "X", "theme": "prevention", "countries": ["GT"], "deadline": "2030-01-01"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)

    def test_a_call_needs_countries_and_a_future_deadline(self):
        with self.assertRaises(ValidationError) as caught:
            services.open_call(
                acting_user=self.n.ts,
                title_es="X",
                theme=theme("prevention"),
                countries=[],
                deadline=datetime.date(2000, 1, 1),
            )
        self.assertIn("deadline", caught.exception.message_dict)

    def test_a_closed_call_takes_no_new_answers(self):
        services.update_call(self.call, acting_user=self.n.ts, is_closed=True)
        with self.assertRaises(ValidationError) as caught:
            services.create_practice(acting_user=self.n.gt_officer, **practice_fields(self.n, call=self.call))
        self.assertIn("call", caught.exception.message_dict)
