"""What every circulation service shares: the editable fields, limits and checked assignment."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from core.services import assign

from ..models import Circular

CIRCULAR_FIELDS = Circular.EDITABLE  # what its users edit, declared on the model


MAX_RECIPIENTS = 300


MAX_FILES = 10


MAX_REPLY_LENGTH = 20000


def past_deadline_message() -> str:
    return _("The reply deadline has already passed: choose today or a later date.")


def _assign(instance: Any, fields: dict[str, Any], allowed: Iterable[str]) -> None:
    """core.services.assign, with an empty text for a field left out (None), the deadline aside."""
    texts = {name: "" if value is None and name != "reply_deadline" else value for name, value in fields.items()}
    assign(instance, texts, allowed)
