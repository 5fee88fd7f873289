"""Access rules for meetings, reports and commitments (registered with core.access).

What we chose:
- A meeting is a draft while the TS prepares it or reviews an import: the TS alone sees it.
  Published, it is seen according to its `visibility` (public, network members, TS only).
- The approved report of a meeting is seen by whoever sees the meeting. The draft being written
  (during the meeting, or a correction) is for network members and the TS, never the public.
  Only the TS writes, approves and corrects reports, and records the RCGM's decisions.
- Commitments and their history are the network's follow-up: network members who may see the
  meeting see them. The TS updates every commitment's status; a country's liaison officers
  those whose actor is their country; the current PPT's officers those of the PPT; the staff
  of an organization those of their organization. Only the TS edits what a commitment says.
- Meeting documents are for network members; the video link of a meeting too.
- A calendar feed belongs to its user.
- Consultation on a draft report: the TS opens it, answers amendments and decides; whoever may
  read the draft sees the consultation, every party's position and what each said (the record is
  the network's). Each party speaks only through its own row: a country's current liaison
  officers for that country, an organization's staff for that organization, while the
  consultation is open; the TS never speaks for a party. Only countries object.
- Delegations: a country's current liaison officers register their country's delegates to a
  meeting they see, and the TS registers any country's; nobody else, and only before the
  meeting starts. Delegates' names are for network members; the public sees only countries.
"""

from django.db.models import Exists, OuterRef, Q

from core.access import CHANGE, DELETE, VIEW, Policy, TSOnly, VisibilityPolicy, register, register_policy
from core.models import Visibility

from .models import (
    ActorKind,
    AgendaItem,
    Agreement,
    AgreementKind,
    CalendarFeed,
    Commitment,
    CommitmentActor,
    CommitmentStatusChange,
    Consultation,
    ConsultationParty,
    Delegate,
    ImportJob,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Remark,
    RemarkKind,
    ReportStatus,
    ReportVersion,
)

UPDATE_STATUS = "update_status"
APPROVE = "approve"
DECIDE = "decide"
VIEW_DRAFT = "view_draft"
VIEW_LINK = "view_link"
CONSULT = "consult"  # open a consultation on a draft (TS)
DECIDE_CONSULTATION = "decide_consultation"  # extend, new round, approve (TS)
SPEAK = "speak"  # comment, amend, object, give a position for a consulted party
WITHDRAW = "withdraw"  # withdraw one's party's objection
ANSWER = "answer"  # accept or not an amendment (TS)


def meeting_visible(p, meeting):
    if p.is_ts:
        return True
    if meeting.status != MeetingStatus.PUBLISHED:
        return False
    if meeting.visibility == Visibility.PUBLIC:
        return True
    return meeting.visibility == Visibility.MEMBERS and p.is_member


def meeting_q(p, prefix=""):
    """A filter for the meetings `p` may see; `prefix` reaches the meeting across a relation."""
    if p.is_ts:
        return Q()
    allowed = [Visibility.PUBLIC, Visibility.MEMBERS] if p.is_member else [Visibility.PUBLIC]
    return Q(**{f"{prefix}status": MeetingStatus.PUBLISHED, f"{prefix}visibility__in": allowed})


def actor_q(p, prefix=""):
    """A filter for the commitment actors that `p` acts for (TS, PPT, their countries, their organizations)."""
    q = Q(**{f"{prefix}kind": ActorKind.COUNTRY, f"{prefix}country_id__in": p.officer_countries})
    q |= Q(**{f"{prefix}kind": ActorKind.ORGANIZATION, f"{prefix}organization_id__in": p.organizations})
    if p.is_ts:
        q |= Q(**{f"{prefix}kind": ActorKind.TS})
    if p.is_ppt:
        q |= Q(**{f"{prefix}kind": ActorKind.PPT})
    return q


def has_own_commitments(p):
    """Whether `p` speaks for some actor of commitments: their country, organization, the TS or the PPT."""
    return bool(p.officer_countries or p.organizations or p.is_ts or p.is_ppt)


def follows_every_actor(p):
    """The TS and the PPT follow up every actor's commitments (the landing page's figure per actor)."""
    return p.is_ts or p.is_ppt


def acts_for(p, commitment):
    """Is `p` one of the commitment's actors (or the TS, who follows every commitment up)?"""
    if p.is_ts:
        return True
    cache = getattr(commitment, "_prefetched_objects_cache", {})
    actors = cache["actors"] if "actors" in cache else commitment.actors.all()
    return any(actor.kind != ActorKind.TS and speaks_for(p, actor) for actor in actors)


