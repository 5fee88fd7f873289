"""One English message has one Spanish translation across every catalogue of the project.

At run time Django merges the apps' catalogues into one: for a message (msgid and context) found in
several, the first app of INSTALLED_APPS wins and LOCALE_PATHS beats them all. Two apps that translate
the same message differently therefore show one app's Spanish in the other's pages (the map's filters
said "Todas", circulation's "All"). A use that needs other words takes a context of its own
(`pgettext`, `{% translate "…" context "…" %}`); a wording that merely varies is made the same.
"""

from collections import defaultdict
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


def catalogues():
    return sorted(ROOT.glob("*/locale/es/LC_MESSAGES/django.po")) + sorted(ROOT.glob("locale/es/LC_MESSAGES/django.po"))


def translation(entry):
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def test_the_catalogues_are_found():
    found = {path.relative_to(ROOT).parts[0] for path in catalogues()}
    assert {"core", "meetings", "directory", "locale"} <= found


def test_a_message_has_the_same_spanish_in_every_catalogue():
    seen = defaultdict(dict)
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.fuzzy or not entry.msgid:
                continue
            words = translation(entry)
            if not any(words):
                continue
            seen[(entry.msgctxt, entry.msgid)][str(path.relative_to(ROOT))] = words
    differing = [
        f"{msgctxt or ''}|{msgid!r}: " + "; ".join(f"{path} → {' / '.join(words)!r}" for path, words in by_path.items())
        for (msgctxt, msgid), by_path in sorted(seen.items(), key=lambda item: (item[0][1], item[0][0] or ""))
        if len(set(by_path.values())) > 1
    ]
    assert not differing, "Translated differently in two catalogues (give each use a context, or unify):\n" + "\n".join(
        differing
    )
