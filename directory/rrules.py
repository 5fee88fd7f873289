"""HSDS schedules as RFC 5545 recurrence rules: check the columns, write the RRULE text."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FREQUENCIES = ("WEEKLY", "MONTHLY")  # the HSDS 3.0 enumeration
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


def _int_list(value, low, high, field):
    items = [item.strip() for item in str(value).split(",") if item.strip()]
    for item in items:
        try:
            number = int(item)
        except ValueError:
            raise ValidationError({field: _("“%(value)s” is not a whole number.") % {"value": item}}) from None
        if number == 0 or not low <= number <= high:
            raise ValidationError(
                {
                    field: _("%(value)s is out of range (%(low)s to %(high)s, not 0).")
                    % {"value": number, "low": low, "high": high}
                }
            )
    return items


def check_rrule(schedule):
    """Raise ValidationError naming the field when the schedule is not a valid RFC 5545 rule."""
    freq = (schedule.freq or "").upper()
    rule_fields = ("byday", "bymonthday", "byweekno", "byyearday", "interval", "count", "until", "wkst")
    if not freq:
        if any(getattr(schedule, name) not in (None, "") for name in rule_fields):
            raise ValidationError({"freq": _("A recurrence rule needs its frequency (WEEKLY or MONTHLY).")})
        return
    if freq not in FREQUENCIES:
        raise ValidationError(
            {"freq": _("“%(value)s” is not a frequency HSDS accepts (WEEKLY or MONTHLY).") % {"value": schedule.freq}}
        )
    schedule.freq = freq
    if schedule.wkst and schedule.wkst.upper() not in WEEKDAYS:
        raise ValidationError({"wkst": _("“%(value)s” is not a day (MO to SU).") % {"value": schedule.wkst}})
    if schedule.interval is not None and schedule.interval < 1:
        raise ValidationError({"interval": _("The interval must be 1 or more.")})
    if schedule.count is not None and schedule.until is not None:
        raise ValidationError({"count": _("A rule has a count or an end date, not both.")})
    days = [item.strip().upper() for item in (schedule.byday or "").split(",") if item.strip()]
    for day in days:
        match = BYDAY.match(day)
        if not match:
            raise ValidationError(
                {"byday": _("“%(value)s” is not a day of RFC 5545 (e.g. MO, 1FR, -1SU).") % {"value": day}}
            )
        if match.group(1) and freq == "WEEKLY":
            raise ValidationError({"byday": _("A weekly rule cannot number its days (“%(value)s”).") % {"value": day}})
    schedule.byday = ",".join(days)
    if schedule.bymonthday:
        _int_list(schedule.bymonthday, -31, 31, "bymonthday")
        if freq == "WEEKLY":
            raise ValidationError({"bymonthday": _("A weekly rule cannot name days of the month.")})
    if schedule.byweekno:
        _int_list(schedule.byweekno, -53, 53, "byweekno")
    if schedule.byyearday:
        _int_list(schedule.byyearday, -366, 366, "byyearday")
    if schedule.opens_at and schedule.closes_at and schedule.closes_at <= schedule.opens_at:
        raise ValidationError({"closes_at": _("It must close after it opens.")})


def rrule_text(schedule):
    """Return 'FREQ=WEEKLY;BYDAY=MO,TU' for a schedule, or '' when it has no rule."""
    if not schedule.freq:
        return ""
    parts = [f"FREQ={schedule.freq.upper()}"]
    if schedule.interval:
        parts.append(f"INTERVAL={schedule.interval}")
    if schedule.count:
        parts.append(f"COUNT={schedule.count}")
    if schedule.until:
        parts.append(f"UNTIL={schedule.until:%Y%m%d}")
    for name in ("byday", "bymonthday", "byweekno", "byyearday"):
        value = getattr(schedule, name)
        if value:
            parts.append(f"{name.upper()}={value.replace(' ', '')}")
    if schedule.wkst:
        parts.append(f"WKST={schedule.wkst.upper()}")
    return ";".join(parts)
