"""The HSDA's OpenAPI document and its addresses."""

import copy

from django.urls import path, reverse

from .. import hsds
from .common import DATE_TIME_PATTERN, MAX_PER_PAGE, SPEC_BASE, UUID_PATTERN, _json, api_view
from .endpoints import (
    organization,
    organizations,
    root,
    service,
    service_at_location,
    service_at_locations,
    services,
    taxonomies,
    taxonomy,
    taxonomy_term,
    taxonomy_terms,
)


def _local_schemas(document):
    """Point the spec's remote schema references at light local ones (fuzzers must stay offline)."""
    names = {}

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(SPEC_BASE):
                name = ref[len(SPEC_BASE) :].replace("compiled/", "").removesuffix(".json")
                names[name] = ref
                node["$ref"] = f"#/components/schemas/{name}"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    for name in names:
        source = hsds.schema(name) if (hsds.SCHEMA_DIR / f"{name}.json.gz").exists() else {}
        document["components"]["schemas"][name] = {
            "type": "object",
            "required": source.get("required", ["id"]),
            "description": f"HSDS 3.0 {name} (full schema: {names[name]}).",
        }
    return document


@api_view
def openapi(request):
    """Open Referral's HSDA definition, with our server, title and local schema references."""
    document = _local_schemas(copy.deepcopy(hsds.openapi()))
    document["info"] = {
        "title": "Enlace HSDS API",
        "version": "3.0",
        "summary": "Map of specialized actors and services for migrant children (Open Referral HSDS 3.0).",
        "description": "Read-only HSDS API of Enlace. The public gets published services and public fields only.",
        "license": {"name": "CC-BY-4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    }
    document["servers"] = [{"url": request.build_absolute_uri(reverse("directory:hsds_root")).rstrip("/")}]
    _strict_parameters(document)
    _document_ndjson(document)
    for spec in document["paths"].values():
        for operation in spec.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("400", {"description": "A parameter is not valid."})
                operation["responses"].setdefault("404", {"description": "Not found."})
    # `minimal=true` answers ids and dates only, which the specification's page schema does not
    # describe: document both shapes.
    listing = document["paths"].get("/services", {}).get("get", {}).get("responses", {}).get("200", {})
    content = listing.get("content", {}).get("application/json")
    if content and "schema" in content:
        content["schema"] = {"anyOf": [content["schema"], MINIMAL_PAGE]}
    return _json(document)


OPTIONAL_UUID = UUID_PATTERN.replace("^", "^(", 1).replace("$", ")?$")  # empty: no filter


NO_NUL = "^[^\\u0000]*$"


PARAMETER_SCHEMAS = {  # what the server takes, said as strictly as it checks it
    "page": {"type": "integer", "minimum": 1, "maximum": 10**6},
    "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    "format": {"type": "string", "enum": ["json", "ndjson"]},
    "taxonomy_term_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "taxonomy_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "organization_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "parent_id": {"type": "string", "pattern": OPTIONAL_UUID},
    "search": {"type": "string", "pattern": NO_NUL},  # a NUL byte is refused before any view (core.middleware)
    "postcode": {"type": "string", "pattern": NO_NUL},
    "modified_after": {"type": "string", "pattern": DATE_TIME_PATTERN.replace("^", "^(", 1)[:-1] + ")?$"},
    "proximity": {"type": "number", "exclusiveMinimum": 0, "maximum": 5_000_000},
}


def _strict_parameters(document):
    """Tighten the specification's parameters to what this server checks (page from 1, UUIDs, …)."""
    parameters = list(document.get("components", {}).get("parameters", {}).values())
    for spec in document["paths"].values():
        for operation in spec.values():
            if isinstance(operation, dict):
                parameters += [p for p in operation.get("parameters", []) if "$ref" not in p]
    for parameter in parameters:
        schema = PARAMETER_SCHEMAS.get(parameter.get("name"))
        if schema is not None and parameter.get("in") == "query":
            parameter["schema"] = dict(schema)


def _document_ndjson(document):
    """`format=ndjson` answers newline-delimited JSON: say so on every operation that takes `format`."""
    for spec in document["paths"].values():
        for operation in spec.values():
            if not isinstance(operation, dict):
                continue
            names = {p.get("name") or p.get("$ref", "").rsplit("/", 1)[-1] for p in operation.get("parameters", [])}
            ok = operation.get("responses", {}).get("200", {})
            if "format" in names and "content" in ok:
                ok["content"].setdefault("application/x-ndjson", {"schema": {"type": "string"}})


MINIMAL_PAGE = {
    "type": "object",
    "required": ["contents"],
    "properties": {
        "contents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {"id": {"type": "string"}, "last_modified": {"type": "string"}},
            },
        }
    },
}


urlpatterns = [
    path("api/hsds/", root, name="hsds_root"),
    path("api/hsds/openapi.json", openapi, name="hsds_openapi"),
    path("api/hsds/services", services, name="hsds_services"),
    path("api/hsds/services/<str:pk>", service, name="hsds_service"),
    path("api/hsds/taxonomies", taxonomies, name="hsds_taxonomies"),
    path("api/hsds/taxonomies/<str:pk>", taxonomy, name="hsds_taxonomy"),
    path("api/hsds/taxonomy_terms", taxonomy_terms, name="hsds_taxonomy_terms"),
    path("api/hsds/taxonomy_terms/<str:pk>", taxonomy_term, name="hsds_taxonomy_term"),
    path("api/hsds/organizations", organizations, name="hsds_organizations"),
    path("api/hsds/organizations/<str:pk>", organization, name="hsds_organization"),
    path("api/hsds/service_at_locations", service_at_locations, name="hsds_service_at_locations"),
    path("api/hsds/service_at_locations/<str:pk>", service_at_location, name="hsds_service_at_location"),
]
