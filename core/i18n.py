"""Bilingual content: fields stored as `<name>_es` and `<name>_en`, read in the reader's language."""

from django.conf import settings
from django.utils.translation import get_language, gettext_noop

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
    lang = lang or current_language()
    value = getattr(obj, f"{field}_{lang}", "")
    if value:
        return value
    for other in CONTENT_LANGUAGES:
        value = getattr(obj, f"{field}_{other}", "")
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


class BilingualMixin:
    """Give a model `.localized(field)` and `.missing_languages(field)`."""

    def localized(self, field, lang=None):
        return localized(self, field, lang)

    def missing_languages(self, field):
        return missing_languages(self, field)
