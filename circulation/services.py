"""Writes of circulation. Each checks access, validates, and runs in one transaction.

Views and API endpoints call these; they never save circulation records themselves.
"""

import datetime
import re
import secrets

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import hash_secret
from core import access, fulfilment
from core.audit import acting_as
from core.i18n import localized
from core.models import DocumentSettings
from core.refusals import STATE, UNKNOWN, refusal
from core.uploads import check_upload
from core.versioning import expect
from network.models import Country, Organization, Person

from . import outbox
from .access import ACKNOWLEDGE, REPLY, SEND, VIEW_BOARD
from .models import (
    Addressee,
    Circular,
    CircularAttachment,
    CircularKind,
    CircularRecipient,
    CircularStatus,
    Delivery,
    EmailState,
    FeedToken,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboundEmail,
    Reply,
    ReplyAttachment,
)
from .notifications import notify
from .queries import people_of, users_of

CIRCULAR_FIELDS = ("kind", "title_es", "title_en", "body_es", "body_en", "reply_deadline")
MAX_RECIPIENTS = 300
MAX_FILES = 10
MAX_REPLY_LENGTH = 20000


def past_deadline_message():
    return _("The reply deadline has already passed: choose today or a later date.")


def _assign(instance, fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    for name, value in fields.items():
        setattr(instance, name, "" if value is None and name not in ("reply_deadline",) else value)


# ---- the record a circular fulfils -----------------------------------------------------------


def target_reference(obj):
    """Return "app_label.model:pk", the way forms and the API name a record a circular fulfils."""
    ct = ContentType.objects.get_for_model(obj)
    return f"{ct.app_label}.{ct.model}:{obj.pk}"


def resolve_target(reference, user):
    """Return the record named by "app_label.model:pk", or raise ValidationError on `fulfils`."""
    if not (reference or "").strip():
        return None
    match = re.fullmatch(r"([a-z_0-9]+)\.([a-z_0-9]+):([0-9]{1,18})", reference)
    if match is None:
        raise ValidationError({"fulfils": _("Name the record as app.model:number, e.g. meetings.commitment:3.")})
    app_label, model, pk = match[1], match[2], int(match[3])
    try:
        ct = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise ValidationError(
            {"fulfils": _("Name the record as app.model:number, e.g. meetings.commitment:3.")}
        ) from None
    model_class = ct.model_class()
    if model_class is None or not fulfilment.can_be_fulfilled(model_class):
        raise ValidationError({"fulfils": _("A circular cannot fulfil this kind of record.")})
    obj = model_class._default_manager.filter(pk=pk).first()
    if obj is None:
        raise refusal(UNKNOWN, _("There is no such record: %(ref)s.") % {"ref": reference}, "fulfils")
    try:
        visible = access.can(user, access.VIEW, obj)
    except LookupError:
        visible = False
    if not visible:
        raise refusal(UNKNOWN, _("There is no such record: %(ref)s.") % {"ref": reference}, "fulfils")
    return obj


def _set_target(circular, target):
    if target is None:
        circular.target_type, circular.target_id = None, None
    else:
        circular.target_type = ContentType.objects.get_for_model(target)
        circular.target_id = target.pk


# ---- recipients ----------------------------------------------------------------------------


def _check_parties(countries, organizations, people):
    errors = {}
    countries, organizations, people = list(countries or ()), list(organizations or ()), list(people or ())
    if len(countries) + len(organizations) + len(people) > MAX_RECIPIENTS:
        errors["countries"] = _("A circular goes to at most %(max)s recipients.") % {"max": MAX_RECIPIENTS}
    without_term = [p for p in people if not p.appointments.current().exists()]
    if without_term:
        errors["people"] = _("These people hold no current term in the network: %(names)s.") % {
            "names": ", ".join(p.full_name for p in without_term)
        }
    if errors:
        raise ValidationError(errors)
    return countries, organizations, people


def _replace_recipients(circular, countries, organizations, people):
    wanted = (
        {("country", c.pk) for c in countries}
        | {("organization", o.pk) for o in organizations}
        | {("person", p.pk) for p in people}
    )
    existing = {(r.party_kind, r.country_id or r.organization_id or r.person_id): r for r in circular.recipients.all()}
    for key, recipient in existing.items():
        if key not in wanted:
            recipient.delete()
    for kind, pk in sorted(wanted - set(existing)):
        CircularRecipient.objects.create(circular=circular, **{f"{kind}_id": pk}, is_demo=circular.is_demo)


# ---- circulars -----------------------------------------------------------------------------


@transaction.atomic
def create_circular(*, acting_user, countries=(), organizations=(), people=(), fulfils=None, is_demo=False, **fields):
    """Write a draft circular with its recipients (countries, organizations, named people)."""
    access.require_create(acting_user, Circular)
    fields.setdefault("kind", CircularKind.INFORMATION_NOTE)
    countries, organizations, people = _check_parties(countries, organizations, people)
    with acting_as(acting_user):
        circular = Circular(created_by=acting_user, is_demo=is_demo)
        _assign(circular, fields, CIRCULAR_FIELDS)
        _set_target(circular, fulfils)
        circular.full_clean()
        circular.save()
        _replace_recipients(circular, countries, organizations, people)
    return circular


@transaction.atomic
def update_circular(circular, *, acting_user, countries=None, organizations=None, people=None, revision=None, **fields):
    """Change a draft; recipients are replaced when any of countries, organizations, people is given."""
    access.require(acting_user, access.CHANGE, circular)
    fulfils_given = "fulfils" in fields
    fulfils = fields.pop("fulfils", None)
    with acting_as(acting_user):
        circular = Circular.objects.select_for_update().get(pk=circular.pk)
        if not circular.is_draft:
            raise refusal(STATE, _("This circular was already sent; it can no longer be changed."))
        expect(circular, revision)
        _assign(circular, fields, CIRCULAR_FIELDS)
        if fulfils_given:
            _set_target(circular, fulfils)
        circular.full_clean()
        circular.save()
        if countries is not None or organizations is not None or people is not None:
            current = list(circular.recipients.all())
            parties = _check_parties(
                countries if countries is not None else [r.country for r in current if r.country_id],
                organizations if organizations is not None else [r.organization for r in current if r.organization_id],
                people if people is not None else [r.person for r in current if r.person_id],
            )
            _replace_recipients(circular, *parties)
    return circular


@transaction.atomic
def delete_circular(circular, *, acting_user):
    """Delete a draft."""
    access.require(acting_user, access.DELETE, circular)
    with acting_as(acting_user):
        for attachment in circular.attachments.all():
            attachment.file.delete(save=False)
            attachment.delete()
        circular.delete()


def _store_file(file, kinds=None):
    checked = check_upload(file) if kinds is None else check_upload(file, kinds)
    file.name = checked.name
    return checked


@transaction.atomic
def add_attachment(circular, file, *, acting_user):
    """Attach a document to a draft, after the upload checks."""
    access.require(acting_user, access.CHANGE, circular)
    if circular.attachments.count() >= MAX_FILES:
        raise refusal(STATE, _("A circular holds at most %(max)s files.") % {"max": MAX_FILES}, "file")
    try:
        checked = _store_file(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    with acting_as(acting_user):
        return CircularAttachment.objects.create(
            circular=circular,
            file=file,
            name=checked.name,
            size=checked.size,
            uploaded_by=acting_user,
            is_demo=circular.is_demo,
        )


@transaction.atomic
def remove_attachment(attachment, *, acting_user):
    access.require(acting_user, access.CHANGE, attachment.circular)
    with acting_as(acting_user):
        attachment.file.delete(save=False)
        attachment.delete()


def _circular_texts(circular):
    """Subject and body of the 'circular received' notification, per reader's language."""

    def subject(lang):
        return _("New circular: %(title)s") % {"title": circular.titled(lang)}

    def body(lang):
        lines = [f"{circular.get_kind_display()}: {circular.titled(lang)}"]
        if circular.reply_deadline:
            from django.utils.formats import date_format

            lines.append(_("Reply by %(date)s.") % {"date": date_format(circular.reply_deadline, "DATE_FORMAT")})
        if circular.attachments.exists():
            lines.append(_("It has attached documents: open it in Enlace."))
        text = localized(circular, "body", lang)
        if text:
            lines.extend(["", text[:1500] + ("…" if len(text) > 1500 else "")])
        return "\n".join(lines)

    return subject, body


REFERENCE_ATTEMPTS = 5


def _number(circular, sent_at):
    """Save a circular being sent with the next reference of its year, in the TS's pattern.

    The settings row is locked for the rest of the transaction, so concurrent sends take their
    numbers one after the other; the unique constraint (year, number) is the last guard, and a
    collision (a database without row locks) retries with the next number.
    """
    settings_row = DocumentSettings.current()
    settings_row = DocumentSettings.objects.select_for_update().get(pk=settings_row.pk)
    year = timezone.localtime(sent_at).year
    for _attempt in range(REFERENCE_ATTEMPTS):
        last = Circular.objects.filter(reference_year=year).aggregate(last=Max("reference_seq"))["last"] or 0
        circular.reference_year, circular.reference_seq = year, last + 1
        circular.reference = settings_row.reference(year, last + 1)
        try:
            with transaction.atomic():
                circular.save()
        except IntegrityError:
            continue
        return circular
    raise refusal(STATE, _("No reference number could be given to the circular; send it again."))


@transaction.atomic
def send_circular(circular, *, acting_user):
    """Send a draft: record who receives it, notify them, and mark done the record it fulfils."""
    access.require(acting_user, SEND, circular)
    with acting_as(acting_user):
        circular = Circular.objects.select_for_update().get(pk=circular.pk)
        if not circular.is_draft:
            raise refusal(STATE, _("This circular was already sent."))
        errors = {}
        if not (circular.body_es.strip() or circular.body_en.strip() or circular.attachments.exists()):
            errors["body_es"] = _("Write the text (in Spanish or English) or attach a document before sending.")
        recipients = list(circular.recipients.with_parties())
        if not recipients:
            errors["countries"] = _("Choose at least one recipient before sending.")
        if circular.reply_deadline and circular.reply_deadline < timezone.localdate():
            errors["reply_deadline"] = past_deadline_message()
        if errors:
            raise ValidationError(errors)
        circular.full_clean()
        people = people_of(recipients)
        unreachable = [r for r in recipients if not people.get(r.pk)]
        if len(unreachable) == len(recipients):
            raise ValidationError(
                {"countries": _("None of the recipients has a current liaison officer or contact to receive it.")}
            )
        now = timezone.now()
        circular.status = CircularStatus.SENT
        circular.sent_at = now
        circular.sent_by = acting_user
        _number(circular, now)
        Addressee.objects.bulk_create(
            [
                Addressee(recipient=r, person=person, user=person.user if person.user_id else None)
                for r in recipients
                for person in people.get(r.pk, [])
            ]
        )
        target = circular.target
        if target is not None and fulfilment.can_be_fulfilled(target):
            try:
                fulfilment.fulfil(target, by=circular, acting_user=acting_user)
            except (ValidationError, PermissionDenied) as error:
                message = " ".join(getattr(error, "messages", [])) or _("you may not mark it done.")
                raise ValidationError(
                    {"fulfils": _("The record it fulfils could not be marked done: %(why)s") % {"why": message}}
                ) from None
            circular.target_fulfilled_at = now
            circular.save(update_fields=["target_fulfilled_at"])
        subject, body = _circular_texts(circular)
        users = [user for r in recipients for p in people.get(r.pk, []) if (user := p.user) is not None]
        notify(
            users,
            NotificationKind.CIRCULAR_RECEIVED,
            subject=subject,
            body=body,
            url=circular.get_absolute_url(),
            dedupe_key=f"circular:{circular.pk}:received",
        )
    return circular


# ---- reading, acknowledging, replying ------------------------------------------------------


def _recipients_of(circular, acting_user, action):
    principal = access.principal_for(acting_user)
    return [r for r in circular.recipients.with_parties() if r.includes(principal) and circular.is_sent]


def mark_read(circular, *, acting_user):
    """Record the first time any of a recipient's people opens the circular (nothing for others)."""
    if not circular.is_sent:
        return 0
    principal = access.principal_for(acting_user)
    if not principal.is_authenticated:
        return 0
    from .access import recipient_match

    return CircularRecipient.objects.filter(recipient_match(principal), circular=circular, first_read_at=None).update(
        first_read_at=timezone.now(), first_read_by=acting_user
    )


def _choose_recipient(circular, acting_user, recipient, action):
    if recipient is not None:
        if recipient.circular_id != circular.pk:
            raise ValidationError({"recipient": _("This recipient is not one of this circular's.")})
        recipient.circular = circular
        access.require(acting_user, action, recipient)
        return recipient
    mine = _recipients_of(circular, acting_user, action)
    if not mine:
        access.refuse(acting_user, action, circular)
    return mine[0]


@transaction.atomic
def acknowledge_circular(circular, *, acting_user, recipient=None):
    """Acknowledge receipt on behalf of a recipient the user belongs to (once; later calls keep the first)."""
    recipient = _choose_recipient(circular, acting_user, recipient, ACKNOWLEDGE)
    with acting_as(acting_user):
        recipient = CircularRecipient.objects.select_for_update().get(pk=recipient.pk)
        if recipient.acknowledged_at is None:
            recipient.acknowledged_at = timezone.now()
            recipient.acknowledged_by = acting_user
            if recipient.first_read_at is None:
                recipient.first_read_at, recipient.first_read_by = recipient.acknowledged_at, acting_user
            recipient.save()
    return recipient


@transaction.atomic
def reply_to_circular(circular, *, acting_user, text="", files=(), recipient=None):
    """Reply on behalf of a recipient the user belongs to: text and/or documents (checked)."""
    recipient = _choose_recipient(circular, acting_user, recipient, REPLY)
    text = (text or "").strip()
    files = list(files or ())
    if not text and not files:
        raise ValidationError({"text": _("Write a reply or attach a document.")})
    if len(text) > MAX_REPLY_LENGTH:
        raise ValidationError({"text": _("The reply is too long (at most 20,000 characters).")})
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(max)s files.") % {"max": MAX_FILES}})
    checked = []
    for file in files:
        try:
            checked.append(_store_file(file))
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from None
    with acting_as(acting_user):
        reply = Reply(circular=circular, recipient=recipient, text=text, author=acting_user, is_demo=circular.is_demo)
        reply.full_clean()
        reply.save()
        for file, info in zip(files, checked, strict=True):
            ReplyAttachment.objects.create(reply=reply, file=file, name=info.name, size=info.size)
        recipient = CircularRecipient.objects.select_for_update().get(pk=recipient.pk)
        now = timezone.now()
        recipient.last_reply_at = now
        if recipient.acknowledged_at is None:
            recipient.acknowledged_at, recipient.acknowledged_by = now, acting_user
        if recipient.first_read_at is None:
            recipient.first_read_at, recipient.first_read_by = now, acting_user
        recipient.save()
    return reply


# ---- deadlines and reminders ---------------------------------------------------------------


@transaction.atomic
def extend_deadline(recipient, deadline, *, acting_user):
    """Give one recipient more time (a later deadline than the circular's); None goes back to it."""
    circular = recipient.circular
    access.require(acting_user, VIEW_BOARD, circular)
    if not circular.reply_deadline:
        raise ValidationError({"deadline": _("This circular asks for no reply by a date.")})
    if deadline is not None:
        if deadline < timezone.localdate():
            raise ValidationError(
                {"deadline": _("The reply deadline has already passed: choose today or a later date.")}
            )
        if deadline <= circular.reply_deadline:
            raise ValidationError({"deadline": _("An extension must come after the circular's deadline.")})
    with acting_as(acting_user):
        recipient = CircularRecipient.objects.select_for_update().get(pk=recipient.pk)
        recipient.deadline = deadline
        recipient.save()
    return recipient


def reminder_stage(recipient, today):
    """Return 'due7', 'due1', 'passed' or None for a recipient of a sent circular, on `today`."""
    circular = recipient.circular
    deadline = recipient.effective_deadline
    if not (circular.is_sent and deadline) or recipient.last_reply_at:
        return None
    sent_on = timezone.localdate(circular.sent_at)
    days_left = (deadline - today).days
    if 2 <= days_left <= 7 and sent_on < deadline - datetime.timedelta(days=7):
        return "due7"
    if 0 <= days_left <= 1 and sent_on < deadline - datetime.timedelta(days=1):
        return "due1"
    if days_left < 0:
        return "passed"
    return None


def _reminder_texts(circular, recipient, stage):
    from django.utils.formats import date_format

    def subject(lang):
        title = circular.titled(lang)
        if stage == "passed":
            return _("Reply overdue: %(title)s") % {"title": title}
        if stage == "due1":
            return _("Reply due tomorrow or today: %(title)s") % {"title": title}
        return _("Reply due within a week: %(title)s") % {"title": title}

    def body(lang):
        values = {"date": date_format(recipient.effective_deadline, "DATE_FORMAT"), "party": str(recipient.party)}
        if stage == "passed":
            return _("The deadline was %(date)s and %(party)s has not replied yet.") % values
        return _("The deadline is %(date)s; %(party)s has not replied yet.") % values

    return subject, body


def _author_texts(circular, replied, total):
    from django.utils.formats import date_format

    def subject(lang):
        return _("Deadline passed: %(title)s") % {"title": circular.titled(lang)}

    def body(lang):
        return _("%(replied)s of %(total)s recipients replied by %(date)s.") % {
            "replied": replied,
            "total": total,
            "date": date_format(circular.reply_deadline, "DATE_FORMAT"),
        }

    return subject, body


def send_reminders(today=None):
    """Remind the people of each recipient that has not replied: 7 and 1 days before its deadline, and after.

    Idempotent: every reminder has its key, so a second run the same day sends nothing new.
    The author hears once when the circular's deadline passes, with how many replied.
    """
    today = today or timezone.localdate()
    circulars = Circular.objects.sent().filter(
        reply_deadline__isnull=False, reply_deadline__gte=today - datetime.timedelta(days=60)
    )
    counts = {"due7": 0, "due1": 0, "passed": 0, "authors": 0}
    for circular in circulars.select_related("created_by"):
        recipients = list(circular.recipients.with_parties())
        for r in recipients:
            r.circular = circular
        due = [(r, stage) for r in recipients if (stage := reminder_stage(r, today))]
        users = users_of([r for r, _stage in due])
        for recipient, stage in due:
            subject, body = _reminder_texts(circular, recipient, stage)
            kind = NotificationKind.DEADLINE_PASSED if stage == "passed" else NotificationKind.DEADLINE_SOON
            with transaction.atomic():
                made = notify(
                    users.get(recipient.pk, []),
                    kind,
                    subject=subject,
                    body=body,
                    url=circular.get_absolute_url(),
                    dedupe_key=f"circular:{circular.pk}:recipient:{recipient.pk}:{stage}:{recipient.effective_deadline}",
                )
            counts[stage] += len(made)
        if circular.reply_deadline < today:
            replied = sum(1 for r in recipients if r.last_reply_at)
            subject, body = _author_texts(circular, replied, len(recipients))
            with transaction.atomic():
                made = notify(
                    [circular.created_by],
                    NotificationKind.DEADLINE_PASSED,
                    subject=subject,
                    body=body,
                    url=reverse("circulation:board", args=[circular.pk]),
                    dedupe_key=f"circular:{circular.pk}:passed:author",
                )
            counts["authors"] += len(made)
    return counts


# ---- notifications and preferences ---------------------------------------------------------


def mark_notification_read(notification, *, acting_user):
    access.require(acting_user, access.CHANGE, notification)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=timezone.now())
    return notification


def mark_all_notifications_read(*, acting_user):
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied
    return Notification.objects.filter(user=acting_user, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def set_notification_preferences(*, acting_user, default, per_kind=None):
    """Set how the user gets e-mail: a default, and optionally per kind (None = as the default)."""
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied
    valid = set(Delivery.values)
    if default not in valid:
        raise ValidationError({"default": _("Choose immediately, daily digest or off.")})
    per_kind = per_kind or {}
    unknown = set(per_kind) - set(NotificationKind.values)
    if unknown:
        raise ValidationError({"kind": _("Unknown kind of notification: %(kinds)s.") % {"kinds": ", ".join(unknown)}})
    for kind, delivery in per_kind.items():
        if delivery not in valid and delivery not in (None, ""):
            raise ValidationError({kind: _("Choose immediately, daily digest or off.")})
    NotificationPreference.objects.update_or_create(user=acting_user, kind="", defaults={"delivery": default})
    for kind, delivery in per_kind.items():
        if delivery:
            NotificationPreference.objects.update_or_create(
                user=acting_user, kind=kind, defaults={"delivery": delivery}
            )
        else:
            NotificationPreference.objects.filter(user=acting_user, kind=kind).delete()


# ---- the outbox (TS) -----------------------------------------------------------------------


def _outbox_action(email, acting_user, note):
    from core.audit import record
    from core.models import AuditAction

    access.require(acting_user, access.CHANGE, email)
    record(AuditAction.UPDATE, email, changes={"state": [email.state, note]}, actor=acting_user)


@transaction.atomic
def retry_email(email, *, acting_user):
    """Queue a failed, unconfirmed or cancelled e-mail again (the TS accepts it may arrive twice)."""
    _outbox_action(email, acting_user, EmailState.QUEUED)
    if not outbox.retry_now(email):
        raise refusal(STATE, _("Only a failed, unconfirmed or cancelled e-mail can be queued again."))


@transaction.atomic
def confirm_email_sent(email, *, acting_user):
    """Close an unconfirmed or failed e-mail as delivered (the TS checked it arrived)."""
    _outbox_action(email, acting_user, EmailState.SENT)
    if not outbox.settle(email, EmailState.SENT):
        raise refusal(STATE, _("This e-mail is not waiting for a decision."))


@transaction.atomic
def cancel_email(email, *, acting_user):
    _outbox_action(email, acting_user, EmailState.CANCELLED)
    if not outbox.settle(email, EmailState.CANCELLED):
        raise refusal(STATE, _("This e-mail is not waiting for a decision."))


# ---- the activity feed's secret address -----------------------------------------------------


@transaction.atomic
def create_feed_token(*, acting_user):
    """Make a new secret feed address for the user, revoking the previous ones. Return the raw secret."""
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDenied
    FeedToken.objects.filter(user=acting_user, revoked_at=None).update(revoked_at=timezone.now())
    raw = secrets.token_urlsafe(24)
    FeedToken.objects.create(user=acting_user, prefix=raw[:8], key_hash=hash_secret(raw))
    return raw


def revoke_feed_tokens(*, acting_user):
    return FeedToken.objects.filter(user=acting_user, revoked_at=None).update(revoked_at=timezone.now())


def user_for_feed_token(raw):
    if not raw or len(raw) > 100:
        return None
    token = FeedToken.objects.filter(key_hash=hash_secret(raw), revoked_at=None).select_related("user").first()
    if token is None or not token.user.is_active:
        return None
    return token.user


# Parties by code or id, for forms and the API.


def countries_by_code(codes):
    codes = [str(code).upper()[:2] for code in codes or ()]
    found = {c.code.code: c for c in Country.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise refusal(UNKNOWN, _("Unknown country code: %(codes)s.") % {"codes": ", ".join(unknown)}, "countries")
    return [found[code] for code in codes]


def organizations_by_id(ids):
    ids = list(ids or ())
    found = Organization.objects.in_bulk(ids)
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise refusal(UNKNOWN, _("Unknown organization: %(id)s.") % {"id": ", ".join(unknown)}, "organizations")
    return [found[pk] for pk in ids]


def people_by_id(ids, user):
    ids = list(ids or ())
    found = access.restrict(Person.objects.all(), user).in_bulk(ids)
    unknown = [str(pk) for pk in ids if pk not in found]
    if unknown:
        raise refusal(UNKNOWN, _("Unknown person: %(id)s.") % {"id": ", ".join(unknown)}, "people")
    return [found[pk] for pk in ids]


__all__ = [
    "OutboundEmail",
    "acknowledge_circular",
    "add_attachment",
    "create_circular",
    "reply_to_circular",
    "send_circular",
    "send_reminders",
]
