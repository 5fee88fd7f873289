"""Audit trail for the directory's records, whose primary keys are HSDS UUIDs.

core.audit stores `object_id` as an integer, which a UUID does not fit; until core keeps text
ids, entries of these records carry the content type and the UUID at the end of
`object_repr` ("name [uuid]"), with the same before/after changes core.audit records.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_save

from core.audit import record, snapshot
from core.models import AuditAction, AuditEntry

_tracked = set()


def _repr(instance):
    return f"{str(instance)[:250]} [{instance.pk}]"


def _write(action, instance, changes):
    entry = record(action, None, changes=changes, object_repr=_repr(instance))
    entry.content_type = ContentType.objects.get_for_model(instance)
    entry.save(update_fields=["content_type"])


def _before(sender, instance, raw=False, **kwargs):
    old = None if raw else sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if before is None:
        _write(AuditAction.CREATE, instance, {k: [None, v] for k, v in after.items() if v not in (None, "", [])})
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        _write(AuditAction.UPDATE, instance, changes)


def _deleted(sender, instance, **kwargs):
    _write(AuditAction.DELETE, instance, {})


def track(model):
    """Record every create, update and delete of a UUID-keyed model."""
    _tracked.add(model)
    uid = f"directory-audit-{model._meta.label}"
    pre_save.connect(_before, sender=model, dispatch_uid=uid)
    post_save.connect(_after, sender=model, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid)


def history(obj, limit=50):
    """Return the audit entries of a directory record, newest first."""
    ct = ContentType.objects.get_for_model(obj)
    return list(
        AuditEntry.objects.filter(content_type=ct, object_repr__endswith=f"[{obj.pk}]").select_related("actor")[:limit]
    )
