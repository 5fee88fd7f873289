"""Writes to the directory of services. Each checks access, validates, and runs in one transaction.

A country's officers and the TS write directly; a partner's change becomes a `ServiceEdit`
draft (or, for a new entry, an unpublished service) until an officer or the TS approves it.
"""

import datetime
import math
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core import access
from core.access import require
from core.audit import acting_as
from core.refusals import STATE, UNKNOWN, refusal
from core.services import assign
from core.versioning import expect

from . import fields as fields_of
from . import hooks, indexing, proposals
from .access import APPROVE, PROPOSE, VERIFY, VIEW_CONFIDENTIAL, keeps
from .models import (
    Address,
    EditStatus,
    Location,
    Phone,
    Place,
    PlaceKind,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceEdit,
    ServiceLanguage,
    TaxonomyTerm,
)
from .phones import check_service_number, region_of

# The allow-lists of the services: what each record's users may set (directory/fields.py).
PROVIDER_FIELDS = fields_of.PROVIDER.editable
SERVICE_FIELDS = fields_of.SERVICE.editable
LOCATION_FIELDS = fields_of.LOCATION.editable
ADDRESS_FIELDS = fields_of.ADDRESS.editable
SCHEDULE_FIELDS = fields_of.SCHEDULE.editable
UNVERIFIED_AFTER_DAYS = 365


