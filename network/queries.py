"""Reads the network pages, API and exports share, each with a fixed number of queries."""

import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core import access
from core.forms import by_name
from core.i18n import localized

from .models import (
    OFFICER_ROLES,
    Appointment,
    AppointmentProposal,
    Body,
    Conference,
    Country,
    Organization,
    OrganizationKind,
    Person,
    PPTPeriod,
)


def current_ppt(conference: Conference | None = None, on: datetime.date | None = None) -> PPTPeriod | None:
    """Return the Pro Tempore Presidency running on `on` (today by default), or None."""
    periods = PPTPeriod.objects.current(on).select_related("country")
    if conference is not None:
        periods = periods.filter(conference=conference)
    return periods.first()


def directory(
    user: Any,
    *,
    country: Country | None = None,
    body: Body | None = None,
    organization: Organization | None = None,
    q: str = "",
    include_past: bool = False,
    on: datetime.date | None = None,
) -> QuerySet[Appointment]:
    """Return the appointments a user may see in the contact directory, filtered.

    One definition serves the page, the exports and the API.
    """
    rows = access.restrict(Appointment.objects.for_directory(), user)
    if not include_past:
        rows = rows.current(on)
    if country is not None:
        rows = rows.filter(country=country)
    if body is not None:
        rows = rows.filter(body=body)
    if organization is not None:
        rows = rows.filter(organization=organization)
    for word in (q or "").split()[:8]:
        rows = rows.filter(
            Q(person__given_names__icontains=word)
            | Q(person__family_names__icontains=word)
            | Q(person__email__icontains=word)
            | Q(position__icontains=word)
            | Q(organization__name_es__icontains=word)
            | Q(organization__name_en__icontains=word)
            | Q(organization__acronym_es__iexact=word)
            | Q(organization__acronym_en__iexact=word)
        )
    return rows.order_by("country__code", "body__order", "organization__name_es", "role", "person__family_names", "pk")


def country_page(user: Any, country: Country, on: datetime.date | None = None) -> dict[str, Any]:
    """Return what a country page shows: its institutions, and its officers now and before."""
    on = on or timezone.localdate()
    appointments = list(
        access.restrict(Appointment.objects.for_directory(), user)
        .filter(country=country)
        .order_by("body__order", "role", "person__family_names", "-start_date")
    )
    current = [a for a in appointments if a.start_date <= on and (a.end_date is None or a.end_date >= on)]
    past = [a for a in appointments if a.end_date is not None and a.end_date < on]
    institutions = list(Organization.objects.filter(country=country).order_by("name_es", "name_en"))
    return {
        "institutions": institutions,
        "current": current,
        "past": past,
        "ppt_periods": list(country.ppt_periods.order_by("-start_date")),
    }


def organization_contacts(
    user: Any, organization: Organization, on: datetime.date | None = None
) -> list[tuple[Any, list[Appointment]]]:
    """Return an organization's current contact points, grouped by country (None: regional)."""
    rows = (
        access.restrict(Appointment.objects.for_directory(), user)
        .current(on)
        .filter(Q(organization=organization) | Q(organization__parent=organization))
        .order_by("country__code", "role", "person__family_names")
    )
    groups: dict[Country | None, list[Appointment]] = {}
    for row in rows:
        groups.setdefault(row.country, []).append(row)
    return sorted(groups.items(), key=lambda item: (item[0] is not None, str(item[0] or "")))


def home(conference: Conference | None = None) -> dict[str, Any]:
    """Return what the network's home page shows."""
    bodies = Body.objects.select_related("conference", "parent").order_by("order", "pk")
    if conference is not None:
        bodies = bodies.filter(conference=conference)
    return {
        "bodies": list(bodies),
        "members": by_name(Country.objects.members()),
        "observers": by_name(Country.objects.filter(membership="observer")),
        "ppt": current_ppt(conference),
        "secretariat": Organization.objects.filter(kind=OrganizationKind.SECRETARIAT).select_related("parent").first(),
        "partners": list(Organization.objects.partners().filter(parent__isnull=True).order_by("acronym_en")),
    }


def person_detail(user: Any, person: Person) -> list[Appointment]:
    """Return a person's appointments (that the user may see) for the person page."""
    return list(
        access.restrict(Appointment.objects.for_directory(), user).filter(person=person).order_by("-start_date")
    )


def pending_proposals(user: Any, person: Person) -> list[AppointmentProposal]:
    """Return the terms proposed to `person` that await an answer, as far as `user` may see them."""
    rows = AppointmentProposal.objects.filter(person=person, decided_at=None)
    rows = rows.select_related("organization", "country", "body", "proposed_by__person")
    return list(access.restrict(rows, user).order_by("created_at"))


def people_with_appointments() -> QuerySet[Person]:
    return Person.objects.prefetch_related(
        Prefetch("appointments", queryset=Appointment.objects.select_related("organization", "body", "country"))
    )


def proposals_to_answer(user: Any) -> list[AppointmentProposal]:
    """Return the pending terms proposed to `user` (the TS sees every pending proposal)."""
    rows = AppointmentProposal.objects.filter(decided_at=None).select_related("person", "organization")
    return list(access.restrict(rows, user, access.CHANGE).order_by("created_at")[:50])


def network_name(lang: str) -> str:
    """The network's name in `lang` (the first liaison officer network), else the conference's: the
    name documents carry in their header."""
    body = Body.objects.networks().order_by("order", "pk").first()
    if body is not None:
        return localized(body, "name", lang)
    conference = Conference.objects.order_by("pk").first()
    return localized(conference, "name", lang) if conference else ""


def officer_users(country: Country) -> list[Any]:
    """Active accounts of a country's current liaison officers (who hear of its reports and columns)."""
    from accounts.models import User

    terms = Appointment.objects.current().filter(country=country, role__in=OFFICER_ROLES)
    return list(User.objects.filter(is_active=True, person__in=terms.values("person_id")).distinct())
