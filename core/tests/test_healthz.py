import os
import subprocess
import sys

from django.conf import settings
from django.test import TestCase

PROBE = """
import django, os
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(response.status_code, response.json()["status"])
"""


class HealthzTest(TestCase):
    def test_it_answers_ok_when_the_database_answers(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["database"], "ok")

    def test_it_answers_503_when_the_database_is_unreachable(self):
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # Nothing listens on port 1: a real connection failure, not a mock.
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "PGCONNECT_TIMEOUT": "2",
        }
        result = subprocess.run(
            [sys.executable, "-c", PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
        )
        self.assertEqual(result.stdout.split()[:2], ["503", "error"], result.stderr[-2000:])
