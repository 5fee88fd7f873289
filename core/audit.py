"""The audit trail: every change to tracked records, and security events, with who and when.

`track(Model)` records creates, updates (field by field, before and after) and deletes.
The actor is whoever `acting_as(user)` names, else the user of the current request (read
when the entry is written, so API token users count), else nobody (a command).
"""

import contextlib
import contextvars
import datetime
import decimal
import ipaddress

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from .models import AuditAction, AuditEntry

_actor = contextvars.ContextVar("enlace_audit_actor", default=None)
_request = contextvars.ContextVar("enlace_audit_request", default=None)
# Set while a backup's rows are loaded: they carry their own audit trail (m2m_changed has no `raw`).
_loading = contextvars.ContextVar("enlace_audit_loading", default=False)


@contextlib.contextmanager
def loading_saved_rows():
    """Load rows that carry their own audit trail (a restore): nothing is recorded meanwhile."""
    token = _loading.set(True)
    try:
        yield
    finally:
        _loading.reset(token)


_tracked = {}


@contextlib.contextmanager
def acting_as(user):
    """Attribute the changes made inside the block to `user`."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def request_context(request):
    """Make the request's user and address available to audit entries (used by middleware)."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def client_address(request):
    """Return the client's address: REMOTE_ADDR, or what our trusted proxies appended."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    candidate = forwarded[-proxies] if proxies and len(forwarded) >= proxies else request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def current_actor():
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def _plain(value):
    """Turn a field value into something JSON keeps and a person can read."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple, dict)):
        return value
    return str(value)


def snapshot(instance, exclude=()):
    """Return the instance's concrete field values, keyed by field name (not those the database computes
    from the others, e.g. a commitment's board sort key: they say nothing new, and reading one would
    ask the database again)."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.primary_key or field.name in exclude or field.name == "revision":  # revisions: core.versioning
            continue
        if getattr(field, "generated", False):
            continue
        values[field.name] = _plain(field.value_from_object(instance))
    return values


def _label(instance, field_name, raw):
    """Keep a foreign key as its record's name and id; other values raw (labels come at display)."""
    field = instance._meta.get_field(field_name)
    if field.is_relation and raw is not None:
        related = getattr(instance, field_name, None)
        return f"{related} (#{raw})" if related is not None else f"#{raw}"
    return raw


def record(action, obj=None, *, changes=None, note="", actor=None, request=None, object_repr=None):
    """Write one audit entry."""
    actor = actor if actor is not None else current_actor()
    request = request or _request.get()
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "",
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if getattr(obj, "pk", None) is not None else None,
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:300],
        changes=changes or {},
        remote_addr=client_address(request),
        note=note[:300],
    )


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    old = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old, _tracked[sender]) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    exclude = _tracked[sender]
    after = snapshot(instance, exclude)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {
            name: [None, _label(instance, name, value)] for name, value in after.items() if value not in (None, "", [])
        }
        record(AuditAction.CREATE, instance, changes=changes)
        return
    changes = {
        name: [_label_before(sender, name, before[name]), _label(instance, name, value)]
        for name, value in after.items()
        if before.get(name) != value
    }
    if changes:
        record(AuditAction.UPDATE, instance, changes=changes)


def _label_before(model, field_name, raw):
    field = model._meta.get_field(field_name)
    if field.is_relation and raw is not None:
        related = field.related_model._base_manager.filter(pk=raw).first()
        return f"{related} (#{raw})" if related is not None else f"#{raw}"
    return raw


def _after_delete(sender, instance, **kwargs):
    record(AuditAction.DELETE, instance, changes={})


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Who was added to or removed from a many-to-many field of a tracked record, with their names."""
    if action not in ("post_add", "post_remove", "pre_clear") or reverse or _loading.get():
        return
    field = next(
        (
            f
            for f in instance._meta.many_to_many
            if f.remote_field.through is sender and f.name not in _tracked.get(type(instance), ())
        ),
        None,
    )
    if field is None:
        return
    if action == "pre_clear":
        pk_set = set(getattr(instance, field.name).values_list("pk", flat=True))
    if not pk_set:
        return
    names = ", ".join(sorted(str(related) for related in model._base_manager.filter(pk__in=pk_set)))
    # [before, after] as every change is shown: what left the list, then what joined it.
    change = [None, f"+ {names}"] if action == "post_add" else [f"− {names}", None]
    record(AuditAction.UPDATE, instance, changes={field.name: change})


def track(model, exclude=()):
    """Record every create, update and delete of `model` in the audit trail, and its many-to-many changes."""
    _tracked[model] = tuple(exclude)
    uid = f"audit-{model._meta.label}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=uid)
    post_save.connect(_after_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=model, dispatch_uid=uid)
    for field in model._meta.many_to_many:
        m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")


_untracked = {}


def untracked(model, reason):
    """Declare that `model` is kept out of the audit trail, and why (core.checks asks every model)."""
    _untracked[model] = reason


def is_accounted_for(model):
    return model in _tracked or model in _untracked


def history_for(user, obj, limit=100):
    """Return `obj`'s audit entries, newest first, when `user` may read its history; else None."""
    from . import access

    if not access.can(user, "view_history", obj):
        return None
    return list(AuditEntry.objects.for_object(obj)[:limit])