def _terms(ids: Iterable[Any]) -> list[TaxonomyTerm]:
    ids = [str(i.pk if isinstance(i, TaxonomyTerm) else i) for i in ids]
    found = list(TaxonomyTerm.objects.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise refusal(UNKNOWN, _("Unknown category."), "terms")
    return found


def _set_languages(service: Service, codes: Iterable[str]) -> None:
    from .queries import language_name

    service.languages.all().delete()
    ServiceLanguage.objects.bulk_create(
        [ServiceLanguage(service=service, code=code, name=language_name(code)) for code in dict.fromkeys(codes)]
    )


# ---- Providers and locations ------------------------------------------------------------------


@transaction.atomic
def create_provider(*, acting_user: Any, **fields: Any) -> Provider:
    """Add a service provider (HSDS organization)."""
    access.require_create(acting_user, Provider, country=fields.get("country"))
    with acting_as(acting_user):
        provider = Provider()
        assign(provider, fields, PROVIDER_FIELDS)
        provider.full_clean()
        provider.save()
    return provider


@transaction.atomic
def update_provider(provider: Provider, *, acting_user: Any, revision: int | None = None, **fields: Any) -> Provider:
    """Change a service provider."""
    require(acting_user, access.CHANGE, provider)
    with acting_as(acting_user):
        provider = expect(Provider.objects.select_for_update().get(pk=provider.pk), revision)
        assign(provider, fields, PROVIDER_FIELDS)
        provider.last_modified = timezone.now()
        provider.full_clean()
        provider.save()
    return provider


def _place_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Fill the division from the municipality when it is not given."""
    municipality = fields.get("municipality")
    if municipality is not None and not fields.get("division"):
        fields["division"] = municipality.parent
    for name, kind in (("division", PlaceKind.DIVISION), ("municipality", PlaceKind.MUNICIPALITY)):
        place = fields.get(name)
        if place is not None and (not isinstance(place, Place) or place.kind != kind):
            raise ValidationError({name: _("Choose a place of the right kind.")})
    return fields


@transaction.atomic
def create_location(*, acting_user: Any, address: dict[str, Any] | None = None, **fields: Any) -> Location:
    """Add a location (with its street address, when given)."""
    access.require_create(acting_user, Location, country=fields.get("country"))
    with acting_as(acting_user):
        location = Location()
        assign(location, _place_fields(fields), LOCATION_FIELDS)
        location.full_clean()
        location.save()
        if address:
            _save_address(Address(location=location), address)
    return location


def _save_address(address: Address, fields: dict[str, Any], *, check_only: bool = False) -> Address:
    assign(address, fields, ADDRESS_FIELDS)
    if check_only:
        address.full_clean(exclude=["location", "country"])
        return address
    if not address.country:
        code: Any = address.location.country.code  # django-countries' Country, typed str by its stubs
        address.country = code.code
    address.full_clean()
    address.save()
    return address


@transaction.atomic
def update_location(
    location: Location,
    *,
    acting_user: Any,
    address: dict[str, Any] | None = None,
    revision: int | None = None,
    **fields: Any,
) -> Location:
    """Change a location; the map shows the change at once."""
    require(acting_user, access.CHANGE, location)
    with acting_as(acting_user):
        location = expect(Location.objects.select_for_update().get(pk=location.pk), revision)
        assign(location, _place_fields(fields), LOCATION_FIELDS)
        location.full_clean()
        location.save()
        if address is not None:
            _save_address(location.addresses.first() or Address(location=location), address)
        indexing.reindex(Service.objects.filter(service_at_locations__location=location).values_list("pk", flat=True))
    return location


# ---- Services ------------------------------------------------------------------------------


@transaction.atomic
def create_service(
    *,
    acting_user: Any,
    provider: Provider,
    country: Any,
    terms: Iterable[Any] = (),
    languages: Iterable[str] = (),
    locations: Iterable[Location] = (),
    phones: Iterable[dict[str, Any]] = (),
    schedules: Iterable[dict[str, Any]] = (),
    **fields: Any,
) -> Service:
    """Add a service. A partner's new entry stays unpublished until an officer or the TS approves it."""
    access.require_create(acting_user, Service, country=country, provider=provider)
    direct = keeps(access.principal_for(acting_user), country.pk)
    with acting_as(acting_user):
        service = Service(provider=provider, country=country, is_published=direct)
        service.created_by = acting_user if getattr(acting_user, "pk", None) else None
        assign(service, fields, SERVICE_FIELDS)
        service.full_clean()
        service.save()
        service.terms.set(_terms(terms))
        _set_languages(service, languages)
        for location in locations:
            if not direct:
                require(acting_user, access.VIEW, location)
            ServiceAtLocation.objects.create(service=service, location=location)
        region = region_of(country)
        for phone in phones:
            item = Phone(service=service, **phone)
            check_service_number(item.number, region)
            item.full_clean()
            item.save()
        for schedule in schedules:
            _save_schedule(Schedule(service=service), schedule)
        indexing.reindex([service.pk])
    return service


def _save_schedule(schedule: Schedule, fields: dict[str, Any]) -> Schedule:
    assign(schedule, fields, SCHEDULE_FIELDS)
    schedule.full_clean()
    schedule.save()
    return schedule


@transaction.atomic
def add_schedule(service: Service, *, acting_user: Any, **fields: Any) -> Schedule:
    """Add an opening schedule (an RFC 5545 rule) to a service."""
    require(acting_user, access.CHANGE, service)
    with acting_as(acting_user):
        return _save_schedule(Schedule(service=service), fields)


@transaction.atomic
def link_location(
    service: Service, location: Location, *, acting_user: Any, description: str = ""
) -> ServiceAtLocation:
    """Say that a service is delivered at a location."""
    require(acting_user, access.CHANGE, service)
    with acting_as(acting_user):
        link, _created = ServiceAtLocation.objects.get_or_create(
            service=service, location=location, defaults={"description": description}
        )
        indexing.reindex([service.pk])
    return link


def _encode(
    fields: dict[str, Any],
    terms: Iterable[Any] | None,
    languages: Iterable[str] | None,
    phones: Iterable[dict[str, Any]] | None = None,
    hours: dict[str, Any] | None = None,
    places: dict[str, dict[str, Any]] | None = None,
    *,
    region: str | None = None,
    known_numbers: Iterable[str] = (),
) -> dict[str, Any]:
    """Turn a change into proposal items (JSON; directory/proposals.py), each checked (a phone as
    its service's country reads it; `known_numbers`, the record's, stay as they are)."""
    changes = {}
    for name, value in fields.items():
        changes[name] = value.isoformat() if isinstance(value, datetime.date) else value
    if terms is not None:
        changes["terms"] = sorted(str(term.pk) for term in _terms(terms))
    if languages is not None:
        changes["languages"] = list(dict.fromkeys(languages))
    if phones is not None:
        changes["phones"] = [_checked_phone(phone, region, known_numbers) for phone in phones]
    if hours is not None:
        changes["hours"] = _checked_hours(hours)
    for location_id, values in (places or {}).items():
        address = {part: (values.get(part) or "").strip() for part in proposals.ADDRESS_PARTS if part in values}
        if address:
            _save_address(Address(location=Location(), country="XX"), address, check_only=True)
            changes[f"address:{location_id}"] = {part: address.get(part, "") for part in proposals.ADDRESS_PARTS}
        if "latitude" in values or "longitude" in values:
            changes[f"position:{location_id}"] = _checked_position(values)
    return changes


def _checked_phone(phone: dict[str, Any], region: str | None = None, known: Iterable[str] = ()) -> dict[str, Any]:
    unknown = set(phone) - set(proposals.PHONE_FIELDS)
    if unknown:
        raise refusal(UNKNOWN, _("Unknown phone field: %(name)s.") % {"name": ", ".join(sorted(unknown))}, "phones")
    item = Phone(**{name: phone.get(name) for name in proposals.PHONE_FIELDS if phone.get(name) is not None})
    try:
        item.full_clean(exclude=["provider", "service", "location", "contact", "service_at_location"])
    except ValidationError as error:
        raise ValidationError({"phones": [f"{phone.get('number') or '—'}: {m}" for m in error.messages]}) from None
    check_service_number(item.number, region, known)
    return {
        "number": item.number.strip(),
        "extension": item.extension,
        "type": item.type,
        "description": item.description.strip(),
    }


def _minutes(text: Any) -> int:
    match = re.fullmatch(r"([01]\d|2[0-4]):([0-5]\d)", str(text))
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise ValidationError({"hours": _("“%(value)s” is not a time of day (HH:MM).") % {"value": text}})
    return int(match.group(1)) * 60 + int(match.group(2))


def _checked_hours(hours: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Weekly hours: days MO–SU, each a list of [opens, closes] in order, not overlapping."""
    checked = {}
    for day, intervals in hours.items():
        if day not in proposals.WEEKDAYS:
            raise ValidationError({"hours": _("“%(value)s” is not a day (MO to SU).") % {"value": day}})
        if not intervals:
            continue
        if not isinstance(intervals, list) or not all(isinstance(i, list | tuple) and len(i) == 2 for i in intervals):
            raise ValidationError({"hours": _("Give each day's hours as pairs of times (opens, closes).")})
        spans = sorted((_minutes(start), _minutes(end), str(start), str(end)) for start, end in intervals)
        name = capfirst(proposals.day_name(day))
        for index, (start, end, *_text) in enumerate(spans):
            if start >= end:
                raise ValidationError(
                    {"hours": _("%(day)s: the closing time must come after the opening time.")
                     % {"day": name}}
                )  # fmt: skip
            if index and start < spans[index - 1][1]:
                raise ValidationError({"hours": _("%(day)s: the hours overlap.") % {"day": name}})
        if any(end == 24 * 60 for _s, end, *_t in spans) and [s[2:] for s in spans] != [tuple(proposals.ALL_DAY)]:
            raise ValidationError({"hours": _("Only “open 24 hours” may end at 24:00.")})
        checked[day] = [[start, end] for _s, _e, start, end in spans]
    return checked


def _checked_position(values: dict[str, Any]) -> dict[str, float]:
    position = {}
    for axis, limit in (("latitude", 90), ("longitude", 180)):
        name = getattr(Location._meta.get_field(axis), "verbose_name", axis)
        try:
            number = float(values.get(axis))  # type: ignore[arg-type]  # None and words are refused below
        except (TypeError, ValueError):
            raise ValidationError({axis: _("Give the %(axis)s in degrees.") % {"axis": name}}) from None
        if not math.isfinite(number) or abs(number) > limit:
            raise ValidationError({axis: _("The %(axis)s must be between -%(limit)s and %(limit)s.")
                                   % {"axis": name, "limit": limit}})  # fmt: skip
        position[axis] = round(number, 6)
    return position


def _links(service: Service) -> list[ServiceAtLocation]:
    return list(
        service.service_at_locations.select_related("location__municipality", "location__country")
        .prefetch_related("location__addresses")
        .order_by("location__name", "location_id")
    )


def current_values(service: Service) -> tuple[dict[str, Any], dict[str, Location]]:
    """The service's items as a proposal names them, and its locations by id."""
    service = Service.objects.prefetch_related("terms", "languages", "phones", "schedules").get(pk=service.pk)
    links = _links(service)
    places = {str(link.location_id): link.location for link in links}
    return proposals.current(service, SERVICE_FIELDS, links), places


def _check_places(changes: dict[str, Any], places: dict[str, Location], acting_user: Any) -> None:
    """A proposal may change only the service's own locations, and those its author may see whole."""
    for key in changes:
        if ":" not in key:
            continue
        location = places.get(key.split(":", 1)[1])
        if location is None:
            raise refusal(UNKNOWN, _("This location is not one of the service's."), "places")
        require(acting_user, access.VIEW, location)
        if location.is_confidential:
            require(acting_user, VIEW_CONFIDENTIAL, location)


def _set_phones(service: Service, phones: list[dict[str, Any]]) -> None:
    Phone.objects.filter(
        service=service, location__isnull=True, contact__isnull=True, service_at_location__isnull=True
    ).delete()
    Phone.objects.bulk_create([Phone(service=service, **phone) for phone in phones])


def _set_hours(service: Service, hours: dict[str, list[list[str]]]) -> None:
    weekly = [s.pk for s in service.schedules.all() if proposals.is_weekly(s)]
    Schedule.objects.filter(pk__in=weekly).delete()
    days_of: dict[tuple[str, str], list[str]] = {}
    for day in proposals.WEEKDAYS:
        for start, end in hours.get(day) or []:
            days_of.setdefault((start, end), []).append(day)
    for (start, end), days in days_of.items():
        all_day = [start, end] == proposals.ALL_DAY
        _save_schedule(
            Schedule(service=service),
            {
                "freq": "WEEKLY",
                "byday": ",".join(days),
                "opens_at": None if all_day else datetime.time.fromisoformat(start),
                "closes_at": None if all_day else datetime.time.fromisoformat(end),
            },
        )


def _apply(service: Service, changes: dict[str, Any], *, acting_user: Any) -> Service:
    """Write a change's items to the service (and its locations), then rebuild the map points."""
    fields = {name: value for name, value in changes.items() if name not in proposals.LISTS and ":" not in name}
    assign(service, fields, SERVICE_FIELDS)
    service.last_modified = timezone.now()
    service.full_clean()
    service.save()
    if "terms" in changes:
        service.terms.set(_terms(changes["terms"]))
    if "languages" in changes:
        _set_languages(service, changes["languages"])
    if "phones" in changes:
        _set_phones(service, changes["phones"])
    if "hours" in changes:
        _set_hours(service, changes["hours"])
    places = {str(link.location_id): link.location for link in _links(service)}
    touched = {service.pk}
    for key, value in changes.items():
        if ":" not in key:
            continue
        kind, location_id = key.split(":", 1)
        if location_id not in places:
            raise refusal(STATE, _("A location of this change is no longer linked to the service."), key)
        location = Location.objects.select_for_update().get(pk=location_id)
        require(acting_user, access.CHANGE, location)
        if kind == "address":
            _save_address(location.addresses.first() or Address(location=location), value)
        else:
            location.latitude, location.longitude = value["latitude"], value["longitude"]
            location.full_clean()
            location.save()
        touched.update(ServiceAtLocation.objects.filter(location=location).values_list("service_id", flat=True))
    indexing.reindex(touched)
    return service


@transaction.atomic
def update_service(
    service: Service,
    *,
    acting_user: Any,
    terms: Iterable[Any] | None = None,
    languages: Iterable[str] | None = None,
    phones: Iterable[dict[str, Any]] | None = None,
    hours: dict[str, Any] | None = None,
    places: dict[str, dict[str, Any]] | None = None,
    revision: int | None = None,
    **fields: Any,
) -> Service | ServiceEdit:
    """Change a service: at once for its country's officers and the TS, as a draft for partners.

    Besides its fields: its phones and weekly hours (whole), and the address and map position of
    its locations (`places`: {location id: {address parts, latitude, longitude}}). Only what
    differs from the record is written or proposed. Returns the service when applied, or the
    `ServiceEdit` draft when it waits for approval.
    """
    service = Service.objects.select_related("provider", "country").get(pk=service.pk)
    if not access.can(acting_user, PROPOSE, service):
        access.refuse(acting_user, access.CHANGE, Service)
    now, locations = current_values(service)
    known = [phone["number"] for phone in now["phones"]]
    region = region_of(service.country)
    changes = _encode(fields, terms, languages, phones, hours, places, region=region, known_numbers=known)
    _check_places(changes, locations, acting_user)
    changes = proposals.changed(now, changes)
    with acting_as(acting_user):
        direct = access.can(acting_user, access.CHANGE, service) or not service.is_published
        if direct:
            locked = expect(Service.objects.select_for_update().get(pk=service.pk), revision)
            return _apply(locked, changes, acting_user=acting_user) if changes else locked
        expect(service, revision)  # a draft written against a changed service is refused too
        if not changes:
            raise ValidationError(_("Nothing to propose: every value is as the service has it now."))
        # Validate the draft now, on a copy, so that a bad draft is refused at once.
        probe = Service.objects.get(pk=service.pk)
        assign(probe, fields, SERVICE_FIELDS)
        probe.full_clean()
        edit = ServiceEdit.objects.create(
            service=service, author=acting_user, changes=changes, before={key: now.get(key) for key in changes}
        )
        hooks.notify_proposed(edit)
        return edit


@transaction.atomic
def decide_edit(
    edit: ServiceEdit,
    *,
    acting_user: Any,
    decisions: dict[str, bool],
    notes: dict[str, str] | None = None,
    revision: int | None = None,
) -> ServiceEdit:
    """Approve or reject each item of a partner's proposal, with a note each; apply the approved ones.

    `revision` is the service's revision the reviewer saw the proposal against: a service changed
    since then is refused (the "now" column would have been wrong).
    """
    edit = ServiceEdit.objects.select_for_update().select_related("service").get(pk=edit.pk)
    require(acting_user, APPROVE, edit.service)
    if edit.status != EditStatus.PENDING:
        raise refusal(STATE, _("This change was already decided."))
    unknown = sorted(set(decisions) - set(edit.changes))
    if unknown:
        raise refusal(UNKNOWN, _("Not an item of this change: %(items)s.") % {"items": ", ".join(unknown)}, "decisions")
    undecided = sorted(set(edit.changes) - set(decisions), key=proposals.rank)
    if undecided:
        left = _("Approve or reject every item (%(count)s left).") % {"count": len(undecided)}
        raise refusal(STATE, left, "decisions")
    notes = notes or {}
    with acting_as(acting_user):
        service = expect(Service.objects.select_for_update().get(pk=edit.service_id), revision)
        approved = {key: value for key, value in edit.changes.items() if decisions[key]}
        if "phones" in approved:  # a draft from before phones were checked: its new numbers are checked now
            region = region_of(service.country)
            known = [phone.get("number") for phone in edit.before.get("phones") or []]
            for phone in approved["phones"]:
                check_service_number(phone.get("number"), region, known)
        if approved:
            _apply(service, approved, acting_user=acting_user)
        edit.decisions = {
            key: {"approved": bool(decisions[key]), "note": (notes.get(key) or "").strip()[:500]}
            for key in edit.changes
        }
        edit.status = (
            EditStatus.APPROVED if len(approved) == len(edit.changes)
            else EditStatus.REJECTED if not approved
            else EditStatus.PARTLY
        )  # fmt: skip
        edit.decided_by = acting_user
        edit.decided_at = timezone.now()
        edit.save()
        hooks.notify_decided(edit)
    return edit


def approve_edit(edit: ServiceEdit, *, acting_user: Any) -> ServiceEdit:
    """Approve every item of a partner's draft: the public sees it at once."""
    return decide_edit(edit, acting_user=acting_user, decisions=dict.fromkeys(edit.changes, True))


@transaction.atomic
def reject_edit(edit: ServiceEdit, *, acting_user: Any, note: str = "") -> ServiceEdit:
    """Turn down a partner's draft whole; the service stays as it was."""
    edit = decide_edit(
        edit,
        acting_user=acting_user,
        decisions=dict.fromkeys(edit.changes, False),
        notes=dict.fromkeys(edit.changes, note),
    )
    edit.note = note[:500]
    edit.save(update_fields=["note"])
    return edit


@transaction.atomic
def publish_service(service: Service, *, acting_user: Any) -> Service:
    """Approve a partner's new entry: the public sees it from now on."""
    require(acting_user, APPROVE, service)
    with acting_as(acting_user):
        service = Service.objects.select_for_update().get(pk=service.pk)
        service.is_published = True
        service.last_modified = timezone.now()
        service.save()
        indexing.reindex([service.pk])
    return service


@transaction.atomic
def verify_service(service: Service, *, acting_user: Any, on: datetime.date | None = None) -> Service:
    """Record that a person checked the entry today (HSDS assured_date)."""
    require(acting_user, VERIFY, service)
    with acting_as(acting_user):
        service = Service.objects.select_for_update().get(pk=service.pk)
        service.assured_date = on or timezone.localdate()
        service.assurer_email = getattr(acting_user, "email", "") or ""
        service.last_modified = timezone.now()
        service.save()
    return service


@transaction.atomic
def delete_service(service: Service, *, acting_user: Any) -> None:
    """Remove a service and its links (its locations stay)."""
    require(acting_user, access.DELETE, service)
    with acting_as(acting_user):
        service.delete()


@transaction.atomic
def name_partner(service: Service, user: Any, *, acting_user: Any) -> Any:
    """Name a partner's member on one service: they may then propose changes to it (as drafts)."""

    from django.contrib.contenttypes.models import ContentType

    from core.models import Grant, GrantPermission

    require(acting_user, APPROVE, service)
    grant, _created = Grant.objects.get_or_create(
        user=user,
        permission=GrantPermission.CHANGE,
        content_type=ContentType.objects.get_for_model(Service),
        object_id=str(service.pk),
        defaults={"granted_by": acting_user},
    )
    access.forget_principal(user)
    return grant
