"""Test data for every app: a small network built through the services users call.

`build_network()` returns the cast the tests need: the TS, Guatemala's principal and
alternate, Honduras's and Mexico's principals, a partner (UNICEF) member, the current PPT
(Panama's officer) and an outsider with an account but no role.
"""

import datetime
import secrets
import time
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

from django.test import Client

from accounts.models import ApiToken, User, hash_secret
from network import services
from network.models import (
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    Conference,
    Country,
    Membership,
    Organization,
    OrganizationKind,
    Person,
    PPTPeriod,
)

PASSWORD = "a-Long-test-passphrase-42"  # noqa: S105 - test accounts only


def make_user(email, person=None):
    user = User.objects.create_user(email=email, password=PASSWORD, language="en")
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def give_totp(user):
    """Activate a TOTP second factor for `user`; return its secret (to compute codes)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret, at=None):
    """The TOTP code for `secret` now (or at the Unix time `at`)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def code_with_time_to_type(secret, margin=5.0):
    """The current TOTP code, taken when at least `margin` seconds of its 30-second window are left:
    allauth accepts that window only, and a browser's typing and the server's check take a while."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)
    return totp_code(secret)


def make_token(user):
    """Return a raw API token for `user`."""
    raw = "enl_" + secrets.token_urlsafe(24)
    ApiToken.objects.create(user=user, name="test", prefix=raw[4:12], key_hash=hash_secret(raw))
    return raw


def api_client(user=None):
    """A test client that sends the user's bearer token (no session)."""
    if user is None:
        return Client()
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


def one_rate_window():
    """Hold django-ratelimit's clock still, so a test's requests all fall in one window.

    Its windows are fixed (they turn every period, at an offset of the key): a test that sends
    a limit's worth of requests could otherwise straddle a turn and start counting from zero.
    Only the rate limiter's clock stops; the cache's expiry keeps real time.
    """
    from unittest import mock

    still = time.time()
    return mock.patch("django_ratelimit.core.time", SimpleNamespace(time=lambda: still))


def body_of(response):
    """The whole body of a response, streamed (an export written as it is sent) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


class _FormReader(HTMLParser):
    """The values a browser would send for each `method="post"` form of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.forms: list[dict[str, list[str]]] = []
        self.values: dict[str, list[str]] = {}
        self.select = self.option = self.textarea = None
        self.option_text = ""

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.inside, self.values = True, {}
            self.forms.append(self.values)
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(a["name"], a.get("value", "on"))
            else:
                self._add(a["name"], a.get("value") or "")
        elif tag == "select":
            self.select = (a.get("name"), "multiple" in a, [])
        elif tag == "option" and self.select:
            self.option = (a.get("value"), "selected" in a)
            self.option_text = ""
        elif tag == "textarea":
            self.textarea, self.option_text = a.get("name"), ""

    def handle_data(self, data):
        if self.option is not None or self.textarea is not None:
            self.option_text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option" and self.option is not None and self.select:
            value = self.option[0] if self.option[0] is not None else self.option_text.strip()
            self.select[2].append((value, self.option[1]))
            self.option = None
        elif tag == "select" and self.select:
            name, multiple, options = self.select
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            for value in chosen:
                self._add(name, value)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self._add(self.textarea, self.option_text.removeprefix("\n"))
            self.textarea = None


def form_values(response, index=None, **changes):
    """What a post form of the page sends as it stands (the one with most fields, or the `index`th),
    with `changes` (name → value or list) applied."""
    reader = _FormReader()
    reader.feed(response.content.decode())
    form = reader.forms[index] if index is not None else max(reader.forms, key=len)
    values: dict = {name: items if len(items) > 1 else items[0] for name, items in form.items()}
    values.pop("csrfmiddlewaretoken", None)
    values.update(changes)
    return values


