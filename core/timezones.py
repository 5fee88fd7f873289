"""Time zones as people name them: by city, with the offset they have now, the region's first.

`time_zone_choices()` gives the choices of a <select>: the member countries' capitals and a few
cities the network meets with, then every other zone of the IANA database under "Other time
zones", each labelled "City (UTC−06:00)" — the value stays the IANA name that is stored.
"""

import contextlib
import datetime
import functools
import zoneinfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# (IANA name, how people call it), the network's own first.
REGION = (
    ("America/Guatemala", gettext_lazy("Guatemala City")),
    ("America/Mexico_City", gettext_lazy("Mexico City")),
    ("America/El_Salvador", gettext_lazy("San Salvador")),
    ("America/Tegucigalpa", gettext_lazy("Tegucigalpa")),
    ("America/Managua", gettext_lazy("Managua")),
    ("America/Costa_Rica", gettext_lazy("San José (Costa Rica)")),
    ("America/Panama", gettext_lazy("Panama City")),
    ("America/Belize", gettext_lazy("Belmopan (Belize)")),
    ("America/Santo_Domingo", gettext_lazy("Santo Domingo")),
    ("America/New_York", gettext_lazy("Washington, D.C. and New York")),
    ("America/Toronto", gettext_lazy("Ottawa and Toronto")),
    ("America/Chicago", gettext_lazy("Chicago and Houston")),
    ("America/Los_Angeles", gettext_lazy("Los Angeles")),
    ("America/Bogota", gettext_lazy("Bogotá")),
    ("Europe/Madrid", gettext_lazy("Madrid")),
    ("Europe/Zurich", gettext_lazy("Geneva")),
    ("UTC", gettext_lazy("Coordinated Universal Time")),
)


def offset_label(name, at=None):
    """ "UTC−06:00" for a zone, at `at` (now by default: summer time changes it)."""
    moment = at or datetime.datetime.now(datetime.UTC)
    offset = moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(name, at=None):
    """A zone as people name it, with its offset at `at`: "San José (Costa Rica) (UTC−06:00)"."""
    name = str(name)
    label = dict(REGION).get(name)
    try:
        return f"{label or city_of(name)} ({offset_label(name, at)})"
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return name


def city_of(name):
    """The city part of an IANA name, readable: "America/Argentina/Buenos_Aires" → "Buenos Aires (America)"."""
    parts = name.split("/")
    if len(parts) == 1:
        return name.replace("_", " ")
    return f"{parts[-1].replace('_', ' ')} ({parts[0]})"


CONTINENTS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


@functools.cache
def other_zones():
    """The IANA zones of cities (not the old aliases such as "US/Eastern" or "Australia/ACT"), by city."""
    known = {name for name, _label in REGION}
    cities = (
        name
        for name in zoneinfo.available_timezones()
        if name.split("/")[0] in CONTINENTS and name not in known and not name.split("/")[-1].isupper()
    )
    return tuple(sorted(cities, key=city_of))


def time_zone_choices(at=None, keep=""):
    """The choices; `keep` (a record's zone outside the lists, e.g. an old alias) is offered too."""
    region = [(name, f"{label} ({offset_label(name, at)})") for name, label in REGION]
    rest = [(name, f"{city_of(name)} ({offset_label(name, at)})") for name in other_zones()]
    if keep and keep not in {name for name, _label in region + rest}:
        with contextlib.suppress(zoneinfo.ZoneInfoNotFoundError, ValueError):
            rest.insert(0, (keep, f"{city_of(keep)} ({offset_label(keep, at)})"))
    return [(_("The region"), region), (_("Other time zones"), rest)]
