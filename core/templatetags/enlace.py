"""Template helpers shared by every domain."""

from django import template
from django.utils.translation import gettext_lazy

from core import access
from core.i18n import CONTENT_LANGUAGES, current_language, localized, missing_languages

register = template.Library()

# The note beside a text shown in another language than the reader's, by the language it is in.
IN_LANGUAGE = {"es": gettext_lazy("(in Spanish)"), "en": gettext_lazy("(in English)")}
# The note on a bilingual record that lacks one language, by the language it lacks.
NO_TEXT_YET = {"es": gettext_lazy("No text in Spanish yet."), "en": gettext_lazy("No text in English yet.")}


class Worded(str):
    """A bilingual field's text that knows its language (`lang`) and whether the reader's was missing (`other`)."""

    lang = ""
    other = False

    def __new__(cls, text, lang="", *, other=False):
        worded = super().__new__(cls, text)
        worded.lang, worded.other = lang, other
        return worded

    @property
    def note(self):
        """Say "(in Spanish)" for a text shown in another language than the reader's; else nothing."""
        return str(IN_LANGUAGE.get(self.lang, self.lang)) if self.other else ""


@register.filter
def tr(obj, field):
    """`{{ org|tr:"name" }}`: the field in the reader's language, or the other one.

    What it returns also tells which: `{% with text=content|tr:"description" %}` gives `text.lang`,
    and `text.other` and `text.note` ("(in Spanish)") when the reader's language lacked it, for the
    page to mark it `lang="{{ text.lang }}"` and say so.
    """
    if obj is None:
        return Worded("")
    reader = current_language()
    text = localized(obj, field, reader)
    if not text or getattr(obj, f"{field}_{reader}", ""):
        return Worded(text, reader)
    lang = next((code for code in CONTENT_LANGUAGES if getattr(obj, f"{field}_{code}", "")), reader)
    return Worded(text, lang, other=True)


@register.filter
def group_by(text, size):
    """`{{ secret|group_by:4 }}`: a long code in groups of `size` characters, easier to read and type."""
    text = str(text or "")
    return " ".join(text[i : i + int(size)] for i in range(0, len(text), int(size)))


@register.simple_tag
def missing_translation(obj, field):
    """Say which language a bilingual field lacks, or nothing."""
    missing = missing_languages(obj, field)
    if not missing or len(missing) == 2:
        return ""
    return str(NO_TEXT_YET.get(missing[0], ""))


@register.simple_tag(takes_context=True)
def can(context, action, obj):
    """`{% can "change" person as may_edit %}`: ask core.access from a template."""
    request = context.get("request")
    return access.can(getattr(request, "user", None), action, obj)


@register.simple_tag(takes_context=True)
def can_create(context, model_label, **kwargs):
    """`{% can_create "meetings.commitment" as may_add %}`: ask core.access whether the reader may create one."""
    from django.apps import apps

    request = context.get("request")
    return access.can_create(getattr(request, "user", None), apps.get_model(model_label), **kwargs)


@register.simple_tag
def query_with(query, **params):
    """Return a query string with some parameters replaced (for pagination links)."""
    from django.http import QueryDict

    q = QueryDict(query, mutable=True)
    for key, value in params.items():
        q[key] = value
    return q.urlencode()


@register.filter
def zone(name, at=None):
    """`{{ meeting.time_zone|zone:meeting.starts_at }}`: a time zone as people name it, with its offset then."""
    from core.timezones import zone_label

    return zone_label(name, at) if name else ""