def build_network(today=None):
    today = today or datetime.date.today()
    n = SimpleNamespace()
    n.conference = Conference.objects.create(
        name_es="Conferencia Regional sobre Migración",
        name_en="Regional Conference on Migration",
        acronym_es="CRM",
        acronym_en="RCM",
    )
    n.rcgm = Body.objects.create(
        conference=n.conference,
        kind=BodyKind.RCGM,
        slug="rcgm",
        name_es="Grupo Regional de Consulta sobre Migración",
        name_en="Regional Consultation Group on Migration",
        acronym_es="GRCM",
        acronym_en="RCGM",
    )
    n.network = Body.objects.create(
        conference=n.conference,
        kind=BodyKind.NETWORK,
        slug="child-protection",
        parent=n.rcgm,
        name_es="Red de protección de la niñez migrante",
        name_en="Child protection network",
    )
    n.countries = {
        code: Country.objects.create(code=code, membership=Membership.MEMBER)
        for code in ("GT", "HN", "MX", "PA", "SV", "CR")
    }
    n.gt, n.hn, n.mx, n.pa = (n.countries[c] for c in ("GT", "HN", "MX", "PA"))
    n.iom = Organization.objects.create(
        kind=OrganizationKind.INTERNATIONAL,
        name_es="Organización Internacional para las Migraciones",
        name_en="International Organization for Migration",
        acronym_es="OIM",
        acronym_en="IOM",
    )
    n.ts_org = Organization.objects.create(
        kind=OrganizationKind.SECRETARIAT,
        name_es="Secretaría Técnica",
        name_en="Technical Secretariat",
        acronym_es="ST",
        acronym_en="TS",
        parent=n.iom,
    )
    n.unicef = Organization.objects.create(
        kind=OrganizationKind.INTERNATIONAL,
        name_es="UNICEF",
        name_en="UNICEF",
        acronym_es="UNICEF",
        acronym_en="UNICEF",
    )

    # The first TS member is bootstrapped directly, as an installation would.
    ts_person = Person.objects.create(given_names="Tania", family_names="Secretaría", email="ts@example.org")
    Appointment.objects.create(
        person=ts_person,
        organization=n.ts_org,
        role=AppointmentRole.STAFF,
        body=n.network,
        start_date=today - datetime.timedelta(days=400),
    )
    n.ts = make_user("ts@example.org", ts_person)
    # TS staff must use a second factor; tests sign in with force_login, as after passing it.
    n.ts_totp_secret = give_totp(n.ts)

    def institution(country, acronym):
        return services.create_organization(
            acting_user=n.ts,
            kind=OrganizationKind.NATIONAL_INSTITUTION,
            country=country,
            name_es=f"Institución {acronym}",
            acronym_es=acronym,
            acronym_en=acronym,
        )

    n.sbs = institution(n.gt, "SBS")
    n.dinaf = institution(n.hn, "DINAF")
    n.dif = institution(n.mx, "DIF")
    n.senniaf = institution(n.pa, "SENNIAF")

    def officer(email, given, family, org, role=AppointmentRole.PRINCIPAL, **extra):
        person = services.create_person(
            acting_user=n.ts,
            given_names=given,
            family_names=family,
            email=email,
            phone_office=extra.pop("phone", "+502 2412 8000"),
            appointment={
                "organization": org,
                "role": role,
                "body": n.network,
                "start_date": today - datetime.timedelta(days=300),
                **extra,
            },
        )
        return person

    n.gt_person = officer("gt@example.org", "Carlos", "Estrada", n.sbs)
    n.gt_alt_person = officer("gt.alt@example.org", "Lucía", "Morales", n.sbs, role=AppointmentRole.ALTERNATE)
    n.hn_person = officer("hn@example.org", "José", "Alvarado", n.dinaf, phone="+504 2232 1000")
    n.mx_person = officer("mx@example.org", "Laura", "Hernández", n.dif, phone="+52 55 3003 2200")
    n.pa_person = officer("pa@example.org", "Ricardo", "Castillo", n.senniaf, phone="+507 500 5700")
    n.partner_person = services.create_person(
        acting_user=n.ts,
        given_names="Sofía",
        family_names="Méndez",
        email="partner@example.org",
        phone_office="+507 301 7400",
        appointment={
            "organization": n.unicef,
            "role": AppointmentRole.CONTACT_POINT,
            "body": n.network,
            "country": n.gt,
            "start_date": today - datetime.timedelta(days=200),
        },
    )
    n.gt_officer = make_user("gt@example.org", n.gt_person)
    n.gt_alternate = make_user("gt.alt@example.org", n.gt_alt_person)
    n.hn_officer = make_user("hn@example.org", n.hn_person)
    n.mx_officer = make_user("mx@example.org", n.mx_person)
    n.pa_officer = make_user("pa@example.org", n.pa_person)
    n.partner = make_user("partner@example.org", n.partner_person)
    n.outsider = make_user("outsider@example.org")
    n.ppt = PPTPeriod.objects.create(
        conference=n.conference, country=n.pa, start_date=today - datetime.timedelta(days=100)
    )
    return n


def sign_in_browser(page, email, totp_secret=None, password=PASSWORD):
    """Sign in through the real form in a Playwright page (with the second factor when given)."""
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    if totp_secret:
        page.wait_for_url("**/2fa/authenticate/")
        page.fill("input[name=code]", code_with_time_to_type(totp_secret))
        page.click("main button[type=submit]")
    page.wait_for_url("**/")


AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"


def read_in(page, language, home="/"):
    """Switch the signed-in (or anonymous) reader of a Playwright page to `language` ("es" or "en")."""
    page.goto(home)
    if page.locator(f"button[lang={language}]").is_enabled():  # the reader's language is already this one
        page.click(f"button[lang={language}]")
        page.wait_for_load_state()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_axe_violations(page):
    """axe-core (WCAG 2.1 A and AA) on the page as it is now: its serious and critical violations, one line each.

    The page's context needs `bypass_csp=True` so that axe can be injected; skips when axe-core is not installed.
    """
    import pytest

    if not AXE.exists():
        pytest.skip("axe-core is not installed (needs npm: `npm ci`); accessibility checks skipped")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert result["passes"], f"axe checked nothing on {page.url}"
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}) {[node['target'] for node in violation['nodes'][:3]]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
