"""A change to a service, item by item: what the record holds now, what is proposed, in words.

A proposal (`ServiceEdit.changes`, JSON) maps an item's key to its proposed value:

- a service field (`name_es`, `status`, `minimum_age`, …): its value;
- `terms`: the category ids; `languages`: ISO 639 codes;
- `phones`: the service's own phones, whole: [{"number", "extension", "type", "description"}];
- `hours`: the weekly opening hours, whole: {"MO": [["08:00", "12:00"], ["13:00", "17:00"]], …};
  a day left out is closed, [["00:00", "24:00"]] is open all day;
- `address:<location id>`: {"address_1", "address_2", "city", "state_province", "postal_code"};
- `position:<location id>`: {"latitude", "longitude"}.

`current` reads the same items from the record, so a proposal keeps only what differs
(`changed`) and a review shows each item old → new (`review_items`), labelled and worded in the
reader's language. The writes are in `services`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats
from django.utils.dates import WEEKDAYS as DAY_NAMES
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from core.textdiff import Segment, word_diff

from .models import Schedule, Service, TaxonomyTerm
from .rrules import WEEKDAYS

PHONE_FIELDS = ("number", "extension", "type", "description")
PHONE_TYPES = [
    ("", gettext_lazy("—")),
    ("voice", gettext_lazy("Voice")),
    ("cell", gettext_lazy("Mobile")),
    ("text", gettext_lazy("Text messages")),
    ("video", gettext_lazy("Video call")),
    ("fax", gettext_lazy("Fax")),
    ("textphone", gettext_lazy("Textphone")),
    ("pager", gettext_lazy("Pager")),
]  # HSDS 3.0 phone types

ADDRESS_PARTS = ("address_1", "address_2", "city", "state_province", "postal_code")
ALL_DAY = ["00:00", "24:00"]
LISTS = ("terms", "languages", "phones", "hours")


# ---- Reading the record as proposal items ---------------------------------------------------------


def _hhmm(value: datetime.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def is_weekly(schedule: Schedule) -> bool:
    """Whether a schedule is plain weekly hours (which the form edits); others are kept as they are."""
    days = [day for day in (schedule.byday or "").split(",") if day]
    return (
        schedule.location_id is None
        and schedule.service_at_location_id is None
        and (schedule.freq or "").upper() == "WEEKLY"
        and (schedule.interval or 1) == 1
        and bool(days)
        and all(day in WEEKDAYS for day in days)
        and not any((schedule.bymonthday, schedule.byweekno, schedule.byyearday, schedule.until, schedule.count))
        and not any((schedule.valid_from, schedule.valid_to))
        and (schedule.opens_at is None) == (schedule.closes_at is None)
    )


def weekly_hours(schedules: list[Schedule]) -> dict[str, list[list[str]]]:
    """The weekly hours of a service's plain weekly schedules, day by day, intervals in order."""
    hours: dict[str, list[list[str]]] = {}
    for schedule in schedules:
        if not is_weekly(schedule):
            continue
        interval = [_hhmm(schedule.opens_at), _hhmm(schedule.closes_at)] if schedule.opens_at else ALL_DAY
        for day in schedule.byday.split(","):
            hours.setdefault(day, []).append(interval)
    return {day: sorted(hours[day]) for day in WEEKDAYS if day in hours}


def phone_values(phone: Any) -> dict[str, Any]:
    return {
        "number": phone.number,
        "extension": phone.extension,
        "type": phone.type or "",
        "description": phone.description or "",
    }


def own_phones(service: Service) -> list[Any]:
    """The service's own phones (not those of its locations or contacts), read from a prefetch if any."""
    return [
        p for p in service.phones.all()
        if p.location_id is None and p.contact_id is None and p.service_at_location_id is None
    ]  # fmt: skip


