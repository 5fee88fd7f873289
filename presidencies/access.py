"""Who may see and decide what in a presidency's handover (registered with core.access).

- The list of presidencies, with what was done in each, is for network members (its figures are
  counted over what the reader may see).
- A handover — the presidency's open commitments, its regional report in progress, the meetings
  being convened, its circulars awaiting replies — is for the Technical Secretariat and the liaison
  officers of both presidencies, outgoing and incoming: it lists drafts and pending replies that other
  members do not see. The outgoing officers keep reading it after the change.
- Only the TS keeps a commitment with the outgoing country (with its reason), and withdraws that
  decision while it has not been applied.
- The snapshot of the items at the change is read through its handover.
"""

from django.db.models import Q

from core.access import VIEW, Policy, ThroughParent, register, register_policy

from .models import Handover, HandoverItem, HandoverKeep

KEEP = "keep"  # keep a commitment of the PPT with the outgoing country


def _countries(handover):
    countries = {handover.outgoing.country_id}
    if handover.incoming_id:
        countries.add(handover.incoming.country_id)
    return countries


@register(Handover)
class HandoverPolicy(Policy):
    """The TS and the officers of both presidencies see a handover; the TS decides what stays."""

    def can(self, p, action, obj):
        if action == VIEW:
            return p.is_ts or bool(_countries(obj) & p.officer_countries)
        if action == KEEP:
            return p.is_ts
        return False

    def can_create(self, p, **context):
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset
        if action != VIEW or not p.officer_countries:
            return queryset.none()
        countries = list(p.officer_countries)
        return queryset.filter(Q(outgoing__country_id__in=countries) | Q(incoming__country_id__in=countries))


@register(HandoverKeep)
class KeepPolicy(Policy):
    """A decision to keep a commitment is seen with its handover; the TS takes it and withdraws it until applied."""

    def can(self, p, action, obj):
        if action == VIEW:
            return HandoverPolicy().can(p, VIEW, obj.handover)
        return p.is_ts and obj.applied_at is None

    def can_create(self, p, **context):
        return p.is_ts

    def restrict(self, queryset, p, action):
        if p.is_ts:
            return queryset if action == VIEW else queryset.filter(applied_at__isnull=True)
        if action != VIEW:
            return queryset.none()
        return queryset.filter(handover__in=HandoverPolicy().restrict(Handover.objects.all(), p, VIEW))


register_policy(HandoverItem, ThroughParent("handover"))


def sees_every_presidency(p):
    """The list of presidencies and what was done in each: network members."""
    return p.is_member
