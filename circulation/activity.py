"""What changed in the network: the audit trail's creates, updates and deletes, as each reader may see them.

Every entry's record is loaded in one query per kind of record and checked with core.access
(`can(user, "view", record)`); entries about records the reader may not see are left out,
and so are refusals, sign-ins and other security events. Only the names of the changed
fields are shown, never their values (a changed e-mail or phone stays with members), and the
person who made a change is named only when the reader may see that person.

The page reads the trail newest first, a few hundred entries at a time, and stops as soon as it
has a page of groups (or has read MAX_SCAN entries): its cost does not grow with the trail. Related
entries make one group — one person's creates of a circular's recipients in the same minutes are
"Circular CRM/ST/2026/014: 11 recipients created" — and the next page continues from an entry id.
"""

import datetime
from dataclasses import dataclass

from django.db.models import CASCADE, Prefetch
from django.utils import timezone

from core import access
from core.models import AuditAction, AuditEntry
from network.models import Country, Person

from .models import Circular, Reply

ACTIONS = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE)
MAX_DAYS = 31
SCAN_LIMIT = 1000  # changes_for (the Atom feed): entries read at most
CHUNK = 300  # entries read at a time by a page
MAX_SCAN = 3000  # entries read at most for one page; the next page continues from there
PAGE_GROUPS = 30
GROUP_WINDOW = datetime.timedelta(minutes=10)

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
    related = []
    for field in model._meta.concrete_fields:  # its links and theirs: what access and names read
        if field.is_relation:
            related.append(field.name)
            further = field.related_model._meta.concrete_fields
            related += [f"{field.name}__{f.name}" for f in further if f.is_relation and f.related_model is not model]
    rows = model._base_manager.filter(pk__in=ids)
    # What the model's access policy reads (`ACCESS_READS`, e.g. an answer's column, round and analysis).
    select = (*related, *hints.get("select", ()), *getattr(model, "ACCESS_READS", ()))
    if select:
        rows = rows.select_related(*select)
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
    parent: object = None

    @property
    def at(self):
        return self.entry.at

    @property
    def action(self):
        return self.entry.action


# Accounts (sign-in e-mails, tokens) are security records in the audit trail, not the network's activity.
PRIVATE_APPS = {"accounts"}


def _entries(days, now):
    return (
        AuditEntry.objects.filter(action__in=ACTIONS, at__gte=now - datetime.timedelta(days=days))
        .exclude(content_type=None)
        .select_related("content_type", "actor__person")
        .order_by("-pk")
    )


def _parent(obj):
    """The record a record belongs to — its first cascading link to another record (a recipient's
    circular, an actor row's commitment, a line's report) — or None."""
    if obj is None:
        return None
    for field in type(obj)._meta.concrete_fields:
        remote = getattr(field, "remote_field", None)
        if field.many_to_one and remote is not None and remote.on_delete is CASCADE:
            return getattr(obj, field.name, None)
    return None


class _Reader:
    """What one reader may see of the trail: policies, loaded records and access answers, kept across chunks."""

    def __init__(self, user, country):
        self.principal = access.principal_for(user)
        self.country = country
        self.policies, self.visible = {}, {}
        self.person_policy = access.policy_for(Person)

    def changes(self, entries):
        """The entries this reader may see, as Changes, in the entries' order (one query per kind of record)."""
        from django.utils.translation import gettext as _

        by_type = {}
        for entry in entries:
            by_type.setdefault(entry.content_type_id, (entry.content_type, set()))[1].add(entry.object_id)
        objects = {}
        for ct_id, (ct, ids) in by_type.items():
            model = ct.model_class()
            if model is None or ct.app_label in PRIVATE_APPS:
                continue
            if ct_id not in self.policies:
                try:
                    self.policies[ct_id] = access.policy_for(model)
                except LookupError:
                    self.policies[ct_id] = None  # a kind of record no policy rules is shown to nobody
            if self.policies[ct_id] is not None:
                objects[ct_id] = _load(model, ids)
        changes = []
        for entry in entries:
            policy = self.policies.get(entry.content_type_id)
            if policy is None or entry.content_type_id not in objects:
                continue
            obj = objects[entry.content_type_id].get(entry.object_id)
            key = (entry.content_type_id, entry.object_id)
            if obj is None:
                # Deleted since: nothing left to check access on, so only the TS sees it.
                if not access.sees_history(self.principal):
                    continue
            else:
                if key not in self.visible:
                    self.visible[key] = policy.can(self.principal, access.VIEW, obj)
                if not self.visible[key]:
                    continue
            if self.country is not None and (obj is None or self.country.pk not in _country_ids(obj)):
                continue
            changes.append(self._change(entry, obj, _))
        return changes

    def _change(self, entry, obj, _):
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
        if person is not None and self.person_policy.can(self.principal, access.VIEW, person):
            actor = person.full_name
        elif entry.actor_id is None:
            actor = _("Enlace")
        parent = _parent(obj)
        return Change(
            entry=entry,
            obj=obj,
            kind=str(model._meta.verbose_name),
            # Named in the reader's language while the record lives; as recorded once it is gone.
            label=str(obj) if obj is not None else entry.object_repr,
            url=_url(obj) or _url(parent),  # a record without a page of its own: its parent's page
            fields=fields,
            actor=actor,
            parent=parent,
        )


