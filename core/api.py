"""What every domain's API shares: pagination bounds and error schemas."""

from typing import Annotated, Any

from django.utils.translation import gettext
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict, model_validator

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
    from django.core.exceptions import ValidationError

    return ValidationError({field: ValidationError(message, code="unknown")})


def only_unknown_references(error):
    """Is every message of a ValidationError about a record that does not exist?"""
    items = [item for errors in error.error_dict.values() for item in errors] if hasattr(error, "error_dict") else []
    return bool(items) and all(getattr(item, "code", None) == "unknown" for item in items)


class Conflict(Schema):
    """A save against a record changed since it was read: the saved version, to compare and resend."""

    detail: str
    revision: int | None = Field(None, description="The saved revision: send it back to overwrite knowingly")
    current: dict[str, Any] = Field(default_factory=dict, description="The saved version's fields")


# The revision a PATCH/PUT was read at (every editable record's `revision` in its GET answer).
Revision = Annotated[int, Field(ge=1, le=2**31 - 1, description="The revision you read; 409 if it changed since")]


class InputSchema(Schema):
    """Base of request bodies: a JSON object with known fields only."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def require_object(cls, data: Any) -> Any:
        # Ninja reads schemas "from attributes", which would accept a list or a number as an
        # empty object; a request body must be a JSON object.
        if data is None or isinstance(data, (list, tuple, str, bytes, int, float, bool)):
            raise ValueError(gettext("The request body must be a JSON object."))
        return data
