"""Service phone numbers, checked with the library that checks people's phones (django-phonenumber-field).

A person's phone must be international (+ and the country code). A service's is read as its country
reads it: a national number of the service's country or an international one, with an extension if
any ("2412 8000 ext. 12", "+1 212 555 2368 x4"), or a short number of that country (hotlines such as
1546). Short numbers are taken when their length is possible there: the library's list of valid short
numbers misses real child-protection lines (141 in Colombia, 1147 in Costa Rica). Numbers already on
the record stay as they are (HSDS imports and data from before this check).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import to_python

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def region_of(country: Any) -> str | None:
    """Return the phone region of a network country or an ISO 3166 alpha-2 code (None: the library has none)."""
    code = getattr(getattr(country, "code", None), "code", country)
    code = str(code or "").upper()
    return code if code in phonenumbers.SUPPORTED_REGIONS else None


def is_valid(number: str, regions: Iterable[str | None] = (None,)) -> bool:
    """Say whether a number is a phone number as read in one of `regions` (None: international only)."""
    text = (number or "").strip()
    if not text:
        return False
    for region in regions:
        parsed = to_python(text, region=region)
        if getattr(parsed, "is_valid", lambda: False)():
            return True
        if region is None:
            continue
        try:
            short = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if not short.extension and phonenumbers.is_possible_short_number_for_region(short, region):
            return True
    return False


def invalid_message(region: str | None) -> "StrOrPromise":
    """The library's own message (and translation) for a number that is not valid, with an example of the
    region's numbers, as its form field words it."""
    return PhoneNumberField(region=region).error_messages["invalid"]


def check_number(number: str, region: str | None, *, known: Iterable[str] = ()) -> str:
    """Return the number stripped, or raise ValidationError with the library's message.

    A number in `known` (the record's numbers now) is kept as it is, whatever its form.
    """
    text = (number or "").strip()
    if text in {str(item).strip() for item in known} or is_valid(text, [region] if region else [None]):
        return text
    raise ValidationError(invalid_message(region), code="invalid")


def check_service_number(number: Any, region: str | None, known: Iterable[str] = ()) -> str:
    """Check a number of a service's phones (see check_number); the error names the service's `phones`."""
    try:
        return check_number(str(number or ""), region, known=known)
    except ValidationError as error:
        raise ValidationError({"phones": [f"{number or '—'}: {m}" for m in error.messages]}) from None
