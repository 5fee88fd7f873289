"""Writes to the network directory. Each checks access, validates, and runs in one transaction.

Views and API endpoints call these; they never save network records themselves.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.refusals import STATE, refusal
from core.services import assign
from core.versioning import expect

from .access import ASSIGN_TERM, CHANGE_VISIBILITY
from .models import (
    Appointment,
    AppointmentProposal,
    Body,
    Conference,
    Country,
    Organization,
    Person,
    PPTPeriod,
)

# The allow-lists: each model declares what its users edit; a person's own account edits all but the visibility.
PERSON_FIELDS = Person.EDITABLE
PERSON_SELF_FIELDS = tuple(name for name in PERSON_FIELDS if name != "visibility")
APPOINTMENT_FIELDS = Appointment.EDITABLE
ORGANIZATION_FIELDS = Organization.EDITABLE
BODY_FIELDS = Body.EDITABLE


def _validate_person(person: Person) -> None:
    """Validate a contact, refusing an e-mail that another contact already uses (named on the field)."""
    person.email = (person.email or "").strip().lower()
    if person.email:
        clash = Person.objects.annotate(e=Lower("email")).filter(e=person.email.lower()).exclude(pk=person.pk)
        if clash.exists():
            raise ValidationError({"email": _("Another contact already uses this e-mail address.")})
    person.full_clean()


def _check_no_duplicate_appointment(appointment: Appointment) -> None:
    same = Appointment.objects.current().filter(
        person_id=appointment.person_id,
        organization_id=appointment.organization_id,
        body_id=appointment.body_id,
        role=appointment.role,
    )
    if appointment.pk:
        same = same.exclude(pk=appointment.pk)
    if appointment.is_current and same.exists():
        raise refusal(STATE, _("This person already holds this role in this institution."))


def _check_no_duplicate_name(person: Person, organization: Organization | None) -> None:
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


def sync_account(person: Person) -> None:
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
def create_person(*, acting_user: Any, appointment: dict[str, Any] | None = None, **fields: Any) -> Person:
    """Create a contact, with their first appointment when given (a dict of appointment fields)."""
    appointment = dict(appointment or {})
    org = appointment.get("organization")
    country = appointment.get("country") or (org.country if org else None)
    access.require_create(acting_user, Person, country=country)
    if appointment:
        access.require_create(acting_user, Appointment, country=country, organization=org, role=appointment.get("role"))
    with acting_as(acting_user):
        person = Person()
        allowed = PERSON_FIELDS if access.acts_for_whole_network(acting_user) or country else PERSON_SELF_FIELDS
        assign(person, fields, allowed)
        _validate_person(person)
        _check_no_duplicate_name(person, org)
        person.save()
        if appointment:
            _save_appointment(Appointment(person=person), appointment, acting_user=acting_user)
    return person


@transaction.atomic
def update_person(person: Person, *, acting_user: Any, revision: int | None = None, **fields: Any) -> Person:
    """Change a contact's record; people may correct their own, officers the people they keep.

    The contact e-mail is not the sign-in e-mail: an account's address changes only through
    `accounts.services.request_email_change` (its owner) or `set_account_email` (the TS).
    """
    access.require(acting_user, access.CHANGE, person)
    allowed = PERSON_FIELDS if access.can(acting_user, CHANGE_VISIBILITY, person) else PERSON_SELF_FIELDS
    with acting_as(acting_user):
        person = expect(Person.objects.select_for_update().get(pk=person.pk), revision)
        assign(person, fields, allowed)
        _validate_person(person)
        person.save()
    return person


def _save_appointment(appointment: Appointment, fields: dict[str, Any], *, acting_user: Any = None) -> Appointment:
    assign(appointment, fields, APPOINTMENT_FIELDS)
    appointment.full_clean()
    _check_no_duplicate_appointment(appointment)
    guard = _closes_access_guard(appointment.person, acting_user)
    appointment.save()
    guard()
    sync_account(appointment.person)
    return appointment


def _closes_access_guard(person: Person, acting_user: Any) -> Callable[[], None]:
    """Return a check, run after a change, that refuses it when it left someone without access.

    Only the TS may close a person's access (leave an account with no current term): an officer
    who ends a colleague's term, or moves its start a year ahead, is told so and nothing changes.
    """
    user = person.user
    if acting_user is None or access.acts_for_whole_network(acting_user) or user is None or user.is_superuser:
        return lambda: None
    had_access = user.is_active and person.appointments.current().exists()

    def check() -> None:
        if had_access and not person.appointments.current().exists():
            raise ValidationError(
                _(
                    "This change would close %(name)s's access to Enlace (no current term would be left). "
                    "Only the Technical Secretariat can do that: ask them."
                )
                % {"name": person.full_name}
            )

    return check


def _term_context(person: Person, fields: dict[str, Any]) -> tuple[Any, Organization | None]:
    org = fields.get("organization")
    return fields.get("country") or (org.country if org else None), org


@transaction.atomic
def create_appointment(person: Person, *, acting_user: Any, **fields: Any) -> Appointment | AppointmentProposal:
    """Give a person a role (liaison officer, alternate, contact point, staff) for a term.

    Return the Appointment; or, for a person the acting officer does not keep (another
    country's official, the TS's or an organization's staff, someone whose terms have ended),
    an AppointmentProposal that takes effect only once that person or the TS accepts it.
    """
    country, org = _term_context(person, fields)
    access.require_create(acting_user, Appointment, country=country, organization=org, role=fields.get("role"))
    if not access.can(acting_user, ASSIGN_TERM, person):
        return _propose_appointment(person, fields, acting_user=acting_user)
    with acting_as(acting_user):
        return _save_appointment(Appointment(person=person), fields, acting_user=acting_user)


def _propose_appointment(person: Person, fields: dict[str, Any], *, acting_user: Any) -> AppointmentProposal:
    # Validate the term as it would be saved, so the proposal can be accepted as it stands.
    draft = Appointment(person=person)
    assign(draft, fields, APPOINTMENT_FIELDS)
    draft.full_clean()
    _check_no_duplicate_appointment(draft)
    pending = AppointmentProposal.objects.filter(
        person=person, organization=draft.organization, role=draft.role, decided_at=None
    )
    if pending.exists():
        raise refusal(STATE, _("This term has already been proposed to this person; it awaits their answer."))
    with acting_as(acting_user):
        proposal = AppointmentProposal(person=person, proposed_by=acting_user)
        for name in AppointmentProposal.TERM_FIELDS:
            setattr(proposal, name, getattr(draft, name))
        proposal.save()
    _notify_proposal(proposal)
    return proposal


def _notify_proposal(proposal: AppointmentProposal) -> None:
    """Tell the person, at their sign-in address, that a term awaits their answer."""
    user = proposal.person.user
    if user is None or not user.is_active or not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "proposal": proposal,
            "url": settings.SITE_URL + reverse("network:person", args=[proposal.person_id]),
        }
        subject = _("A term awaits your answer in Enlace")
        body = render_to_string("network/email/proposal.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


@transaction.atomic
def decide_proposal(proposal: AppointmentProposal, *, acting_user: Any, accept: bool) -> AppointmentProposal:
    """Accept (the term starts) or decline a proposed term; only its person or the TS decide."""
    access.require(acting_user, access.CHANGE, proposal)
    proposal = AppointmentProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise refusal(STATE, _("This proposal has already been answered."))
    with acting_as(acting_user):
        proposal.decided_at = timezone.now()
        proposal.decided_by = acting_user
        proposal.accepted = bool(accept)
        if accept:
            proposal.appointment = _save_appointment(Appointment(person=proposal.person), proposal.term_fields())
        proposal.save()
    return proposal


@transaction.atomic
def update_appointment(appointment: Appointment, *, acting_user: Any, **fields: Any) -> Appointment:
    """Change a term; ending it hides the contact from current lists and may close the account.

    Only the TS may close someone's access (leave them no current term).
    """
    access.require(acting_user, access.CHANGE, appointment)
    new_org = fields.get("organization", appointment.organization)
    new_country = new_org.country if new_org and new_org.country_id else fields.get("country", appointment.country)
    if new_country != appointment.country or new_org != appointment.organization or "role" in fields:
        role = fields.get("role", appointment.role)
        access.require_create(acting_user, Appointment, country=new_country, organization=new_org, role=role)
    with acting_as(acting_user):
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        return _save_appointment(appointment, fields, acting_user=acting_user)


def end_appointment(
    appointment: Appointment, *, acting_user: Any, end_date: datetime.date | None = None
) -> Appointment:
    """End a term today (or on `end_date`)."""
    return update_appointment(appointment, acting_user=acting_user, end_date=end_date or timezone.localdate())


@transaction.atomic
def create_organization(*, acting_user: Any, **fields: Any) -> Organization:
    """Add an institution or organization."""
    access.require_create(acting_user, Organization, country=fields.get("country"), kind=fields.get("kind"))
    with acting_as(acting_user):
        org = Organization()
        assign(org, fields, ORGANIZATION_FIELDS)
        org.full_clean()
        org.save()
    return org


@transaction.atomic
def update_organization(
    org: Organization, *, acting_user: Any, revision: int | None = None, **fields: Any
) -> Organization:
    """Change an organization; officers may not move it to another country or kind."""
    access.require(acting_user, access.CHANGE, org)
    if not access.acts_for_whole_network(acting_user):
        country = fields.get("country", org.country)
        kind = fields.get("kind", org.kind)
        access.require_create(acting_user, Organization, country=country, kind=kind)
    with acting_as(acting_user):
        org = expect(Organization.objects.select_for_update().get(pk=org.pk), revision)
        assign(org, fields, ORGANIZATION_FIELDS)
        org.full_clean()
        org.save()
    return org


@transaction.atomic
def create_body(*, acting_user: Any, **fields: Any) -> Body:
    """Add a body to a conference (a second network, a working group)."""
    access.require_create(acting_user, Body)
    with acting_as(acting_user):
        body = Body()
        assign(body, fields, BODY_FIELDS)
        body.full_clean()
        body.save()
    return body


@transaction.atomic
def update_body(body: Body, *, acting_user: Any, **fields: Any) -> Body:
    """Change a body."""
    access.require(acting_user, access.CHANGE, body)
    with acting_as(acting_user):
        assign(body, fields, BODY_FIELDS)
        body.full_clean()
        body.save()
    return body


@transaction.atomic
def set_country_membership(country: Country, membership: str, *, acting_user: Any) -> Country:
    """Make a country a member or an observer."""
    access.require(acting_user, access.CHANGE, country)
    with acting_as(acting_user):
        country.membership = membership
        country.full_clean()
        country.save()
    return country


@transaction.atomic
def start_ppt_period(
    conference: Conference,
    country: Country,
    start_date: datetime.date,
    *,
    acting_user: Any,
    handed_over_at: str = "",
) -> PPTPeriod:
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


def deactivate_ended_accounts() -> int:
    """Close the accounts of people whose every term has ended; return how many were closed."""
    closed = 0
    people = Person.objects.filter(user__is_active=True, user__is_superuser=False).select_related("user")
    for person in people:
        user = person.user
        if user is None:  # the filter keeps people with an account; the type does not know it
            continue
        with transaction.atomic(), acting_as(None):
            before = user.is_active
            sync_account(person)
            closed += before and not user.is_active
    return closed
