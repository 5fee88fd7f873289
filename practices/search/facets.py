"""Facet counts over the matches, in the engine's own statement, the same SQL on both databases.

Single-valued facets (type, year, language, axis) are packed in one integer column of
SearchEntry, counted with one GROUP BY; themes and countries are bit sets, grouped by set and
expanded here. All read the CTE
`m` of the engine's query (the reader's matches), so a count never includes what the reader
may not see.
"""

# ruff: noqa: S608 - SQL is assembled from constants and compiled conditions; values are parameters.

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import TYPE_LABELS, FacetBit, Language

BIT_FACETS = {"theme": "theme_bits", "country": "country_bits"}
MAX_BIT = 62  # bit 63 would make the number negative
COLUMNS = "facet_key, theme_bits, country_bits"
TYPES = list(TYPE_LABELS)
LANGUAGES = list(Language.values)


def facet_key(item_type, year, language, axis):
    """Pack the single-valued facets into one integer (decoded by `unpack`)."""
    type_index = TYPES.index(item_type) + 1 if item_type in TYPES else 0
    language_index = LANGUAGES.index(language) + 1 if language in LANGUAGES else 0
    return type_index * 10_000_000 + (year or 0) * 1_000 + language_index * 100 + (axis or 0)


def unpack(key):
    """Return (type, year, language, axis) of a facet key; None for what is missing."""
    type_index, rest = divmod(key, 10_000_000)
    year, rest = divmod(rest, 1_000)
    language_index, axis = divmod(rest, 100)
    return (
        TYPES[type_index - 1] if type_index else None,
        year or None,
        LANGUAGES[language_index - 1] if language_index else None,
        axis or None,
    )


NULL_ID = "CAST(NULL AS BIGINT)"
NULL_SCORE = "CAST(NULL AS DOUBLE PRECISION)"
NULL_TEXT = "CAST(NULL AS TEXT)"
NULL_INT = "CAST(NULL AS INTEGER)"
# Every branch of the result: tag, id (or facet key, or bit set), score, count.
HIT_TAIL = NULL_ID
COUNT_ONLY = f"SELECT 'group', {NULL_ID}, {NULL_SCORE}, COUNT(*) FROM m"


def bit_numbers():
    """Return {facet: {value: bit}} for themes and countries."""
    numbers = {facet: {} for facet in BIT_FACETS}
    for facet, value, bit in FacetBit.objects.values_list("facet", "value", "bit"):
        numbers.setdefault(facet, {})[value] = bit
    return numbers


def allocate_bits(facet, values, numbers):
    """Give each new value of `facet` a free bit (updating `numbers`); refuse past 63 values."""
    known = numbers.setdefault(facet, {})
    for value in values:
        if value in known:
            continue
        used = set(known.values())
        free = next((bit for bit in range(MAX_BIT + 1) if bit not in used), None)
        if free is None:
            raise ValidationError(
                _("The search counts at most %(max)s distinct values of %(facet)s.")
                % {"max": MAX_BIT + 1, "facet": facet}
            )
        FacetBit.objects.create(facet=facet, value=value, bit=free)
        known[value] = free


def mask(facet, values, numbers):
    """Return the bit mask of these values (0 when none of them is known)."""
    result = 0
    for value in values:
        bit = numbers.get(facet, {}).get(value)
        if bit is not None:
            result |= 1 << bit
    return result


def tail_sql():
    """Return the SQL branches to UNION ALL after the hits: one GROUP BY for the single-valued
    facets (packed in facet_key), one per bit set (each distinct set of themes or countries,
    expanded in Python)."""
    return [
        f"SELECT 'group', facet_key, {NULL_SCORE}, COUNT(*) FROM m GROUP BY facet_key",
        *(
            f"SELECT '{facet}', {column}, {NULL_SCORE}, COUNT(*) FROM m GROUP BY {column}"
            for facet, column in BIT_FACETS.items()
        ),
    ]


def read_rows(rows, numbers):
    """Split result rows into hits [(id, score)], the total and {(facet, value): count}."""
    hits, total, counts = [], 0, {}
    values_of = {facet: {bit: value for value, bit in numbers.get(facet, {}).items()} for facet in BIT_FACETS}
    for tag, number, score, count in rows:
        if tag == "hit":
            hits.append((number, float(score or 0)))
        elif tag == "group":
            total += count
            for facet, value in zip(("type", "year", "language", "axis"), unpack(number or 0), strict=True):
                if value is not None:
                    key = (facet, str(value))
                    counts[key] = counts.get(key, 0) + count
        elif tag in BIT_FACETS and number:
            for bit, value in values_of[tag].items():
                if number >> bit & 1:
                    key = (tag, value)
                    counts[key] = counts.get(key, 0) + count
    return hits, total, counts
