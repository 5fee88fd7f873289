"""English date formats for the network's readers.

Django's English short formats put the month first ("12/06/2026"), which readers across the
region, who write the day first, take for 12 June. Short dates name the month instead.
"""

SHORT_DATE_FORMAT = "M j, Y"  # Dec 6, 2026
SHORT_DATETIME_FORMAT = "M j, Y, P"  # Dec 6, 2026, 12:39 p.m.