def current(service: Service, editable_fields: tuple[str, ...], links: list[Any]) -> dict[str, Any]:
    """Every item a proposal may change, as the record holds it now (JSON values)."""
    values: dict[str, Any] = {}
    for name in editable_fields:
        value = getattr(service, name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    values["terms"] = sorted(str(term.pk) for term in service.terms.all())
    values["languages"] = [language.code for language in service.languages.all()]
    values["phones"] = [phone_values(phone) for phone in own_phones(service)]
    values["hours"] = weekly_hours(list(service.schedules.all()))
    for link in links:
        location = link.location
        address = next(iter(location.addresses.all()), None)
        values[f"address:{location.pk}"] = {
            part: (getattr(address, part) if address else "") or "" for part in ADDRESS_PARTS
        }
        values[f"position:{location.pk}"] = {"latitude": location.latitude, "longitude": location.longitude}
    return values


def _normal(key: str, value: Any) -> Any:
    if value in (None, ""):
        return None
    if key == "languages":
        return sorted(set(value))
    if key == "terms":
        return sorted(value)
    if key == "phones":
        return [{name: phone.get(name) or None for name in PHONE_FIELDS} for phone in value]
    if key == "hours":
        return {day: sorted(value[day]) for day in WEEKDAYS if value.get(day)}
    if key.startswith("address:"):
        return {part: (value.get(part) or "").strip() for part in ADDRESS_PARTS}
    if key.startswith("position:"):
        return {axis: round(float(value[axis]), 6) for axis in ("latitude", "longitude")}
    return value


def same(key: str, old: Any, new: Any) -> bool:
    return _normal(key, old) == _normal(key, new)


def changed(now: dict[str, Any], proposed: dict[str, Any]) -> dict[str, Any]:
    """The proposed items that differ from the record."""
    return {key: value for key, value in proposed.items() if not same(key, now.get(key), value)}


# ---- Words -------------------------------------------------------------------------------------


def language_label(code: str) -> str:
    """A language by its name in the reader's language, and its own name when that differs."""
    from .queries import REGIONAL_LANGUAGES

    if code in REGIONAL_LANGUAGES:
        return REGIONAL_LANGUAGES[code]
    try:
        info = get_language_info(code)
    except KeyError:
        return code
    translated, local = str(info["name_translated"]), info["name_local"]
    return translated if translated.lower() == local.lower() else f"{translated} ({local})"


def _time(text: str) -> str:
    hour, minute = (int(part) for part in text.split(":"))
    return formats.time_format(datetime.time(hour, minute))


def interval_words(intervals: list[list[str]]) -> str:
    if not intervals:
        return pgettext("opening hours of a day", "closed")
    if [list(i) for i in intervals] == [ALL_DAY]:
        return _("open 24 hours")
    return ", ".join(f"{_time(start)}–{_time(end)}" for start, end in intervals)


def day_name(day: str) -> str:
    """A day's name as written inside a sentence ("lunes" in Spanish, "Monday" in English)."""
    return str(DAY_NAMES[WEEKDAYS.index(day)])


def week_words(hours: dict[str, list[list[str]]]) -> list[str]:
    """The week in the reader's words, runs of days with the same hours together:
    ["Monday to Friday: 08:00–16:00", "Saturday: 09:00–13:00"]; [] when no day is open."""
    lines, run = [], []
    for day in [*WEEKDAYS, None]:
        if run and (day is None or hours.get(day) != hours.get(run[0]) or not hours.get(day)):
            if len(run) == 1:
                when = day_name(run[0])
            elif len(run) == len(WEEKDAYS):
                when = _("Every day")
            else:
                when = _("%(first)s to %(last)s") % {"first": day_name(run[0]), "last": day_name(run[-1])}
            lines.append(f"{capfirst(when)}: {interval_words(hours[run[0]])}")
            run = []
        if day is not None and hours.get(day):
            run.append(day)
    return lines


def phone_words(phone: dict[str, Any]) -> str:
    text = phone.get("number") or ""
    if phone.get("extension"):
        text += " " + _("ext. %(number)s") % {"number": phone["extension"]}
    kind = dict(PHONE_TYPES).get(phone["type"]) if phone.get("type") else None
    details = [str(part) for part in (kind, phone.get("description")) if part]
    return f"{text} ({', '.join(details)})" if details else text


def address_words(address: dict[str, Any]) -> str:
    return ", ".join(address[part] for part in ADDRESS_PARTS if address.get(part))


# ---- Old → new, item by item ---------------------------------------------------------------------

_word_diff = word_diff


def _list_diff(old: list[str], new: list[str]) -> tuple[list[list[Segment]], list[list[Segment]]]:
    return (
        [[("same" if item in new else "del", item)] for item in old],
        [[("same" if item in old else "ins", item)] for item in new],
    )


@dataclass
class Item:
    """One proposed item as the review shows it: its label, the lines now and proposed, a note."""

    key: str
    label: str
    old: list[list[Segment]] = field(default_factory=list)
    new: list[list[Segment]] = field(default_factory=list)
    note: str = ""
    decision: dict[str, Any] | None = None  # {"approved": bool, "note": str} once decided
    stale: bool = False  # the record no longer has what the item changes (a location unlinked)


def _value_words(service: Service, name: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    model_field = Service._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _label(name: str) -> str:
    label = str(Service._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def describe(service: Service, key: str, old: Any, new: Any, places: dict[str, Any], terms: dict[str, str]) -> Item:
    """An item's label and its lines old → new, in the active language."""
    if key == "terms":
        item = Item(key, _("Categories"))
        item.old, item.new = _list_diff([terms.get(i, i) for i in old or []], [terms.get(i, i) for i in new or []])
    elif key == "languages":
        item = Item(key, _("Languages"))
        item.old, item.new = _list_diff([language_label(c) for c in old or []], [language_label(c) for c in new or []])
    elif key == "phones":
        item = Item(key, _("Phones"))
        item.old, item.new = _list_diff([phone_words(p) for p in old or []], [phone_words(p) for p in new or []])
    elif key == "hours":
        item = Item(key, _("Opening hours"))
        old, new = old or {}, new or {}
        for day in WEEKDAYS:
            if old.get(day) != new.get(day):
                item.old.append([("del", f"{capfirst(day_name(day))}: {interval_words(old.get(day) or [])}")])
                item.new.append([("ins", f"{capfirst(day_name(day))}: {interval_words(new.get(day) or [])}")])
        week = "; ".join(week_words(new)) or _("closed every day")
        item.note = _("The week proposed: %(week)s") % {"week": week}
    elif key.startswith(("address:", "position:")):
        kind, location_id = key.split(":", 1)
        place = places.get(location_id)
        where = (place.name or str(place.municipality or "")) if place else _("a location no longer linked")
        if kind == "address":
            item = Item(key, _("Address — %(place)s") % {"place": where})
            left, right = _word_diff(address_words(old or {}), address_words(new or {}))
            item.old, item.new = [left] if old and address_words(old) else [], [right]
        else:
            item = Item(key, _("Map position — %(place)s") % {"place": where})
            item.new = [[("ins", _coordinates(new))]]
            if old:
                item.old = [[("del", _coordinates(old))]]
                from .queries import haversine_km

                moved = haversine_km(old["latitude"], old["longitude"], new["latitude"], new["longitude"])
                km = formats.number_format(moved, 1, use_l10n=True)
                item.note = _("Moved %(km)s km.") % {"km": km}
        item.stale = place is None
    else:
        item = Item(key, _label(key))
        old_text, new_text = _value_words(service, key, old), _value_words(service, key, new)
        left, right = _word_diff(old_text, new_text)
        item.old = [left] if old_text else []
        item.new = [right] if new_text else []
    return item


def _coordinates(value: dict[str, Any]) -> str:
    return ", ".join(formats.number_format(value[axis], 5, use_l10n=True) for axis in ("latitude", "longitude"))


def rank(key: str) -> tuple[int, str]:
    """The order of items on the form and in a review (JSON objects keep no order in PostgreSQL)."""
    from .fields import SERVICE

    order = [*SERVICE.editable, *LISTS]
    if key in order:
        return order.index(key), ""
    kind, _sep, location = key.partition(":")
    return len(order) + (0 if kind == "address" else 1), location


def short_labels(keys) -> str:
    """What a proposal changes, in a few words: "Phones, Opening hours, Address"."""
    names = {"terms": _("Categories"), "languages": _("Languages"), "phones": _("Phones"), "hours": _("Opening hours")}
    labels = []
    for key in sorted(keys, key=rank):
        kind = key.partition(":")[0]
        label = names.get(key) or {"address": _("Address"), "position": _("Map position")}.get(kind) or _label(key)
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def review_items(edit: Any, now: dict[str, Any], places: dict[str, Any]) -> list[Item]:
    """The items of a proposal, old → new, in the form's order.

    `now` is the record's current values (for a pending proposal); a decided one shows what the
    record held when it was proposed (`edit.before`).
    """
    pending = edit.status == "pending"
    before = edit.before or {}
    term_ids = {i for source in (edit.changes, now, before) for i in source.get("terms") or []}
    terms = {str(t.pk): str(t) for t in TaxonomyTerm.objects.filter(pk__in=term_ids)} if term_ids else {}
    items = []
    for key in sorted(edit.changes, key=rank):
        old = now.get(key) if pending else before.get(key)
        item = describe(edit.service, key, old, edit.changes[key], places, terms)
        item.decision = (edit.decisions or {}).get(key)
        items.append(item)
    return items
