"""Pages of the network directory. Views parse, ask core.access, call services, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import services as account_services
from accounts.access import SET_SIGN_IN_EMAIL
from accounts.forms import SetAccountEmailForm
from core import access, documents
from core.audit import history_for
from core.forms import add_service_errors
from core.pagecache import public_page
from core.replica import public_reads

from . import exports, queries, services
from .access import ASSIGN_TERM, CHANGE_VISIBILITY, INVITE, VIEW_CONTACT
from .forms import AppointmentForm, DirectoryFilterForm, OrganizationForm, PersonForm
from .models import Appointment, AppointmentProposal, Body, Country, Organization, Person

PAGE_SIZE = 50


@public_page
def home(request):
    return render(request, "network/home.html", queries.home())


@public_page
def body_detail(request, slug):
    body = get_object_or_404(Body.objects.select_related("conference", "parent"), slug=slug)
    officers = queries.directory(request.user, body=body)
    return render(
        request,
        "network/body_detail.html",
        {
            "body": body,
            "officers": officers,
            "children": body.children.all(),
            "history": history_for(request.user, body),
        },
    )


@public_page
def country_detail(request, code):
    country = get_object_or_404(Country, code=code.upper())
    context = queries.country_page(request.user, country)
    context.update(
        country=country,
        show_contacts=access.sees_members_only(request.user),
        can_add_contact=access.can_create(request.user, Person, country=country),
        can_add_institution=access.can_create(request.user, Organization, country=country, kind="national_institution"),
        history=history_for(request.user, country),
    )
    return render(request, "network/country_detail.html", context)


@public_page
@public_reads
def organization_list(request):
    orgs = Organization.objects.select_related("country", "parent").order_by("kind", "name_es", "name_en")
    return render(
        request,
        "network/organization_list.html",
        {"organizations": orgs, "can_add": access.can_create(request.user, Organization)},
    )


@public_page
def organization_detail(request, pk):
    org = get_object_or_404(Organization.objects.select_related("country", "parent"), pk=pk)
    return render(
        request,
        "network/organization_detail.html",
        {
            "organization": org,
            "groups": queries.organization_contacts(request.user, org),
            "units": org.units.select_related("country"),
            "show_contacts": access.sees_members_only(request.user),
            "can_change": access.can(request.user, access.CHANGE, org),
            "history": history_for(request.user, org),
        },
    )


@login_required
def organization_edit(request, pk=None):
    org = get_object_or_404(Organization, pk=pk) if pk else None
    if org is not None:
        access.require(request.user, access.CHANGE, org)
    elif not access.can_create(request.user, Organization, country=access.ANY, kind="national_institution"):
        access.refuse(request.user, access.CREATE, Organization)
    form = OrganizationForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if org is None:
                fields = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
                org = services.create_organization(acting_user=request.user, **fields)
            else:
                org = services.update_organization(org, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(org)
    return render(request, "network/organization_form.html", {"form": form, "organization": org})


@login_required
def directory(request):
    access.require_member(request.user)
    form = DirectoryFilterForm(request.GET or None)
    rows = queries.directory(request.user, **form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_add": access.can_create(request.user, Person, country=access.ANY),
    }
    template = "network/directory.html#results" if request.htmx else "network/directory.html"
    return render(request, template, context)


@login_required
def directory_export(request, fmt):
    access.require_member(request.user)
    form = DirectoryFilterForm(request.GET or None)
    rows = queries.directory(request.user, **form.filters())
    if fmt not in exports.FORMATS:
        raise Http404
    with translation.override(documents.language_of(request)):  # one language per document (?lang=es|en)
        return exports.FORMATS[fmt](rows)


def person_detail(request, pk):
    person = get_object_or_404(Person.objects.select_related("user"), pk=pk)
    access.require(request.user, access.VIEW, person)
    return render(
        request,
        "network/person_detail.html",
        {
            "person": person,
            "appointments": queries.person_detail(request.user, person),
            "show_contacts": access.can(request.user, VIEW_CONTACT, person),
            "can_change": access.can(request.user, access.CHANGE, person),
            "can_invite": access.can(request.user, INVITE, person)
            and not (person.user and person.user.has_usable_password()),
            "can_add_term": access.can_create(request.user, Appointment, country=access.ANY),
            "assigns_terms": access.can(request.user, ASSIGN_TERM, person),
            "proposals": queries.pending_proposals(request.user, person),
            "is_self": person.user_id is not None and person.user_id == request.user.pk,
            "can_set_sign_in_email": person.user is not None
            and access.can(request.user, SET_SIGN_IN_EMAIL, person.user),
            "history": history_for(request.user, person),
        },
    )


@login_required
def person_vcard(request, pk):
    person = get_object_or_404(Person, pk=pk)
    access.require(request.user, access.VIEW, person)
    access.require(request.user, VIEW_CONTACT, person)
    rows = queries.person_detail(request.user, person)
    return exports.vcard_response([row for row in rows if row.is_current], person=person)


@login_required
def person_edit(request, pk):
    person = get_object_or_404(Person, pk=pk)
    access.require(request.user, access.CHANGE, person)
    form = PersonForm(
        request.POST or None,
        instance=person,
        can_set_visibility=access.can(request.user, CHANGE_VISIBILITY, person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(person, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(person)
    return render(request, "network/person_form.html", {"form": form, "person": person})


@login_required
def person_create(request):
    if not access.can_create(request.user, Person, country=access.ANY):
        access.refuse(request.user, access.CREATE, Person)
    initial = {}
    if request.GET.get("country"):
        initial["country"] = Country.objects.filter(code=request.GET["country"].upper()[:2]).first()
    person_form = PersonForm(request.POST or None, prefix="person")
    appointment_form = AppointmentForm(request.POST or None, prefix="term", user=request.user, initial=initial)
    if request.method == "POST" and person_form.is_valid() and appointment_form.is_valid():
        try:
            person = services.create_person(
                acting_user=request.user, appointment=appointment_form.cleaned_data, **person_form.cleaned_data
            )
        except ValidationError as error:
            _split_errors(error, person_form, appointment_form)
        else:
            messages.success(request, _("Contact added."))
            return redirect(person)
    return render(
        request, "network/person_create.html", {"person_form": person_form, "appointment_form": appointment_form}
    )


def _split_errors(error, person_form, appointment_form):
    """Show a service error on whichever of the two forms owns the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form = appointment_form if field in appointment_form.fields else person_form
            add_service_errors(form, ValidationError({field: errors}))
    else:
        add_service_errors(person_form, error)