@register(Meeting)
class MeetingPolicy(VisibilityPolicy):
    """Drafts for the TS; published meetings by their visibility; the TS keeps them."""

    def can(self, p, action, obj):
        if action == VIEW:
            return meeting_visible(p, obj)
        if action == VIEW_DRAFT:
            return meeting_visible(p, obj) and (p.is_member or p.is_ts)
        if action == VIEW_LINK:
            return meeting_visible(p, obj) and p.is_member
        return p.is_ts

    def can_create(self, p, **context):
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW:
            return queryset.filter(meeting_q(p))
        return queryset.none()


@register(AgendaItem)
class AgendaItemPolicy(Policy):
    """Agenda items are seen with their meeting and kept by the TS."""

    def can(self, p, action, obj):
        if action == VIEW:
            return meeting_visible(p, obj.meeting)
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        return queryset.filter(meeting_q(p, "meeting__")) if action == VIEW else queryset.none()


@register(MeetingDocument)
class MeetingDocumentPolicy(Policy):
    """Documents are for network members who see the meeting; the TS adds and removes them."""

    def can(self, p, action, obj):
        if action == VIEW:
            return p.is_member and meeting_visible(p, obj.meeting)
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW and p.is_member:
            return queryset.filter(meeting_q(p, "meeting__"))
        return queryset.none()


@register(ReportVersion)
class ReportVersionPolicy(Policy):
    """Approved versions with the meeting; drafts for members; the TS writes and approves drafts."""

    def can(self, p, action, obj):
        if action == VIEW:
            if obj.status == ReportStatus.DRAFT:
                return (p.is_member or p.is_ts) and meeting_visible(p, obj.meeting)
            return meeting_visible(p, obj.meeting)
        if action in (CHANGE, APPROVE, CONSULT):
            return p.is_ts and obj.status == ReportStatus.DRAFT
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action != VIEW:
            return queryset.none()
        q = meeting_q(p, "meeting__")
        if not p.is_member:
            q &= ~Q(status=ReportStatus.DRAFT)
        return queryset.filter(q)


@register(Agreement)
class AgreementPolicy(Policy):
    """Agreements follow their report version; the TS records the RCGM's decisions."""

    def can(self, p, action, obj):
        if action == VIEW:
            return ReportVersionPolicy().can(p, VIEW, obj.version)
        if action in (CHANGE, DELETE):
            return p.is_ts and obj.version.status == ReportStatus.DRAFT
        if action == DECIDE:
            return p.is_ts and obj.kind == AgreementKind.RECOMMENDS_TO_RCGM
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action != VIEW:
            return queryset.none()
        q = meeting_q(p, "version__meeting__")
        if not p.is_member:
            q &= ~Q(version__status=ReportStatus.DRAFT)
        return queryset.filter(q)


def speaks_for_party(p, party):
    """Does `p` speak for this consulted party (its country's current officers, its organization's staff)?"""
    if party.country_id:
        return party.country_id in p.officer_countries
    return party.organization_id in p.organizations


def version_q(p, prefix=""):
    """A filter for the report versions `p` may read, across a relation."""
    q = meeting_q(p, f"{prefix}meeting__")
    if not p.is_member and not p.is_ts:
        q &= ~Q(**{f"{prefix}status": ReportStatus.DRAFT})
    return q


@register(Consultation)
class ConsultationPolicy(Policy):
    """Seen with the draft it consults on; the TS opens, decides and answers; each party speaks for itself."""

    def can(self, p, action, obj):
        if action == VIEW:
            return ReportVersionPolicy().can(p, VIEW, obj.version)
        if action == DECIDE_CONSULTATION:
            return p.is_ts and obj.is_active
        return False  # SPEAK is asked of a party's row; here it is the refusal of one who speaks for none

    def can_create(self, p, **context):
        return p.is_ts

    def restrict(self, queryset, p, action):
        if action == VIEW:
            return queryset if p.is_ts else queryset.filter(version_q(p, "version__"))
        if action == DECIDE_CONSULTATION and p.is_ts:
            return queryset.filter(status__in=("open", "awaiting"))
        return queryset.none()


class _ConsultationPart(Policy):
    """Seen with its consultation; created only by the consultation's services."""

    def can(self, p, action, obj):
        return action == VIEW and ConsultationPolicy().can(p, VIEW, obj.consultation)

    def can_create(self, p, **context):
        return False

    def restrict(self, queryset, p, action):
        if action == VIEW:
            return queryset if p.is_ts else queryset.filter(version_q(p, "consultation__version__"))
        return queryset.none()


