"""Quality gates on a production build with the demo data: page weight, accessibility, API fuzzing.

Every app's main pages (`EnlaceAppConfig.main_pages`) are checked in Chromium:
- weight on first load, as served in production (collectstatic, compression, DEBUG off):
  at most 75 KB of JavaScript and 300 KB in all (the map page: 250 KB of JavaScript);
- axe-core (WCAG 2.1 A and AA) in Spanish and in English: no serious or critical violation;
- a screenshot of each page in each language, kept in artifacts/screenshots/.
The API is fuzzed with schemathesis, anonymously and with a member's token: no server error, answers as
documented, schema-invalid requests refused, schema-valid ones never refused with 400/422 (the schema
is as strict as the server: ST202), and 405 with `Allow` for methods a path does not take (ST204), on every
operation. The few rules the schema states in words (an end after its start, a phone number of a numbering
plan, an uploaded file that is a real document) are followed by valid requests through core.tests.fuzz_hooks.
"""

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from core.testing import AXE, read_in, serious_axe_violations

pytestmark = [pytest.mark.gate, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
MEMBER = ("guatemala@enlace.example", "Demo-Enlace-2026")
KB = 1024
BUDGETS = {"default": (75 * KB, 300 * KB), "map": (250 * KB, None)}


@pytest.fixture(scope="module")
def main_pages(production_server):
    return json.loads(production_server.manage("main_pages"))


def sign_in(page, url):
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=login]", MEMBER[0])
    page.fill("input[name=password]", MEMBER[1])
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def each_main_page(page, url, audience, main_pages):
    """Open each main page of `audience` in `page`, in Spanish then in English (signed in for members);
    yield (language, page info) with the page loaded."""
    if audience == "member":
        sign_in(page, url)
    for language in ("es", "en"):
        read_in(page, language, home=url + "/")
        for info in (p for p in main_pages if p["audience"] == audience):
            page.goto(url + info["path"])
            page.wait_for_load_state("networkidle")
            yield language, info


def measure(browser, url, page_info, storage_state=None):
    """Load one page in an empty cache; return (total bytes, JavaScript bytes) transferred."""
    context = browser.new_context(storage_state=storage_state, locale="es")
    sizes = []
    page = context.new_page()
    page.on("requestfinished", lambda request: sizes.append((request.resource_type, request.sizes())))
    response = page.goto(url + page_info["path"])
    page.wait_for_load_state("networkidle")
    assert response.status == 200, f"{page_info['path']} answered {response.status}"
    total = sum(s["responseBodySize"] + s["responseHeadersSize"] for _kind, s in sizes)
    script = sum(s["responseBodySize"] + s["responseHeadersSize"] for kind, s in sizes if kind == "script")
    context.close()
    return total, script


def test_static_files_are_compressed_hashed_and_cached_for_a_year(production_server):
    request = urllib.request.Request(production_server.url + "/", headers={"Accept-Encoding": "gzip, br"})
    with urllib.request.urlopen(request) as response:  # noqa: S310 - the local test server
        assert response.headers["Content-Encoding"] in ("gzip", "br")
        html = response.read()
    import gzip

    text = gzip.decompress(html).decode() if response.headers["Content-Encoding"] == "gzip" else ""
    css = next(part.split('"')[0] for part in text.split('href="/static/')[1:] if part.split('"')[0].endswith(".css"))
    assert "." in css.rsplit("/", 1)[-1].removesuffix(".css"), f"no content hash in {css}"
    request = urllib.request.Request(f"{production_server.url}/static/{css}", headers={"Accept-Encoding": "gzip, br"})
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.headers["Content-Encoding"] in ("gzip", "br")
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_every_main_page_is_within_its_weight_budget(production_server, browser, main_pages, record_property):
    url = production_server.url
    context = browser.new_context(locale="es")
    page = context.new_page()
    sign_in(page, url)
    member_state = context.storage_state()
    context.close()
    rows, failures = [], []
    for info in main_pages:
        total, script = measure(browser, url, info, member_state if info["audience"] == "member" else None)
        js_budget, total_budget = BUDGETS["map" if info["name"] == "map" else "default"]
        over = script > js_budget or (total_budget is not None and total > total_budget)
        rows.append((f"{info['app']}:{info['name']}", info["audience"], total, script, "OVER" if over else "ok"))
        if over:
            failures.append(info["path"])
    lines = [f"{'page':32} {'audience':8} {'total KB':>9} {'JS KB':>7}  budget"]
    lines += [
        f"{name:32} {aud:8} {total / KB:9.1f} {script / KB:7.1f}  {verdict}"
        for name, aud, total, script, verdict in rows
    ]
    table = "Page weight on first load (production build, compressed):\n" + "\n".join(lines)
    # Printed at the end of the run by conftest.pytest_terminal_summary (also under pytest-xdist), and kept.
    record_property("summary_table", table)
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "page-weight.txt").write_text(table + "\n")
    assert not failures, f"over budget: {failures}"


