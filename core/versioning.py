"""No lost update: every editable record carries a revision, and a save against a changed record fails.

A `Versioned` model's `save()` first claims the revision it was read at with one conditional
UPDATE (`… WHERE pk = %s AND revision = %s`), then writes. Two people who read revision 3 both
try to claim it; the database lets one through and the other gets `EditConflict`, whatever
path the save came by (page, API, import). Pages and the API send back the revision they
showed (`expect()`), so a record changed between reading and saving is refused too, with the
other person's version shown and the user's input kept.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IGNORED = {"revision", "updated_at", "created_at", "updated_by", "search_vector"}


class EditConflict(ValidationError):
    """Someone saved the record after it was read; `current` is the saved version."""

    def __init__(self, current, *, read_revision=None):
        self.current = current
        self.read_revision = read_revision
        super().__init__(_conflict_message(current), code="conflict")


def _conflict_message(current):
    from .models import AuditEntry

    last = None
    if current is not None:
        entries = AuditEntry.objects.for_object(current).filter(action="update")
        last = entries.select_related("actor__person").first()
    if last is not None:
        # By name, as colleagues know each other (the sign-in address is not a contact detail).
        who = last.actor.get_full_name() if last.actor is not None else last.actor_label
        return _(
            "%(who)s saved a change to this record at %(when)s, after you opened it. Your input is kept: "
            "compare it with their version, then save again to keep yours."
        ) % {"who": who or _("Someone"), "when": _when(last.at)}
    return _(
        "Someone saved a change to this record after you opened it. Your input is kept: "
        "compare it with their version, then save again to keep yours."
    )


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class Versioned(models.Model):
    """A record whose every save checks and advances its revision."""

    revision = models.PositiveIntegerField(gettext_lazy("revision"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None and not kwargs.get("force_insert"):
            self._claim_revision()
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "revision"}
        super().save(*args, **kwargs)

    def _claim_revision(self):
        model = type(self)
        read = self.revision
        claimed = model._base_manager.filter(pk=self.pk, revision=read).update(revision=read + 1)
        if not claimed:
            current = model._base_manager.filter(pk=self.pk).first()
            if current is None:  # deleted meanwhile: a plain save would recreate it
                raise EditConflict(None, read_revision=read)
            raise EditConflict(current, read_revision=read)
        self.revision = read + 1


def expect(instance, revision):
    """Check `instance` against the revision the user read (None: the caller did not say)."""
    if revision in (None, ""):
        return instance
    try:
        revision = int(revision)
    except (TypeError, ValueError):
        raise ValidationError({"revision": _("The revision must be a whole number.")}) from None
    if revision != instance.revision:
        fresh = type(instance)._base_manager.filter(pk=instance.pk).first()
        if fresh is None or fresh.revision != revision:
            raise EditConflict(fresh, read_revision=revision)
    instance.revision = revision
    return instance


def differences(current, values):
    """Return (label, theirs, yours) for the fields whose saved value differs from the user's input."""
    if current is None:
        return []
    rows = []
    for name, yours in values.items():
        if name in IGNORED:
            continue
        field = next((f for f in current._meta.concrete_fields if f.name == name), None)
        if field is None:  # a form field that is not a stored field
            continue
        theirs = getattr(current, field.attname)
        mine = getattr(yours, "pk", yours)
        if hasattr(yours, "read"):  # a file: compare names only
            continue
        if _same(theirs, mine):
            continue
        shown = current._get_FIELD_display(field) if field.choices else theirs
        if field.is_relation:
            shown = getattr(current, name)
        label = str(field.verbose_name)
        rows.append((label[:1].upper() + label[1:], "" if shown is None else shown, yours))
    return rows


def _same(theirs, mine):
    if theirs == mine:
        return True
    if theirs in (None, "") and mine in (None, ""):
        return True
    return str(theirs) == str(mine)


def current_as_dict(current):
    """The saved version as plain values, for an API 409 body."""
    from .audit import snapshot

    if current is None:
        return {}
    values = snapshot(current)
    values["id"] = current.pk
    values["revision"] = current.revision
    return values


def fingerprint(values):
    """A short digest of what a form showed (raw field values): on saving, tells whether the person changed it.

    Forms that save many records at once (plan lines, comparison answers) send back, for each
    record, its revision and this digest; a record left as read is not written, so someone
    else's later change to it stays.
    """
    import hashlib

    def plain(value):
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return ",".join(sorted(plain(item) for item in value))
        return str(value).replace("\r\n", "\n").strip()

    text = "\x1f".join(plain(value) for value in values)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
