"""schemathesis hooks for the quality gate's fuzz runs (loaded with SCHEMATHESIS_HOOKS=core.tests.fuzz_hooks).

A few of the server's rules are stated by the OpenAPI schema in words, not in JSON Schema, because JSON
Schema has no keyword for them. For requests schemathesis generates as valid (its positive mode), these
hooks make the request follow those rules, so that `positive_data_acceptance` holds on every operation
and a 400 on a valid request is a real finding:
- an end never comes before its start, a maximum never below its minimum (both in one body): the pair is
  put in order;
- a phone number (`format: phone`) is a real number of a country's numbering plan: one of each member
  country's example numbers is sent;
- an uploaded file is read, not just stored: files (`format: binary`) are drawn as a real PDF, which every
  API upload point takes. (schemathesis counts any edit of a body holding a file as making it invalid, so
  files are drawn right rather than replaced.)
Requests generated as invalid (negative mode) are left as they are.
"""

import os

import phonenumbers
import schemathesis
from hypothesis import strategies as st

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from core.tests.upload_corpus import MINIMAL_PDF  # noqa: E402 - needs the settings module named above

# Pairs of fields where the second must not come before the first.
ORDERED_PAIRS = (
    ("start_year", "end_year"),
    ("starts_on", "ends_on"),
    ("start_date", "end_date"),
    ("minimum_age", "maximum_age"),
)
PHONE_REGIONS = ("BZ", "CA", "CR", "SV", "US", "GT", "HN", "MX", "NI", "PA", "DO")
PHONES = tuple(
    phonenumbers.format_number(phonenumbers.example_number(region), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    for region in PHONE_REGIONS
)


def phone_fields(operation):
    """Names of the body's fields the schema declares as phone numbers."""
    found = set()
    for body in operation.body:
        schema = body.resolved_schema or {}
        for name, field in (schema.get("properties") or {}).items():
            variants = [field, *field.get("anyOf", [])] if isinstance(field, dict) else []
            if any(isinstance(variant, dict) and variant.get("format") == "phone" for variant in variants):
                found.add(name)
    return found


schemathesis.openapi.format("binary", st.just(MINIMAL_PDF))


def follow_stated_rules(body, phones):
    """Put ordered pairs in order and give phone fields real numbers, in place."""
    for first, second in ORDERED_PAIRS:
        low, high = body.get(first), body.get(second)
        if low is not None and high is not None and type(low) is type(high) and high < low:
            body[first], body[second] = high, low
    for name in phones & set(body):
        if isinstance(body[name], str) and body[name]:
            body[name] = PHONES[len(body[name]) % len(PHONES)]


@schemathesis.hook
def before_call(context, case, kwargs):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or not isinstance(case.body, dict):
        return
    follow_stated_rules(case.body, phone_fields(case.operation))
