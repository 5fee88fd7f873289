"""Template helpers shared by every domain."""

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from core import access
from core.i18n import localized, missing_languages

register = template.Library()


@register.filter
def tr(obj, field):
    """`{{ org|tr:"name" }}`: the field in the reader's language, or the other one."""
    return localized(obj, field) if obj is not None else ""


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
    names = dict(settings.LANGUAGES)
    return _("No text in %(language)s yet.") % {"language": str(names.get(missing[0], missing[0])).lower()}


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
