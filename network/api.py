"""API for the network directory, under the same access rules as the pages."""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from accounts.auth import READ_SECURITY, WRITE_AUTH
from core import access
from core.api import (
    WEB_ADDRESS_PATTERN,
    Conflict,
    Error,
    FieldErrors,
    Id,
    InputSchema,
    PatchSchema,
    Revision,
    email_address,
    phone_number,
    unknown,
)
from core.models import Visibility

from . import queries, services
from .access import VIEW_CONTACT
from .models import (
    TERM_START_MIN,
    Appointment,
    AppointmentProposal,
    AppointmentRole,
    Body,
    BodyKind,
    Country,
    Language,
    Membership,
    Organization,
    OrganizationKind,
    Person,
    PPTPeriod,
    last_term_start_year,
)

router = Router(tags=["network"])


READ_ERRORS = {400: FieldErrors, 401: Error, 404: Error}
WRITE_ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error, 409: Conflict}


# ---- output ------------------------------------------------------------------------------


class CountryOut(Schema):
    code: str
    name: str
    membership: Membership

    @staticmethod
    def resolve_code(obj):
        return obj.code.code

    @staticmethod
    def resolve_name(obj):
        return str(obj.code.name)


class BodyOut(Schema):
    id: int
    slug: str
    kind: BodyKind
    conference_id: Id
    parent_id: int | None
    name_es: str
    name_en: str
    acronym_es: str
    acronym_en: str


class OrganizationOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back when you change the organization (PATCH)")
    kind: OrganizationKind
    name_es: str
    name_en: str
    acronym_es: str
    acronym_en: str
    country: str | None = Field(None, description="ISO 3166 alpha-2 code")
    parent_id: int | None
    website: str

    @staticmethod
    def resolve_country(obj):
        return obj.country.code.code if obj.country_id else None


def _shows_contacts(obj, context):
    request = context["request"]
    return access.can(request.user, VIEW_CONTACT, obj)


class PersonOut(Schema):
    id: int
    revision: int = Field(..., description="Send it back when you change the person (PATCH)")
    honorific: str
    given_names: str
    family_names: str
    languages: list[str]
    email: str | None = Field(None, description="Network members only; null otherwise.")
    phone_office: str | None = Field(None, description="Network members only.")
    phone_mobile: str | None = Field(None, description="Network members only.")

    @staticmethod
    def resolve_email(obj, context):
        return (obj.email or "") if _shows_contacts(obj, context) else None

    @staticmethod
    def resolve_phone_office(obj, context):
        return (obj.phone_office.as_e164 if obj.phone_office else "") if _shows_contacts(obj, context) else None

    @staticmethod
    def resolve_phone_mobile(obj, context):
        return (obj.phone_mobile.as_e164 if obj.phone_mobile else "") if _shows_contacts(obj, context) else None


class TermOut(Schema):
    """The fields a term and a proposed term share."""

    id: int
    organization: OrganizationOut
    body: str | None = Field(None, description="The body's slug")
    country: str | None = None
    role: AppointmentRole
    position: str
    start_date: datetime.date
    end_date: datetime.date | None

    @staticmethod
    def resolve_body(obj):
        return obj.body.slug if obj.body_id else None

    @staticmethod
    def resolve_country(obj):
        return obj.country.code.code if obj.country_id else None


class AppointmentOut(TermOut):
    person: PersonOut
    is_current: bool


class AppointmentProposalOut(TermOut):
    """A term proposed to someone the proposing officer does not keep; it starts once accepted."""

    person_id: int
    proposed_at: datetime.datetime = Field(..., alias="created_at")
    status: Literal["pending", "accepted", "declined"]
    appointment_id: int | None

    @staticmethod
    def resolve_status(obj):
        return "pending" if obj.is_pending else "accepted" if obj.accepted else "declined"


class PPTPeriodOut(Schema):
    id: int
    country: str
    start_date: datetime.date
    end_date: datetime.date | None
    handed_over_at: str
    is_current: bool

    @staticmethod
    def resolve_country(obj):
        return obj.country.code.code

    @staticmethod
    def resolve_is_current(obj):
        today = timezone.localdate()
        return obj.start_date <= today and (obj.end_date is None or obj.end_date >= today)


# ---- input -------------------------------------------------------------------------------


def _country(code):
    if code is None:
        return None
    country = Country.objects.filter(code=str(code).upper()).first()
    if country is None:
        raise unknown("country", _("Unknown country code: %(code)s.") % {"code": code})
    return country


def _body(slug):
    if slug is None:
        return None
    body = Body.objects.filter(slug=slug).first()
    if body is None:
        raise unknown("body", _("Unknown body: %(slug)s.") % {"slug": slug})
    return body


