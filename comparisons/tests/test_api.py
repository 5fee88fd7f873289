"""The comparisons API: frameworks, rounds, answers and the matrix, with the pages' rules."""

import json

from django.test import TestCase, override_settings
from openapi_spec_validator import validate

from comparisons.models import Analysis, Question, Round
from comparisons.testing import add_lead
from core.testing import api_client, build_network

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def send(client, method, url, payload=None):
    data = json.dumps(payload) if payload is not None else "{}"
    return getattr(client, method)(url, data=data, content_type="application/json", headers={"Accept-Language": "en"})


@override_settings(TASKS=IMMEDIATE)
class FrameworkThroughTheApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        add_lead(cls.n)

    def create(self, user=None, **changes):
        payload = {
            "title_es": "Retorno",
            "title_en": "Return",
            "lead_organization_id": self.n.iom.pk,
            "body": "child-protection",
            "countries": ["PA", "CR", "gt"],
            "visibility": "public",
            "leads": [self.n.lead.pk],
        } | changes
        return send(api_client(user or self.n.ts), "post", "/api/v1/comparisons/analyses", payload)

    def test_the_schema_stays_valid_openapi_3(self):
        validate(self.client.get("/api/v1/openapi.json").json())

    def test_the_ts_creates_an_analysis_the_lead_builds_its_framework_and_runs_a_round(self):
        response = self.create()
        self.assertEqual(response.status_code, 201, response.content)
        analysis_id = response.json()["id"]
        self.assertEqual(response.json()["countries"], ["CR", "GT", "PA"])
        lead = api_client(self.n.lead)
        base = f"/api/v1/comparisons/analyses/{analysis_id}"
        section = send(lead, "post", f"{base}/sections", {"title_es": "Antes", "title_en": "Before"})
        self.assertEqual(section.status_code, 201, section.content)
        question = send(
            lead,
            "post",
            f"{base}/questions",
            {
                "section_id": section.json()["id"],
                "text_en": "Means of return",
                "answer_type": "single",
                "choices": [{"es": "Aérea", "en": "By air"}, {"key": "land", "es": "Terrestre", "en": "By land"}],
            },
        )
        self.assertEqual(question.status_code, 201, question.content)
        self.assertEqual([c["key"] for c in question.json()["choices"]], ["by-air", "land"])
        round_ = send(lead, "post", f"{base}/rounds", {"label_en": "2026"})
        self.assertEqual(round_.status_code, 201, round_.content)
        self.assertEqual(round_.json()["number"], 1)
        columns = lead.get(f"{base}/rounds/1/columns").json()
        self.assertEqual([c["country"] for c in columns], ["CR", "GT", "PA"])
        framework = self.client.get(base).json()
        self.assertEqual(framework["rounds"][0]["status"], "open")
        self.assertEqual(framework["questions"][0]["number"], "1.1")
        closed = send(lead, "post", f"{base}/rounds/1/close")
        self.assertEqual(closed.json()["status"], "closed")

    def test_only_the_ts_creates_analyses_and_only_the_lead_and_ts_change_them(self):
        for user in (self.n.lead, self.n.pa_officer, self.n.partner):
            self.assertEqual(self.create(user).status_code, 403)
        self.assertEqual(self.create(None, countries=["PA"]).status_code, 201)
        analysis = Analysis.objects.get()
        url = f"/api/v1/comparisons/analyses/{analysis.pk}"
        self.assertEqual(send(api_client(self.n.pa_officer), "patch", url, {"title_en": "Mine"}).status_code, 403)
        self.assertEqual(send(api_client(self.n.lead), "patch", url, {"title_en": "Better"}).status_code, 200)
        self.assertEqual(send(api_client(), "patch", url, {"title_en": "Anon"}).status_code, 401)
        self.assertEqual(Analysis.objects.get().title_en, "Better")
        # Naming the leads is the TS's: the lead cannot add a colleague, the TS can.
        self.assertEqual(send(api_client(self.n.lead), "patch", url, {"leads": [self.n.partner.pk]}).status_code, 403)
        self.assertEqual(send(api_client(self.n.ts), "patch", url, {"leads": [self.n.partner.pk]}).status_code, 200)
        self.assertEqual(send(api_client(self.n.lead), "patch", url, {"title_en": "Again"}).status_code, 403)

    def test_bad_input_names_its_field_and_writes_nothing(self):
        cases = [
            ({"countries": ["ZZ"]}, "countries"),
            ({"countries": []}, "countries"),
            ({"lead_organization_id": 999999}, "lead_organization_id"),
            ({"body": "nowhere"}, "body"),
            ({"title_es": "", "title_en": ""}, "title_es"),
            ({"visibility": "everyone"}, "visibility"),
            ({"leads": [999999]}, "leads"),
            ({"colour": "blue"}, "colour"),
        ]
        missing_records = (
            {"countries": ["ZZ"]},
            {"lead_organization_id": 999999},
            {"body": "nowhere"},
            {"leads": [999999]},
        )
        for changes, field in cases:
            response = self.create(**changes)
            # Naming a record that does not exist is a 404; a wrong value a 400. Both name the field.
            expected = 404 if changes in missing_records else 400
            self.assertEqual(response.status_code, expected, (changes, response.content))
            self.assertIn(field, response.json()["errors"], changes)
        self.assertFalse(Analysis.objects.exists())

    def test_a_question_with_bad_choices_or_type_is_refused(self):
        analysis_id = self.create().json()["id"]
        lead = api_client(self.n.lead)
        base = f"/api/v1/comparisons/analyses/{analysis_id}"
        section_id = send(lead, "post", f"{base}/sections", {"title_en": "S"}).json()["id"]
        cases = [
            ({"answer_type": "single", "choices": [{"en": "Only one"}]}, "choices"),
            ({"answer_type": "single", "choices": [{"key": "a", "en": "A"}, {"key": "a", "en": "B"}]}, "choices"),
            ({"answer_type": "number", "choices": [{"key": "a", "en": "A"}, {"key": "b", "en": "B"}]}, "choices"),
            ({"answer_type": "text", "yes_means_gap": True}, "yes_means_gap"),
            ({"answer_type": "colour"}, "answer_type"),
            ({"answer_type": "text", "text_en": ""}, "text_es"),
        ]
        for changes, field in cases:
            payload = {"section_id": section_id, "text_en": "Q?"} | changes
            response = send(lead, "post", f"{base}/questions", payload)
            self.assertEqual(response.status_code, 400, (changes, response.content))
            self.assertIn(field, response.json()["errors"], changes)
        other = self.create(title_en="Other").json()["id"]
        foreign = send(
            api_client(self.n.ts), "post", f"/api/v1/comparisons/analyses/{other}/sections", {"title_en": "X"}
        )
        response = send(
            lead,
            "post",
            f"{base}/questions",
            {"section_id": foreign.json()["id"], "text_en": "Q", "answer_type": "text"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("section", response.json()["errors"])
        self.assertFalse(Question.objects.exists())

    def test_a_round_needs_questions_and_a_due_date_ahead(self):
        analysis_id = self.create().json()["id"]
        url = f"/api/v1/comparisons/analyses/{analysis_id}/rounds"
        response = send(api_client(self.n.lead), "post", url, {})
        self.assertEqual(response.status_code, 409)  # the framework's state, not the input
        self.assertIn("no question", response.json()["detail"])
        response = send(api_client(self.n.lead), "post", url, {"due_date": "2001-01-01"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Round.objects.exists())

    def test_non_object_bodies_are_refused(self):
        for body in ("[1]", "5", "null"):
            response = api_client(self.n.ts).post(
                "/api/v1/comparisons/analyses", data=body, content_type="application/json"
            )
            self.assertEqual(response.status_code, 400, body)
