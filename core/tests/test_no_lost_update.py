"""No lost update: two people edit the same record at once; the second is told, and nothing is lost.

Each page test reads the edit form as a browser would (every field as served, hidden revision
included), lets two people open it, saves the first person's change, then the second's: the
second gets the form back with both versions and the first change stays. Saving the re-shown
form then keeps the second person's version knowingly. API tests send a stale revision and get
409 with the saved version, nothing written.
"""

import json

import lxml.html
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from circulation import services as circulation_services
from comparisons import services as comparison_services
from comparisons.models import Answer
from comparisons.testing import build_analysis
from core.testing import api_client, build_network, signed_in
from core.versioning import EditConflict
from directory.models import Service
from directory.tests.helpers import build_directory
from meetings import services as meeting_services
from meetings.models import Commitment
from meetings.tests.helpers import build_rcm, import_seed
from network.models import Organization, Person
from plan import services as plan_services
from plan.models import FollowUpLine
from plan.testing import build_plan
from practices import services as practice_services
from practices.models import Practice
from practices.tests.helpers import practice_fields

CONFLICT_WORDS = "after you opened"


def read_form(response, field):
    """The values a browser would send for the form that holds `field`, as served."""
    document = lxml.html.fromstring(response.content.decode())
    for form in document.forms:
        if form.xpath(f'.//*[@name="{field}"]'):
            values = {}
            for name, value in form.form_values():
                values.setdefault(name, []).append(value)
            return values
    raise AssertionError(f"no form with {field} on the page")


class PageConflictMixin:
    """Two people open the same edit page; the first saves, then the second."""

    def open_twice(self, first, second, url, field):
        one, two = signed_in(first), signed_in(second)
        return one, read_form(one.get(url), field), two, read_form(two.get(url), field)

    def assert_second_is_told(self, response, kept_value):
        self.assertEqual(response.status_code, 200, "the second save must not go through silently")
        self.assertContains(response, CONFLICT_WORDS)
        self.assertContains(response, "Their version (saved)")
        self.assertContains(response, kept_value)  # the second person's input is still in the form