def _organization(pk, field="organization"):
    if pk is None:
        return None
    org = Organization.objects.filter(pk=pk).first()
    if org is None:
        raise unknown(field, _("Unknown organization: %(id)s.") % {"id": pk})
    return org


def _term_start(schema):
    """The years a term may start in (network.models.check_term_dates), as the date's pattern."""
    years = "|".join(str(year) for year in range(TERM_START_MIN.year, last_term_start_year() + 1))
    schema["pattern"] = f"^({years})-"


TERM_START = Field(None, json_schema_extra=_term_start, description="From 1990 to the end of next year")


class AppointmentIn(InputSchema):
    organization_id: Id
    role: AppointmentRole
    body: str | None = Field(None, max_length=60, description="The body's slug")
    country: str | None = Field(None, max_length=2, description="ISO 3166 alpha-2 code")
    position: str = Field("", max_length=200)
    start_date: datetime.date | None = TERM_START
    end_date: datetime.date | None = None


class AppointmentPatch(PatchSchema):
    nullable = frozenset({"body", "country", "start_date", "end_date"})
    organization_id: Id | None = None
    role: AppointmentRole | None = None
    body: str | None = Field(None, max_length=60)
    country: str | None = Field(None, max_length=2)
    position: str | None = Field(None, max_length=200)
    start_date: datetime.date | None = TERM_START
    end_date: datetime.date | None = None


class AppointmentCreate(AppointmentIn):
    person_id: Id


def _appointment_fields(data: dict):
    fields = {}
    for key, value in data.items():
        if key == "organization_id":
            fields["organization"] = _organization(value)
        elif key == "body":
            fields["body"] = _body(value)
        elif key == "country":
            fields["country"] = _country(value)
        elif key == "person_id" or (key == "start_date" and value is None):
            continue  # a new term starts today unless told otherwise
        elif value is None and key in ("role", "position"):
            raise ValidationError({key: _("This field cannot be null.")})
        else:
            fields[key] = value
    return fields


class PersonIn(InputSchema):
    given_names: str = Field(..., min_length=1, max_length=150)
    family_names: str = Field(..., min_length=1, max_length=150)
    honorific: str = Field("", max_length=30)
    email: str = email_address("")
    phone_office: str = phone_number("")
    phone_mobile: str = phone_number("")
    languages: list[Language] = Field(default_factory=list, max_length=10)
    visibility: Visibility | None = None
    appointment: AppointmentIn | None = None


class PersonPatch(PatchSchema):
    nullable = frozenset({"visibility"})
    given_names: str | None = Field(None, min_length=1, max_length=150)
    family_names: str | None = Field(None, min_length=1, max_length=150)
    honorific: str | None = Field(None, max_length=30)
    email: str | None = email_address(None)
    phone_office: str | None = phone_number(None)
    phone_mobile: str | None = phone_number(None)
    languages: list[Language] | None = Field(None, max_length=10)
    visibility: Visibility | None = None
    revision: Revision


def _person_fields(data: dict):
    fields = {key: value for key, value in data.items() if key != "appointment"}
    for key in ("given_names", "family_names", "honorific", "email", "phone_office", "phone_mobile", "languages"):
        if key in fields and fields[key] is None:
            raise ValidationError({key: _("This field cannot be null.")})
    if fields.get("visibility") is None:
        fields.pop("visibility", None)
    return fields


class OrganizationIn(InputSchema):
    kind: OrganizationKind
    name_es: str = Field("", max_length=300)
    name_en: str = Field("", max_length=300)
    acronym_es: str = Field("", max_length=30)
    acronym_en: str = Field("", max_length=30)
    country: str | None = Field(None, max_length=2)
    parent_id: Id | None = None
    website: str = Field("", max_length=200, json_schema_extra={"pattern": WEB_ADDRESS_PATTERN})


