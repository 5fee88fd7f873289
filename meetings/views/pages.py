"""Meeting pages: list, calendar, detail, editing, documents, calendar feeds."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import access
from core.confirm import confirmation
from core.downloads import stored_file_response
from core.forms import add_service_errors
from core.models import AuditEntry
from core.pagecache import public_page

from .. import consulting, ical, queries, services
from ..access import VIEW_DRAFT, VIEW_LINK
from ..forms import AgendaItemForm, DocumentForm, MeetingFilterForm, MeetingForm
from ..models import CalendarFeed, Meeting, MeetingDocument, ReportStatus

PAGE_SIZE = 30


def history_for(user, obj):
    """The audit entries of `obj` for the TS, else None."""
    if not access.sees_history(user):
        return None
    return list(AuditEntry.objects.for_object(obj)[:100])


@public_page(clock=True)
def meeting_list(request):
    form = MeetingFilterForm(request.GET or None)
    rows = queries.meetings(request.user, **form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_add": access.can_create(request.user, Meeting),
        "today": timezone.localdate(),
    }
    template = "meetings/list.html#results" if request.htmx else "meetings/list.html"
    return render(request, template, context)


@public_page(clock=True)
def meeting_calendar(request):
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        first = datetime.date(year, month, 1)
    except (TypeError, ValueError):
        first = today.replace(day=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "meetings/calendar.html",
        {
            "month": first,
            "weeks": queries.month_weeks(request.user, first.year, first.month),
            "previous": previous,
            "following": following,
            "today": today,
        },
    )


@public_page(clock=True)
def meeting_detail(request, pk, number=None):
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    access.require(request.user, access.VIEW, meeting)
    shown, _versions = queries.shown_version(request.user, meeting, number)
    if number is not None and shown is None:
        raise Http404
    # A big report reads a page of agreements at a time, with the first commitments of each.
    page, positions = queries.agreement_page(shown, request.GET.get("page"), queries.MEETING_PAGE)
    context = queries.meeting_detail(
        request.user, meeting, number, positions=positions, commitments_shown=queries.COMMITMENTS_SHOWN
    )
    query = request.GET.copy()
    query.pop("page", None)
    context.update(agreement_page=page, page_query=query.urlencode())
    version = context["version"]
    context.update(
        meeting=meeting,
        can_change=access.can(request.user, access.CHANGE, meeting),
        show_link=access.can(request.user, VIEW_LINK, meeting),
        can_view_draft=access.can(request.user, VIEW_DRAFT, meeting),
        is_old_version=version is not None and version.status == ReportStatus.SUPERSEDED,
        has_draft=any(v.status == ReportStatus.DRAFT for v in context["versions"]),
        history=history_for(request.user, meeting),
        consultation=consulting.latest(request.user, version),
    )
    # Delegates' names are for network members; the public sees the countries (delegations present).
    if access.sees_members_only(request.user) and meeting.is_published:
        context.update(
            show_delegates=True,
            delegates=queries.delegates(request.user, meeting),
            can_register=bool(queries.countries_registering(request.user, meeting)),
        )
    if context["can_change"] and meeting.convocation_id:
        context["convocation"] = meeting.convocation
    return render(request, "meetings/detail.html", context)


@login_required
def meeting_edit(request, pk=None):
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    if meeting is not None:
        access.require(request.user, access.CHANGE, meeting)
    else:
        access.require_create(request.user, Meeting)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        delegations, organizations, fields = form.service_fields()
        try:
            if meeting is None:
                meeting = services.create_meeting(
                    acting_user=request.user, delegations=delegations, organizations=organizations, **fields
                )
            else:
                meeting = services.update_meeting(
                    meeting, acting_user=request.user, delegations=delegations, organizations=organizations, **fields
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})


@login_required
@require_POST
def meeting_publish(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    access.require(request.user, access.CHANGE, meeting)
    page = confirmation(
        request,
        title=_("Publish “%(title)s”?") % {"title": meeting},
        lines=[
            _("The meeting, its agenda and its documents become visible to: %(audience)s.")
            % {"audience": meeting.get_visibility_display()},
            _("Its commitments appear on the follow-up boards of their actors."),
        ],
        button=_("Publish"),
        cancel=meeting.get_absolute_url(),
    )
    if page:
        return page
    try:
        services.publish_meeting(meeting, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("meetings:review", pk=meeting.pk)
    messages.success(request, _("The meeting is published."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_unpublish(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    access.require(request.user, access.CHANGE, meeting)
    page = confirmation(
        request,
        title=_("Unpublish “%(title)s”?") % {"title": meeting},
        lines=[
            _("Only the Technical Secretariat will see the meeting, its report and its commitments."),
            _("They leave the follow-up boards, the calendar and the RCGM pack until it is published again."),
        ],
        button=_("Unpublish"),
        cancel=meeting.get_absolute_url(),
    )
    if page:
        return page
    try:
        services.unpublish_meeting(meeting, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The meeting is a draft again."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_delete(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    access.require(request.user, access.DELETE, meeting)
    page = confirmation(
        request,
        title=_("Delete “%(title)s”?") % {"title": meeting},
        lines=[
            _("The meeting is deleted with its agenda, documents, draft report, agreements and commitments."),
            _("The audit trail keeps a record of what was deleted and by whom."),
        ],
        button=_("Delete"),
        cancel=meeting.get_absolute_url(),
        danger=True,
    )
    if page:
        return page
    try:
        services.delete_meeting(meeting, acting_user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(meeting)
    messages.success(request, _("The meeting was deleted."))
    return redirect("meetings:list")


@login_required
def agenda_add(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    access.require(request.user, access.CHANGE, meeting)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_agenda_item(meeting, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Agenda item added."))
            return redirect(meeting)
    return render(
        request, "meetings/simple_form.html", {"form": form, "meeting": meeting, "title": _("Add an agenda item")}
    )


@login_required
def document_add(request, pk):
    meeting = get_object_or_404(Meeting, pk=pk)
    access.require(request.user, access.CHANGE, meeting)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_document(
                meeting,
                form.cleaned_data["file"],
                acting_user=request.user,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document attached."))
            return redirect(meeting)
    return render(
        request,
        "meetings/simple_form.html",
        {"form": form, "meeting": meeting, "title": _("Attach a document"), "multipart": True},
    )


@login_required
def document_download(request, pk):
    document = get_object_or_404(MeetingDocument.objects.select_related("meeting"), pk=pk)
    access.require(request.user, access.VIEW, document)
    return stored_file_response(document.file)


# ---- calendar feeds ------------------------------------------------------------------------


@login_required
def feeds(request):
    """The user's secret calendar addresses: make one (shown once), revoke one."""
    new_url = None
    if request.method == "POST":
        if request.POST.get("revoke"):
            feed = get_object_or_404(CalendarFeed, pk=request.POST["revoke"])
            services.revoke_calendar_feed(feed, acting_user=request.user)
            messages.success(request, _("That calendar address no longer works."))
            return redirect("meetings:feeds")
        _feed, raw = services.create_calendar_feed(request.user)
        new_url = request.build_absolute_uri(f"/meetings/calendar/{raw}.ics")
    rows = access.restrict(CalendarFeed.objects.all(), request.user)
    return render(request, "meetings/feeds.html", {"feeds": rows, "new_url": new_url})


def ical_feed(request, key):
    """The calendar of the feed's owner, at its secret address; a revoked or unknown key is a 404."""
    feed = services.feed_for_key(key)
    if feed is None:
        raise Http404
    response = HttpResponse(ical.calendar_bytes(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="enlace.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
