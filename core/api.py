"""What every domain's API shares: pagination bounds, error schemas, and the base request schemas that
document what the server checks (patterns, null in a PATCH, rules across fields)."""

import datetime
import typing
from typing import Annotated, Any, ClassVar

from django.utils.translation import gettext
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict, model_validator

from core.refusals import UNKNOWN, refusal
from core.text import VISIBLE_TEXT_PATTERN

MAX_OFFSET = 1_000_000
MAX_ID = 2**63 - 1

# A database id in a path, a query or a body: out-of-range numbers are refused as bad input
# instead of reaching the database (which would fail on them).
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Pagination(LimitOffsetPagination):
    """Limit/offset pagination whose offset stays within what a database can take."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Error(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


def unknown(field, message):
    """A reference to a record that does not exist (a country code, a theme, an id): the API answers 404."""
    return refusal(UNKNOWN, message, field)


_OUT = VISIBLE_TEXT_PATTERN[3:-3]  # the characters no text may hold (core.text)
# Text that must say something: what VISIBLE_TEXT_PATTERN allows, with at least one character that is not a space.
FILLED_TEXT_PATTERN = f"^[^{_OUT}]*[^\\s{_OUT}][^{_OUT}]*$"


# A web address (http or https), or nothing.
LINK_PATTERN = f"^(https?://[^{_OUT}]*)?$"
# A web address Django's URLValidator takes (a subset: host names with a top-level domain, IPv4), or nothing.
_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# A host name of at most five labels of 40 characters and a top-level domain of 24: always within the
# 253 characters Django allows a host (hypothesis found a longer one the schema let through).
_WEB_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,38}[A-Za-z0-9])?"
_HOST = f"(({_WEB_LABEL}\\.){{1,5}}[A-Za-z]{{2,24}}|{_OCTET}(\\.{_OCTET}){{3}}|[lL][oO][cC][aA][lL][hH][oO][sS][tT])"
_SCHEME = "([hH][tT][tT][pP]|[fF][tT][pP])[sS]?"
WEB_ADDRESS_PATTERN = f"^({_SCHEME}://{_HOST}(:[0-9]{{1,5}})?([/?#][A-Za-z0-9._~%/?#=&+:@!$'()*,;-]*)?)?$"

# An e-mail address Django's EmailValidator takes (a subset: a dot-atom before @, a host name with a
# top-level domain after it), or nothing.
_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL_PATTERN = f"^({_ATOM}(\\.{_ATOM})*@({_LABEL}\\.)+[A-Za-z]{{2,63}})?$"


def email_address(default):
    """An e-mail address field: the schema's pattern is what the server's check takes."""
    return Field(
        default,
        max_length=254,
        json_schema_extra={"pattern": EMAIL_PATTERN, "description": "An e-mail address, or empty"},
    )


def _at_least(digits):
    """A regular expression for strings of len(digits) digits that are at least `digits`."""
    if not digits:
        return ""
    first, rest = int(digits[0]), digits[1:]
    options = [f"{first}{_at_least(rest)}"]
    if first < 9:
        options.append(f"[{first + 1}-9]" + (f"[0-9]{{{len(rest)}}}" if rest else ""))
    return "(" + "|".join(options) + ")"


def on_or_after_today(schema):
    """`json_schema_extra` for a date the server refuses in the past (a deadline): today or later, as a pattern."""
    from django.utils import timezone

    today = timezone.localdate()
    month_day = "(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    options = [f"{_at_least(str(today.year + 1))}-{month_day}"]
    if today.month < 12:
        options.append(f"{today.year}-{_at_least(f'{today.month + 1:02d}')}-(0[1-9]|[12][0-9]|3[01])")
    options.append(f"{today.year}-{today.month:02d}-{_at_least(f'{today.day:02d}')}")
    schema["pattern"] = "^(" + "|".join(options) + ")$"
    schema["description"] = schema.get("description") or "Today or later"


def filled_text(max_length, **options):
    """A required text that the server refuses when blank (a comment, a reason): the schema says so too."""
    extra = {"pattern": FILLED_TEXT_PATTERN}
    return Field(..., min_length=1, max_length=max_length, json_schema_extra=extra, **options)


# Phone numbers are checked against the country's numbering plan (django-phonenumber-field): no pattern can say
# which numbers exist, so the schema names the rule with a format of its own.
PHONE_DESCRIPTION = "A phone number in international form (+ and the country code, e.g. +502 2345 6789), or empty"


def phone_number(default):
    """A phone number field, `format: phone` in the schema (what the server checks, in words)."""
    return Field(default, max_length=40, json_schema_extra={"format": "phone"}, description=PHONE_DESCRIPTION)


class Conflict(Schema):
    """A save against a record changed since it was read: the saved version, to compare and resend."""

    detail: str
    revision: int | None = Field(None, description="The saved revision: send it back to overwrite knowingly")
    current: dict[str, Any] = Field(default_factory=dict, description="The saved version's fields")


# The revision a PATCH/PUT was read at (every editable record's `revision` in its GET answer).
Revision = Annotated[int, Field(ge=1, le=2**31 - 1, description="The revision you read; 409 if it changed since")]


def _is_date(annotation):
    options = typing.get_args(annotation) or (annotation,)
    return any(isinstance(option, type) and issubclass(option, datetime.date) for option in options)


def _document_rules(schema, model):
    """Say in the schema what the server checks across fields: at least one of `one_filled` is given
    (a title in Spanish or in English); in a PATCH, null only where `nullable` says."""
    if model.one_filled and issubclass(model, PatchSchema):
        # A PATCH may leave them out (the saved ones stay), but may not send them all empty.
        empty = {name: {"maxLength": 0} for name in model.one_filled}
        schema["not"] = {"required": list(model.one_filled), "properties": empty}
    elif model.one_filled:
        filled = {"pattern": FILLED_TEXT_PATTERN} if model.blank_is_empty else {"minLength": 1}
        schema["anyOf"] = [{"required": [name], "properties": {name: filled}} for name in model.one_filled]
    if issubclass(model, PatchSchema):
        _null_only_where_nullable(schema, model)
    schema.update(model.schema_rules)


class InputSchema(Schema):
    """Base of request bodies: a JSON object with known fields only.

    `one_filled` names fields of which the server needs at least one not empty (documented as `anyOf`);
    `schema_rules` adds other rules across fields that the server checks.
    """

    one_filled: ClassVar[tuple[str, ...]] = ()
    blank_is_empty: ClassVar[bool] = False  # the server strips `one_filled` texts before checking them
    schema_rules: ClassVar[dict[str, Any]] = {}  # other rules across fields, in JSON Schema
    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_rules)

    @model_validator(mode="before")
    @classmethod
    def dates_as_text(cls, data: Any) -> Any:
        # Pydantic would read a number as a date (seconds since 1970); the schema says a date is text.
        if isinstance(data, dict):
            for name, field in cls.model_fields.items():
                value = data.get(field.alias or name)
                if isinstance(value, (int, float)) and _is_date(field.annotation):
                    raise ValueError(gettext("%(field)s: give a date as YYYY-MM-DD.") % {"field": name})
        return data

    @model_validator(mode="before")
    @classmethod
    def require_object(cls, data: Any) -> Any:
        # Ninja reads schemas "from attributes", which would accept a list or a number as an
        # empty object; a request body must be a JSON object.
        if data is None or isinstance(data, (list, tuple, str, bytes, int, float, bool)):
            raise ValueError(gettext("The request body must be a JSON object."))
        return data


def without_null(field):
    """Take null out of a documented field's options (`anyOf: [X, null]` becomes X)."""
    options = field.get("anyOf")
    if options and any(option.get("type") == "null" for option in options):
        rest = [option for option in field.pop("anyOf") if option.get("type") != "null"]
        field.update(rest[0] if len(rest) == 1 else {"anyOf": rest})


def _null_only_where_nullable(schema, model):
    """The documented PATCH body: null is offered only for the fields `model.nullable` names."""
    for name, field in schema.get("properties", {}).items():
        if name in model.nullable:
            continue
        without_null(field)
        if "default" in field and field["default"] is None:
            del field["default"]


class PatchSchema(InputSchema):
    """Base of PATCH bodies: only the fields sent change.

    `null` empties a field only where `nullable` names it (an end date, a parent); elsewhere it is refused —
    leave the field out to keep its value.
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def refuse_null(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = sorted(key for key, value in data.items() if value is None and key in cls.model_fields)
            nulls = [key for key in nulls if key not in cls.nullable]
            if nulls:
                message = gettext("%(fields)s cannot be null: leave a field out to keep its value.")
                raise ValueError(message % {"fields": ", ".join(nulls)})
        return data
