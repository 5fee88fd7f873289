"""The code's shape, checked: no module over 600 lines, no cycle among the apps, the layers kept.

The layers themselves are import-linter contracts in pyproject.toml (run by `make test` as
`lint-imports`, and here); this test also builds the apps' import graph itself — imports inside
functions included, which hide a dependency without removing it — and fails on any cycle.
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
APPS = [*settings.PROJECT_APPS, "config"]
MAX_LINES = 600


def project_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def is_test_code(path):
    relative = path.relative_to(ROOT).parts
    return "tests" in relative or relative[-1] == "testing.py"


def app_imports(path):
    """The other apps `path` imports, at the top or inside a function."""
    source = path.relative_to(ROOT).parts[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found |= {name.split(".")[0] for name in names}
    return {app for app in found if app in APPS and app != source}


def app_graph():
    graph = {app: set() for app in APPS}
    for path in project_files():
        if not is_test_code(path):
            graph[path.relative_to(ROOT).parts[0]] |= app_imports(path)
    return graph


def cycles(graph):
    """Every cycle of `graph` as a list of apps, found by depth-first search."""
    found, path, state = [], [], {}

    def visit(node):
        state[node] = "open"
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


ROLE_TESTS = {"is_ts", "is_ppt", "is_member", "is_partner", "is_officer"}
ROLE_TEST_IN_TEMPLATE = re.compile(r"\.(is_ts|is_ppt|is_member|is_partner|is_officer)\b")


def decides_access(path):
    """The modules where role decisions live: each app's access.py and the network's role reader."""
    return path.name == "access.py" or path.relative_to(ROOT).as_posix() == "network/roles.py"


def role_tests(path):
    """(line, attribute) of every role test (`principal.is_ts`…) in a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ROLE_TESTS
    ]


class CodeShape(SimpleTestCase):
    def test_roles_are_tested_only_where_access_is_decided(self):
        found = []
        for path in project_files():
            if is_test_code(path) or decides_access(path):
                continue
            found += [f"{path.relative_to(ROOT)}:{line} {name}" for line, name in role_tests(path)]
        for app in APPS:
            for path in sorted((ROOT / app).rglob("*.html")):
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    found += [f"{path.relative_to(ROOT)}:{number} {m}" for m in ROLE_TEST_IN_TEMPLATE.findall(line)]
        for path in sorted((ROOT / "templates").rglob("*.html")):
            found += [f"{path.relative_to(ROOT)} {m}" for m in ROLE_TEST_IN_TEMPLATE.findall(path.read_text())]
        self.assertEqual(found, [], "ask a named decision of core.access or the app's access.py instead")

    def test_the_role_test_finder_finds_one(self):
        sample = ROOT / "var" / "role_test_sample.py"
        sample.parent.mkdir(exist_ok=True)
        sample.write_text("def f(p):\n    return p.is_ts or p.officer_countries\n")
        try:
            self.assertEqual(role_tests(sample), [(2, "is_ts")])
        finally:
            sample.unlink()

    def test_no_project_module_is_over_600_lines(self):
        long = [
            f"{path.relative_to(ROOT)}: {count}"
            for path in project_files()
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        ]
        self.assertEqual(long, [], "split these along their seams")

    def test_the_apps_import_each_other_without_a_cycle(self):
        graph = app_graph()
        self.assertEqual(cycles(graph), [])
        # The kernel leans on nothing above it: core imports no app; accounts only core.
        self.assertEqual(graph["core"], set())
        self.assertEqual(graph["accounts"], {"core"})

    def test_the_cycle_finder_finds_a_cycle(self):
        self.assertEqual(cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}), [["a", "b", "c", "a"]])
        self.assertEqual(cycles({"a": {"b"}, "b": set()}), [])

    def test_every_services_and_queries_module_is_in_the_typed_list(self):
        import tomllib

        listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
        wanted = {"core/access.py"}
        for app in APPS:
            for name in ("services", "queries"):
                if (ROOT / app / f"{name}.py").exists():
                    wanted.add(f"{app}/{name}.py")
                if (ROOT / app / name / "__init__.py").exists():
                    wanted.add(f"{app}/{name}")
        self.assertEqual(sorted(wanted - listed), [], "add these to [tool.mypy] files (annotated)")

    def test_the_layer_contracts_hold(self):
        command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
        if command is None:
            self.skipTest("import-linter is not installed (requirements-dev.txt)")
        result = subprocess.run([command], cwd=ROOT, capture_output=True, text=True, timeout=300)
        self.assertEqual(result.returncode, 0, result.stdout[-3000:] + result.stderr[-2000:])
        self.assertIn("0 broken", result.stdout)