@register(ConsultationParty)
class ConsultationPartyPolicy(_ConsultationPart):
    """A party's row: seen with its consultation; spoken for only by that party."""

    def can(self, p, action, obj):
        if action == SPEAK:
            # Whether the consultation still takes remarks is its state (services refuse with 409), not who speaks.
            return speaks_for_party(p, obj) and meeting_visible(p, obj.consultation.version.meeting)
        return super().can(p, action, obj)

    def restrict(self, queryset, p, action):
        if action == SPEAK:
            mine = Q(country_id__in=p.officer_countries) | Q(organization_id__in=p.organizations)
            return queryset.filter(mine).filter(version_q(p, "consultation__version__"))
        return super().restrict(queryset, p, action)


@register(Remark)
class RemarkPolicy(_ConsultationPart):
    """What a party said: seen with the consultation; its party withdraws its objection; the TS answers amendments."""

    def can(self, p, action, obj):
        if action == WITHDRAW:
            return (
                obj.kind == RemarkKind.OBJECTION
                and obj.consultation.is_active
                and speaks_for_party(p, obj.party)
                and meeting_visible(p, obj.consultation.version.meeting)
            )
        if action == ANSWER:
            return p.is_ts and obj.kind == RemarkKind.AMENDMENT and obj.consultation.is_active
        return super().can(p, action, obj)


@register(Commitment)
class CommitmentPolicy(Policy):
    """Members see commitments of meetings they see; actors update the status of their own."""

    def can(self, p, action, obj):
        if action == VIEW:
            return (p.is_member or p.is_ts) and meeting_visible(p, obj.meeting)
        if action == UPDATE_STATUS:
            return meeting_visible(p, obj.meeting) and acts_for(p, obj)
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if not p.is_member:
            return queryset.none()
        if action == VIEW:
            return queryset.filter(meeting_q(p, "meeting__"))
        if action == UPDATE_STATUS:
            mine = Exists(CommitmentActor.objects.filter(commitment=OuterRef("pk")).filter(actor_q(p)))
            return queryset.filter(meeting_q(p, "meeting__")).filter(mine)
        return queryset.none()


def speaks_for(p, actor):
    """Does `p` speak for this actor (its country's officers, its organization's staff, the PPT, the TS)?"""
    if actor.kind == ActorKind.COUNTRY:
        return actor.country_id in p.officer_countries
    if actor.kind == ActorKind.ORGANIZATION:
        return actor.organization_id in p.organizations
    if actor.kind == ActorKind.PPT:
        return p.is_ppt
    return p.is_ts


@register(CommitmentActor)
class CommitmentActorPolicy(Policy):
    """An actor's follow-up row: seen with its commitment; changed by that actor only, or the TS."""

    def can(self, p, action, obj):
        if action == VIEW:
            return CommitmentPolicy().can(p, VIEW, obj.commitment)
        if action == UPDATE_STATUS:
            return meeting_visible(p, obj.commitment.meeting) and (p.is_ts or speaks_for(p, obj))
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW and p.is_member:
            return queryset.filter(meeting_q(p, "commitment__meeting__"))
        return queryset.none()


@register(CommitmentStatusChange)
class StatusChangePolicy(Policy):
    """The history of a commitment is seen with it; nobody edits it."""

    def can(self, p, action, obj):
        if action == VIEW:
            return CommitmentPolicy().can(p, VIEW, obj.commitment)
        return False

    def can_create(self, p, **context):
        return False

    def restrict(self, queryset, p, action):
        if action != VIEW:
            return queryset.none()
        if p.is_ts:
            return queryset
        if not p.is_member:
            return queryset.none()
        return queryset.filter(meeting_q(p, "commitment__meeting__"))


# A background import: the TS's, like the drafts it makes.
register_policy(ImportJob, TSOnly())


@register(CalendarFeed)
class CalendarFeedPolicy(Policy):
    """A calendar feed is its owner's."""

    def can(self, p, action, obj):
        return p.user_id is not None and obj.user_id == p.user_id

    def can_create(self, p, **context):
        return p.is_authenticated

    def restrict(self, queryset, p, action):
        return queryset.filter(user_id=p.user_id) if p.user_id else queryset.none()


def may_register_delegates(p, meeting, country):
    """May `p` register delegates of `country` to `meeting`? The TS, or that country's officers."""
    if country is None or not meeting_visible(p, meeting):
        return False
    return p.is_ts or country.pk in p.officer_countries


@register(Delegate)
class DelegatePolicy(Policy):
    """Delegates are seen by members who see the meeting; each country registers its own; the TS any."""

    def can(self, p, action, obj):
        if action == VIEW:
            return (p.is_member or p.is_ts) and meeting_visible(p, obj.meeting)
        return p.is_ts

    def can_create(self, p, meeting=None, country=None, **context):
        return meeting is not None and may_register_delegates(p, meeting, country)

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action == VIEW and p.is_member:
            return queryset.filter(meeting_q(p, "meeting__"))
        return queryset.none()
