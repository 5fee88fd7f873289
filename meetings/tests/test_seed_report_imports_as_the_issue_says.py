"""The seed report imports exactly as issue 3 says, in English and in our Spanish version."""

import io
import json

from django.core.management import call_command
from django.test import TestCase
from django.utils import translation

from core.models import AuditEntry
from meetings.importer import parse_paragraphs
from meetings.models import Agreement, Commitment, Meeting

from .helpers import DATA, build_rcm, seed_text

MEMBERS = ["BZ", "CA", "CR", "DO", "GT", "HN", "MX", "NI", "PA", "SV", "US"]


def structure(data):
    """What must be the same whatever the language: numbers, letters, kinds, actors, due times."""
    meeting = dict(data["meeting"])
    meeting.pop("title")
    meeting.pop("mandate")
    return {
        "meeting": meeting,
        "delegations": data["delegations"],
        "agreements": [
            (a["number"], a["kind"], [(i["letter"], i["kind"]) for i in a["items"]]) for a in data["agreements"]
        ],
        "commitments": [(c["ref"], c["actors"], c["due"]) for c in data["commitments"]],
    }


class SeedReportTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_rcm()

    def dry_run(self, name):
        out = io.StringIO()
        with translation.override("en"):
            call_command("import_report", str(DATA / name), "--dry-run", "--json", stdout=out)
        return json.loads(out.getvalue())

    def test_the_dry_run_prints_the_committed_json(self):
        expected = json.loads((DATA / "seed_report_expected.json").read_text(encoding="utf-8"))
        self.assertEqual(self.dry_run("seed_report_en.txt"), expected)

    def test_the_dry_run_writes_nothing(self):
        self.dry_run("seed_report_en.txt")
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(Agreement.objects.count(), 0)
        self.assertEqual(Commitment.objects.count(), 0)

    def test_it_reads_what_the_issue_lists(self):
        data = self.dry_run("seed_report_en.txt")
        meeting = data["meeting"]
        self.assertEqual(
            (meeting["start_date"], meeting["modality"], meeting["ordinal"], meeting["place"]),
            ("2017-11-15", "virtual", 3, None),
        )
        self.assertEqual(meeting["title"], "I Virtual Meeting")
        self.assertIn("paragraph 8 of the XXI Vice-Ministerial Declaration", meeting["mandate"])
        self.assertEqual(data["delegations"], ["CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA"])
        kinds = {a["number"]: a["kind"] for a in data["agreements"]}
        kinds.update({a["number"] + i["letter"]: i["kind"] for a in data["agreements"] for i in a["items"]})
        self.assertEqual(
            kinds,
            {
                "1": "thanks",
                "2": "thanks",
                "2a": "agrees",
                "3": "thanks",
                "4": "other",
                "4a": "thanks",
                "4b": "receives",
                "4c": "takes_note",
                "4d": "thanks",
                "4e": "other",
                "5": "reaffirms",
                "6": "thanks",
                "7": "recommends_to_rcgm",
                "8": "recommends_to_rcgm",
            },
        )
        commitments = [(c["ref"], c["actors"], c["due"]) for c in data["commitments"]]
        self.assertEqual(
            commitments,
            [
                ("2a", ["PPT", "TS"], None),
                ("2a", MEMBERS, None),
                ("3", ["TS"], None),
                ("4c", ["IOM"], None),
                ("4d", ["IOM"], None),
                ("4e", ["IOM"], None),
                ("5", ["UNICEF", "ICRC"], None),
                ("7", ["TS"], None),
                ("8", ["TS"], "2018-Q1"),
            ],
        )
        actions = {c["ref"]: c["action"] for c in data["commitments"]}
        self.assertTrue(actions["3"].startswith("send the contact points of the organization"))
        self.assertIn("information note", actions["3"])
        self.assertTrue(actions["4e"].startswith("develop a repository of best practices"))
        self.assertTrue(actions["7"].startswith("await to receive the concept note to socialize it"))
        self.assertIn("extraordinary meeting", actions["8"])

    def test_word_artefacts_are_dropped_and_nothing_is_lost(self):
        data = self.dry_run("seed_report_en.txt")
        dumped = json.dumps(data)
        self.assertNotIn("bookmark", dumped)
        self.assertNotIn("_GoBack", dumped)
        # Every agreement's words are kept: the texts, joined, hold every word of the report's agreements.
        source = seed_text("en")
        for agreement in data["agreements"]:
            self.assertIn(agreement["text"], source)
            for item in agreement["items"]:
                self.assertIn(item["text"], source)
        # What was not understood is named.
        self.assertEqual(len(data["warnings"]), 1)
        self.assertIn("4e", data["warnings"][0])

    def test_the_spanish_version_imports_the_same_way(self):
        english = self.dry_run("seed_report_en.txt")
        spanish = self.dry_run("seed_report_es.txt")
        self.assertEqual(spanish["language"], "es")
        self.assertEqual(structure(spanish), structure(english))
        self.assertEqual(spanish["meeting"]["title"], "I Reunión Virtual")
        actions = {c["ref"]: c["action"] for c in spanish["commitments"]}
        self.assertTrue(actions["3"].startswith("enviar los puntos de contacto"))
        self.assertTrue(actions["4c"].startswith("desarrollar el curso virtual"))
        self.assertTrue(actions["7"].startswith("esperar recibir la nota conceptual"))
        self.assertTrue(actions["8"].startswith("organizar una reunión extraordinaria"))

    def test_importing_writes_a_draft_meeting_with_its_report_and_commitments(self):
        with translation.override("en"):
            call_command(
                "import_report", str(DATA / "seed_report_en.txt"), "--as", self.n.ts.email, stdout=io.StringIO()
            )
        meeting = Meeting.objects.get()
        self.assertEqual(meeting.status, "draft")
        self.assertEqual(meeting.body, self.n.network)
        self.assertEqual(
            sorted(c.code.code for c in meeting.delegations.all()),
            sorted(["CA", "CR", "SV", "GT", "HN", "MX", "NI", "PA"]),
        )
        version = meeting.reports.get()
        self.assertEqual(version.status, "draft")
        self.assertEqual(version.agreements.filter(parent=None).count(), 8)
        self.assertEqual(version.agreements.exclude(parent=None).count(), 6)
        self.assertEqual(meeting.commitments.count(), 9)
        self.assertEqual(meeting.commitments.get(agreement__number="8").due_period, "2018-Q1")
        countries = meeting.commitments.filter(actors__kind="country").distinct().get()
        self.assertEqual(countries.actors.count(), 11)
        self.assertEqual(countries.actor_codes, ", ".join(MEMBERS))
        # The audit trail records the import, by whom, with what it wrote.
        entry = AuditEntry.objects.for_object(version).get(note="import")
        self.assertEqual(entry.actor, self.n.ts)
        self.assertEqual(entry.changes["agreements"], [None, 14])
        self.assertEqual(entry.changes["commitments"], [None, 9])

    def test_a_write_needs_a_ts_account(self):
        from django.core.management.base import CommandError

        with self.assertRaises(CommandError):
            call_command("import_report", str(DATA / "seed_report_en.txt"), stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "only the Technical Secretariat"):
            call_command(
                "import_report", str(DATA / "seed_report_en.txt"), "--as", self.n.mx_officer.email, stdout=io.StringIO()
            )
        self.assertEqual(Meeting.objects.count(), 0)

    def test_paragraphs_parse_without_the_command(self):
        with translation.override("en"):
            parsed = parse_paragraphs(seed_text("en").splitlines())
        self.assertEqual(len(parsed.agreements), 8)
