"""Parties by code or id, for forms and the API."""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from core import access
from core.refusals import UNKNOWN, refusal
from network.models import Country, Organization, Person

# Parties by code or id, for forms and the API.


def countries_by_code(codes: Iterable[Any] | None) -> list[Country]:
    codes = [str(code).upper()[:2] for code in codes or ()]
    # django-countries gives a Country object (with .code) where its stubs say str.
    rows: list[Any] = list(Country.objects.filter(code__in=codes))
    found = {c.code.code: c for c in rows}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise refusal(UNKNOWN, _("Unknown country code: %(codes)s.") % {"codes": ", ".join(unknown)}, "countries")
    return [found[code] for code in codes]


def organizations_by_id(ids: Iterable[Any] | None) -> list[Organization]:
    ids = list(ids or ())
    found = Organization.objects.in_bulk(ids)
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise refusal(UNKNOWN, _("Unknown organization: %(id)s.") % {"id": ", ".join(unknown)}, "organizations")
    return [found[pk] for pk in ids]


def people_by_id(ids: Iterable[Any] | None, user: Any) -> list[Person]:
    ids = list(ids or ())
    found = access.restrict(Person.objects.all(), user).in_bulk(ids)
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise refusal(UNKNOWN, _("Unknown person: %(id)s.") % {"id": ", ".join(unknown)}, "people")
    return [found[pk] for pk in ids]
