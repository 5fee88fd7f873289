"""What every domain's API shares: pagination bounds and error schemas."""

from typing import Any

from django.utils.translation import gettext
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict, model_validator

MAX_OFFSET = 1_000_000


class Pagination(LimitOffsetPagination):
    """Limit/offset pagination whose offset stays within what a database can take."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class Error(Schema):
    detail: str


class FieldErrors(Schema):
    detail: str
    errors: dict[str, list[str]]


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
