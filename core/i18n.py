"""Bilingual content: fields stored as `<name>_es` and `<name>_en`, read in the reader's language."""

from django.conf import settings
from django.utils.translation import get_language, gettext_lazy, gettext_noop

# Strings of Django and its libraries that their Spanish catalogues lack; ours fills them.
LIBRARY_GAPS = [
    gettext_noop("- Select an option -"),
]

CONTENT_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def current_language():
    """Return the active content language, falling back to the site default."""
    lang = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return lang if lang in CONTENT_LANGUAGES else settings.LANGUAGE_CODE


def localized(obj, field, lang=None):
    """Return `field` in `lang` (default: the reader's), or in the other language when missing."""
    return _in_language(lambda name: getattr(obj, name, ""), field, lang)


def localized_value(values, field, lang=None):
    """`localized` for a row read as values: {"name_es": …, "name_en": …}."""
    return _in_language(lambda name: values.get(name, ""), field, lang)


def _in_language(read, field, lang):
    lang = lang or current_language()
    value = read(f"{field}_{lang}")
    if value:
        return value
    for other in CONTENT_LANGUAGES:
        value = read(f"{field}_{other}")
        if value:
            return value
    return ""


def missing_languages(obj, field):
    """Return the language codes in which `field` has no text."""
    return [lang for lang in CONTENT_LANGUAGES if not getattr(obj, f"{field}_{lang}", "")]


def one_language_errors(obj, field, message=None):
    """The rule of every bilingual text: written in at least one language. {field_es: message} when
    `field` is empty in both, else {}; the message says which text (title, name, …) is missing."""
    if any(getattr(obj, f"{field}_{lang}", "") for lang in CONTENT_LANGUAGES):
        return {}
    from django.utils.translation import gettext as _

    defaults = {
        "title": _("Give the title in Spanish or in English."),
        "name": _("Give the name in Spanish or in English."),
    }
    return {f"{field}_{CONTENT_LANGUAGES[0]}": message or defaults[field]}


def require_one_language(obj, field, message=None):
    """Refuse `obj` (ValidationError naming the field) when `field` is empty in both languages."""
    from django.core.exceptions import ValidationError

    errors = one_language_errors(obj, field, message)
    if errors:
        raise ValidationError(errors)


def in_one_language(field):
    """The database's side of the rule: a CheckConstraint refusing a row where `field` is empty in both languages.

    Models list it in `Meta.constraints` beside the `one_language_errors` of their `clean()`, which
    names the field for forms and the API; the constraint holds for every other path (bulk
    writes, imports, the admin shell).
    """
    from django.db import models

    condition = models.Q()
    for lang in CONTENT_LANGUAGES:
        condition |= ~models.Q(**{f"{field}_{lang}": ""})
    return models.CheckConstraint(
        condition=condition,
        name=f"%(app_label)s_%(class)s_{field}_in_one_language",
        violation_error_message=gettext_lazy("Give the text in Spanish or in English."),
    )


def fill_untitled(app_label, model_name, field):
    """A migration step run before `in_one_language` is added: name rows written before the rule.

    A row empty in both languages (only possible through a path that skipped validation) gets
    "(sin título)" in Spanish, so the constraint can be added and the row is easy to find and fix.
    """
    from django.db import migrations

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        empty = {f"{field}_{lang}": "" for lang in CONTENT_LANGUAGES}
        model.objects.filter(**empty).update(**{f"{field}_{CONTENT_LANGUAGES[0]}": "(sin título)"})

    return migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)


class BilingualMixin:
    """Give a model `.localized(field)` and `.missing_languages(field)`."""

    def localized(self, field, lang=None):
        return localized(self, field, lang)

    def missing_languages(self, field):
        return missing_languages(self, field)
