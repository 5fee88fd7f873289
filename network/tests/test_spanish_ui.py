"""The Spanish interface shows no English string on any page of the network directory."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings
from django.test import TestCase
from django.urls import reverse

from core.testing import build_network, signed_in

# Words of the interface that would betray an untranslated English string.
NOT_FOUND = "/no-such-page/"
ENGLISH_WORDS = set(
    """the and of to your you sign search contact contacts edit add save cancel network country role term
    page filter export previous next history who what when before after none active present since until hosted
    bodies members organizations institution phones languages people person password forgot account admin
    change download invitation invite preferences language welcome skip content select option all""".split()
)


class VisibleText(HTMLParser):
    """Collect what a reader sees or hears: text and accessible attributes, minus lang="en" parts."""

    SKIP = {"script", "style", "code"}

    def __init__(self):
        super().__init__()
        self.stack = []
        self.parts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # lang="en" marks English on purpose; translate="no" marks data (names, values before/after).
        english = (
            attrs.get("lang", "").startswith("en") or attrs.get("translate") == "no" or any(s[1] for s in self.stack)
        )
        void = tag in {"input", "img", "meta", "link", "br", "hr", "source"}
        if not void:
            self.stack.append((tag, english or tag in self.SKIP))
        if not english:
            for name in ("aria-label", "title", "placeholder", "alt"):
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not any(s[1] for s in self.stack):
            self.parts.append(data.strip())


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def translated_msgids():
    """English source strings that have a different Spanish translation."""
    ids = set()
    for po in Path(settings.BASE_DIR).glob("**/locale/es/LC_MESSAGES/django.po"):
        if ".venv" in po.parts:
            continue
        for entry in polib.pofile(str(po)):
            if entry.msgstr and entry.msgstr != entry.msgid and "%(" not in entry.msgid and len(entry.msgid) > 3:
                ids.add(entry.msgid)
    return ids


class SpanishInterfaceTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.n = build_network()

    def pages(self):
        term = self.n.gt_person.appointments.get()
        return [
            reverse("network:home"),
            reverse("network:body", args=["child-protection"]),
            reverse("network:country", args=["gt"]),
            reverse("network:organizations"),
            reverse("network:organization", args=[self.n.sbs.pk]),
            reverse("network:contacts"),
            reverse("network:person", args=[self.n.gt_person.pk]),
            reverse("network:person_edit", args=[self.n.gt_person.pk]),
            reverse("network:person_create"),
            reverse("network:appointment_edit", args=[self.n.gt_person.pk, term.pk]),
            reverse("network:organization_create"),
            reverse("search") + "?q=Carlos",
            reverse("accounts:preferences"),
            reverse("accounts:api_tokens"),
            reverse("account_change_password"),
            NOT_FOUND,
        ]

    def check(self, client, url, msgids):
        response = client.get(url, headers={"Accept-Language": "es"})
        # The 404 page and an unknown invitation's page are checked too; every other page answers.
        unknown_invitation = reverse("accounts:accept_invitation", args=["expired"])
        self.assertEqual(response.status_code, 404 if url in (NOT_FOUND, unknown_invitation) else 200, url)
        self.assertEqual(response.headers["Content-Language"], "es")
        parts = visible_text(response.content.decode())
        untranslated = [part for part in parts if part in msgids]
        self.assertEqual(untranslated, [], f"untranslated on {url}")
        words = {w for part in parts for w in re.findall(r"[a-z]+", part.lower())}
        self.assertEqual(words & ENGLISH_WORDS, set(), f"English words on {url}: {parts}")

    def test_every_page_is_in_spanish_for_the_ts(self):
        client = signed_in(self.n.ts)
        self.n.ts.language = "es"
        self.n.ts.save()
        msgids = translated_msgids()
        for url in self.pages():
            self.check(client, url, msgids)

    def test_public_pages_and_sign_in_are_in_spanish(self):
        msgids = translated_msgids()
        for url in [
            reverse("network:home"),
            reverse("network:country", args=["gt"]),
            reverse("account_login"),
            reverse("account_reset_password"),
            reverse("accounts:accept_invitation", args=["expired"]),
        ]:
            self.check(self.client, url, msgids)
