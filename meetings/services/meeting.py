"""Meetings: create, change, publish, delete; their agenda and documents."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core import access
from core.audit import acting_as
from core.refusals import STATE, refusal
from core.services import assign
from core.uploads import check_upload

from ..models import (
    AgendaItem,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    ReportStatus,
)
from .common import MEETING_FIELDS, checked_off

# ---- meetings ------------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    *,
    acting_user: Any,
    delegations: Iterable[Any] | None = None,
    organizations: Iterable[Any] | None = None,
    **fields: Any,
) -> Meeting:
    """Add a meeting of a body (a draft until published)."""
    access.require_create(acting_user, Meeting)
    with acting_as(acting_user):
        meeting = Meeting()
        assign(meeting, fields, MEETING_FIELDS)
        meeting.full_clean()
        meeting.save()
        if delegations is not None:
            meeting.delegations.set(delegations)
        if organizations is not None:
            meeting.organizations.set(organizations)
    return meeting


@transaction.atomic
def update_meeting(
    meeting: Meeting,
    *,
    acting_user: Any,
    delegations: Iterable[Any] | None = None,
    organizations: Iterable[Any] | None = None,
    **fields: Any,
) -> Meeting:
    """Change a meeting's details, delegations present and organizations present."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        corrected = [f"field:{name}" for name in fields]  # seen and saved by a person
        assign(meeting, fields, MEETING_FIELDS)
        meeting.full_clean()
        meeting.save()
        if delegations is not None:
            meeting.delegations.set(delegations)
            corrected.append("field:delegations")
        if organizations is not None:
            meeting.organizations.set(organizations)
        checked_off(meeting.pk, *corrected)
    return meeting


@transaction.atomic
def publish_meeting(meeting: Meeting, *, acting_user: Any) -> Meeting:
    """Publish a reviewed meeting: it becomes visible according to its visibility."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.duplicate_of_id:
            raise ValidationError(
                _(
                    "This report seems to be already in Enlace (%(other)s): on the review page, add it as the "
                    "other language of that meeting, replace that meeting's draft, or keep it as a new meeting first."
                )
                % {"other": meeting.duplicate_of}
            )
        meeting.status = MeetingStatus.PUBLISHED
        meeting.full_clean()
        meeting.save()
    return meeting


@transaction.atomic
def unpublish_meeting(meeting: Meeting, *, acting_user: Any) -> Meeting:
    """Take a published meeting back to draft: only the TS sees it (and its commitments) again."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if not meeting.is_published:
            raise refusal(STATE, _("This meeting is not published."))
        meeting.status = MeetingStatus.DRAFT
        meeting.save()
    return meeting


@transaction.atomic
def delete_meeting(meeting: Meeting, *, acting_user: Any) -> None:
    """Delete a draft meeting with its reports, agreements and commitments (a duplicate import, say).

    A published meeting is unpublished first; a meeting whose report was approved, or that
    other reports name as the RCGM meeting that decided their recommendations, stays.
    """
    access.require(acting_user, access.DELETE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_published:
        raise refusal(STATE, _("Unpublish the meeting before deleting it."))
    if meeting.reports.exclude(status=ReportStatus.DRAFT).exists():
        raise refusal(STATE, _("This meeting has an approved report: it is part of the record and cannot be deleted."))
    if meeting.rcgm_decisions.exists():
        raise refusal(STATE, _("Other reports name this meeting as the RCGM meeting that decided them."))
    with acting_as(acting_user):
        # Commitments protect their agreements: remove them first, each with its audit entry.
        for commitment in meeting.commitments.all():
            commitment.delete()
        meeting.delete()


@transaction.atomic
def add_agenda_item(meeting: Meeting, *, acting_user: Any, **fields: Any) -> AgendaItem:
    """Add a point to a meeting's agenda, at the end."""
    access.require(acting_user, access.CHANGE, meeting)
    with acting_as(acting_user):
        item = AgendaItem(meeting=meeting)
        assign(item, fields, ("title_es", "title_en", "presenter"))
        item.position = (meeting.agenda.aggregate(m=Max("position"))["m"] or 0) + 1
        item.full_clean()
        item.save()
    return item


@transaction.atomic
def remove_agenda_item(item: AgendaItem, *, acting_user: Any) -> None:
    """Remove a point from a meeting's agenda."""
    access.require(acting_user, access.DELETE, item)
    with acting_as(acting_user):
        item.delete()


@transaction.atomic
def attach_document(
    meeting: Meeting, file: Any, *, acting_user: Any, title: str, kind: str = "other"
) -> MeetingDocument:
    """Attach a presentation, concept note or other document, checked by core.uploads."""
    access.require(acting_user, access.CHANGE, meeting)
    checked = check_upload(file)
    file.name = checked.name
    with acting_as(acting_user):
        document = MeetingDocument(meeting=meeting, kind=kind, title=title, file=file, uploaded_by=acting_user)
        document.full_clean()
        document.save()
    return document


@transaction.atomic
def remove_document(document: MeetingDocument, *, acting_user: Any) -> None:
    access.require(acting_user, access.DELETE, document)
    with acting_as(acting_user):
        document.delete()