def test_every_main_page_passes_axe_in_both_languages(production_server, browser, main_pages):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (needs npm: `npm ci`); accessibility checks skipped")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    url = production_server.url
    failures = []
    for audience in ("public", "member"):
        # bypass_csp only lets the test inject axe; the pages themselves are served as usual.
        context = browser.new_context(locale="es", bypass_csp=True)
        page = context.new_page()
        for language, info in each_main_page(page, url, audience, main_pages):
            assert page.locator("html").get_attribute("lang") == language
            page.screenshot(path=str(SCREENSHOTS / f"{language}-{info['app']}-{info['name']}.png"), full_page=True)
            failures += [f"{language} {line}" for line in serious_axe_violations(page)]
        context.close()
    assert not failures, "accessibility violations:\n" + "\n".join(failures)


# What makes a page wider than the window: its own width, and the widest element that sticks out (to fix it).
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return null;
  let widest = null;
  for (const element of document.body.querySelectorAll("*")) {
    if (element.closest("details:not([open])") && !element.matches("details, summary")) continue;
    const right = element.getBoundingClientRect().right;
    if (right > width + 1 && (!widest || right > widest.right)) {
      const cls = element.className.baseVal ?? element.className;
      widest = {right: Math.round(right), tag: element.tagName.toLowerCase(), cls};
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, widest};
}"""


def test_no_main_page_scrolls_sideways_on_a_phone_or_a_laptop(production_server, browser, main_pages):
    """At 390 px (a phone) and 1366 px (a laptop), in both languages, signed in and not: no page is wider
    than the window (wide tables scroll inside their own box)."""
    url = production_server.url
    failures, checked = [], 0
    for audience in ("public", "member"):
        for width, height in ((390, 844), (1366, 768)):
            context = browser.new_context(locale="es", viewport={"width": width, "height": height})
            page = context.new_page()
            for language, info in each_main_page(page, url, audience, main_pages):
                sideways = page.evaluate(SIDEWAYS)
                checked += 1
                if sideways:
                    failures.append(f"{width}px {language} {audience} {info['path']}: {sideways}")
            context.close()
    assert checked > 40
    assert not failures, "pages wider than the window:\n" + "\n".join(failures)


CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "unsupported_method",
)


def fuzz_config():
    """schemathesis's configuration: every check in CHECKS, on every operation."""
    return "\n".join(["[checks]", "enabled = false", *(f"{check}.enabled = true" for check in CHECKS)]) + "\n"


def schemathesis_run(production_server, *headers, examples=None, schema="/api/v1/openapi.json"):
    """Fuzz the API; ENLACE_FUZZ_SEED and ENLACE_FUZZ_EXAMPLES change the seed and the number of examples."""
    examples = examples or int(os.environ.get("ENLACE_FUZZ_EXAMPLES", "15"))
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    report = ROOT / "artifacts" / "schemathesis"
    report.mkdir(parents=True, exist_ok=True)
    name = f"{schema.strip('/').replace('/', '-')}-{'token' if headers else 'anonymous'}"
    config = report / f"{name}.toml"
    config.write_text(fuzz_config())
    command = [
        executable,
        "--config-file",
        str(config),
        "run",
        f"{production_server.url}{schema}",
        "--max-examples",
        str(examples),
        "--seed",
        os.environ.get("ENLACE_FUZZ_SEED", "20261129"),
        "--workers",
        "1",  # one worker: the same seed then gives the same requests in the same order, run after run
        "--no-color",
        "--request-timeout",
        "20",
    ]
    for header in headers:
        command += ["--header", header]
    # The hooks make requests generated as valid follow the rules the schema states in words (core.tests.fuzz_hooks).
    environment = {
        **os.environ,
        "NO_COLOR": "1",
        "SCHEMATHESIS_HOOKS": "core.tests.fuzz_hooks",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, env=environment, cwd=ROOT)
    (report / f"{name}.txt").write_text(result.stdout + result.stderr)
    print(result.stdout[-6000:])
    return result


def failures_of(result):
    """The failing operations schemathesis found (its FAILURES section), then the end of its output."""
    out = result.stdout
    start = out.find("= FAILURES =")
    end = out.find("= SUMMARY =")
    details = out[start:end][:8000] if start != -1 else ""
    return details + "\n...\n" + out[-3000:] + result.stderr[-2000:]


def test_the_api_survives_fuzzing_anonymously(production_server):
    result = schemathesis_run(production_server)
    assert result.returncode == 0, failures_of(result)


def test_the_api_survives_fuzzing_with_a_members_token(production_server):
    output = production_server.manage(
        "shell",
        "-c",
        "from accounts.models import User; from accounts.services import create_api_token; "
        f"print(create_api_token(User.objects.get(email='{MEMBER[0]}'), 'fuzzing')[1])",
    )
    token = next(line for line in output.splitlines() if line.startswith("enl_"))
    result = schemathesis_run(production_server, f"Authorization: Bearer {token}")
    assert result.returncode == 0, failures_of(result)


def test_the_hsds_api_survives_fuzzing_anonymously_and_with_a_token(production_server):
    result = schemathesis_run(production_server, schema="/api/hsds/openapi.json")
    assert result.returncode == 0, failures_of(result)
    output = production_server.manage(
        "shell",
        "-c",
        "from accounts.models import User; from accounts.services import create_api_token; "
        f"print(create_api_token(User.objects.get(email='{MEMBER[0]}'), 'fuzzing-hsds')[1])",
    )
    token = next(line for line in output.splitlines() if line.startswith("enl_"))
    result = schemathesis_run(production_server, f"Authorization: Bearer {token}", schema="/api/hsds/openapi.json")
    assert result.returncode == 0, failures_of(result)
