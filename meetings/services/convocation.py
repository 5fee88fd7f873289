"""Calendar feeds, the convocation circular, and the delegates each country registers."""

import datetime
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import hash_secret
from core import access
from core.audit import acting_as
from core.models import Visibility
from core.refusals import STATE, refusal
from network.models import Country

from ..models import (
    CalendarFeed,
    Delegate,
    Meeting,
    MeetingStatus,
)

# ---- calendar feed -------------------------------------------------------------------------


@transaction.atomic
def create_calendar_feed(user: Any) -> tuple[CalendarFeed, str]:
    """Give a user a new secret calendar address; return (feed, raw key) — the key is shown once."""
    access.require_create(user, CalendarFeed)
    raw = "cal_" + secrets.token_urlsafe(24)
    with acting_as(user):
        feed = CalendarFeed.objects.create(user=user, key_hash=hash_secret(raw), prefix=raw[4:12])
    return feed, raw


@transaction.atomic
def revoke_calendar_feed(feed: CalendarFeed, *, acting_user: Any) -> CalendarFeed:
    """Stop a calendar address for good."""
    access.require(acting_user, access.CHANGE, feed)
    with acting_as(acting_user):
        feed.revoked_at = timezone.now()
        feed.save()
    return feed


# ---- convocation and delegations -------------------------------------------------------------

CONVOCATION_DEADLINE_DAYS = 3


DELEGATE_TEXT_LIMITS = {"name": 200, "position": 200, "institution": 200}


def default_reply_deadline(meeting: Meeting, today: datetime.date | None = None) -> datetime.date:
    """A few days before the meeting, never before today."""
    today = today or timezone.localdate()
    return max(today, meeting.start_date - datetime.timedelta(days=CONVOCATION_DEADLINE_DAYS))


def _convocation_texts(meeting: Meeting, lang: str) -> tuple[str, str]:
    """Title and body of a meeting's convocation in `lang` ("es" or "en")."""
    from django.utils import translation
    from django.utils.formats import date_format

    from core.i18n import localized

    with translation.override(lang):
        title = localized(meeting, "title", lang) or str(meeting)
        when = date_format(meeting.start_date, "DATE_FORMAT")
        if meeting.end_date and meeting.end_date != meeting.start_date:
            when = f"{when} – {date_format(meeting.end_date, 'DATE_FORMAT')}"
        if meeting.starts_at:
            when += " · " + date_format(timezone.localtime(meeting.starts_at), "TIME_FORMAT")
            when += f" ({timezone.get_current_timezone_name()})"
        lines = [
            _("The Technical Secretariat convenes the member countries to %(meeting)s.") % {"meeting": title},
            "",
            _("Date: %(date)s") % {"date": when},
            _("Modality: %(modality)s") % {"modality": meeting.get_modality_display()},
        ]
        if meeting.place:
            lines.append(_("Place: %(place)s") % {"place": meeting.place})
        if meeting.link:
            lines.append(_("Link to join: %(link)s") % {"link": meeting.link})
        agenda = [localized(item, "title", lang) for item in meeting.agenda.all()]
        if agenda:
            lines.extend(["", _("Agenda:")])
            lines.extend(f"{number}. {item}" for number, item in enumerate(agenda, 1))
        lines.extend(
            [
                "",
                _("Please register your delegation in Enlace, from this circular's page."),
            ]
        )
        return _("Convocation: %(meeting)s") % {"meeting": title}, "\n".join(lines)


@transaction.atomic
def convene_meeting(meeting: Meeting, *, acting_user: Any, reply_deadline: datetime.date | None = None) -> Any:
    """Write the draft circular that convenes the member countries to a meeting, and link it to the meeting."""
    from circulation import services as circulation_services
    from circulation.models import CircularKind

    access.require(acting_user, access.CHANGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.convocation_id:
        raise refusal(STATE, _("This meeting already has its convocation circular."))
    if meeting.status != MeetingStatus.PUBLISHED or meeting.visibility == Visibility.TS:
        raise ValidationError(
            _("Publish the meeting for network members before convening it: the countries must be able to open it.")
        )
    if meeting.has_started():
        raise refusal(STATE, _("This meeting has already started; it can no longer be convened."))
    title_es, body_es = _convocation_texts(meeting, "es")
    title_en, body_en = _convocation_texts(meeting, "en")
    circular = circulation_services.create_circular(
        acting_user=acting_user,
        countries=list(Country.objects.members().order_by("code")),
        kind=CircularKind.CALL,
        title_es=title_es[:300],
        title_en=title_en[:300],
        body_es=body_es,
        body_en=body_en,
        reply_deadline=reply_deadline or default_reply_deadline(meeting),
        is_demo=meeting.is_demo,
    )
    with acting_as(acting_user):
        meeting.convocation = circular
        meeting.save(update_fields=["convocation", "updated_at"])
    return circular


def _clean_delegate(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {key: (fields.get(key) or "").strip() for key in ("name", "position", "institution", "email")}
    errors = {}
    if not cleaned["name"]:
        errors["name"] = _("Give the delegate's name.")
    for key, limit in DELEGATE_TEXT_LIMITS.items():
        if len(cleaned[key]) > limit:
            errors[key] = _("At most %(max)s characters.") % {"max": limit}
    if cleaned["email"]:
        from django.core.validators import validate_email

        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = _("Give a valid e-mail address, or leave it empty.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _acknowledge_in_convocation(meeting: Meeting, country: Any, delegate: Delegate, acting_user: Any) -> Any:
    """Reply to the convocation for `country` when the registrant may answer it for that country."""
    from circulation import services as circulation_services

    details = ", ".join(part for part in (delegate.position, delegate.institution) if part)
    text = _("Delegate registered for %(country)s: %(name)s.") % {
        "country": country.name,
        "name": f"{delegate.name} ({details})" if details else delegate.name,
    }
    # The TS registering for a country does not answer on its behalf.
    return circulation_services.reply_for_party(
        meeting.convocation, Q(country=country), acting_user=acting_user, text=text
    )


@transaction.atomic
def register_delegate(
    meeting: Meeting, country: Any, *, acting_user: Any, person: Any = None, **fields: Any
) -> Delegate:
    """Register one delegate of a country to a meeting; the country becomes one of its delegations present.

    When the meeting was convened through a circular, the registration is also the country's reply to it.
    """
    from network.models import Person

    access.require_create(acting_user, Delegate, meeting=meeting, country=country)
    unknown = set(fields) - {"name", "position", "institution", "email"}
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in sorted(unknown)})
    cleaned = _clean_delegate(fields)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("convocation").get(pk=meeting.pk)
    if meeting.has_started():
        raise refusal(STATE, _("This meeting has already started: delegations can no longer be registered."))
    if person is None and cleaned["email"]:
        person = Person.objects.filter(email__iexact=cleaned["email"]).first()
    with acting_as(acting_user):
        delegate = Delegate(meeting=meeting, country=country, person=person, registered_by=acting_user, **cleaned)
        delegate.full_clean()
        delegate.save()
        # The registrations are the attendance: a country with delegates is a delegation present.
        meeting.delegations.add(country)
    _acknowledge_in_convocation(meeting, country, delegate, acting_user)
    return delegate


def feed_for_key(raw: str | None) -> CalendarFeed | None:
    """Return the active feed of a raw key, or None; its user must still be active."""
    if not raw or not raw.startswith("cal_") or len(raw) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(key_hash=hash_secret(raw), revoked_at=None).first()
    if feed is None or not feed.user.is_active:
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed
