"""How meetings plug into the rest of Enlace: fulfilment, my work, site search."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from circulation import extensions
from core import access, fulfilment, mywork, search
from core.i18n import localized

from .access import actor_q
from .models import OPEN_STATUSES, Agreement, Commitment, CommitmentActor, Meeting, ReportStatus
from .services import fulfil_commitment

MY_WORK_LIMIT = 50


@extensions.register
def convocation_links(circulars, user):
    """On a meeting's convocation: "Register your delegation" for the countries' officers (and the TS)."""
    principal = access.principal_for(user)
    whole = access.acts_for_whole_network(principal)
    if not (whole or principal.officer_countries):
        return {}
    meetings = access.restrict(Meeting.objects.filter(convocation__in=[c.pk for c in circulars]), user)
    links = {}
    for meeting in meetings:
        if meeting.has_started():
            continue
        label = _("Delegations to the meeting") if whole else _("Register your delegation")
        url = reverse("meetings:delegates", args=[meeting.pk])
        links[meeting.convocation_id] = [extensions.CircularLink(label, url)]
    return links


def _fulfil(commitment, *, by, acting_user):
    return fulfil_commitment(commitment, by=by, acting_user=acting_user)


fulfilment.register_fulfiller(Commitment, _fulfil)


@mywork.register
def commitments_due(user):
    """Open commitments whose actor is the user's country, organization, the TS or the PPT."""
    principal = access.principal_for(user)
    if not access.sees_members_only(principal):
        return []
    today = timezone.localdate()
    rows = (
        access.restrict(Commitment.objects.open().select_related("meeting", "agreement"), user)
        .filter(
            Exists(
                CommitmentActor.objects.filter(commitment=OuterRef("pk"), status__in=OPEN_STATUSES).filter(
                    actor_q(principal)
                )
            )
        )
        .order_by("due_by", "pk")[:MY_WORK_LIMIT]
    )
    return [
        mywork.WorkItem(
            kind=_("Commitment"),
            title=localized(row, "action")[:200],
            url=row.get_absolute_url(),
            due=row.due_by,
            detail=f"{localized(row.meeting, 'title')} · {row.agreement.ref}",
            overdue=row.due_by is not None and row.due_by < today,
        )
        for row in rows
    ]


@search.register
def search_meetings(user, words):
    rows = access.restrict(Meeting.objects.select_related("body"), user)
    for word in words:
        rows = rows.filter(search.matches(word, "title_es", "title_en", "place", "mandate_es", "mandate_en"))
    return [
        search.SearchResult(
            _("Meeting"),
            localized(meeting, "title"),
            meeting.get_absolute_url(),
            f"{meeting.start_date.isoformat()} · {localized(meeting.body, 'name')}",
        )
        for meeting in rows.order_by("-start_date")[: search.PER_PROVIDER]
    ]


@search.register
def search_agreements(user, words):
    # The current text of each report: approved versions, and drafts for those who may read drafts.
    rows = access.restrict(Agreement.objects.select_related("version__meeting"), user).exclude(
        version__status=ReportStatus.SUPERSEDED
    )
    for word in words:
        rows = rows.filter(search.matches(word, "text_es", "text_en"))
    results = []
    for agreement in rows.order_by("-version__meeting__start_date", "position", "sub_position")[: search.PER_PROVIDER]:
        meeting = agreement.version.meeting
        results.append(
            search.SearchResult(
                _("Agreement"),
                f"{agreement.ref}. {localized(agreement, 'text')[:140]}",
                f"{meeting.get_absolute_url()}#agreement-{agreement.pk}",
                f"{localized(meeting, 'title')} · {meeting.start_date.isoformat()}",
            )
        )
    return results
