"""Writes to the network directory. Each checks access, validates, and runs in one transaction.

Views and API endpoints call these; they never save network records themselves.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as

from .access import CHANGE_VISIBILITY
from .models import (
    Appointment,
    Body,
    Organization,
    Person,
    PPTPeriod,
)

PERSON_SELF_FIELDS = ("honorific", "given_names", "family_names", "email", "phone_office", "phone_mobile", "languages")
PERSON_FIELDS = PERSON_SELF_FIELDS + ("visibility",)
APPOINTMENT_FIELDS = ("organization", "body", "country", "role", "position", "start_date", "end_date")
ORGANIZATION_FIELDS = ("kind", "name_es", "name_en", "acronym_es", "acronym_en", "country", "parent", "website")
BODY_FIELDS = ("conference", "kind", "slug", "name_es", "name_en", "acronym_es", "acronym_en", "parent", "order")


def _assign(instance, fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, value)


def _validate_person(person):
    """Validate a contact, refusing an e-mail that another contact already uses (named on the field)."""
    person.email = (person.email or "").strip().lower()
    if person.email:
        clash = Person.objects.annotate(e=Lower("email")).filter(e=person.email.lower()).exclude(pk=person.pk)
        if clash.exists():
            raise ValidationError({"email": _("Another contact already uses this e-mail address.")})
    person.full_clean()


def _check_no_duplicate_appointment(appointment):
    same = Appointment.objects.current().filter(
        person_id=appointment.person_id,
        organization_id=appointment.organization_id,
        body_id=appointment.body_id,
        role=appointment.role,
    )
    if appointment.pk:
        same = same.exclude(pk=appointment.pk)
    if appointment.is_current and same.exists():
        raise ValidationError(_("This person already holds this role in this institution."))


def _check_no_duplicate_name(person, organization):
    if organization is None:
        return
    namesake = (
        Appointment.objects.current()
        .filter(organization=organization)
        .annotate(g=Lower("person__given_names"), f=Lower("person__family_names"))
        .filter(g=person.given_names.lower(), f=person.family_names.lower())
        .exclude(person_id=person.pk)
    )
    if namesake.exists():
        raise ValidationError(
            {"family_names": _("A contact with this name already exists in this institution; edit that one instead.")}
        )


def sync_account(person):
    """Deactivate the person's account when no term is current; reactivate it when one is."""
    user = person.user
    if user is None or user.is_superuser:
        return
    active = person.appointments.current().exists()
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        access.forget_principal(user)


@transaction.atomic
def create_person(*, acting_user, appointment=None, **fields):
    """Create a contact, with their first appointment when given (a dict of appointment fields)."""
    appointment = dict(appointment or {})
    org = appointment.get("organization")
    country = appointment.get("country") or (org.country if org else None)
    access.require_create(acting_user, Person, country=country)
    if appointment:
        access.require_create(acting_user, Appointment, country=country, organization=org, role=appointment.get("role"))
    with acting_as(acting_user):
        person = Person()
        allowed = PERSON_FIELDS if access.principal_for(acting_user).is_ts or country else PERSON_SELF_FIELDS
        _assign(person, fields, allowed)
        _validate_person(person)
        _check_no_duplicate_name(person, org)
        person.save()
        if appointment:
            _save_appointment(Appointment(person=person), appointment)
    return person


@transaction.atomic
def update_person(person, *, acting_user, **fields):
    """Change a contact's record; people may correct their own, officers their country's."""
    access.require(acting_user, access.CHANGE, person)
    allowed = PERSON_FIELDS if access.can(acting_user, CHANGE_VISIBILITY, person) else PERSON_SELF_FIELDS
    with acting_as(acting_user):
        person = Person.objects.select_for_update().get(pk=person.pk)
        _assign(person, fields, allowed)
        _validate_person(person)
        person.save()
        if person.user_id and "email" in fields and person.user.email != person.email:
            from accounts.services import change_account_email

            change_account_email(person.user, person.email)
    return person


def _save_appointment(appointment, fields):
    _assign(appointment, fields, APPOINTMENT_FIELDS)
    appointment.full_clean()
    _check_no_duplicate_appointment(appointment)
    appointment.save()
    sync_account(appointment.person)
    return appointment


