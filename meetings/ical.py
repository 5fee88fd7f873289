"""The iCalendar (RFC 5545) feed of meetings a user may see, for calendar applications."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from icalendar import Calendar, Event

from core import access
from core.i18n import localized

from . import queries
from .access import VIEW_LINK


def calendar_bytes(user):
    """Return the user's calendar: meetings from a month ago on, in the user's language."""
    lang = (getattr(user, "language", "") or settings.LANGUAGE_CODE)[:2]
    with translation.override(lang):
        cal = Calendar()
        cal.add("prodid", "-//Enlace//Meetings//ES")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", "Enlace")
        cal.add("calscale", "GREGORIAN")
        stamp = timezone.now()
        for meeting in queries.upcoming_for_feed(user):
            event = Event()
            event.add("uid", f"meeting-{meeting.pk}@enlace")
            event.add("dtstamp", stamp)
            event.add("summary", localized(meeting, "title", lang))
            if meeting.starts_at:
                event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
                end = meeting.ends_at or meeting.starts_at + datetime.timedelta(hours=2)
                event.add("dtend", end.astimezone(datetime.UTC))
            else:
                event.add("dtstart", meeting.start_date)
                event.add("dtend", meeting.last_day + datetime.timedelta(days=1))
            location = meeting.place
            if meeting.link and access.can(user, VIEW_LINK, meeting):
                location = f"{location} · {meeting.link}" if location else meeting.link
            if location:
                event.add("location", location)
            url = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
            event.add("url", url)
            event.add("description", f"{localized(meeting.body, 'name', lang)}\n{url}")
            event.add("status", "CONFIRMED" if meeting.is_published else "TENTATIVE")
            cal.add_component(event)
    return cal.to_ical()
