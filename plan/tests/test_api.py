"""The plan API: Honduras fills and submits its report, the TS reviews it, and nobody else sees the drafts."""

import json

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openapi_spec_validator import validate

from core.testing import api_client, build_network
from plan import services
from plan.models import FollowUpLine, FollowUpReport, Indicator, IndicatorValue, ReportStatus
from plan.testing import add_previous_ppt, approved_report, build_plan, fill_report

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def read_revisions(url, payload):
    """Give each line the revision a client would have read (GET) before sending it back."""
    report_id = int(url.split("/plan-reports/")[1].split("/")[0])
    for line in payload.get("lines", []):
        if isinstance(line, dict) and "revision" not in line:
            activity = line.get("activity")
            found = FollowUpLine.objects.filter(report_id=report_id)
            found = found.filter(node_id=activity) if isinstance(activity, int) else found.filter(node__code=activity)
            line["revision"] = found.values_list("revision", flat=True).first() or 1


def send(client, method, url, payload=None):
    if method == "patch" and url.endswith("/lines") and isinstance(payload, dict):
        read_revisions(url, payload)
    data = json.dumps(payload) if payload is not None else "{}"
    return getattr(client, method)(url, data=data, content_type="application/json", headers={"Accept-Language": "en"})


@override_settings(TASKS=IMMEDIATE)
class PlanApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()
        cls.p = build_plan(cls.n)
        cls.plan_url = f"/api/v1/plans/{cls.p.plan.pk}"

    def setUp(self):
        self.english = translation.override("en")
        self.english.__enter__()
        self.addCleanup(self.english.__exit__, None, None, None)

    def start(self, user, year=2018, country="HN"):
        return send(api_client(user), "post", f"{self.plan_url}/reports", {"year": year, "country": country})

    def test_the_schema_stays_valid_openapi_3(self):
        validate(self.client.get("/api/v1/openapi.json").json())

    def test_honduras_fills_and_submits_the_ts_returns_then_approves(self):
        officer = api_client(self.n.hn_officer)
        started = self.start(self.n.hn_officer)
        self.assertEqual(started.status_code, 201, started.content)
        report = started.json()
        self.assertEqual((report["country"], report["year"], report["status"]), ("HN", 2018, "draft"))
        self.assertTrue(report["can_fill"])
        self.assertEqual([line["code"] for line in report["lines"]], ["1.1.1", "1.1.2", "2.1.1"])
        # Starting it again gives the same report.
        again = self.start(self.n.hn_officer)
        self.assertEqual((again.status_code, again.json()["id"]), (200, report["id"]))

        url = f"/api/v1/plan-reports/{report['id']}"
        lines = {
            "lines": [
                {"activity": "1.1.1", "status": "in_progress", "progress": 40, "narrative": "Protocolo en consulta"},
                {"activity": self.p.national_b.pk, "status": "completed"},
                {"activity": "2.1.1", "status": "not_applicable"},
            ]
        }
        saved = send(officer, "patch", f"{url}/lines", lines)
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual(
            [(line["code"], line["status"], line["progress"]) for line in saved.json()["lines"]],
            [("1.1.1", "in_progress", 40), ("1.1.2", "completed", 100), ("2.1.1", "not_applicable", None)],
        )
        submitted = send(officer, "post", f"{url}/submit")
        self.assertEqual(submitted.status_code, 200, submitted.content)
        self.assertEqual(submitted.json()["status"], "submitted")
        self.assertFalse(submitted.json()["can_fill"])

        ts = api_client(self.n.ts)
        # Only the TS reviews; a comment is needed to return it.
        self.assertEqual(send(officer, "post", f"{url}/approve").status_code, 403)
        no_comment = send(ts, "post", f"{url}/return", {"comment": " "})
        self.assertEqual(no_comment.status_code, 400)
        self.assertIn("comment", no_comment.json()["errors"])
        returned = send(ts, "post", f"{url}/return", {"comment": "Add the evidence of 1.1.1"})
        self.assertEqual(returned.status_code, 200, returned.content)
        self.assertEqual(returned.json()["status"], "returned")
        seen = officer.get(url).json()
        self.assertEqual(seen["events"][-1]["action"], "returned")
        self.assertEqual(seen["events"][-1]["comment"], "Add the evidence of 1.1.1")

        fixed = send(
            officer,
            "patch",
            f"{url}/lines",
            {"lines": [{"activity": "1.1.1", "status": "in_progress", "progress": 60}]},
        )
        self.assertEqual(fixed.status_code, 200, fixed.content)
        self.assertEqual(send(officer, "post", f"{url}/submit").status_code, 200)
        approved = send(ts, "post", f"{url}/approve", {"comment": "Thank you"})
        self.assertEqual(approved.status_code, 200, approved.content)
        self.assertEqual(approved.json()["status"], "approved")
        self.assertEqual(
            [event["action"] for event in approved.json()["events"]], ["submitted", "returned", "submitted", "approved"]
        )

        # Locked: changing it needs a recorded reopening by the TS.
        locked = send(officer, "patch", f"{url}/lines", {"lines": [{"activity": "1.1.1", "status": "completed"}]})
        self.assertEqual(locked.status_code, 409)  # the report's state refuses it
        self.assertIn("approved", locked.json()["detail"])
        self.assertEqual(send(officer, "post", f"{url}/reopen", {"reason": "We want to"}).status_code, 403)
        reopened = send(ts, "post", f"{url}/reopen", {"reason": "Honduras sent corrected figures"})
        self.assertEqual(reopened.status_code, 200, reopened.content)
        self.assertEqual(reopened.json()["status"], "returned")
        self.assertEqual(reopened.json()["events"][-1]["comment"], "Honduras sent corrected figures")

    def test_the_approved_report_shows_in_the_tree_and_the_matrix_for_everyone(self):
        approved_report(
            self.p.plan,
            2018,
            self.n.hn,
            self.n.hn_officer,
            self.n.ts,
            {
                self.p.national_a: ("in_progress", 40),
                self.p.national_b: ("completed", None),
                self.p.national_c: ("not_applicable", None),
            },
        )
        fill_report(self.p.plan, 2018, self.n.mx, self.n.mx_officer, {self.p.national_a: ("in_progress", 90)})
        self.p.plan.visibility = "public"
        self.p.plan.save()
        tree = self.client.get(f"{self.plan_url}/nodes?year=2018")
        self.assertEqual(tree.status_code, 200, tree.content)
        progress = {node["code"]: node["progress"] for node in tree.json()["nodes"]}
        # Mexico's draft does not count; 2.1.1 does not apply in Honduras, so it is missing, not 0.
        self.assertEqual(progress["1.1.1"], 40.0)
        self.assertEqual(progress["1.1"], 70.0)
        self.assertIsNone(progress["2.1.1"])
        self.assertIsNone(progress["2"])
        by_country = self.client.get(f"{self.plan_url}/nodes?year=2018&country=mx").json()
        self.assertIsNone(next(n for n in by_country["nodes"] if n["code"] == "1.1.1")["progress"])
        matrix = self.client.get(f"{self.plan_url}/matrix?year=2018")
        self.assertEqual(matrix.status_code, 200, matrix.content)
        row = next(row for row in matrix.json()["rows"] if row["code"] == "1.1.1")
        cells = {cell["country"]: (cell["status"], cell["progress"]) for cell in row["cells"]}
        self.assertEqual(cells["HN"], ("in_progress", 40))
        self.assertEqual(cells["MX"], (None, None))
        states = {state["country"]: state for state in matrix.json()["reports"]}
        self.assertEqual(states["HN"]["status"], "approved")
        self.assertIsNone(states["MX"]["report_id"])  # the public does not open Mexico's draft
        self.assertEqual(self.client.get(f"{self.plan_url}/nodes?year=2030").status_code, 404)

    def test_honduras_cannot_open_or_change_mexico_s_draft(self):
        draft = fill_report(self.p.plan, 2018, self.n.mx, self.n.mx_officer, {self.p.national_a: ("in_progress", 10)})
        url = f"/api/v1/plan-reports/{draft.pk}"
        officer = api_client(self.n.hn_officer)
        self.assertEqual(officer.get(url).status_code, 404)
        changed = send(officer, "patch", f"{url}/lines", {"lines": [{"activity": "1.1.1", "status": "completed"}]})
        self.assertEqual(changed.status_code, 404)
        self.assertEqual(send(officer, "post", f"{url}/submit").status_code, 404)
        # Nor start it, nor see it listed.
        self.assertEqual(self.start(self.n.hn_officer, country="MX").status_code, 403)
        listed = officer.get(f"{self.plan_url}/reports?year=2018").json()
        self.assertNotIn(draft.pk, [report["id"] for report in listed["items"]])
        line = FollowUpLine.objects.get(report=draft, node=self.p.national_a)
        self.assertEqual((line.status, line.progress), ("in_progress", 10))
        self.assertEqual(api_client(self.n.mx_officer).get(url).status_code, 200)

    def test_anonymous_and_partner_are_refused_drafts(self):
        self.p.plan.visibility = "public"
        self.p.plan.save()
        values = {
            self.p.national_a: ("in_progress", 10),
            self.p.national_b: ("not_started", 0),
            self.p.national_c: ("not_applicable", None),
        }
        draft = fill_report(self.p.plan, 2018, self.n.hn, self.n.hn_officer, values)
        url = f"/api/v1/plan-reports/{draft.pk}"
        partner = api_client(self.n.partner)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(partner.get(url).status_code, 404)
        lines = {"lines": [{"activity": "1.1.1", "status": "completed"}]}
        self.assertEqual(send(api_client(), "patch", f"{url}/lines", lines).status_code, 401)
        self.assertEqual(send(partner, "patch", f"{url}/lines", lines).status_code, 404)
        self.assertEqual(send(api_client(), "post", f"{self.plan_url}/reports", {"year": 2018}).status_code, 401)
        self.assertEqual(self.start(self.n.partner).status_code, 403)
        self.assertEqual(self.client.get(f"{self.plan_url}/reports").json()["count"], 0)
        # Once approved, everyone who sees the plan sees it, without its review steps.
        services.submit_report(draft, acting_user=self.n.hn_officer)
        services.approve_report(draft, acting_user=self.n.ts)
        public = self.client.get(url)
        self.assertEqual(public.status_code, 200)
        self.assertEqual(public.json()["events"], [])
        self.assertFalse(public.json()["can_fill"])

    def test_bad_progress_names_the_field_and_writes_nothing(self):
        report_id = self.start(self.n.hn_officer).json()["id"]
        url = f"/api/v1/plan-reports/{report_id}/lines"
        officer = api_client(self.n.hn_officer)
        cases = [
            (
                [
                    {"activity": "1.1.2", "status": "in_progress", "progress": 50},
                    {"activity": "1.1.1", "status": "in_progress", "progress": 101},
                ],
                "lines.1.progress",
            ),
            ([{"activity": "1.1.1", "status": "in_progress", "progress": -1}], "lines.0.progress"),
            ([{"activity": "1.1.1", "status": "in_progress"}], "1.1.1: progress"),
            ([{"activity": "1.1.1", "status": "completed", "progress": 50}], "1.1.1: progress"),
            ([{"activity": "1.1.1", "status": "finished", "progress": 50}], "lines.0.status"),
            ([{"activity": "9.9", "status": "completed"}], "lines.0.activity"),  # 404: no such activity
            ([{"activity": "1.2.1", "status": "completed"}], f"line-{self.p.regional_a.pk}"),
            ([{"activity": "1.1.1", "status": "completed", "colour": "red"}], "lines.0.colour"),
        ]
        for lines, field in cases:
            response = send(officer, "patch", url, {"lines": lines})
            self.assertEqual(
                response.status_code, 404 if lines[0]["activity"] == "9.9" else 400, (lines, response.content)
            )
            self.assertIn(field, response.json()["errors"], lines)
        self.assertEqual(
            set(FollowUpLine.objects.filter(report_id=report_id).values_list("status", flat=True)), {"not_started"}
        )
        self.assertEqual(
            set(FollowUpLine.objects.filter(report_id=report_id).values_list("progress", flat=True)), {None}
        )
        # Submitting with lines left empty is refused too, naming them.
        refused = send(officer, "post", f"/api/v1/plan-reports/{report_id}/submit")
        self.assertEqual(refused.status_code, 409)  # the report's lines are not complete yet
        self.assertIn("1.1.1", refused.json()["detail"])
        self.assertEqual(FollowUpReport.objects.get(pk=report_id).status, ReportStatus.DRAFT)

    def test_a_year_outside_the_plan_is_refused(self):
        response = self.start(self.n.hn_officer, year=2030)
        self.assertEqual(response.status_code, 404, response.content)  # the plan has no such year
        self.assertIn("year", response.json()["errors"])
        self.assertIn("2017–2022", response.json()["errors"]["year"][0])
        absurd = self.start(self.n.hn_officer, year=99999)
        self.assertEqual(absurd.status_code, 400)
        self.assertIn("year", absurd.json()["errors"])
        self.assertEqual(self.start(self.n.hn_officer, country="ZZ").json()["errors"].keys(), {"country"})
        self.assertFalse(FollowUpReport.objects.exists())

    def test_the_current_ppt_keeps_the_regional_report_and_the_previous_one_is_refused(self):
        add_previous_ppt(self.n)  # Honduras held the presidency before Panama
        self.assertEqual(self.start(self.n.hn_officer, country=None).status_code, 403)
        started = self.start(self.n.pa_officer, country=None)
        self.assertEqual(started.status_code, 201, started.content)
        self.assertTrue(started.json()["regional"])
        self.assertEqual([line["code"] for line in started.json()["lines"]], ["1.2.1"])
        url = f"/api/v1/plan-reports/{started.json()['id']}"
        lines = {"lines": [{"activity": "1.2.1", "status": "in_progress", "progress": 30}]}
        self.assertIn(send(api_client(self.n.hn_officer), "patch", f"{url}/lines", lines).status_code, (403, 404))
        self.assertEqual(send(api_client(self.n.pa_officer), "patch", f"{url}/lines", lines).status_code, 200)
        line = FollowUpLine.objects.get(report_id=started.json()["id"])
        self.assertEqual((line.progress, line.updated_by), (30, self.n.pa_officer))

    def test_indicator_values_are_added_never_overwritten(self):
        indicator = Indicator.objects.create(
            node=self.p.national_a, name_en="Protocols adopted", unit="protocols", baseline_value=0, baseline_year=2016
        )
        url = f"{self.plan_url}/indicators/{indicator.pk}/values"
        ts, officer = api_client(self.n.ts), api_client(self.n.hn_officer)
        self.assertEqual(send(ts, "post", url, {"kind": "target", "year": 2018, "value": 5}).status_code, 201)
        self.assertEqual(send(ts, "post", url, {"kind": "target", "year": 2018, "value": 6}).status_code, 201)
        actual = send(officer, "post", url, {"kind": "actual", "year": 2018, "value": 2.5, "country": "hn"})
        self.assertEqual(actual.status_code, 201, actual.content)
        self.assertEqual((actual.json()["country"], actual.json()["value"]), ("HN", 2.5))
        self.assertEqual(
            send(officer, "post", url, {"kind": "actual", "year": 2018, "value": 1, "country": "MX"}).status_code, 403
        )
        self.assertEqual(send(officer, "post", url, {"kind": "target", "year": 2018, "value": 1}).status_code, 403)
        outside = send(ts, "post", url, {"kind": "target", "year": 2031, "value": 1})
        self.assertEqual(outside.status_code, 404)
        self.assertIn("year", outside.json()["errors"])
        self.assertEqual(IndicatorValue.objects.count(), 3)

        values = ts.get(url).json()
        self.assertEqual([v["value"] for v in values["items"]], [2.5, 5.0, 6.0])
        indicators = ts.get(f"{self.plan_url}/indicators").json()["items"]
        current = {(v["kind"], v["year"], v["country"]): v["value"] for v in indicators[0]["current_values"]}
        self.assertEqual(current, {("target", 2018, None): 6.0, ("actual", 2018, "HN"): 2.5})
        node = ts.get(f"{self.plan_url}/nodes/{self.p.national_a.pk}").json()
        self.assertEqual(node["indicators"][0]["id"], indicator.pk)
        self.assertEqual([year["year"] for year in node["timeline"]], list(range(2017, 2023)))

    def test_a_plan_the_caller_may_not_see_is_not_found(self):
        self.assertEqual(self.client.get(self.plan_url).status_code, 404)  # members-only plan
        self.assertEqual(api_client(self.n.hn_officer).get(self.plan_url).status_code, 200)
        self.assertEqual(self.client.get("/api/v1/plans").json()["count"], 0)
        self.assertEqual(self.client.get(f"/api/v1/plans/{2**63}").status_code, 400)
        self.assertEqual(
            api_client(self.n.ts).get(f"{self.plan_url}/nodes/{self.p.obj11.pk + 10_000}").status_code, 404
        )

    def test_the_reports_list_costs_the_same_queries_for_one_or_many_reports(self):
        ts = api_client(self.n.ts)
        url = f"{self.plan_url}/reports"
        ts.get(url)
        services.get_or_start_report(self.p.plan, 2018, self.n.hn, acting_user=self.n.ts)
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(ts.get(url).json()["count"], 1)
        for year in (2019, 2020):
            for country in (self.n.gt, self.n.mx, self.n.pa):
                services.get_or_start_report(self.p.plan, year, country, acting_user=self.n.ts)
        with CaptureQueriesContext(connection) as seven:
            self.assertEqual(ts.get(url).json()["count"], 7)
        self.assertEqual(len(one), len(seven))
