"""Reads shared by pages, the API and the reminders: who a recipient is today, boards, inboxes."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import access
from network.models import OFFICER_ROLES, Appointment, Country, Organization, Person

from .access import VIEW_BOARD, recipient_match
from .models import Circular, CircularRecipient, CircularStatus, Reply


def people_of(recipients: Iterable[CircularRecipient], on: datetime.date | None = None) -> dict[int, list[Person]]:
    """Return {recipient_id: [Person, …]}: who receives each recipient's circulars today.

    A country: its current liaison officers (principal and alternate). An organization: its
    current staff and contact points. A person: that person. People come with their account.
    """
    recipients = list(recipients)
    countries = {r.country_id for r in recipients if r.country_id}
    orgs = {r.organization_id for r in recipients if r.organization_id}
    named = {r.person_id for r in recipients if r.person_id}
    by_country: defaultdict[int, dict[int, Person]] = defaultdict(dict)
    by_org: defaultdict[int, dict[int, Person]] = defaultdict(dict)
    if countries or orgs:
        terms = (
            Appointment.objects.current(on)
            .filter(Q(country_id__in=countries, role__in=OFFICER_ROLES) | Q(organization_id__in=orgs))
            .select_related("person__user")
            .order_by("person__family_names", "person__given_names", "pk")
        )
        for term in terms:
            if term.country_id in countries and term.role in OFFICER_ROLES:
                by_country[term.country_id][term.person_id] = term.person
            if term.organization_id in orgs:
                by_org[term.organization_id][term.person_id] = term.person
    people = Person.objects.select_related("user").in_bulk(named) if named else {}
    result = {}
    for r in recipients:
        if r.country_id:
            result[r.pk] = list(by_country[r.country_id].values())
        elif r.organization_id:
            result[r.pk] = list(by_org[r.organization_id].values())
        else:
            result[r.pk] = [people[r.person_id]] if r.person_id in people else []
    return result


def users_of(recipients: Iterable[CircularRecipient], on: datetime.date | None = None) -> dict[int, list[Any]]:
    """Return {recipient_id: [active User, …]} of the people each recipient resolves to today."""
    return {
        rid: [p.user for p in people if p.user is not None and p.user.is_active]
        for rid, people in people_of(recipients, on).items()
    }


def visible_circulars(user: Any) -> QuerySet[Circular]:
    return access.restrict(Circular.objects.select_related("created_by__person"), user)


def circular_list(user: Any, *, status: str | None = None) -> QuerySet[Circular]:
    rows = visible_circulars(user).annotate(
        recipient_count=Count("recipients", distinct=True),
        replied_count=Count("recipients", filter=Q(recipients__last_reply_at__isnull=False), distinct=True),
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-sent_at", "-created_at", "-id")


def circular_detail(user: Any, circular: Circular) -> dict[str, Any]:
    """What the circular's page shows this user: attachments, their own recipients, replies they may read."""
    principal = access.principal_for(user)
    recipients = list(circular.recipients.with_parties())
    mine = [r for r in recipients if circular.is_sent and r.includes(principal)]
    replies = access.restrict(
        Reply.objects.filter(circular=circular).select_related(
            "recipient__country", "recipient__organization", "recipient__person", "author__person"
        ),
        user,
    ).prefetch_related("attachments")
    return {
        "attachments": list(circular.attachments.all()),
        "my_recipients": mine,
        "replies": list(replies),
        "can_board": access.can(user, VIEW_BOARD, circular),
    }


@dataclass
class BoardRow:
    recipient: CircularRecipient
    people: list
    state: str
    overdue: bool
    replies: int


def board(circular: Circular, today: datetime.date | None = None) -> tuple[list[BoardRow], dict[str, int]]:
    """Every recipient's state: read, acknowledged, replied, overdue — with whom it reaches today."""
    today = today or timezone.localdate()
    recipients = list(
        circular.recipients.with_parties()
        .select_related("first_read_by__person", "acknowledged_by__person")
        .annotate(reply_count=Count("replies"))
    )
    for r in recipients:
        r.circular = circular
    people = people_of(recipients)
    rows = [
        BoardRow(
            recipient=r,
            people=people.get(r.pk, []),
            state=r.state(),
            overdue=r.is_overdue(today),
            replies=r.reply_count,
        )
        for r in recipients
    ]
    summary = {
        "total": len(rows),
        "read": sum(1 for row in rows if row.recipient.first_read_at),
        "acknowledged": sum(1 for row in rows if row.recipient.acknowledged_at),
        "replied": sum(1 for row in rows if row.recipient.last_reply_at),
        "overdue": sum(1 for row in rows if row.overdue),
    }
    return rows, summary


def inbox(
    user: Any, *, country: Country | None = None, organization: Organization | None = None, person: Person | None = None
) -> list[CircularRecipient]:
    """Sent circulars addressed to a country, an organization or a person, with that party's state.

    Without a party: everything addressed to the user's own countries, organizations and self.
    """
    principal = access.principal_for(user)
    if country is not None:
        match = Q(country=country)
    elif organization is not None:
        match = Q(organization=organization)
    elif person is not None:
        match = Q(person=person)
    else:
        if not principal.is_authenticated:
            return []
        match = recipient_match(principal)
    recipients = access.restrict(
        CircularRecipient.objects.filter(match, circular__status=CircularStatus.SENT)
        .select_related("circular", "country", "organization", "person")
        .order_by("-circular__sent_at", "pk"),
        user,
    )
    return list(recipients)


def awaiting(user: Any) -> list[CircularRecipient]:
    """Sent circulars that wait for the user's answer: a reply where there is a deadline, else an
    acknowledgement — one definition for My work, the inbox's "waiting" list and the landing page."""
    principal = access.principal_for(user)
    if not principal.is_authenticated:
        return []
    rows = access.restrict(
        CircularRecipient.objects.filter(
            recipient_match(principal), circular__status=CircularStatus.SENT, last_reply_at__isnull=True
        )
        .select_related("circular", "country", "organization", "person")
        .order_by("circular__sent_at", "pk"),
        user,
    )
    return [r for r in rows if r.effective_deadline or r.acknowledged_at is None]


def replies_prefetch() -> Prefetch:
    return Prefetch("replies", queryset=Reply.objects.select_related("author__person").prefetch_related("attachments"))


def send_preview(circular: Circular) -> list[str]:
    """Say what sending `circular` will do and to whom, for the confirmation step."""
    recipients = list(circular.recipients.with_parties())
    people = people_of(recipients)
    reached = {person.pk for persons in people.values() for person in persons}
    unreachable = [str(r.party) for r in recipients if not people.get(r.pk)]
    parties = ", ".join(str(r.party) for r in recipients if people.get(r.pk))
    lines = [
        ngettext(
            "It goes to %(count)d recipient: %(parties)s.",
            "It goes to %(count)d recipients: %(parties)s.",
            len(recipients) - len(unreachable),
        )
        % {"count": len(recipients) - len(unreachable), "parties": parties},
        ngettext(
            "%(count)d person receives it in Enlace and by e-mail, in their language.",
            "%(count)d people receive it in Enlace and by e-mail, in their language.",
            len(reached),
        )
        % {"count": len(reached)},
    ]
    if unreachable:
        lines.append(
            _("No current officer or contact to receive it: %(parties)s.") % {"parties": ", ".join(unreachable)}
        )
    if circular.reply_deadline:
        deadline = formats.date_format(circular.reply_deadline, "DATE_FORMAT")
        lines.append(_("Replies are asked for by %(date)s.") % {"date": deadline})
    lines.append(_("Once sent, it cannot be changed or withdrawn."))
    return lines
