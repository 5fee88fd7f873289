"""What changed in the network: the audit trail's creates, updates and deletes, as each reader may see them.

Every entry's record is loaded in one query per kind of record and checked with core.access
(`can(user, "view", record)`); entries about records the reader may not see are left out,
and so are refusals, sign-ins and other security events. Only the names of the changed
fields are shown, never their values (a changed e-mail or phone stays with members), and the
person who made a change is named only when the reader may see that person.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone

from core import access
from core.models import AuditAction, AuditEntry
from network.models import Country, Person

from .models import Circular, Reply

ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
MAX_DAYS = 31
SCAN_LIMIT = 1000

# Related rows a kind of record needs so that access checks and country filters run no query per row.
_hints = {
    Person: {"prefetch": ("appointments",)},
    Circular: {"prefetch": ("recipients",)},
    Reply: {"select": ("recipient__circular",)},
}


def register_hints(model, *, select=(), prefetch=()):
    """Tell the feed which relations `model`'s access policy reads (other apps may call this)."""
    _hints[model] = {"select": tuple(select), "prefetch": tuple(prefetch)}


def _country_ids(obj):
    if isinstance(obj, Country):
        return {obj.pk}
    if isinstance(obj, Person):
        return {a.country_id for a in obj.appointments.all() if a.country_id}
    if isinstance(obj, Circular):
        return {r.country_id for r in obj.recipients.all() if r.country_id}
    if isinstance(obj, Reply):
        return {obj.recipient.country_id} if obj.recipient.country_id else set()
    country_id = getattr(obj, "country_id", None)
    if country_id:
        return {country_id}
    organization = getattr(obj, "organization", None) if hasattr(type(obj), "organization") else None
    if organization is not None and getattr(organization, "country_id", None):
        return {organization.country_id}
    return set()


def _load(model, ids):
    hints = _hints.get(model, {})
    related = [f.name for f in model._meta.concrete_fields if f.is_relation]
    rows = model._base_manager.filter(pk__in=ids)
    if related or hints.get("select"):
        rows = rows.select_related(*related, *hints.get("select", ()))
    for name in hints.get("prefetch", ()):
        rows = rows.prefetch_related(Prefetch(name))
    return {str(obj.pk): obj for obj in rows}


@dataclass
class Change:
    entry: AuditEntry
    obj: object
    kind: str
    label: str
    url: str
    fields: list
    actor: str

    @property
    def at(self):
        return self.entry.at

    @property
    def action(self):
        return self.entry.action


# Accounts (sign-in e-mails, tokens) are security records in the audit trail, not the network's activity.
PRIVATE_APPS = {"accounts"}


def changes_for(user, *, country=None, days=7, now=None):
    """Return the changes of the last `days` days that `user` may see, newest first, optionally for one country."""
    from django.utils.translation import gettext as _

    now = now or timezone.now()
    days = max(1, min(int(days or 7), MAX_DAYS))
    principal = access.principal_for(user)
    entries = list(
        AuditEntry.objects.filter(action__in=ACTIONS, at__gte=now - datetime.timedelta(days=days))
        .exclude(content_type=None)
        .select_related("content_type", "actor__person")
        .order_by("-at", "-id")[:SCAN_LIMIT]
    )
    by_type = {}
    for entry in entries:
        by_type.setdefault(entry.content_type_id, (entry.content_type, set()))[1].add(entry.object_id)
    objects, policies = {}, {}
    for ct_id, (ct, ids) in by_type.items():
        model = ct.model_class()
        if model is None or ct.app_label in PRIVATE_APPS:
            continue
        try:
            policies[ct_id] = access.policy_for(model)
        except LookupError:
            continue  # a kind of record no policy rules is shown to nobody
        objects[ct_id] = _load(model, ids)
    visible_cache = {}
    changes = []
    for entry in entries:
        policy = policies.get(entry.content_type_id)
        if policy is None:
            continue
        obj = objects[entry.content_type_id].get(entry.object_id)
        key = (entry.content_type_id, entry.object_id)
        if obj is None:
            # Deleted since: nothing left to check access on, so only the TS sees it.
            if not access.sees_history(principal):
                continue
        else:
            if key not in visible_cache:
                visible_cache[key] = policy.can(principal, access.VIEW, obj)
            if not visible_cache[key]:
                continue
        if country is not None and (obj is None or country.pk not in _country_ids(obj)):
            continue
        model = entry.content_type.model_class()
        fields = []
        if entry.action == AuditAction.UPDATE:
            for name in entry.changes:
                try:
                    fields.append(str(model._meta.get_field(name).verbose_name))
                except Exception:  # noqa: BLE001 - a field removed since keeps its raw name
                    fields.append(name)
        actor = _("someone")
        person = getattr(entry.actor, "person", None) if entry.actor_id else None
        if person is not None and access.policy_for(Person).can(principal, access.VIEW, person):
            actor = person.full_name
        elif entry.actor_id is None:
            actor = _("Enlace")
        url = ""
        if obj is not None and hasattr(obj, "get_absolute_url"):
            try:
                url = obj.get_absolute_url()
            except Exception:  # noqa: BLE001 - a record without a page is listed without a link
                url = ""
        changes.append(
            Change(
                entry=entry,
                obj=obj,
                kind=str(model._meta.verbose_name),
                label=entry.object_repr,
                url=url,
                fields=fields,
                actor=actor,
            )
        )
    return changes
