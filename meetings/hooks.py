"""How meetings plug into the rest of Enlace: fulfilment, my work, site search."""

from urllib.parse import urlencode

from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from circulation import extensions
from core import access, fulfilment, mywork, search
from core.i18n import localized

from .access import actor_q, follows_every_actor, has_own_commitments
from .models import (
    OPEN_STATUSES,
    ActorKind,
    Agreement,
    Commitment,
    CommitmentActor,
    CommitmentStatus,
    Consultation,
    Meeting,
    ReportStatus,
)
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


@extensions.register
def consultation_links(circulars, user):
    """On a consultation's circular: "Read the draft and give your position" (the consultation's page)."""
    if not access.sees_members_only(user):
        return {}
    rows = access.restrict(Consultation.objects.filter(circular__in=[c.pk for c in circulars]), user)
    label = _("Read the draft and give your position")
    return {row.circular_id: [extensions.CircularLink(label, row.get_absolute_url())] for row in rows}


def _fulfil(commitment, *, by, acting_user):
    return fulfil_commitment(commitment, by=by, acting_user=acting_user)


fulfilment.register_fulfiller(Commitment, _fulfil)
fulfilment.register_fulfiller(Commitment, _fulfil)


@fulfilment.register_searcher
def open_commitments(user, words, limit=20):
    """Open commitments the user may mark done (their country's, organization's, the PPT's; every one for
    the TS) whose action holds every word, soonest due first."""
    from .access import UPDATE_STATUS

    rows = access.restrict(Commitment.objects.open().select_related("meeting", "agreement"), user)
    if not access.acts_for_whole_network(user):
        ours = CommitmentActor.objects.filter(commitment=OuterRef("pk"), status__in=OPEN_STATUSES)
        rows = rows.filter(Exists(ours.filter(actor_q(access.principal_for(user)))))
    for word in words:
        rows = rows.filter(Q(action_es__icontains=word) | Q(action_en__icontains=word) | Q(agreement__number=word))
    found = []
    for row in rows.order_by(F("due_by").asc(nulls_last=True), "pk")[: limit * 2]:
        if access.can(user, UPDATE_STATUS, row):
            label = f"{row.agreement.ref} · {localized(row, 'action')[:160]} ({localized(row.meeting, 'title')})"
            found.append((fulfilment.reference_of(row), label))
    return found[:limit]


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
            title=localized(row, "action"),
            url=row.get_absolute_url(),
            due=row.due_by,
            detail=f"{localized(row.meeting, 'title')} · {row.agreement.ref}",
            overdue=row.due_by is not None and row.due_by < today,
        )
        for row in rows
    ]


def _board_url(**filters):
    return reverse("meetings:board") + "?" + urlencode(filters)


STATUS_TONES = {
    CommitmentStatus.PENDING: "pending",
    CommitmentStatus.IN_PROGRESS: "progress",
    CommitmentStatus.DONE: "done",
    CommitmentStatus.DROPPED: "dropped",
}


@mywork.register_figures
def commitment_figures(user):
    """A member's own commitments by status; for the TS and the PPT, open and overdue ones per actor.

    Each count is the follow-up board's own count for the filters its link carries.
    """
    from . import queries

    principal = access.principal_for(user)
    if not access.sees_members_only(principal):
        return []
    figures = []
    if has_own_commitments(principal):
        counted = {
            status: queries.board(user, ours=True, status=status).order_by().count()
            for status in [*STATUS_TONES, "overdue"]
        }
        segments = [
            mywork.Segment(label, counted[status], _board_url(ours="on", status=status), STATUS_TONES[status])
            for status, label in CommitmentStatus.choices
        ]
        bar = mywork.Bar(_("Ours"), segments, _board_url(ours="on", status=""))
        note = ngettext("%(count)s overdue", "%(count)s overdue", counted["overdue"]) % {"count": counted["overdue"]}
        figures.append(
            mywork.Figure(
                _("Our commitments by status"),
                [bar] if bar.total else [],
                url=_board_url(ours="on", status="overdue"),
                note=note,
                order=10,
            )
        )
    if follows_every_actor(principal):
        figures.append(mywork.Figure(_("Open commitments per actor"), _open_per_actor(user), order=20))
    return figures


def _open_per_actor(user, limit=15):
    """Open and overdue commitments per actor, in one query: what the board shows for `actor=…`."""
    from network.models import Country, Organization

    today = timezone.localdate()
    open_rows = access.restrict(Commitment.objects.filter(status__in=OPEN_STATUSES), user)
    counts = (
        CommitmentActor.objects.filter(commitment__in=open_rows.values("pk"))
        .values("kind", "country_id", "organization_id")
        .annotate(
            open=Count("commitment", distinct=True),
            overdue=Count("commitment", distinct=True, filter=Q(commitment__due_by__lt=today)),
        )
    )
    counts = list(counts)
    countries = Country.objects.in_bulk([row["country_id"] for row in counts if row["country_id"]])
    organizations = Organization.objects.in_bulk([row["organization_id"] for row in counts if row["organization_id"]])
    bars = []
    for row in counts:
        if row["kind"] == ActorKind.COUNTRY and row["country_id"] in countries:
            country = countries[row["country_id"]]
            label, actor = country.name, f"country:{country.code.code}"
        elif row["kind"] == ActorKind.ORGANIZATION and row["organization_id"] in organizations:
            label, actor = organizations[row["organization_id"]].short_name, f"org:{row['organization_id']}"
        elif row["kind"] in (ActorKind.TS, ActorKind.PPT):
            label, actor = ActorKind(row["kind"]).label, row["kind"]
        else:
            continue
        segments = [
            mywork.Segment(_("overdue"), row["overdue"], _board_url(actor=actor, status="overdue"), "overdue"),
            mywork.Segment(_("on time"), row["open"] - row["overdue"], "", "progress"),
        ]
        bars.append(mywork.Bar(str(label), segments, _board_url(actor=actor, status="open")))
    bars.sort(key=lambda bar: (-bar.segments[0].count, -bar.total, search.fold(bar.label)))
    return bars[:limit]


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
