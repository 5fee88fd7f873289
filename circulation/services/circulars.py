"""Circulars: addressed, written, given files, numbered and sent."""

import datetime
import re
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import access, fulfilment
from core.audit import acting_as
from core.i18n import localized
from core.models import DocumentSettings
from core.refusals import STATE, UNKNOWN, refusal
from core.uploads import check_upload
from core.versioning import expect
from messaging.models import NotificationKind
from messaging.notifications import notify

from .. import inbound
from ..access import SEND
from ..models import Addressee, Circular, CircularAttachment, CircularKind, CircularRecipient, CircularStatus
from ..queries import people_of
from .common import CIRCULAR_FIELDS, MAX_FILES, MAX_RECIPIENTS, _assign, past_deadline_message

# ---- the record a circular fulfils -----------------------------------------------------------


def target_reference(obj: Any) -> str:
    """Return "app_label.model:pk", the way forms and the API name a record a circular fulfils."""
    ct = ContentType.objects.get_for_model(obj)
    return f"{ct.app_label}.{ct.model}:{obj.pk}"


def describe_target(reference: str, user: Any) -> str:
    """How a reader names the record `reference` points to ("" when it does not resolve for them)."""
    try:
        record = resolve_target(reference, user)
    except (ValidationError, PermissionDenied):
        return ""
    return str(record) if record is not None else ""


def resolve_target(reference: str | None, user: Any) -> Any:
    """Return the record named by "app_label.model:pk", or raise ValidationError on `fulfils`."""
    if not (reference or "").strip():
        return None
    match = re.fullmatch(r"([a-z_0-9]+)\.([a-z_0-9]+):([0-9]{1,18})", reference or "")
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


def _set_target(circular: Circular, target: Any) -> None:
    if target is None:
        circular.target_type, circular.target_id = None, None
    else:
        circular.target_type = ContentType.objects.get_for_model(target)
        circular.target_id = target.pk


# ---- recipients ----------------------------------------------------------------------------


def _check_parties(
    countries: Iterable[Any], organizations: Iterable[Any], people: Iterable[Any]
) -> tuple[list[Any], list[Any], list[Any]]:
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


def _replace_recipients(
    circular: Circular, countries: Iterable[Any], organizations: Iterable[Any], people: Iterable[Any]
) -> None:
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
def create_circular(
    *,
    acting_user: Any,
    countries: Iterable[Any] = (),
    organizations: Iterable[Any] = (),
    people: Iterable[Any] = (),
    fulfils: Any = None,
    is_demo: bool = False,
    **fields: Any,
) -> Circular:
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
def update_circular(
    circular: Circular,
    *,
    acting_user: Any,
    countries: Iterable[Any] | None = None,
    organizations: Iterable[Any] | None = None,
    people: Iterable[Any] | None = None,
    revision: int | None = None,
    **fields: Any,
) -> Circular:
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
def delete_circular(circular: Circular, *, acting_user: Any) -> None:
    """Delete a draft."""
    access.require(acting_user, access.DELETE, circular)
    with acting_as(acting_user):
        for attachment in circular.attachments.all():
            attachment.file.delete(save=False)
            attachment.delete()
        circular.delete()


def _store_file(file: Any, kinds: Iterable[str] | None = None) -> Any:
    checked = check_upload(file) if kinds is None else check_upload(file, kinds)
    file.name = checked.name
    return checked


@transaction.atomic
def add_attachment(circular: Circular, file: Any, *, acting_user: Any) -> CircularAttachment:
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
def remove_attachment(attachment: CircularAttachment, *, acting_user: Any) -> None:
    access.require(acting_user, access.CHANGE, attachment.circular)
    with acting_as(acting_user):
        attachment.file.delete(save=False)
        attachment.delete()


def _circular_texts(circular: Circular) -> tuple[Any, Any]:
    """Subject and body of the 'circular received' notification, per reader's language."""

    def subject(lang: str) -> str:
        return _("New circular: %(title)s") % {"title": circular.titled(lang)}

    def body(lang: str) -> str:
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


def _number(circular: Circular, sent_at: datetime.datetime) -> Circular:
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
def send_circular(circular: Circular, *, acting_user: Any) -> Circular:
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
        # Each person's e-mail carries a reply address of its own: an answer is their recipient's reply.
        # Someone who receives it for two parties (an officer who is also an organization's contact) gets
        # no reply address: an answer by e-mail could not say for whom; they reply on the page.
        recipient_of: dict[int, CircularRecipient | None] = {}
        for r in recipients:
            for person in people.get(r.pk, []):
                if person.user_id:
                    recipient_of[person.user_id] = r if person.user_id not in recipient_of else None
        notify(
            users,
            NotificationKind.CIRCULAR_RECEIVED,
            subject=subject,
            body=body,
            url=circular.get_absolute_url(),
            dedupe_key=f"circular:{circular.pk}:received",
            reply_to=lambda user: (
                inbound.reply_address(recipient, user, circular=circular)
                if (recipient := recipient_of.get(user.pk)) is not None
                else ""
            ),
        )
    return circular
