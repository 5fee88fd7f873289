"""Open Referral HSDS 3.0: the schemas, and our records as HSDS tables and nested JSON.

`schemas/` holds copies of Open Referral's HSDS 3.0 schemas (CC BY-SA 4.0), gzipped, taken from
the specification's `schema/` folder (3.0 branch) as published in the project's shared folder
`hsds-3.0/`: `compiled/*.json` with every `$ref` inlined, `taxonomy*.json`, and `openapi.json`.
"""

import functools
import gzip
import json
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


@functools.cache
def schema(name):
    """Return an HSDS schema by name: 'service', 'organization', 'service_list', 'taxonomy', …"""
    path = SCHEMA_DIR / f"{name}.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def openapi():
    """Return HSDS's OpenAPI (HSDA) definition."""
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


@functools.cache
def validator(name):
    """Return a jsonschema validator (with format checks: uuid, email, uri, date-time) for a schema."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    # taxonomy_term.json refers to taxonomy.json by a relative name.
    registry = Registry().with_resource(
        "taxonomy.json", Resource.from_contents(schema("taxonomy"), default_specification=DRAFT202012)
    )
    return Draft202012Validator(schema(name), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(name, record, limit=10):
    """Return up to `limit` readable errors of `record` against schema `name` ('path: message')."""
    errors = []
    for error in validator(name).iter_errors(record):
        where = "/".join(str(part) for part in error.absolute_path) or "(record)"
        errors.append(f"{where}: {error.message[:300]}")
        if len(errors) >= limit:
            break
    return errors
