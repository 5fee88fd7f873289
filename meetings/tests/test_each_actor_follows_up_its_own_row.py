"""Each actor's own follow-up: on a commitment shared by the member countries, Honduras and
Guatemala each report their own row, nobody speaks for another, and the roll-up says how many are done.
"""

import json

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TestCase, TransactionTestCase
from django.utils import translation

from core.testing import api_client, signed_in
from meetings import services
from meetings.models import ActorKind, Commitment, CommitmentActor, CommitmentStatus, roll_up

from .helpers import build_rcm, commitment, import_seed


class SharedCommitmentTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()
        cls.meeting = import_seed(cls.n)
        cls.shared = commitment(cls.meeting, "2a", kind=ActorKind.COUNTRY)

    def setUp(self):
        self.enterContext(translation.override("en"))

    def row(self, code):
        return CommitmentActor.objects.get(commitment=self.shared, kind=ActorKind.COUNTRY, country__code=code)

    def statuses(self):
        return dict(
            CommitmentActor.objects.filter(commitment=self.shared, kind=ActorKind.COUNTRY).values_list(
                "country__code", "status"
            )
        )

    def test_the_commitment_is_shared_by_several_countries(self):
        self.assertGreaterEqual(self.shared.actors.filter(kind=ActorKind.COUNTRY).count(), 3)
        self.assertIn("HN", self.statuses())
        self.assertIn("GT", self.statuses())

    def test_honduras_by_page_and_guatemala_by_api_each_change_only_their_own_row(self):
        before = self.statuses()
        honduras = signed_in(self.n.hn_officer)
        page = honduras.get(self.shared.get_absolute_url())
        self.assertContains(page, "Follow-up by actor")
        self.assertContains(page, "You report for Honduras")
        response = honduras.post(
            self.shared.get_absolute_url(),
            {"actor": self.row("HN").pk, "status": "in_progress", "note": "Mesa nacional instalada.", "revision": 1},
        )
        self.assertEqual(response.status_code, 302, response.content[:500])
        after_honduras = self.statuses()
        self.assertEqual(after_honduras["HN"], "in_progress")
        self.assertEqual(
            {k: v for k, v in after_honduras.items() if k != "HN"}, {k: v for k, v in before.items() if k != "HN"}
        )

        guatemala = api_client(self.n.gt_officer)
        response = guatemala.post(
            f"/api/v1/commitments/{self.shared.pk}/status-changes",
            json.dumps({"status": "done", "note": "Informe enviado.", "actor": "GT"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["actor"], "GT")
        self.assertEqual(self.statuses()["HN"], "in_progress")  # Honduras's row is still Honduras's
        self.assertEqual(self.statuses()["GT"], "done")
        self.assertEqual(self.row("HN").note, "Mesa nacional instalada.")

        shared = api_client(self.n.mx_officer).get(f"/api/v1/commitments/{self.shared.pk}").json()
        rows = {row["actor"]: row for row in shared["followup"]}
        self.assertEqual(
            (rows["HN"]["status"], rows["GT"]["status"], rows["MX"]["status"]), ("in_progress", "done", "pending")
        )
        self.assertEqual(shared["status"], "in_progress")
        self.assertEqual(shared["done"], 1)
        page = signed_in(self.n.mx_officer).get(self.shared.get_absolute_url())
        self.assertContains(page, f"1 of {len(rows)} actors done")

    def test_an_officer_without_naming_the_actor_changes_only_their_countrys_row(self):
        services.change_commitment_status(self.shared, "done", acting_user=self.n.hn_officer)
        statuses = self.statuses()
        self.assertEqual(statuses["HN"], "done")
        self.assertEqual([code for code, status in statuses.items() if status == "done"], ["HN"])
        self.shared.refresh_from_db()
        self.assertEqual(self.shared.status, "in_progress")  # not done for all eleven

    def test_a_third_country_cannot_change_either_row_by_page_or_api(self):
        services.change_commitment_status(self.shared, "in_progress", acting_user=self.n.hn_officer)
        before = self.statuses()
        mexico = signed_in(self.n.mx_officer)
        for code in ("HN", "GT"):
            response = mexico.post(self.shared.get_absolute_url(), {"actor": self.row(code).pk, "status": "dropped"})
            self.assertEqual(response.status_code, 403, code)
            response = api_client(self.n.mx_officer).post(
                f"/api/v1/commitments/{self.shared.pk}/status-changes",
                json.dumps({"status": "dropped", "actor": code}),
                content_type="application/json",
            )
            self.assertEqual(response.status_code, 403, (code, response.content))
            with self.assertRaises(PermissionDenied):
                services.change_commitment_status(
                    self.shared, "dropped", acting_user=self.n.mx_officer, actor=self.row(code)
                )
        self.assertEqual(self.statuses(), before)
        # A partner organization that is not an actor changes nothing either.
        with self.assertRaises(PermissionDenied):
            services.change_commitment_status(self.shared, "done", acting_user=self.n.partner)
        self.assertEqual(self.statuses(), before)

    def test_the_roll_up_follows_every_row_and_the_ts_may_change_any(self):
        rows = list(self.shared.actors.all())
        for row in rows[:-1]:
            services.change_commitment_status(self.shared, "done", acting_user=self.n.ts, actor=row)
        self.shared.refresh_from_db()
        self.assertEqual(self.shared.status, "in_progress")
        services.change_commitment_status(self.shared, "dropped", acting_user=self.n.ts, actor=rows[-1])
        self.shared.refresh_from_db()
        self.assertEqual(self.shared.status, "done")
        self.assertEqual(self.shared.status_changes.count(), len(rows))
        self.assertEqual(set(self.shared.status_changes.values_list("actor_id", flat=True)), {row.pk for row in rows})

    def test_changing_the_actors_keeps_each_kept_actors_row(self):
        services.change_commitment_status(self.shared, "done", acting_user=self.n.hn_officer)
        codes = [row.code for row in self.shared.actors.all() if row.code != "MX"]
        services.update_commitment(self.shared, acting_user=self.n.ts, actors=services.actors_from_codes(codes))
        self.assertEqual(self.statuses()["HN"], "done")
        self.assertNotIn("MX", self.statuses())

    def test_the_roll_up_rule(self):
        self.assertEqual(roll_up(["pending", "pending"]), "pending")
        self.assertEqual(roll_up(["pending", "done"]), "in_progress")
        self.assertEqual(roll_up(["in_progress", "pending"]), "in_progress")
        self.assertEqual(roll_up(["done", "dropped"]), "done")
        self.assertEqual(roll_up(["dropped", "dropped"]), "dropped")
        self.assertIsNone(roll_up([]))


class MigrationFromOneStatusTest(TransactionTestCase):
    """A database from before per-actor rows: each actor's row starts from the commitment's status,
    a lone actor takes the history, a shared commitment keeps it as its own."""

    before = [("meetings", "0003_revision")]
    after = [("meetings", "0004_actor_followup")]

    def test_each_actor_starts_from_the_single_status(self):
        executor = MigrationExecutor(connection)
        executor.migrate(self.before)
        old = executor.loader.project_state(self.before).apps
        Body = old.get_model("network", "Body")
        Conference = old.get_model("network", "Conference")
        Country = old.get_model("network", "Country")
        conference = Conference.objects.create(name_es="CRM", name_en="RCM", acronym_es="CRM", acronym_en="RCM")
        body = Body.objects.create(conference=conference, name_es="Red", name_en="Network", kind="network")
        meeting = old.get_model("meetings", "Meeting").objects.create(body=body, start_date="2017-11-15")
        version = old.get_model("meetings", "ReportVersion").objects.create(meeting=meeting)
        agreement = old.get_model("meetings", "Agreement").objects.create(version=version, number="2", letter="a")
        Commitment_ = old.get_model("meetings", "Commitment")
        Actor = old.get_model("meetings", "CommitmentActor")
        Change = old.get_model("meetings", "CommitmentStatusChange")
        hn, gt = (Country.objects.get_or_create(code=code)[0] for code in ("HN", "GT"))
        shared = Commitment_.objects.create(meeting=meeting, agreement=agreement, action_es="x", status="in_progress")
        Actor.objects.create(commitment=shared, kind="country", country=hn)
        Actor.objects.create(commitment=shared, kind="country", country=gt)
        lone = Commitment_.objects.create(
            meeting=meeting, agreement=agreement, action_es="y", status="done", evidence_link="https://e.example/1"
        )
        Actor.objects.create(commitment=lone, kind="country", country=hn)
        Change.objects.create(commitment=shared, from_status="pending", to_status="in_progress")
        Change.objects.create(commitment=lone, from_status="pending", to_status="done")

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(self.after)
        new = executor.loader.project_state(self.after).apps
        Actor = new.get_model("meetings", "CommitmentActor")
        Change = new.get_model("meetings", "CommitmentStatusChange")
        self.assertEqual(
            set(Actor.objects.filter(commitment_id=shared.pk).values_list("status", flat=True)), {"in_progress"}
        )
        lone_row = Actor.objects.get(commitment_id=lone.pk)
        self.assertEqual((lone_row.status, lone_row.evidence_link), ("done", "https://e.example/1"))
        self.assertEqual(Change.objects.get(commitment_id=lone.pk).actor_id, lone_row.pk)
        self.assertIsNone(Change.objects.get(commitment_id=shared.pk).actor_id)

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        self.assertEqual(Commitment.objects.get(pk=shared.pk).status, CommitmentStatus.IN_PROGRESS)
