"""Dates as reports write them, in English and Spanish: meeting days and commitments' due times."""

import calendar
import datetime
import re

MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "setiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th|°|º)?"
RANGE = r"\s*(?:-|–|—|and|to|through|y|al|a)\s*"
YEAR = r"((?:19|20)\d\d)"

# "November 15th, 2017", "March 20 and 21, 2018", "March 20-21, 2018"
MONTH_FIRST = re.compile(rf"\b({MONTH})\s+({DAY})(?:{RANGE}({DAY}))?,?\s+(?:de\s+)?{YEAR}\b")
# "15 November 2017", "15 de noviembre de 2017", "20 y 21 de junio de 2018", "del 20 al 21 de junio de 2018"
DAY_FIRST = re.compile(rf"\b({DAY})(?:{RANGE}({DAY}))?\s+(?:de\s+)?({MONTH}),?\s+(?:de\s+|del\s+)?{YEAR}\b")
# "30 November to 1 December 2017", "30 de noviembre al 1 de diciembre de 2017"
ACROSS_MONTHS = re.compile(
    rf"\b({DAY})\s+(?:de\s+)?({MONTH}){RANGE}({DAY})\s+(?:de\s+)?({MONTH}),?\s+(?:de\s+|del\s+)?{YEAR}\b"
)
# "November 30 to December 1, 2017"
ACROSS_MONTHS_EN = re.compile(rf"\b({MONTH})\s+({DAY}){RANGE}({MONTH})\s+({DAY}),?\s+{YEAR}\b")
ISO = re.compile(r"\b((?:19|20)\d\d)-([01]\d)-([0-3]\d)\b")


def _day(text):
    return int(re.match(r"\d+", text).group())


def _date(year, month, day):
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def find_meeting_dates(folded):
    """Return (start, end, (span_start, span_end)) of the first date or date range, or None.

    `folded` is accent-folded lower-case text. A one-day meeting has end == start.
    """
    candidates = []
    for match in ACROSS_MONTHS.finditer(folded):
        d1, m1, d2, m2, year = match.groups()
        start, end = _date(year, MONTHS[m1], _day(d1)), _date(year, MONTHS[m2], _day(d2))
        candidates.append((match.start(), start, end, match.span()))
    for match in ACROSS_MONTHS_EN.finditer(folded):
        m1, d1, m2, d2, year = match.groups()
        start, end = _date(year, MONTHS[m1], _day(d1)), _date(year, MONTHS[m2], _day(d2))
        candidates.append((match.start(), start, end, match.span()))
    for match in MONTH_FIRST.finditer(folded):
        month, d1, d2, year = match.groups()
        start = _date(year, MONTHS[month], _day(d1))
        end = _date(year, MONTHS[month], _day(d2)) if d2 else start
        candidates.append((match.start(), start, end, match.span()))
    for match in DAY_FIRST.finditer(folded):
        d1, d2, month, year = match.groups()
        start = _date(year, MONTHS[month], _day(d1))
        end = _date(year, MONTHS[month], _day(d2)) if d2 else start
        candidates.append((match.start(), start, end, match.span()))
    for match in ISO.finditer(folded):
        start = _date(*match.groups())
        candidates.append((match.start(), start, start, match.span()))
    candidates = [c for c in candidates if c[1] is not None and c[2] is not None and c[2] >= c[1]]
    if not candidates:
        return None
    # The earliest match wins; at one position, the longest (a range beats a single day).
    candidates.sort(key=lambda c: (c[0], -(c[3][1] - c[3][0])))
    _pos, start, end, span = candidates[0]
    return start, end, span


QUARTERS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "last": 4,
    "primer": 1,
    "primero": 1,
    "segundo": 2,
    "tercer": 3,
    "tercero": 3,
    "cuarto": 4,
    "ultimo": 4,
}
QUARTER_WORD = "(?:" + "|".join(sorted(QUARTERS, key=len, reverse=True)) + ")"
OF_YEAR = rf"(?:\s+(?:of\s+|de\s+|del\s+)?(?:(?:the\s+)?year\s+|(?:el\s+)?ano\s+)?{YEAR}\b)?"
DUE_QUARTER = re.compile(rf"\b({QUARTER_WORD})\s+(?:quarter|trimestre){OF_YEAR}")
DUE_Q = re.compile(rf"\bq([1-4])\s*(?:of\s+|de\s+|del\s+)?{YEAR}\b|\b{YEAR}-q([1-4])\b")
DUE_HALF = re.compile(rf"\b(first|second|primer|segundo)\s+(?:half|semester|semestre){OF_YEAR}")
DUE_MONTH = re.compile(
    rf"\b(?:in|by|during|before|no later than|en|durante|para|antes\s+de|a\s+mas\s+tardar\s+en)\s+"
    rf"(?:the\s+end\s+of\s+|finales\s+de\s+|fines\s+de\s+)?(?:the\s+month\s+of\s+|el\s+mes\s+de\s+)?"
    rf"({MONTH})(?:\s+(?:of\s+|de\s+|del\s+)?{YEAR}\b)?"
)
DUE_YEAR = re.compile(
    rf"\b(?:in|for|during|by|before the end of|by the end of|throughout|en|para|durante|antes de finalizar|"
    rf"a finales de|a lo largo de|antes de que finalice)\s+(?:el\s+|the\s+)?(?:(?:year|ano)\s+)?{YEAR}\b(?!\s*-\s*\d)"
)


def find_due(folded, year=None):
    """Return the due time mentioned in an action: 'YYYY-Qn', an ISO date, 'YYYY', or None.

    A quarter, half-year or month written without its year ("in the first semester") falls in
    `year` (the meeting's) when it is given, and is not read otherwise.
    """
    match = DUE_QUARTER.search(folded)
    if match and (match.group(2) or year):
        return f"{match.group(2) or year}-Q{QUARTERS[match.group(1)]}"
    match = DUE_Q.search(folded)
    if match:
        if match.group(1):
            return f"{match.group(2)}-Q{match.group(1)}"
        return f"{match.group(3)}-Q{match.group(4)}"
    match = DUE_HALF.search(folded)
    if match and (match.group(2) or year):
        half_year = int(match.group(2) or year)
        first = match.group(1) in ("first", "primer")
        return (datetime.date(half_year, 6, 30) if first else datetime.date(half_year, 12, 31)).isoformat()
    found = find_meeting_dates(folded)
    if found:
        return found[1].isoformat()
    match = DUE_MONTH.search(folded)
    if match and (match.group(2) or year):
        month_year, month = int(match.group(2) or year), MONTHS[match.group(1)]
        return datetime.date(month_year, month, calendar.monthrange(month_year, month)[1]).isoformat()
    match = DUE_YEAR.search(folded)
    if match:
        return match.group(1)
    return None


def parse_due(value):
    """Turn a due value ('2018-Q1', '2018', '2018-03-31', '' or None) into (due_date, due_period)."""
    value = (value or "").strip().upper()
    if not value:
        return None, ""
    if re.fullmatch(r"\d{4}(?:-Q[1-4])?", value):
        return None, value
    try:
        return datetime.date.fromisoformat(value), ""
    except ValueError:
        return None, None