@login_required
def appointment_edit(request, person_pk, pk=None):
    person = get_object_or_404(Person, pk=person_pk)
    appointment = get_object_or_404(Appointment, pk=pk, person=person) if pk else None
    if appointment is not None:
        access.require(request.user, access.CHANGE, appointment)
    else:
        access.require(request.user, access.VIEW, person)
        if not access.can_create(request.user, Appointment, country=access.ANY):
            access.refuse(request.user, access.CREATE, Appointment)
    form = AppointmentForm(request.POST or None, instance=appointment, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if appointment is None:
                saved = services.create_appointment(person, acting_user=request.user, **form.cleaned_data)
            else:
                saved = services.update_appointment(appointment, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if isinstance(saved, AppointmentProposal):
                messages.success(
                    request,
                    _("Term proposed: it starts once %(name)s (or the Technical Secretariat) accepts it.")
                    % {"name": person.full_name},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(person)
    context = {
        "form": form,
        "person": person,
        "appointment": appointment,
        "proposes": appointment is None and not access.can(request.user, ASSIGN_TERM, person),
    }
    return render(request, "network/appointment_form.html", context)


@login_required
@require_POST
def proposal_decide(request, pk):
    """Accept or decline a proposed term (its person or the TS)."""
    proposal = get_object_or_404(AppointmentProposal.objects.select_related("person"), pk=pk)
    access.require(request.user, access.CHANGE, proposal)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_proposal(proposal, acting_user=request.user, accept=accept)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Term accepted: it is now on the record.") if accept else _("Term declined."))
    return redirect(proposal.person)


@login_required
@require_POST
def person_invite(request, pk):
    from accounts.services import invite_person

    person = get_object_or_404(Person, pk=pk)
    access.require(request.user, INVITE, person)
    try:
        invite_person(person, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
    return redirect(person)


@login_required
def set_sign_in_email(request, person_pk):
    """The TS sets the sign-in e-mail of a person's account (for someone who lost their mailbox)."""
    person = get_object_or_404(Person.objects.select_related("user"), pk=person_pk, user__isnull=False)
    access.require(request.user, SET_SIGN_IN_EMAIL, person.user)
    form = SetAccountEmailForm(request.POST or None, initial={"email": person.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            account_services.set_account_email(person.user, form.cleaned_data["email"], acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Sign-in e-mail saved; both addresses were told."))
            return redirect(person)
    return render(request, "accounts/set_sign_in_email.html", {"form": form, "person": person})