def _url(obj):
    if obj is not None and hasattr(obj, "get_absolute_url"):
        try:
            return obj.get_absolute_url()
        except Exception:  # noqa: BLE001 - a record without a page is listed without a link
            return ""
    return ""


def changes_for(user, *, country=None, days=7, now=None):
    """Return the changes of the last `days` days that `user` may see, newest first, optionally for one
    country (at most SCAN_LIMIT entries read)."""
    now = now or timezone.now()
    days = max(1, min(int(days or 7), MAX_DAYS))
    return _Reader(user, country).changes(list(_entries(days, now)[:SCAN_LIMIT]))


@dataclass
class Group:
    """Changes that read as one line: the same person's same action on records of one kind, under the
    same parent record (or on the same record), within GROUP_WINDOW of each other."""

    changes: list

    @property
    def first(self):
        return self.changes[0]

    @property
    def at(self):
        return self.first.at

    @property
    def action(self):
        return self.first.action

    @property
    def records(self):
        """The distinct records of the group, newest first."""
        seen, records = set(), []
        for change in self.changes:
            if change.entry.object_id not in seen:
                seen.add(change.entry.object_id)
                records.append(change)
        return records

    @property
    def fields(self):
        return list(dict.fromkeys(field for change in self.changes for field in change.fields))

    @property
    def plural(self):
        model = self.first.entry.content_type.model_class()
        return str(model._meta.verbose_name_plural) if model else self.first.kind

    @property
    def parent(self):
        return self.first.parent

    @property
    def parent_kind(self):
        return str(type(self.parent)._meta.verbose_name) if self.parent is not None else ""

    @property
    def parent_url(self):
        return _url(self.parent)

    def takes(self, change):
        first, last = self.first, self.changes[-1]
        if (change.entry.actor_id, change.action, change.entry.content_type_id) != (
            first.entry.actor_id,
            first.action,
            first.entry.content_type_id,
        ):
            return False
        if last.at - change.at > GROUP_WINDOW:
            return False
        same_record = change.entry.object_id == first.entry.object_id
        same_parent = first.parent is not None and change.parent == first.parent
        return same_record or same_parent


@dataclass
class FeedPage:
    groups: list
    older: int | None  # the entry id the next page starts before, or None at the end of the period


def feed_page(user, *, country=None, days=7, before=None, size=PAGE_GROUPS, now=None):
    """One page of the reader's activity, grouped: read newest first in chunks, until `size` groups are
    complete or MAX_SCAN entries were read."""
    now = now or timezone.now()
    days = max(1, min(int(days or 7), MAX_DAYS))
    reader = _Reader(user, country)
    entries = _entries(days, now)
    groups, scanned, cursor = [], 0, before
    while scanned < MAX_SCAN:
        chunk = list((entries.filter(pk__lt=cursor) if cursor else entries)[:CHUNK])
        if not chunk:
            return FeedPage(groups, None)
        scanned += len(chunk)
        cursor = chunk[-1].pk
        for change in reader.changes(chunk):
            if groups and groups[-1].takes(change):
                groups[-1].changes.append(change)
            elif len(groups) == size:
                return FeedPage(groups, change.entry.pk + 1)
            else:
                groups.append(Group([change]))
        if len(chunk) < CHUNK:
            return FeedPage(groups, None)
    return FeedPage(groups, cursor)
