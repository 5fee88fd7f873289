"""The review notifications of practices and resources get kinds of their own (they were filed as a
plan report's "approved" and "returned"), and their subjects, worded until now in the language of
whoever acted around a title in the reader's, are worded again wholly in each language.

Whoever chose how to be e-mailed about reports keeps that choice for practices: they were one kind.
"""

import re

from django.conf import settings
from django.db import migrations
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

# practices.reviewing names each notification "<model>:<pk>:<event>:<when>".
KEY = re.compile(r"^(practice|resource):(\d+):(submit|return|publish|withdraw):")
# practices.reviewing.SUBJECTS when this migration was written (the catalogue translates them).
SUBJECTS = {
    "submit": "“%(title)s” was sent for review",
    "return": "“%(title)s” was returned to you with comments",
    "publish": "“%(title)s” was published",
    "withdraw": "“%(title)s” was withdrawn from publication",
}
KINDS = {"return": "practice_returned", "publish": "practice_published", "withdraw": "practice_returned"}
WAS = {"practice_returned": "report_returned", "practice_published": "report_approved"}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
BATCH = 500


def _title(record, lang):
    for code in (lang, *LANGUAGES):
        if getattr(record, f"title_{code}", ""):
            return getattr(record, f"title_{code}")
    return ""


def _subjects(event, record):
    worded = {}
    for lang in LANGUAGES:
        with translation.override(lang):
            worded[lang] = (gettext(SUBJECTS[event]) % {"title": _title(record, lang)})[:300]
    return worded


def forward(apps, schema_editor):
    Notification = apps.get_model("messaging", "Notification")
    Preference = apps.get_model("messaging", "NotificationPreference")
    models = {name: apps.get_model("practices", name) for name in ("practice", "resource")}
    rows = []
    for notification in Notification.objects.filter(
        Q(dedupe_key__startswith="practice:") | Q(dedupe_key__startswith="resource:")
    ).order_by("pk"):
        match = KEY.match(notification.dedupe_key)
        if match:
            rows.append((notification, match.group(1), int(match.group(2)), match.group(3)))
    records = {
        name: model.objects.in_bulk({pk for _n, kind, pk, _e in rows if kind == name}) for name, model in models.items()
    }
    changed = []
    for notification, name, pk, event in rows:
        if event in KINDS and notification.kind in WAS.values():
            notification.kind = KINDS[event]
        record = records[name].get(pk)
        if record is not None:
            texts = dict(notification.texts or {})
            for lang, subject in _subjects(event, record).items():
                texts[lang] = [subject, (texts.get(lang) or ["", notification.body])[1]]
            notification.texts = texts
            notification.subject = texts.get(notification.language, [notification.subject])[0]
        changed.append(notification)
    Notification.objects.bulk_update(changed, ["kind", "texts", "subject"], batch_size=BATCH)
    for now, was in WAS.items():
        for user_id, delivery in Preference.objects.filter(kind=was).values_list("user_id", "delivery"):
            Preference.objects.get_or_create(user_id=user_id, kind=now, defaults={"delivery": delivery})


def backward(apps, schema_editor):
    """File them as reports again (their texts stay worded in each language)."""
    Notification = apps.get_model("messaging", "Notification")
    Preference = apps.get_model("messaging", "NotificationPreference")
    for now, was in WAS.items():
        Notification.objects.filter(kind=now).update(kind=was)
        Preference.objects.filter(kind=now).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0006_compact_fts"),
        ("messaging", "0006_practice_notification_kinds"),
    ]

    operations = [migrations.RunPython(forward, backward)]