class OrganizationPatch(PatchSchema):
    nullable = frozenset({"country", "parent_id"})
    kind: OrganizationKind | None = None
    name_es: str | None = Field(None, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    acronym_es: str | None = Field(None, max_length=30)
    acronym_en: str | None = Field(None, max_length=30)
    country: str | None = Field(None, max_length=2)
    parent_id: Id | None = None
    website: str | None = Field(None, max_length=200, json_schema_extra={"pattern": WEB_ADDRESS_PATTERN})
    revision: Revision


def _organization_fields(data: dict):
    fields = {}
    for key, value in data.items():
        if key == "country":
            fields["country"] = _country(value)
        elif key == "parent_id":
            fields["parent"] = _organization(value, "parent_id")
        elif value is None:
            raise ValidationError({key: _("This field cannot be null.")})
        else:
            fields[key] = value
    return fields


class BodyIn(InputSchema):
    conference_id: Id
    kind: BodyKind
    slug: str = Field(..., min_length=1, max_length=60, pattern=r"^[-a-zA-Z0-9_]+$")
    name_es: str = Field("", max_length=300)
    name_en: str = Field("", max_length=300)
    acronym_es: str = Field("", max_length=40)
    acronym_en: str = Field("", max_length=40)
    parent_id: Id | None = None
    order: int = Field(0, ge=0, le=32767)


class BodyPatch(PatchSchema):
    nullable = frozenset({"parent_id"})
    kind: BodyKind | None = None
    name_es: str | None = Field(None, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    acronym_es: str | None = Field(None, max_length=40)
    acronym_en: str | None = Field(None, max_length=40)
    parent_id: Id | None = None
    order: int | None = Field(None, ge=0, le=32767)


def _body_fields(data: dict):
    from .models import Conference

    fields = {}
    for key, value in data.items():
        if key == "conference_id":
            fields["conference"] = Conference.objects.filter(pk=value).first()
            if fields["conference"] is None:
                raise unknown("conference_id", _("Unknown conference: %(id)s.") % {"id": value})
        elif key == "parent_id":
            fields["parent"] = Body.objects.filter(pk=value).first() if value is not None else None
            if value is not None and fields["parent"] is None:
                raise unknown("parent_id", _("Unknown body: %(slug)s.") % {"slug": value})
        elif value is None:
            raise ValidationError({key: _("This field cannot be null.")})
        else:
            fields[key] = value
    return fields


class DirectoryFilter(FilterSchema):
    country: str | None = Field(None, max_length=2, description="ISO 3166 alpha-2 code")
    body: str | None = Field(None, max_length=60, description="Body slug")
    organization: Id | None = Field(None, description="Organization id")
    q: str | None = Field(None, max_length=200, description="Words in names, positions, institutions")
    include_past: bool = False

    def resolve(self):
        """Turn codes into records; unknown ones are a 400, not an empty list."""
        return {
            "country": _country(self.country),
            "body": _body(self.body),
            "organization": _organization(self.organization),
            "q": self.q or "",
            "include_past": self.include_past,
        }


# ---- endpoints -----------------------------------------------------------------------------


@router.get("/countries", response={200: list[CountryOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
def list_countries(request):
    """Member and observer countries."""
    return access.restrict(Country.objects.all(), request.user)


@router.get("/countries/{code}", response={200: CountryOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_country(request, code: str):
    return get_object_or_404(access.restrict(Country.objects.all(), request.user), code=code.upper()[:2])


@router.get("/bodies", response={200: list[BodyOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
def list_bodies(request):
    """The conference's bodies: Vice-Ministerial Meeting, RCGM, networks, working groups."""
    return access.restrict(Body.objects.order_by("order", "pk"), request.user)


@router.get("/bodies/{int:body_id}", response={200: BodyOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_body(request, body_id: Id):
    return get_object_or_404(access.restrict(Body.objects.all(), request.user), pk=body_id)


@router.post("/bodies", response={201: BodyOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_body(request, payload: BodyIn):
    """Add a body (TS only)."""
    return Status(201, services.create_body(acting_user=request.user, **_body_fields(payload.dict())))


@router.patch("/bodies/{int:body_id}", response={200: BodyOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_body(request, body_id: Id, payload: BodyPatch):
    body = get_object_or_404(Body, pk=body_id)
    return services.update_body(body, acting_user=request.user, **_body_fields(payload.dict(exclude_unset=True)))


@router.get("/ppt-periods", response={200: list[PPTPeriodOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
def list_ppt_periods(request):
    """Pro Tempore Presidencies, newest first."""
    return access.restrict(PPTPeriod.objects.select_related("country"), request.user)


@router.get("/organizations", response={200: list[OrganizationOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_organizations(request, country: str | None = Query(None, max_length=2), kind: OrganizationKind | None = None):
    rows = access.restrict(Organization.objects.select_related("country").order_by("pk"), request.user)
    if country:
        rows = rows.filter(country=_country(country))
    if kind:
        rows = rows.filter(kind=kind)
    return rows


@router.get("/organizations/{int:org_id}", response={200: OrganizationOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_organization(request, org_id: Id):
    return get_object_or_404(access.restrict(Organization.objects.select_related("country"), request.user), pk=org_id)


@router.post("/organizations", response={201: OrganizationOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_organization(request, payload: OrganizationIn):
    """Add an organization; officers may add their own country's national institutions."""
    return Status(201, services.create_organization(acting_user=request.user, **_organization_fields(payload.dict())))


@router.patch("/organizations/{int:org_id}", response={200: OrganizationOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_organization(request, org_id: Id, payload: OrganizationPatch):
    org = get_object_or_404(Organization, pk=org_id)
    data = payload.dict(exclude_unset=True)
    revision = data.pop("revision")
    return services.update_organization(org, acting_user=request.user, revision=revision, **_organization_fields(data))


@router.get("/people", response={200: list[PersonOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_people(request, q: str | None = Query(None, max_length=200)):
    """People the caller may see; e-mail and phones for network members only."""
    rows = access.restrict(Person.objects.order_by("family_names", "given_names", "pk"), request.user)
    for word in (q or "").split()[:8]:
        rows = rows.filter(given_names__icontains=word) | rows.filter(family_names__icontains=word)
    return rows


@router.get("/people/{int:person_id}", response={200: PersonOut, **READ_ERRORS}, openapi_extra=READ_SECURITY)
def get_person(request, person_id: Id):
    return get_object_or_404(access.restrict(Person.objects.all(), request.user), pk=person_id)


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def create_person(request, payload: PersonIn):
    """Add a contact with their first term; officers add contacts for their own country."""
    data = payload.dict()
    appointment = _appointment_fields(data["appointment"]) if data.get("appointment") else None
    person = services.create_person(acting_user=request.user, appointment=appointment, **_person_fields(data))
    return Status(201, person)


@router.patch("/people/{int:person_id}", response={200: PersonOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_person(request, person_id: Id, payload: PersonPatch):
    person = get_object_or_404(access.restrict(Person.objects.all(), request.user), pk=person_id)
    return services.update_person(person, acting_user=request.user, **_person_fields(payload.dict(exclude_unset=True)))


@router.get("/appointments", response={200: list[AppointmentOut], **READ_ERRORS}, openapi_extra=READ_SECURITY)
@paginate
def list_appointments(request, filters: Query[DirectoryFilter]):
    """The contact directory: terms with their person and institution, current unless asked."""
    return queries.directory(request.user, **filters.resolve())


@router.get(
    "/appointments/{int:appointment_id}", response={200: AppointmentOut, **READ_ERRORS}, openapi_extra=READ_SECURITY
)
def get_appointment(request, appointment_id: Id):
    rows = access.restrict(Appointment.objects.for_directory(), request.user)
    return get_object_or_404(rows, pk=appointment_id)


@router.post(
    "/appointments",
    response={201: AppointmentOut, 202: AppointmentProposalOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def create_appointment(request, payload: AppointmentCreate):
    """Give a person a term in a role.

    201 with the term when the caller keeps the person (or is the TS); 202 with a proposal when
    the person serves elsewhere: it starts once they (or the TS) accept it.
    """
    person = get_object_or_404(access.restrict(Person.objects.all(), request.user), pk=payload.person_id)
    saved = services.create_appointment(person, acting_user=request.user, **_appointment_fields(payload.dict()))
    if isinstance(saved, AppointmentProposal):
        return Status(202, saved)
    return Status(201, Appointment.objects.for_directory().get(pk=saved.pk))


def _proposals(user):
    rows = AppointmentProposal.objects.select_related("organization__country", "body", "country")
    return access.restrict(rows, user)


@router.get("/appointment-proposals", response={200: list[AppointmentProposalOut], **READ_ERRORS}, auth=WRITE_AUTH)
@paginate
def list_appointment_proposals(request, pending: bool = True):
    """Terms proposed to the caller or by the caller (all of them for the TS); pending ones unless asked."""
    rows = _proposals(request.user).order_by("-created_at", "-pk")
    return rows.filter(decided_at=None) if pending else rows


@router.post(
    "/appointment-proposals/{int:proposal_id}/accept",
    response={200: AppointmentProposalOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def accept_appointment_proposal(request, proposal_id: Id):
    """Accept a term proposed to you (or, for the TS, to anyone): it starts as proposed."""
    proposal = get_object_or_404(_proposals(request.user), pk=proposal_id)
    return services.decide_proposal(proposal, acting_user=request.user, accept=True)


@router.post(
    "/appointment-proposals/{int:proposal_id}/decline",
    response={200: AppointmentProposalOut, **WRITE_ERRORS},
    auth=WRITE_AUTH,
)
def decline_appointment_proposal(request, proposal_id: Id):
    """Decline a term proposed to you."""
    proposal = get_object_or_404(_proposals(request.user), pk=proposal_id)
    return services.decide_proposal(proposal, acting_user=request.user, accept=False)


@router.patch("/appointments/{int:appointment_id}", response={200: AppointmentOut, **WRITE_ERRORS}, auth=WRITE_AUTH)
def update_appointment(request, appointment_id: Id, payload: AppointmentPatch):
    appointment = get_object_or_404(
        access.restrict(Appointment.objects.for_directory(), request.user), pk=appointment_id
    )
    fields = _appointment_fields(payload.dict(exclude_unset=True))
    appointment = services.update_appointment(appointment, acting_user=request.user, **fields)
    return Appointment.objects.for_directory().get(pk=appointment.pk)
