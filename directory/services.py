"""Writes to the directory of services. Each checks access, validates, and runs in one transaction.

A country's officers and the TS write directly; a partner's change becomes a `ServiceEdit`
draft (or, for a new entry, an unpublished service) until an officer or the TS approves it.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.access import require
from core.audit import acting_as
from core.refusals import STATE, UNKNOWN, refusal
from core.services import assign
from core.versioning import expect

from . import fields as fields_of
from . import indexing
from .access import APPROVE, PROPOSE, VERIFY, keeps
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


def _save_address(address: Address, fields: dict[str, Any]) -> Address:
    assign(address, fields, ADDRESS_FIELDS)
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
        for phone in phones:
            item = Phone(service=service, **phone)
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


def _encode(fields: dict[str, Any], terms: Iterable[Any] | None, languages: Iterable[str] | None) -> dict[str, Any]:
    """Turn proposed changes into JSON for a draft."""
    changes = {}
    for name, value in fields.items():
        changes[name] = value.isoformat() if isinstance(value, datetime.date) else value
    if terms is not None:
        changes["terms"] = sorted(str(term.pk) for term in _terms(terms))
    if languages is not None:
        changes["languages"] = list(dict.fromkeys(languages))
    return changes


def _apply(service: Service, changes: dict[str, Any]) -> Service:
    fields = {name: value for name, value in changes.items() if name not in ("terms", "languages")}
    assign(service, fields, SERVICE_FIELDS)
    service.last_modified = timezone.now()
    service.full_clean()
    service.save()
    if "terms" in changes:
        service.terms.set(_terms(changes["terms"]))
    if "languages" in changes:
        _set_languages(service, changes["languages"])
    indexing.reindex([service.pk])
    return service


@transaction.atomic
def update_service(
    service: Service,
    *,
    acting_user: Any,
    terms: Iterable[Any] | None = None,
    languages: Iterable[str] | None = None,
    revision: int | None = None,
    **fields: Any,
) -> Service | ServiceEdit:
    """Change a service: at once for its country's officers and the TS, as a draft for partners.

    Returns the service when applied, or the `ServiceEdit` draft when it waits for approval.
    """
    service = Service.objects.select_related("provider").get(pk=service.pk)
    if not access.can(acting_user, PROPOSE, service):
        access.refuse(acting_user, access.CHANGE, Service)
    changes = _encode(fields, terms, languages)
    with acting_as(acting_user):
        if access.can(acting_user, access.CHANGE, service):
            return _apply(expect(Service.objects.select_for_update().get(pk=service.pk), revision), changes)
        expect(service, revision)  # a draft written against a changed service is refused too
        # Validate the draft now, on a copy, so that a bad draft is refused at once.
        probe = Service.objects.get(pk=service.pk)
        assign(probe, fields, SERVICE_FIELDS)
        probe.full_clean()
        if not service.is_published:
            return _apply(expect(Service.objects.select_for_update().get(pk=service.pk), revision), changes)
        return ServiceEdit.objects.create(service=service, author=acting_user, changes=changes)


@transaction.atomic
def approve_edit(edit: ServiceEdit, *, acting_user: Any) -> ServiceEdit:
    """Apply a partner's draft to the service, which the public then sees."""
    edit = ServiceEdit.objects.select_for_update().select_related("service").get(pk=edit.pk)
    require(acting_user, APPROVE, edit.service)
    if edit.status != EditStatus.PENDING:
        raise refusal(STATE, _("This change was already decided."))
    with acting_as(acting_user):
        _apply(Service.objects.select_for_update().get(pk=edit.service_id), edit.changes)
        edit.status = EditStatus.APPROVED
        edit.decided_by = acting_user
        edit.decided_at = timezone.now()
        edit.save()
    return edit


@transaction.atomic
def reject_edit(edit: ServiceEdit, *, acting_user: Any, note: str = "") -> ServiceEdit:
    """Turn down a partner's draft; the service stays as it was."""
    edit = ServiceEdit.objects.select_for_update().select_related("service").get(pk=edit.pk)
    require(acting_user, APPROVE, edit.service)
    if edit.status != EditStatus.PENDING:
        raise refusal(STATE, _("This change was already decided."))
    with acting_as(acting_user):
        edit.status = EditStatus.REJECTED
        edit.decided_by = acting_user
        edit.decided_at = timezone.now()
        edit.note = note[:500]
        edit.save()
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
