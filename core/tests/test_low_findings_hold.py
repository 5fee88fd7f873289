"""The low findings of the security review, each refused or fixed: deep JSON, formulas in every
spreadsheet, invisible characters in names, the API and /healthz with the database down,
`import_report --date`, the site's domain in mail, e-mail backends from the environment, and
`Allow` on every 405."""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from core.office import PLAIN_NUMBER
from core.testing import api_client, build_network, signed_in
from core.tests.documents_world import DOCUMENTS, build_world, fetch, signed_in_as
from meetings.models import Meeting
from meetings.tests.helpers import seed_text
from network.models import Organization, Person
from practices.models import Practice

ROOT = Path(__file__).resolve().parents[2]
FORMULA = '=HYPERLINK("https://evil.example","click")'


class DeepJsonTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_a_deeply_nested_hsds_file_is_refused_with_a_message(self):
        path = Path(tempfile.mkdtemp()) / "deep.json"
        path.write_text("[" * 100_000 + "]" * 100_000)
        with self.assertRaises(CommandError) as caught:
            call_command("import_hsds", str(path), stdout=io.StringIO(), stderr=io.StringIO())
        self.assertIn("nested more than", str(caught.exception))

    def test_a_deeply_nested_api_body_is_a_400(self):
        response = api_client(self.n.ts).post(
            "/api/v1/organizations", "[" * 100_000 + "]" * 100_000, content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("detail", response.json())


def cells_of(kind, content):
    if kind == "csv":
        return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}!{cell.coordinate}: {cell.value}"
                if isinstance(cell.value, str):
                    values.append(cell.value)
    return values


class EverySpreadsheetIsGuardedTest(TestCase):
    """Hostile names in every kind of record; every CSV and XLSX Enlace writes holds them as text."""

    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()
        Person.objects.update(family_names=FORMULA)
        Organization.objects.update(name_es="@SUM(1,2)", name_en="+CMD|' /C calc'!A0")
        from comparisons.models import Answer, Question
        from directory.models import Service
        from plan.models import Node

        Service.objects.update(name_es=FORMULA, name_en="-2+3")
        Node.objects.update(title_es=FORMULA, title_en=FORMULA)
        Question.objects.update(text_es=FORMULA, text_en=FORMULA)
        Answer.objects.exclude(text="").update(text=FORMULA)
        Answer.objects.update(note=FORMULA, basis_instrument="@instrument")

    def setUp(self):
        self.enterContext(translation.override("en"))

    def assert_guarded(self, label, values):
        bad = [value for value in values if value[:1] in ("=", "+", "-", "@") and not PLAIN_NUMBER.match(value)]
        self.assertEqual(bad, [], label)

    def test_every_export_holds_hostile_text_as_text(self):
        client = signed_in_as(self.n, "ts")
        seen = 0
        for doc in DOCUMENTS:
            if doc.kind not in ("csv", "xlsx"):
                continue
            response = fetch(client, doc, self.n, "en")
            self.assertEqual(response.status_code, 200, doc.name)
            self.assert_guarded(doc.name, cells_of(doc.kind, response.content))
            seen += 1
        self.assertGreaterEqual(seen, 6)
        tree = client.get(reverse("plan:tree_export", args=[self.n.plan.pk, "csv"]))
        if tree.status_code == 200:
            self.assert_guarded("plan tree", cells_of("csv", tree.content))

    def test_the_public_hsds_package_holds_hostile_text_as_text(self):
        response = Client().get(reverse("directory:hsds_download", args=["zip"]))
        self.assertEqual(response.status_code, 200)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = [name for name in archive.namelist() if name.endswith(".csv")]
            self.assertTrue(names)
            for name in names:
                self.assert_guarded(name, cells_of("csv", archive.read(name)))
            self.assertIn("'=HYPERLINK(", archive.read("services.csv").decode())


class InvisibleCharactersTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def setUp(self):
        self.enterContext(translation.override("en"))

    def test_a_name_with_a_direction_override_or_a_control_character_is_refused_by_page_and_api(self):
        person = self.n.gt_alt_person
        for hostile in ("Morales\u202efdp.exe", "Mor\x07ales", "Mor\x1b[31males"):
            url = reverse("network:person_edit", args=[person.pk])
            from core.tests.test_no_lost_update import read_form

            form = read_form(signed_in(self.n.gt_officer).get(url), "family_names")
            form["family_names"] = [hostile]
            response = signed_in(self.n.gt_officer).post(url, form)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "invisible control or direction characters")
            response = api_client(self.n.gt_officer).patch(
                f"/api/v1/people/{person.pk}",
                json.dumps({"family_names": hostile, "revision": Person.objects.get(pk=person.pk).revision}),
                content_type="application/json",
            )
            self.assertEqual(response.status_code, 400, response.content)
            self.assertIn("family_names", response.json()["errors"])
            self.assertEqual(Person.objects.get(pk=person.pk).family_names, "Morales")

    def test_a_practice_title_with_a_direction_override_is_refused(self):
        response = api_client(self.n.partner).post(
            "/api/v1/practices",
            json.dumps({**_practice_payload(self.n), "title_es": "Guía \u202eanilorac"}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 400, response.content)
        self.assertIn("title_es", response.json()["errors"])
        self.assertFalse(Practice.objects.filter(title_es__startswith="Guía").exists())

    def test_accents_and_ordinary_punctuation_are_kept(self):
        person = Person.objects.get(pk=self.n.gt_alt_person.pk)
        person.family_names = "Morales-Núñez O'Brien (Ñ)"
        person.save()


def _practice_payload(n):
    return {
        "title_es": "Acompañamiento en el retorno",
        "summary_es": "Resumen.",
        "description_es": "Descripción.",
        "countries": ["GT"],
        "themes": ["return-reintegration"],
        "axis": 4,
        "population": ["returned", "adolescence"],
        "start_year": 2020,
    }


class DatabaseDownTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def down(self):
        return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("down"))

    def test_the_api_answers_json_503_and_healthz_503_whatever_the_cookies(self):
        client = signed_in(self.n.gt_officer)
        client.raise_request_exception = False
        anonymous = Client(raise_request_exception=False)
        with self.down():
            response = anonymous.get("/api/v1/organizations")
            self.assertEqual(response.status_code, 503)
            self.assertTrue(response.json()["detail"])
            for who in (anonymous, client):
                health = who.get("/healthz")
                self.assertEqual(health.status_code, 503)
                self.assertEqual(health.json()["status"], "error")
            page = client.get("/")
            self.assertEqual(page.status_code, 503)


class ImportReportDateTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        from meetings.tests.helpers import build_rcm

        cls.n = build_rcm()

    def test_a_report_without_a_date_takes_the_one_given_and_a_bad_one_is_refused(self):
        lines = [line for line in seed_text("en").splitlines() if "2017" not in line]
        path = Path(tempfile.mkdtemp()) / "undated.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        with self.assertRaises(CommandError) as caught:
            call_command(
                "import_report", str(path), "--date", "15/11/2017", "--as", "ts@example.org", stdout=io.StringIO()
            )
        self.assertIn("YYYY-MM-DD", str(caught.exception))
        with self.assertRaises(CommandError):  # no date in the report, none given
            call_command("import_report", str(path), "--as", "ts@example.org", stdout=io.StringIO())
        call_command("import_report", str(path), "--date", "2017-11-15", "--as", "ts@example.org", stdout=io.StringIO())
        meeting = Meeting.objects.get()
        self.assertEqual(meeting.start_date.isoformat(), "2017-11-15")
        self.assertFalse([w for w in meeting.warnings_to_check() if w["key"] == "field:start_date"])


class SiteDomainTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_password_reset_mail_names_the_configured_site(self):
        domain = urlsplit(settings.SITE_URL).netloc
        self.assertEqual(Site.objects.get_current().domain, domain)
        Client().post(reverse("account_reset_password"), {"email": "gt@example.org"})
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertNotIn("example.com", message.subject + message.body)
        self.assertIn("Enlace", message.subject)
        self.assertIn(domain, message.body)


def test_every_documented_email_backend_is_configured_from_the_environment(tmp_path):
    code = "from django.conf import settings; import json; print(json.dumps(settings.MAILERS['default']))"
    for backend, extra, expected in (
        (
            "django.core.mail.backends.filebased.EmailBackend",
            {"EMAIL_FILE_PATH": str(tmp_path)},
            {"file_path": str(tmp_path)},
        ),
        (
            "django.core.mail.backends.smtp.EmailBackend",
            {"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "2525"},
            {"host": "smtp.example.org", "port": 2525},
        ),
        ("django.core.mail.backends.console.EmailBackend", {}, {}),
        ("django.core.mail.backends.locmem.EmailBackend", {}, {}),
    ):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "EMAIL_BACKEND": backend, **extra}
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        mailer = json.loads(result.stdout.strip().splitlines()[-1])
        assert mailer["BACKEND"] == backend
        for key, value in expected.items():
            assert mailer["OPTIONS"][key] == value


def _sample(converter):
    name = type(converter).__name__
    if name == "IntConverter":
        return "1"
    if name == "UUIDConverter":
        return str(uuid.uuid4())
    return "x"


def _routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.pattern.converters


class AllowOn405Test(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def test_every_405_says_what_is_allowed(self):
        import re

        client = signed_in(self.n.ts)
        client.raise_request_exception = False
        checked = 0
        for route, converters in _routes():
            if route.startswith(("^", "admin")) or "(?P" in route:
                continue
            path = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m, c=converters: _sample(c.get(m.group(2))), route)
            for method in ("put", "patch", "delete"):
                response = getattr(client, method)(path)
                if response.status_code == 405:
                    checked += 1
                    self.assertTrue(response.get("Allow"), f"{method.upper()} {path}: 405 without Allow")
        api = api_client(self.n.ts)
        schema = self.client.get("/api/v1/openapi.json").json()
        for path, operations in schema["paths"].items():
            url = re.sub(r"\{[^}]+\}", "1", path)
            for method in ("put", "patch", "delete", "post", "get"):
                if method in operations:
                    continue
                response = getattr(api, method)(url)
                if response.status_code == 405:
                    checked += 1
                    self.assertTrue(response.get("Allow"), f"{method.upper()} {url}: 405 without Allow")
        self.assertGreater(checked, 50)
