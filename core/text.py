"""Names and titles hold visible text only.

A name with a right-to-left override (U+202E) shows "fdp.exe" as "exe.pdf"; a bell or an escape
character (\\x07, \\x1b) reaches CSV files, vCards and terminals. Every text field of Enlace's own
models is checked when it is saved — one check, whatever the path (page, API, import) — and a
value holding such characters is refused with a message naming the field. Tabs and line
breaks stay allowed; an imported document's text (`source_text`) is kept as it was read.

Two control characters are what a paste from Word brings, not a trick: the soft line break
(\\x0b, Shift+Enter) and the page break (\\x0c). They are turned into a line break in long texts
and a space in names before the check, so the writer never meets an invisible character it
cannot find, and no Word or Excel file Enlace writes can hold one (XML 1.0 forbids both).
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import pre_save
from django.utils.translation import gettext as _

# Direction overrides and isolates, C0 and C1 control characters (tab, line feed and carriage
# return are ordinary in long texts and harmless in names).
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The same, as the API's OpenAPI schema describes every text it takes (config/api.py).
VISIBLE_TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069]*$"
UNCHECKED_MODELS = {"core.auditentry", "circulation.outboundemail"}  # records of what was tried or sent
UNCHECKED_FIELDS = {"source_text"}  # a document's text as imported, kept as it was read
WORD_BREAKS = re.compile("[\x0b\x0c]")  # Word's soft line break and page break


def without_word_breaks(value, long_text=True):
    """`value` with Word's soft line and page breaks as line breaks (long texts) or spaces (names)."""
    if isinstance(value, str) and ("\x0b" in value or "\x0c" in value):
        return WORD_BREAKS.sub("\n" if long_text else " ", value)
    return value


def invisible_characters(value):
    """The code points of `value` that a text may not hold, e.g. ['U+202E']."""
    if not isinstance(value, str):
        return []
    return sorted({f"U+{ord(char):04X}" for char in INVISIBLE.findall(value)})


def check_names(sender, instance, raw=False, **kwargs):
    if raw or sender._meta.label_lower in UNCHECKED_MODELS:
        return
    errors = {}
    for field in sender._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.choices:
            continue
        if field.name in UNCHECKED_FIELDS:
            continue
        value = getattr(instance, field.attname, None)
        cleaned = without_word_breaks(value, long_text=isinstance(field, models.TextField))
        if cleaned is not value:
            setattr(instance, field.attname, cleaned)
        found = invisible_characters(getattr(instance, field.attname, None))
        if found:
            errors[field.name] = [
                _("%(field)s holds invisible control or direction characters (%(codes)s): remove them.")
                % {"field": str(field.verbose_name).capitalize(), "codes": ", ".join(found)}
            ]
    if errors:
        raise ValidationError(errors)


def connect(app_configs):
    for config in app_configs:
        for model in config.get_models():
            pre_save.connect(check_names, sender=model, dispatch_uid=f"names-{model._meta.label}")
