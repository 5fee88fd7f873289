"""`check --deploy` is clean with the production environment that docs/deployment.md gives."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

DOC = Path(settings.BASE_DIR) / "docs" / "deployment.md"


def documented_environment():
    block = re.search(r"```env\n(.*?)```", DOC.read_text(), re.S).group(1)
    env = {}
    for line in block.strip().splitlines():
        key, _sep, value = line.partition("=")
        env[key.strip()] = value.strip()
    return env


class DeploySettingsTest(SimpleTestCase):
    def test_check_deploy_prints_no_warning_with_the_documented_environment(self):
        env = documented_environment()
        self.assertEqual(env["DEBUG"], "0")
        env["SECRET_KEY"] = "k" * 10 + "-Z8u3dQm7pX2vN5rT9wY4bH6jK1cF0gS8aL3eR7tU2iO5p"
        env["DATABASE_URL"] = "sqlite:///" + str(Path(settings.BASE_DIR) / "var" / "deploy-check.sqlite3")
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            env={"PATH": os.environ.get("PATH", ""), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_production_refuses_to_start_without_a_secret_key(self):
        env = documented_environment()
        env.pop("SECRET_KEY")
        result = subprocess.run(
            [sys.executable, "manage.py", "check"],
            cwd=settings.BASE_DIR,
            env={"PATH": os.environ.get("PATH", ""), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY", result.stderr)
