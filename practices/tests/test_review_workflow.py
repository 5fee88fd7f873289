"""The review, step by step: a partner submits, the TS returns it with a comment, the partner fixes
and resubmits, the TS publishes; the public sees only the published version, and every published
version is kept."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.testing import api_client, build_network, signed_in
from practices import queries, services
from practices.models import ReviewAction, Status, Version

from .helpers import practice_fields


class ReviewWorkflowTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def draft(self, **changes):
        return services.create_practice(acting_user=self.n.partner, **practice_fields(self.n, **changes))

    def submitted(self):
        return services.submit(self.draft(), acting_user=self.n.partner)

    def returned(self):
        practice = services.start_review(self.submitted(), acting_user=self.n.ts)
        return services.return_to_author(practice, "Add the results in figures.", acting_user=self.n.ts)

    def resubmitted(self):
        practice = services.update_practice(
            self.returned(), acting_user=self.n.partner, results_es="Doscientas niñas y niños acompañados en 2019."
        )
        return services.submit(practice, acting_user=self.n.partner)

    # -- step 1: the partner submits -------------------------------------------------------------

    def test_a_partner_submits_a_practice_of_their_organization(self):
        practice = self.submitted()
        self.assertEqual(practice.status, Status.SUBMITTED)
        self.assertEqual(practice.submitting_organization, self.n.unicef)
        self.assertIsNone(practice.published_version)
        self.assertEqual(queries.review_events(practice)[-1].action, ReviewAction.SUBMIT)

    def test_an_incomplete_practice_cannot_be_submitted_and_says_what_is_missing(self):
        practice = self.draft(description_es="", countries=[], themes=[])
        with self.assertRaises(ValidationError) as caught:
            services.submit(practice, acting_user=self.n.partner)
        self.assertEqual(set(caught.exception.message_dict), {"description_es", "countries", "themes"})
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.DRAFT)

    def test_the_submission_is_for_the_ts_not_for_the_public_nor_other_countries(self):
        practice = self.submitted()
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 404)
        self.assertEqual(api_client().get(f"/api/v1/practices/{practice.pk}").status_code, 404)
        self.assertEqual(signed_in(self.n.hn_officer).get(practice.get_absolute_url()).status_code, 404)
        self.assertEqual(signed_in(self.n.ts).get(practice.get_absolute_url()).status_code, 200)

    # -- step 2: the TS returns it with a comment -------------------------------------------------

    def test_the_ts_returns_it_with_a_comment_to_the_author(self):
        practice = self.returned()
        self.assertEqual(practice.status, Status.RETURNED)
        last = queries.review_events(practice)[-1]
        self.assertEqual((last.action, last.comment), (ReviewAction.RETURN, "Add the results in figures."))
        page = signed_in(self.n.partner).get(f"{practice.get_absolute_url()}?view=working")
        self.assertContains(page, "Add the results in figures.")

    def test_returning_needs_a_comment(self):
        practice = services.start_review(self.submitted(), acting_user=self.n.ts)
        with self.assertRaises(ValidationError):
            services.return_to_author(practice, "  ", acting_user=self.n.ts)

    def test_the_author_may_not_review_their_own_practice(self):
        practice = self.submitted()
        with self.assertRaises(PermissionDenied):
            services.publish(practice, acting_user=self.n.partner)
        response = signed_in(self.n.partner).post(reverse("practices:practice_step", args=[practice.pk, "publish"]))
        self.assertEqual(response.status_code, 403)
        practice.refresh_from_db()
        self.assertIsNone(practice.published_version)

    def test_the_ts_returns_it_through_the_page(self):
        practice = services.start_review(self.submitted(), acting_user=self.n.ts)
        response = signed_in(self.n.ts).post(
            reverse("practices:practice_step", args=[practice.pk, "return"]), {"comment": "Please add the period."}
        )
        self.assertEqual(response.status_code, 302)
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.RETURNED)

    # -- step 3: the partner fixes and resubmits ------------------------------------------------

    def test_the_partner_fixes_and_resubmits(self):
        practice = self.resubmitted()
        self.assertEqual(practice.status, Status.SUBMITTED)
        self.assertEqual(practice.results_es, "Doscientas niñas y niños acompañados en 2019.")
        actions = [event.action for event in queries.review_events(practice)]
        self.assertEqual(
            actions,
            [ReviewAction.SUBMIT, ReviewAction.START_REVIEW, ReviewAction.RETURN, ReviewAction.SUBMIT],
        )

    def test_a_submitted_practice_is_locked_until_it_is_returned(self):
        practice = self.submitted()
        with self.assertRaises(PermissionDenied):
            services.update_practice(practice, acting_user=self.n.partner, title_es="Otro título")

    # -- step 4: the TS publishes ---------------------------------------------------------------

    def test_the_ts_publishes_and_the_version_is_kept(self):
        practice = services.publish(self.resubmitted(), acting_user=self.n.ts)
        self.assertEqual(practice.status, Status.PUBLISHED)
        self.assertEqual(practice.published_version.number, 1)
        self.assertEqual(practice.published_version.data["results_es"], "Doscientas niñas y niños acompañados en 2019.")

    def test_the_ts_publishes_through_the_api(self):
        practice = self.resubmitted()
        response = api_client(self.n.ts).post(
            f"/api/v1/practices/{practice.pk}/publish",
            data=json.dumps({"comment": ""}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["version"], 1)

    # -- step 5: the public sees only the published version -------------------------------------

    def test_the_public_sees_only_the_published_version(self):
        practice = services.publish(self.resubmitted(), acting_user=self.n.ts)
        practice = services.update_practice(
            practice, acting_user=self.n.partner, title_es="Retornos seguros (borrador de la versión 2)"
        )
        self.assertEqual(practice.status, Status.DRAFT)
        page = self.client.get(practice.get_absolute_url())
        self.assertContains(page, "Retornos seguros de la niñez migrante")
        self.assertNotContains(page, "borrador de la versión 2")
        api = api_client().get(f"/api/v1/practices/{practice.pk}").json()
        self.assertEqual((api["view"], api["title_es"]), ("published", "Retornos seguros de la niñez migrante"))
        working = api_client().get(f"/api/v1/practices/{practice.pk}?view=working").json()
        self.assertEqual(working["view"], "published")
        author = signed_in(self.n.partner).get(f"{practice.get_absolute_url()}?view=working")
        self.assertContains(author, "borrador de la versión 2")

    def test_publishing_again_keeps_every_version(self):
        practice = services.publish(self.resubmitted(), acting_user=self.n.ts)
        practice = services.update_practice(practice, acting_user=self.n.partner, title_es="Segunda versión")
        practice = services.submit(practice, acting_user=self.n.partner)
        practice = services.publish(practice, acting_user=self.n.ts)
        self.assertEqual(practice.published_version.number, 2)
        versions = Version.objects.filter(object_id=practice.pk).order_by("number")
        self.assertEqual(
            [v.data["title_es"] for v in versions], ["Retornos seguros de la niñez migrante", "Segunda versión"]
        )
        first = self.client.get(reverse("practices:practice_version", args=[practice.pk, 1]))
        self.assertContains(first, "Retornos seguros de la niñez migrante")
        self.assertEqual(len(api_client().get(f"/api/v1/practices/{practice.pk}/versions").json()), 2)

    def test_withdrawing_hides_it_from_the_public_but_keeps_its_versions(self):
        practice = services.publish(self.resubmitted(), acting_user=self.n.ts)
        services.withdraw(practice, acting_user=self.n.ts, comment="Data to be checked.")
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 404)
        self.assertEqual(Version.objects.filter(object_id=practice.pk).count(), 1)


class ReviewersTest(TestCase):
    """The TS may name an organization to review and compile a call's answers (a 'review' grant)."""

    @classmethod
    def setUpTestData(cls):
        import datetime

        from practices.models import Theme

        cls.n = build_network()
        cls.call = services.open_call(
            acting_user=cls.n.ts,
            title_es="Cuidado alternativo",
            theme=Theme.objects.get(slug="alternative-care"),
            countries=[cls.n.gt, cls.n.hn],
            deadline=datetime.date.today() + datetime.timedelta(days=30),
        )
        cls.answer = services.create_practice(
            acting_user=cls.n.gt_officer, **practice_fields(cls.n, call=cls.call, title_es="Familias de acogida")
        )
        cls.other = services.create_practice(acting_user=cls.n.gt_officer, **practice_fields(cls.n))

    def test_staff_of_the_named_organization_review_the_calls_answers_only(self):
        answer = services.submit(self.answer, acting_user=self.n.gt_officer)
        other = services.submit(self.other, acting_user=self.n.gt_officer)
        with self.assertRaises(PermissionDenied):
            services.start_review(answer, acting_user=self.n.partner)
        services.create_compilation(
            acting_user=self.n.ts, title_es="Compilación", call=self.call, compiler=self.n.unicef
        )
        self.n.partner.refresh_from_db()
        reviewer = type(self.n.partner).objects.get(pk=self.n.partner.pk)
        answer = services.start_review(answer, acting_user=reviewer)
        answer = services.publish(answer, acting_user=reviewer)
        self.assertEqual(answer.status, Status.PUBLISHED)
        with self.assertRaises(PermissionDenied):
            services.start_review(other, acting_user=reviewer)

    def test_a_named_reviewer_does_not_see_drafts(self):
        services.create_compilation(
            acting_user=self.n.ts, title_es="Compilación", call=self.call, compiler=self.n.unicef
        )
        reviewer = type(self.n.partner).objects.get(pk=self.n.partner.pk)
        self.assertEqual(signed_in(reviewer).get(self.answer.get_absolute_url()).status_code, 404)

    def test_officers_of_the_same_country_share_their_drafts_but_not_with_other_countries(self):
        self.assertEqual(signed_in(self.n.gt_alternate).get(self.other.get_absolute_url()).status_code, 200)
        self.assertEqual(signed_in(self.n.hn_officer).get(self.other.get_absolute_url()).status_code, 404)
        response = api_client(self.n.hn_officer).patch(
            f"/api/v1/practices/{self.other.pk}",
            data=json.dumps({"title_es": "X", "revision": 1}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 404)
