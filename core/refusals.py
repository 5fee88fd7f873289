"""Why a request was refused, said once by the code of Django's ValidationError.

Every app refuses with a ValidationError. Most refusals are about the input itself (a field left empty,
an end before a start) and the API answers 400. Three kinds are about something else, and the API
says so with its status (`status_of`):
- UNKNOWN: the input names a record that does not exist (a country code, an activity, a plan year) → 404;
- NOT_YOURS: the input speaks for a party the user does not act for (an organization they do not work
  for, a country they are not an officer of) → 403;
- STATE: the record's present state does not allow it (a meeting that has started, an approved
  report) → 409; the same request may succeed once the state changes.
"""

from django.core.exceptions import ValidationError

UNKNOWN = "unknown"
NOT_YOURS = "not_yours"
STATE = "state"
STATUS = {UNKNOWN: 404, NOT_YOURS: 403, STATE: 409}


def refusal(code, message, field=None):
    """A ValidationError of one kind, on `field` or on the whole request."""
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def refusals(code, messages):
    """A ValidationError of one kind with one message per field: `{field: message}`."""
    return ValidationError({field: ValidationError(message, code=code) for field, message in messages.items()})


def status_of(error, default=400):
    """The status that says why `error` refused the request: when all its messages share a kind, that kind's."""
    items = [item for errors in error.error_dict.values() for item in errors] if hasattr(error, "error_dict") else []
    items = items or list(getattr(error, "error_list", []))
    codes = {getattr(item, "code", None) for item in items}
    return STATUS.get(codes.pop(), default) if len(codes) == 1 else default
