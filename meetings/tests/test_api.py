"""The meetings API: same rules as the pages, bad input named, writes for those whose role allows."""

from django.test import TestCase

from core.testing import api_client

from .helpers import build_rcm, commitment, import_seed


class MeetingsApiTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n, visibility="public")

    def test_reading_meetings_and_agreements(self):
        rows = api_client().get("/api/v1/meetings").json()["items"]
        self.assertEqual(
            [(r["id"], r["body"], r["modality"]) for r in rows], [(self.meeting.pk, "child-protection", "virtual")]
        )
        detail = api_client().get(f"/api/v1/meetings/{self.meeting.pk}").json()
        self.assertEqual(detail["delegations"], sorted(["CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA"]))
        agreements = api_client().get(f"/api/v1/meetings/{self.meeting.pk}/agreements").json()
        self.assertEqual([a["ref"] for a in agreements][:4], ["1", "2", "2a", "3"])
        self.assertEqual(agreements[-1]["rcgm_decision"], "pending")
        self.assertIsNone(agreements[0]["rcgm_decision"])

    def test_commitments_for_members_with_filters(self):
        api = api_client(self.n.gt_officer)
        ours = api.get("/api/v1/commitments?ours=true").json()["items"]
        self.assertEqual([(c["ref"], "GT" in c["actors"]) for c in ours], [("2a", True)])
        iom = api.get(f"/api/v1/commitments?actor=org:{self.n.iom.pk}").json()["items"]
        self.assertEqual([c["ref"] for c in iom], ["4c", "4d", "4e"])
        overdue = api.get("/api/v1/commitments?status=overdue").json()["items"]
        self.assertEqual([(c["ref"], c["due"], c["overdue"]) for c in overdue], [("8", "2018-Q1", True)])

    def test_bad_filters_are_named(self):
        api = api_client(self.n.gt_officer)
        for query, field in (
            ("status=finished", "status"),
            ("actor=nobody", "actor"),
            ("body=nowhere", "body"),
            ("meeting=999999", "meeting"),
        ):
            with self.subTest(query=query):
                response = api.get(f"/api/v1/commitments?{query}")
                # A body or meeting that does not exist is a 404; a value of the wrong shape a 400.
                self.assertEqual(response.status_code, 404 if field in ("body", "meeting") else 400)
                self.assertIn(field, response.json()["errors"])

    def test_the_ts_adds_agreements_and_commitments(self):
        draft_meeting = import_seed(self.n, approve=False)
        api = api_client(self.n.ts)
        created = api.post(
            f"/api/v1/meetings/{draft_meeting.pk}/agreements",
            {"kind": "thanks", "text_en": "To thank Belize."},
            content_type="application/json",
        )
        self.assertEqual(created.status_code, 201)
        self.assertEqual(created.json()["ref"], "9")
        agreement_id = created.json()["id"]
        bad = api.post(
            f"/api/v1/agreements/{agreement_id}/commitments",
            {"actors": ["BZ", "NOBODY"], "action_en": "host"},
            content_type="application/json",
        )
        self.assertEqual(bad.status_code, 404)  # an actor that does not exist
        self.assertIn("NOBODY", bad.json()["errors"]["actors"][0])
        bad_due = api.post(
            f"/api/v1/agreements/{agreement_id}/commitments",
            {"actors": ["BZ"], "action_en": "host", "due": "soon"},
            content_type="application/json",
        )
        self.assertEqual(bad_due.status_code, 400)
        good = api.post(
            f"/api/v1/agreements/{agreement_id}/commitments",
            {"actors": ["BZ", "UNICEF"], "action_en": "host the workshop", "due": "2019-Q2"},
            content_type="application/json",
        )
        self.assertEqual(good.status_code, 201, good.content)
        self.assertEqual((good.json()["actors"], good.json()["due"]), (["BZ", "UNICEF"], "2019-Q2"))

    def test_officers_may_not_write_reports(self):
        api = api_client(self.n.gt_officer)
        response = api.post(
            f"/api/v1/meetings/{self.meeting.pk}/agreements", {"text_en": "Mine."}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        agreement = self.meeting.reports.get().agreements.get(number="7")
        decision = api.post(
            f"/api/v1/agreements/{agreement.pk}/decision", {"decision": "approved"}, content_type="application/json"
        )
        self.assertEqual(decision.status_code, 403)

    def test_the_ts_records_a_decision(self):
        from meetings import services

        rcgm_meeting = services.create_meeting(
            acting_user=self.n.ts, body=self.n.rcgm, title_en="RCGM", start_date=self.meeting.start_date
        )
        agreement = self.meeting.reports.get().agreements.get(number="8")
        api = api_client(self.n.ts)
        missing = api.post(
            f"/api/v1/agreements/{agreement.pk}/decision", {"decision": "approved"}, content_type="application/json"
        )
        self.assertEqual(missing.status_code, 400)
        self.assertIn("rcgm_meeting", missing.json()["errors"])
        done = api.post(
            f"/api/v1/agreements/{agreement.pk}/decision",
            {"decision": "not_approved", "rcgm_meeting_id": rcgm_meeting.pk, "note": "Postponed"},
            content_type="application/json",
        )
        self.assertEqual(done.status_code, 200)
        self.assertEqual(done.json()["rcgm_decision"], "not_approved")

    def test_status_history_is_for_members(self):
        target = commitment(self.meeting, "3")
        self.assertEqual(api_client().get(f"/api/v1/commitments/{target.pk}/status-changes").status_code, 404)
        self.assertEqual(
            api_client(self.n.gt_officer).get(f"/api/v1/commitments/{target.pk}/status-changes").json(), []
        )
