"""Convening a meeting through a circular, and the delegations countries register for it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from core.forms import add_service_errors
from network.models import Country

from .. import queries, services
from ..forms import DelegateForm
from ..models import Delegate, Meeting


@login_required
@require_POST
def meeting_convene(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    access.require(request.user, access.CHANGE, meeting)
    try:
        circular = services.convene_meeting(meeting, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(meeting)
    messages.success(
        request, _("The convocation is drafted. Check its recipients and text, then send it from the circular's page.")
    )
    return redirect(circular)


@login_required
def delegates(request, pk):
    meeting = get_object_or_404(Meeting.objects.select_related("body", "convocation"), pk=pk)
    access.require(request.user, access.VIEW, meeting)
    access.require_member(request.user)
    countries = queries.countries_registering(request.user, meeting)
    form = DelegateForm(request.POST or None, countries=countries)
    status = 200
    if request.method == "POST":
        code = (request.POST.get("country") or "").upper()[:2]
        country = Country.objects.filter(code=code).first()
        # Refuse (403) before reading the rest: a country's officers register their own delegation only.
        access.require_create(request.user, Delegate, meeting=meeting, country=country)
        if form.is_valid():
            fields = {key: form.cleaned_data[key] for key in ("name", "position", "institution", "email")}
            try:
                services.register_delegate(meeting, country, acting_user=request.user, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Delegate registered."))
                return redirect("meetings:delegates", pk=meeting.pk)
        status = 400
    context = {
        "meeting": meeting,
        "form": form if countries and not meeting.has_started() else None,
        "started": meeting.has_started(),
        "delegates": queries.delegates(request.user, meeting),
    }
    return render(request, "meetings/delegates.html", context, status=status)