@transaction.atomic
def create_appointment(person, *, acting_user, **fields):
    """Give a person a role (liaison officer, alternate, contact point, staff) for a term."""
    org = fields.get("organization")
    country = fields.get("country") or (org.country if org else None)
    access.require_create(acting_user, Appointment, country=country, organization=org, role=fields.get("role"))
    with acting_as(acting_user):
        return _save_appointment(Appointment(person=person), fields)


@transaction.atomic
def update_appointment(appointment, *, acting_user, **fields):
    """Change a term; ending it hides the contact from current lists and may close the account."""
    access.require(acting_user, access.CHANGE, appointment)
    new_org = fields.get("organization", appointment.organization)
    new_country = new_org.country if new_org and new_org.country_id else fields.get("country", appointment.country)
    if new_country != appointment.country or new_org != appointment.organization:
        access.require_create(acting_user, Appointment, country=new_country, organization=new_org)
    with acting_as(acting_user):
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        return _save_appointment(appointment, fields)


def end_appointment(appointment, *, acting_user, end_date=None):
    """End a term today (or on `end_date`)."""
    return update_appointment(appointment, acting_user=acting_user, end_date=end_date or timezone.localdate())


@transaction.atomic
def create_organization(*, acting_user, **fields):
    """Add an institution or organization."""
    access.require_create(acting_user, Organization, country=fields.get("country"), kind=fields.get("kind"))
    with acting_as(acting_user):
        org = Organization()
        _assign(org, fields, ORGANIZATION_FIELDS)
        org.full_clean()
        org.save()
    return org


@transaction.atomic
def update_organization(org, *, acting_user, **fields):
    """Change an organization; officers may not move it to another country or kind."""
    access.require(acting_user, access.CHANGE, org)
    if not access.principal_for(acting_user).is_ts:
        country = fields.get("country", org.country)
        kind = fields.get("kind", org.kind)
        access.require_create(acting_user, Organization, country=country, kind=kind)
    with acting_as(acting_user):
        org = Organization.objects.select_for_update().get(pk=org.pk)
        _assign(org, fields, ORGANIZATION_FIELDS)
        org.full_clean()
        org.save()
    return org


@transaction.atomic
def create_body(*, acting_user, **fields):
    """Add a body to a conference (a second network, a working group)."""
    access.require_create(acting_user, Body)
    with acting_as(acting_user):
        body = Body()
        _assign(body, fields, BODY_FIELDS)
        body.full_clean()
        body.save()
    return body


@transaction.atomic
def update_body(body, *, acting_user, **fields):
    """Change a body."""
    access.require(acting_user, access.CHANGE, body)
    with acting_as(acting_user):
        _assign(body, fields, BODY_FIELDS)
        body.full_clean()
        body.save()
    return body


@transaction.atomic
def set_country_membership(country, membership, *, acting_user):
    """Make a country a member or an observer."""
    access.require(acting_user, access.CHANGE, country)
    with acting_as(acting_user):
        country.membership = membership
        country.full_clean()
        country.save()
    return country


@transaction.atomic
def start_ppt_period(conference, country, start_date, *, acting_user, handed_over_at=""):
    """Hand the Pro Tempore Presidency to `country` from `start_date`, closing the running period."""
    access.require_create(acting_user, PPTPeriod)
    with acting_as(acting_user):
        running = PPTPeriod.objects.filter(conference=conference, end_date__isnull=True).first()
        if running is not None:
            if running.start_date >= start_date:
                raise ValidationError({"start_date": _("The new period must start after the running one.")})
            running.end_date = start_date - datetime.timedelta(days=1)
            running.full_clean()
            running.save()
        period = PPTPeriod(conference=conference, country=country, start_date=start_date, handed_over_at=handed_over_at)
        period.full_clean()
        period.save()
    return period


def deactivate_ended_accounts():
    """Close the accounts of people whose every term has ended; return how many were closed."""
    closed = 0
    people = Person.objects.filter(user__is_active=True, user__is_superuser=False).select_related("user")
    for person in people:
        with transaction.atomic(), acting_as(None):
            before = person.user.is_active
            sync_account(person)
            closed += before and not person.user.is_active
    return closed
