"""What every circulation service shares: the editable fields, limits and checked assignment."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CIRCULAR_FIELDS = ("kind", "title_es", "title_en", "body_es", "body_en", "reply_deadline")


MAX_RECIPIENTS = 300


MAX_FILES = 10


MAX_REPLY_LENGTH = 20000


def past_deadline_message():
    return _("The reply deadline has already passed: choose today or a later date.")


def _assign(instance, fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, "" if value is None and name not in ("reply_deadline",) else value)