class PracticePageAndApiTest(PageConflictMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.practice = practice_services.create_practice(acting_user=cls.n.partner, **practice_fields(cls.n))

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_two_people_edit_the_same_practice_page(self):
        url = reverse("practices:practice_edit", args=[self.practice.pk])
        one, form_one, two, form_two = self.open_twice(self.n.partner, self.n.ts, url, "title_es")
        form_one["title_es"] = ["Título de la primera persona"]
        self.assertEqual(one.post(url, form_one).status_code, 302)
        form_two["title_en"] = ["The second person's title"]
        response = two.post(url, form_two)
        self.assert_second_is_told(response, "The second person&#x27;s title")
        saved = Practice.objects.get(pk=self.practice.pk)
        self.assertEqual(saved.title_es, "Título de la primera persona")
        self.assertNotEqual(saved.title_en, "The second person's title")
        # Saving the re-shown form keeps the second version, knowingly.
        again = read_form(response, "title_es")
        self.assertEqual(two.post(url, again).status_code, 302)
        self.assertEqual(Practice.objects.get(pk=self.practice.pk).title_en, "The second person's title")

    def test_a_stale_patch_gets_409_with_the_saved_version(self):
        url = f"/api/v1/practices/{self.practice.pk}"
        read = api_client(self.n.partner).get(url + "?view=working").json()["revision"]
        first = api_client(self.n.partner).patch(
            url, json.dumps({"title_es": "Primera", "revision": read}), content_type="application/json"
        )
        self.assertEqual(first.status_code, 200, first.content)
        second = api_client(self.n.ts).patch(
            url, json.dumps({"title_es": "Segunda", "revision": read}), content_type="application/json"
        )
        self.assertEqual(second.status_code, 409, second.content)
        body = second.json()
        self.assertEqual(body["current"]["title_es"], "Primera")
        self.assertEqual(body["revision"], read + 1)
        self.assertEqual(Practice.objects.get(pk=self.practice.pk).title_es, "Primera")
        missing = api_client(self.n.ts).patch(url, json.dumps({"title_es": "X"}), content_type="application/json")
        self.assertEqual(missing.status_code, 400)
        self.assertIn("revision", missing.json()["errors"])


class PersonAndOrganizationTest(PageConflictMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_an_officer_and_the_person_edit_the_same_contact(self):
        person = self.n.gt_alt_person
        url = reverse("network:person_edit", args=[person.pk])
        one, form_one, two, form_two = self.open_twice(self.n.gt_officer, self.n.gt_alternate, url, "family_names")
        form_one["phone_office"] = ["+502 2222 3333"]
        self.assertEqual(one.post(url, form_one).status_code, 302)
        form_two["honorific"] = ["Licda."]
        self.assert_second_is_told(two.post(url, form_two), "Licda.")
        saved = Person.objects.get(pk=person.pk)
        self.assertEqual(saved.phone_office.as_international, "+502 2222 3333")
        self.assertNotEqual(saved.honorific, "Licda.")

    def test_an_officer_and_the_ts_edit_the_same_organization(self):
        org = self.n.sbs
        url = reverse("network:organization_edit", args=[org.pk])
        one, form_one, two, form_two = self.open_twice(self.n.gt_officer, self.n.ts, url, "name_es")
        form_one["website"] = ["https://sbs.example.gt"]
        self.assertEqual(one.post(url, form_one).status_code, 302)
        form_two["name_en"] = ["Social Welfare Secretariat (second)"]
        self.assert_second_is_told(two.post(url, form_two), "Social Welfare Secretariat (second)")
        saved = Organization.objects.get(pk=org.pk)
        self.assertEqual(saved.website, "https://sbs.example.gt")
        self.assertNotEqual(saved.name_en, "Social Welfare Secretariat (second)")

    def test_stale_api_patches_of_people_and_organizations_get_409(self):
        for url, change in (
            (f"/api/v1/people/{self.n.gt_alt_person.pk}", {"honorific": "Dra."}),
            (f"/api/v1/organizations/{self.n.sbs.pk}", {"website": "https://x.example"}),
        ):
            read = api_client(self.n.gt_officer).get(url).json()["revision"]
            ok = api_client(self.n.gt_officer).patch(
                url, json.dumps({**change, "revision": read}), content_type="application/json"
            )
            self.assertEqual(ok.status_code, 200, ok.content)
            stale = api_client(self.n.ts).patch(
                url, json.dumps({**change, "revision": read}), content_type="application/json"
            )
            self.assertEqual(stale.status_code, 409, (url, stale.content))
            self.assertEqual(stale.json()["revision"], read + 1)


class ServiceTest(PageConflictMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_directory()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_two_people_edit_the_same_service(self):
        service = self.n.office_service
        url = reverse("directory:service_edit", args=[service.pk])
        one, form_one, two, form_two = self.open_twice(self.n.gt_officer, self.n.ts, url, "name_es")
        form_one["name_es"] = ["Atención a niñez retornada (primera)"]
        self.assertEqual(one.post(url, form_one).status_code, 302)
        form_two["description_en"] = ["Second person's description"]
        self.assert_second_is_told(two.post(url, form_two), "Second person&#x27;s description")
        saved = Service.objects.get(pk=service.pk)
        self.assertEqual(saved.name_es, "Atención a niñez retornada (primera)")
        self.assertNotEqual(saved.description_en, "Second person's description")

    def test_a_stale_patch_gets_409(self):
        url = f"/api/v1/directory/services/{self.n.office_service.pk}"
        read = api_client(self.n.gt_officer).get(url).json()["revision"]
        for user, status in ((self.n.gt_officer, 200), (self.n.ts, 409)):
            response = api_client(user).patch(
                url, json.dumps({"name_en": f"By {user.pk}", "revision": read}), content_type="application/json"
            )
            self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(Service.objects.get(pk=self.n.office_service.pk).name_en, f"By {self.n.gt_officer.pk}")


class CommitmentTest(PageConflictMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        agreement = cls.meeting.reports.get().agreements.get(number="6", letter="")
        cls.commitment = meeting_services.create_commitment(
            agreement, acting_user=cls.n.ts, actors=meeting_services.actors_from_codes(["MX"]), action_en="share it"
        )

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_the_ts_and_an_actor_change_the_status_at_once(self):
        url = self.commitment.get_absolute_url()
        one, form_one, two, form_two = self.open_twice(self.n.mx_officer, self.n.ts, url, "status")
        form_one.update(status=["done"], note=["Shared in March."])
        self.assertEqual(one.post(url, form_one).status_code, 302)
        form_two.update(status=["in_progress"], note=["Being written."])
        response = two.post(url, form_two)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, CONFLICT_WORDS, status_code=400)
        self.assertContains(response, "Being written.", status_code=400)
        # The one who saved first is named as colleagues know them, not by their sign-in address.
        self.assertContains(response, f"{self.n.mx_officer.get_full_name()} saved a change", status_code=400)
        self.assertNotContains(response, self.n.mx_officer.email, status_code=400)
        saved = Commitment.objects.get(pk=self.commitment.pk)
        self.assertEqual(saved.status, "done")
        self.assertEqual(saved.status_changes.count(), 1)

    def test_the_ts_rewrites_the_action_while_another_ts_tab_does_too(self):
        url = reverse("meetings:commitment_edit", args=[self.commitment.pk])
        one, form_one, two, form_two = self.open_twice(self.n.ts, self.n.ts, url, "action_en")
        form_one["action_en"] = ["share the evaluation"]
        self.assertEqual(one.post(url, form_one).status_code, 302)
        form_two["notes"] = ["second tab"]
        self.assert_second_is_told(two.post(url, form_two), "second tab")
        self.assertEqual(Commitment.objects.get(pk=self.commitment.pk).action_en, "share the evaluation")


class CircularDraftTest(PageConflictMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.circular = circulation_services.create_circular(
            acting_user=cls.n.ts, kind="information_note", title_es="Nota", title_en="Note", countries=[cls.n.gt]
        )

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_two_ts_tabs_edit_the_same_draft(self):
        url = reverse("circulation:edit", args=[self.circular.pk])
        one, form_one, two, form_two = self.open_twice(self.n.ts, self.n.ts, url, "title_en")
        form_one["title_en"] = ["Concept note"]
        self.assertEqual(one.post(url, form_one).status_code, 302)
        form_two["body_en"] = ["Second tab's body"]
        self.assert_second_is_told(two.post(url, form_two), "Second tab&#x27;s body")
        self.circular.refresh_from_db()
        self.assertEqual((self.circular.title_en, self.circular.body_en), ("Concept note", ""))

    def test_a_stale_patch_gets_409(self):
        url = f"/api/v1/circulars/{self.circular.pk}"
        read = api_client(self.n.ts).get(url).json()["revision"]
        for title, status in (("First", 200), ("Second", 409)):
            response = api_client(self.n.ts).patch(
                url, json.dumps({"title_en": title, "revision": read}), content_type="application/json"
            )
            self.assertEqual(response.status_code, status, response.content)
        self.circular.refresh_from_db()
        self.assertEqual(self.circular.title_en, "First")


class PlanLinesTest(TestCase):
    """The Guatemala principal and alternate fill different lines of the same report at once."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.p = build_plan(cls.n)
        cls.report = plan_services.get_or_start_report(cls.p.plan, 2018, cls.n.gt, acting_user=cls.n.gt_officer)
        cls.url = reverse("plan:report", args=[cls.p.plan.pk, 2018, "gt"])

    def setUp(self):
        self.enterContext(translation.override("en"))

    def line(self, node):
        return FollowUpLine.objects.get(report=self.report, node=node)

    def field(self, node, part):
        return f"l{node.pk}_{part}"

    def test_different_lines_never_undo_each_other_and_the_same_line_is_a_conflict(self):
        a, b = self.p.national_a, self.p.national_b
        principal, alternate = signed_in(self.n.gt_officer), signed_in(self.n.gt_alternate)
        form_p = read_form(principal.get(self.url), self.field(a, "status"))
        form_a = read_form(alternate.get(self.url), self.field(a, "status"))
        form_p.update({self.field(a, "status"): ["in_progress"], self.field(a, "progress"): ["40"]})
        self.assertEqual(principal.post(self.url, {**form_p, "save": "1"}).status_code, 302)
        form_a.update({self.field(b, "status"): ["completed"], self.field(b, "narrative"): ["Hecho."]})
        self.assertEqual(alternate.post(self.url, {**form_a, "save": "1"}).status_code, 302)
        self.assertEqual((self.line(a).status, self.line(a).progress), ("in_progress", 40))  # not reverted
        self.assertEqual((self.line(b).status, self.line(b).narrative), ("completed", "Hecho."))

        # Now both change line a from what they read: the second is told, with the first's version.
        form_p = read_form(principal.get(self.url), self.field(a, "status"))
        form_a = read_form(alternate.get(self.url), self.field(a, "status"))
        form_p[self.field(a, "progress")] = ["60"]
        self.assertEqual(principal.post(self.url, {**form_p, "save": "1"}).status_code, 302)
        form_a[self.field(a, "narrative")] = ["Mesa técnica instalada."]
        response = alternate.post(self.url, {**form_a, "save": "1"})
        self.assertContains(response, "Their version", status_code=response.status_code)
        self.assertContains(response, "Mesa técnica instalada.", status_code=response.status_code)
        self.assertEqual((self.line(a).progress, self.line(a).narrative), (60, ""))
        # Saving the re-shown form keeps the alternate's version knowingly.
        again = read_form(response, self.field(a, "status"))
        self.assertEqual(alternate.post(self.url, {**again, "save": "1"}).status_code, 302)
        self.assertEqual(self.line(a).narrative, "Mesa técnica instalada.")

    def test_a_stale_line_in_the_api_gets_409_and_nothing_is_written(self):
        url = f"/api/v1/plan-reports/{self.report.pk}/lines"
        read = self.line(self.p.national_a).revision
        body = {"lines": [{"activity": "1.1.1", "status": "in_progress", "progress": 10, "revision": read}]}
        first = api_client(self.n.gt_officer).patch(url, json.dumps(body), content_type="application/json")
        self.assertEqual(first.status_code, 200, first.content)
        body = {
            "lines": [
                {"activity": "1.1.2", "status": "completed", "revision": self.line(self.p.national_b).revision},
                {"activity": "1.1.1", "status": "completed", "revision": read},
            ]
        }
        second = api_client(self.n.gt_alternate).patch(url, json.dumps(body), content_type="application/json")
        self.assertEqual(second.status_code, 409, second.content)
        self.assertEqual(second.json()["current"]["1.1.1"]["progress"], 10)
        self.assertEqual(self.line(self.p.national_a).status, "in_progress")
        self.assertNotEqual(self.line(self.p.national_b).status, "completed")  # all or nothing


class ComparisonAnswersTest(TestCase):
    """Guatemala's principal and alternate answer the same column at once."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.a = build_analysis(cls.n)
        cls.round = comparison_services.start_round(cls.a.analysis, acting_user=cls.n.lead, label_en="2026")
        cls.url = reverse("comparisons:answer", args=[cls.a.analysis.pk, cls.round.number, "gt"])

    def setUp(self):
        self.enterContext(translation.override("en"))

    def answer(self, question):
        return Answer.objects.filter(column__round=self.round, column__country__code="GT", question=question).first()

    def test_different_answers_never_undo_each_other_and_the_same_answer_is_a_conflict(self):
        heard, months = self.a.heard, self.a.months
        principal, alternate = signed_in(self.n.gt_officer), signed_in(self.n.gt_alternate)
        form_p = read_form(principal.get(self.url), f"q{heard.pk}_note")
        form_a = read_form(alternate.get(self.url), f"q{heard.pk}_note")
        form_p[f"q{heard.pk}_value"] = ["yes"]
        self.assertEqual(principal.post(self.url, form_p).status_code, 302)
        form_a[f"q{months.pk}_value"] = ["6"]
        self.assertEqual(alternate.post(self.url, form_a).status_code, 302)
        self.assertEqual((self.answer(heard).choice, self.answer(months).number), ("yes", 6))

        form_p = read_form(principal.get(self.url), f"q{heard.pk}_note")
        form_a = read_form(alternate.get(self.url), f"q{heard.pk}_note")
        form_p[f"q{heard.pk}_value"] = ["partly"]
        self.assertEqual(principal.post(self.url, form_p).status_code, 302)
        form_a[f"q{heard.pk}_note"] = ["Según el protocolo de 2019."]
        response = alternate.post(self.url, form_a)
        self.assertContains(response, CONFLICT_WORDS, status_code=response.status_code)
        self.assertContains(response, "Según el protocolo de 2019.", status_code=response.status_code)
        self.assertEqual((self.answer(heard).choice, self.answer(heard).note), ("partly", ""))

    def test_a_stale_put_gets_409(self):
        base = f"/api/v1/comparisons/analyses/{self.a.analysis.pk}/rounds/{self.round.number}/columns/GT/answers"
        url = f"{base}/{self.a.heard.pk}"
        body = json.dumps({"value": "yes", "revision": 0})
        self.assertEqual(api_client(self.n.gt_officer).put(url, body, content_type="application/json").status_code, 200)
        stale = api_client(self.n.gt_alternate).put(url, body.replace("yes", "no"), content_type="application/json")
        self.assertEqual(stale.status_code, 409, stale.content)
        self.assertEqual(self.answer(self.a.heard).choice, "yes")


class SaveLevelTest(TestCase):
    """Whatever path a save comes by, a record read before someone else's save cannot overwrite it."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_two_copies_of_the_same_record_saved_one_after_the_other(self):
        first = Person.objects.get(pk=self.n.hn_person.pk)
        second = Person.objects.get(pk=self.n.hn_person.pk)
        first.honorific = "Dr."
        first.save()
        second.honorific = "Lic."
        with self.assertRaises(EditConflict) as caught:
            second.save()
        self.assertEqual(caught.exception.current.honorific, "Dr.")
        self.assertEqual(Person.objects.get(pk=self.n.hn_person.pk).honorific, "Dr.")
        self.assertEqual(Person.objects.get(pk=self.n.hn_person.pk).revision, first.revision)
