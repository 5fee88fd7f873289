"""The importer reads reports it was not written for: other numberings, DOCX lists, in person, RCGM conclusions."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from meetings.importer import parse_file, parse_paragraphs
from meetings.importer.commitments import future_to_infinitive
from meetings.importer.dates import find_due, find_meeting_dates
from meetings.importer.parser import operative_kind
from meetings.importer.text import fold

from .helpers import DATA, DirectoryTestCase, numbered_docx, seed_as_word_list

MEMBERS = ["BZ", "CA", "CR", "DO", "GT", "HN", "MX", "NI", "PA", "SV", "US"]


def kinds_of(parsed):
    out = {}
    for agreement in parsed.agreements:
        out[agreement.number] = agreement.kind
        for item in agreement.items:
            out[agreement.number + item.letter] = item.kind
    return out


def commitments_of(parsed):
    return [(c.ref, [a.code for a in c.actors], c.due) for c in parsed.commitments]


class VariantReportsTest(DirectoryTestCase):
    def parse(self, name):
        return parse_paragraphs((DATA / name).read_text(encoding="utf-8").splitlines(), self.directory)

    def test_dash_numbering_in_spanish(self):
        parsed = self.parse("variant_dash_numbering_es.txt")
        self.assertEqual(parsed.language, "es")
        self.assertEqual([a.number for a in parsed.agreements], ["1", "2", "3", "4", "5", "6", "7"])
        self.assertEqual([i.letter for i in parsed.agreements[1].items], ["a", "b"])
        self.assertEqual((parsed.modality, parsed.place), ("in_person", "San José, Costa Rica"))
        self.assertEqual(parsed.start_date.isoformat(), "2019-03-12")
        self.assertEqual(parsed.ordinal, 6)  # "esta sexta reunión" in the participants paragraph
        # "reunión" is a meeting, not the island of Réunion.
        self.assertEqual(parsed.delegations, ["BZ", "CR", "GT", "HN", "MX", "PA", "DO"])
        self.assertEqual(parsed.organizations, ["IOM", "UNHCR"])
        kinds = kinds_of(parsed)
        self.assertEqual(
            (kinds["1"], kinds["2"], kinds["5"], kinds["6"]), ("thanks", "takes_note", "approves", "welcomes")
        )
        # "La Red acordó:" introduces them: what has no verb of its kind was agreed.
        self.assertEqual((kinds["2a"], kinds["3"], kinds["7"]), ("agrees", "agrees", "agrees"))
        self.assertEqual(
            commitments_of(parsed),
            [
                ("2a", MEMBERS, "2019-04-30"),
                ("2b", ["TS"], None),
                ("3", ["TS"], "2019-12-31"),
                ("4", ["UNICEF", "UNHCR"], None),
                ("5", ["ICRC"], "2019-Q3"),
                ("6", ["GT"], None),
                ("7", ["PPT"], "2019-Q2"),
            ],
        )
        # The closing line (place and date) is not an agreement: left out, and said so.
        self.assertEqual(parsed.agreements[-1].kind, "agrees")
        self.assertTrue(any("closing lines" in w and "San José" in w for w in parsed.warnings))

    def test_a_two_day_in_person_meeting(self):
        parsed = self.parse("variant_two_day_in_person_en.txt")
        self.assertEqual((parsed.start_date.isoformat(), parsed.end_date.isoformat()), ("2018-03-20", "2018-03-21"))
        # Held in Tegucigalpa, but the text does not say how people took part: no modality, a warning.
        self.assertEqual((parsed.modality, parsed.place, parsed.kind), (None, "Tegucigalpa, Honduras", "extraordinary"))
        self.assertTrue(any("modality" in w for w in parsed.warnings))
        self.assertEqual(parsed.ordinal, 4)
        self.assertEqual(parsed.delegations, ["BZ", "SV", "GT", "HN", "MX", "PA", "DO", "US"])
        self.assertEqual(parsed.mandate, "the recommendation approved by the RCGM in December 2017")
        self.assertEqual(
            commitments_of(parsed),
            [
                ("2a", ["GT", "MX"], "2018-Q2"),
                ("2b", ["TS"], "2018-04-30"),
                ("3", MEMBERS, "2018"),
                ("5", ["IOM", "UNICEF"], None),
            ],
        )
        # An actor the directory does not know is named in the warnings, not guessed.
        self.assertTrue(any("CONAPINA" in w for w in parsed.warnings))
        # A sentence with no number and no operative verb goes on with the agreement before it, flagged.
        self.assertEqual(len(parsed.agreements), 5)
        self.assertTrue(parsed.agreements[-1].text.endswith("informal exchange between the delegations."))
        self.assertTrue(any("joined to 5" in w for w in parsed.warnings))

    def test_rcgm_conclusions(self):
        parsed = self.parse("variant_rcgm_conclusions_es.txt")
        self.assertEqual(parsed.body, "rcgm")
        self.assertEqual(parsed.ordinal, 23)
        self.assertEqual((parsed.start_date.isoformat(), parsed.end_date.isoformat()), ("2018-06-20", "2018-06-21"))
        self.assertEqual(len(parsed.delegations), 11)
        self.assertEqual(parsed.organizations, ["IOM", "UNHCR", "UNICEF", "ICRC"])
        kinds = kinds_of(parsed)
        self.assertEqual(
            [kinds[str(n)] for n in range(1, 7)],
            ["approves", "takes_note", "agrees", "approves", "reaffirms", "agrees"],
        )
        refs = commitments_of(parsed)
        self.assertIn(("3", ["TS"], None), refs)
        self.assertIn(("4", ["TS"], "2018-Q3"), refs)
        self.assertIn(("6", ["PPT"], "2018-11-30"), refs)

    def test_word_automatic_numbering_is_read_as_the_reader_sees_it(self):
        content = numbered_docx(seed_as_word_list("en"))
        self.assertNotIn(b"1. To thank", content)
        parsed = parse_file(SimpleUploadedFile("seed.docx", content), directory=self.directory)
        expected = json.loads((DATA / "seed_report_expected.json").read_text(encoding="utf-8"))
        expected.pop("duplicate_of")  # the command's addition: whether the report is already in Enlace
        self.assertEqual(parsed.as_json(), expected)

    def test_hidden_text_in_a_docx_is_not_read(self):
        rows = seed_as_word_list("en")
        content = numbered_docx(rows, hidden=" The PPT will destroy everything.")
        parsed = parse_file(SimpleUploadedFile("seed.docx", content), directory=self.directory)
        self.assertNotIn("destroy", json.dumps(parsed.as_json()))
        self.assertEqual(len(parsed.commitments), 9)


class LexiconTest(SimpleTestCase):
    def test_operative_verbs_in_both_languages(self):
        cases = {
            "To thank the TS": "thanks",
            "Agradecer a la ST": "thanks",
            "Expresar su agradecimiento a México": "thanks",
            "Take note of the report": "takes_note",
            "Tomar nota del informe": "takes_note",
            "To receive the progress": "receives",
            "Recibir los avances": "receives",
            "To reaffirm the interest": "reaffirms",
            "Reafirmar el interés": "reaffirms",
            "To welcome the proposal": "welcomes",
            "Acoger con beneplácito la propuesta": "welcomes",
            "Dar la bienvenida a la propuesta": "welcomes",
            "To recommend to the RCGM the approval": "recommends_to_rcgm",
            "Recomendar al GRCM la aprobación": "recommends_to_rcgm",
            "It was agreed that the TS": "agrees",
            "Se acordó que la ST": "agrees",
            "Acordar la realización": "agrees",
            "To approve the plan": "approves",
            "Aprobar el plan": "approves",
            "Asimismo, aprobar el plan": "approves",
            "The RCGM takes note of": "takes_note",
            "El GRCM toma nota de": "takes_note",
            "Celebrar una reunión extraordinaria": None,
            "Regarding the compilation:": None,
        }
        for text, kind in cases.items():
            with self.subTest(text=text):
                self.assertEqual(operative_kind(text), kind)

    def test_spanish_future_becomes_an_infinitive(self):
        self.assertEqual(future_to_infinitive("enviará"), "enviar")
        self.assertEqual(future_to_infinitive("darán"), "dar")
        self.assertEqual(future_to_infinitive("tendrá"), "tener")
        self.assertEqual(future_to_infinitive("hará"), "hacer")
        self.assertEqual(future_to_infinitive("mantendrán"), "mantener")
        self.assertEqual(future_to_infinitive("encargará", "se"), "encargarse")

    def test_due_times(self):
        self.assertEqual(find_due(fold("during the first quarter of 2018")), "2018-Q1")
        self.assertEqual(find_due(fold("durante el primer trimestre de 2018")), "2018-Q1")
        self.assertEqual(find_due(fold("in the fourth quarter of 2019")), "2019-Q4")
        self.assertEqual(find_due(fold("antes del 30 de abril de 2019")), "2019-04-30")
        self.assertEqual(find_due(fold("by April 30, 2018")), "2018-04-30")
        self.assertEqual(find_due(fold("en noviembre de 2018")), "2018-11-30")
        self.assertEqual(find_due(fold("before the end of 2018")), "2018")
        self.assertEqual(find_due(fold("para 2018")), "2018")
        self.assertIsNone(find_due(fold("the Strategic Plan 2017-2022")))
        self.assertIsNone(find_due(fold("send the note")))

    def test_meeting_dates(self):
        def dates(text):
            start, end, _span = find_meeting_dates(fold(text))
            return start.isoformat(), end.isoformat()

        self.assertEqual(dates("November 15th, 2017"), ("2017-11-15", "2017-11-15"))
        self.assertEqual(dates("15 de noviembre de 2017"), ("2017-11-15", "2017-11-15"))
        self.assertEqual(dates("20 y 21 de junio de 2018"), ("2018-06-20", "2018-06-21"))
        self.assertEqual(dates("March 20-21, 2018"), ("2018-03-20", "2018-03-21"))
        self.assertEqual(dates("30 de noviembre al 1 de diciembre de 2017"), ("2017-11-30", "2017-12-01"))
        self.assertIsNone(find_meeting_dates(fold("in November 2016")))
