"""Every address and API operation gives each role the answer the table says (core/tests/status_matrix.py).

One world (core/tests/documents_world.py: every app's objects, approved and draft, of several
countries), eight roles, every pattern of the urlconf and every operation of the API schema; each
request runs in a transaction rolled back after it, so a POST that succeeds changes nothing for the
next. The answers must be exactly the table's: a 200 where it says 403 or 404 fails, and so does a
500 anywhere. A new pattern or operation fails until its row is added.
"""

import json
import os
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, TestCase

from core.tests import status_matrix
from core.tests.documents_world import build_world
from practices.tests.helpers import TemporaryMedia

TABLE = Path(__file__).resolve().parent / "data" / "status_matrix.json"
WRITE = os.environ.get("ENLACE_WRITE_EXPECTED") == "1"


@pytest.mark.xdist_group("status-matrix")
class StatusMatrix(TemporaryMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_world()
        cls.found = status_matrix.objects(cls.n)

    def clients(self):
        clients = {"anonymous": Client()}
        for role, attribute in status_matrix.ROLE_USERS.items():
            client = Client()
            client.force_login(getattr(self.n, attribute))
            clients[role] = client
        return clients

    def requests(self):
        schema = json.loads(Client().get("/api/v1/openapi.json").content)
        return status_matrix.web_requests(self.n, self.found) + status_matrix.api_requests(self.n, self.found, schema)

    def answer(self, client, method, url):
        cookies = client.cookies
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = client.generic(method, url, "{}", content_type="application/json")
            else:
                response = client.post(url, {})
            transaction.set_rollback(True)
        client.cookies = cookies
        return response.status_code

    def test_every_role_gets_the_tables_answer_everywhere(self):
        clients = self.clients()
        found = {}
        for key, method, url in self.requests():
            found[key] = [self.answer(clients[role], method, url) for role in status_matrix.ROLES]
        if WRITE:
            lines = ",\n".join(
                f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(codes)}" for key, codes in found.items()
            )
            TABLE.write_text("{\n" + lines + "\n}\n", encoding="utf-8")
        expected = json.loads(TABLE.read_text(encoding="utf-8"))
        self.assertEqual(sorted(set(found) - set(expected)), [], "requests with no row in the table")
        self.assertEqual(sorted(set(expected) - set(found)), [], "rows of the table no request made")
        wrong = [
            f"{key}: {dict(zip(status_matrix.ROLES, codes, strict=True))} (table: {expected[key]})"
            for key, codes in found.items()
            if codes != expected[key]
        ]
        self.assertEqual(wrong, [], "\n".join(wrong))
        self.assertFalse([key for key, codes in found.items() if 500 in codes], "a 500 somewhere")

    def test_the_matrix_covers_every_pattern_and_operation(self):
        keys = {key for key, _method, _url in self.requests()}
        requested = {key.split(" ")[1] for key in keys}
        for name, route in status_matrix.url_patterns():
            if route.startswith(("api/v1/", "^media")) or name in status_matrix.NOT_REQUESTED:
                continue
            with self.subTest(pattern=name):
                self.assertIn(name, requested)
        schema = json.loads(Client().get("/api/v1/openapi.json").content)
        for path, operations in schema["paths"].items():
            for method in operations:
                with self.subTest(operation=f"{method} {path}"):
                    self.assertTrue(any(key.startswith(f"{method.upper()} {path} [") for key in keys))
        self.assertGreater(len(keys), 600)
