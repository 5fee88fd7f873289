"""Check raw HSDS tables row by row, then write them in one transaction (all or nothing)."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time

from core.audit import record
from core.models import AuditAction
from network.models import Country

from .. import indexing, phones
from ..fields import ADDRESS, LOCATION, PROVIDER, SCHEDULE, SERVICE
from ..models import (
    Address,
    Contact,
    Location,
    LocationType,
    Phone,
    Place,
    PlaceKind,
    Provider,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from ..rrules import check_rrule
from .package import ImportRefused
from .tables import BILINGUAL, FIELD_TERM_CODES, FIELDS_TAXONOMY_ID, TAXONOMY_URN

MAX_ERRORS = 50
BATCH = 1000

FLOATS = {"latitude": (-90, 90), "longitude": (-180, 180), "timezone": (-14, 14)}
INTS = {
    "minimum_age": (0, 120),
    "maximum_age": (0, 120),
    "year_incorporated": (1000, 2200),
    "extension": (0, 10**9),
    "count": (1, 10**6),
    "interval": (1, 1000),
}
DATES = {"assured_date", "valid_from", "valid_to", "dtstart", "until"}
TIMES = {"opens_at", "closes_at"}
DATETIMES = {"last_modified"}
EMAILS = {"email", "assurer_email"}
URLS = {"url", "website", "schedule_link", "term_uri"}
REQUIRED = {
    "organization": ("id", "name"),
    "service": ("id", "name", "status", "organization_id"),
    "location": ("id",),
    "service_at_location": ("id", "service_id", "location_id"),
    "address": ("id", "location_id", "address_1", "city", "country"),
    "contact": ("id",),
    "phone": ("id", "number"),
    "schedule": ("id",),
    "language": ("id",),
    "service_area": ("id", "service_id"),
    "taxonomy": ("id", "name"),
    "taxonomy_term": ("id", "name"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_entity"),
}
ENUMS = {
    ("service", "status"): ServiceStatus.values,
    ("location", "location_type"): LocationType.values,
    ("address", "address_type"): LocationType.values,
}
OWNERS = {  # which table a column's id must be found in
    "organization_id": "organization",
    "service_id": "service",
    "location_id": "location",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
    "taxonomy_id": "taxonomy",
    "parent_id": "taxonomy_term",
    "taxonomy_term_id": "taxonomy_term",
}
MODELS = {
    "organization": Provider,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "address": Address,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "language": ServiceLanguage,
    "service_area": ServiceArea,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
}
_url = URLValidator()


class Checker:
    """Collects errors, each naming the file, the row and the field."""

    def __init__(self):
        self.errors = []
        self.rows = {}  # every error, by the row it is about

    def add(self, where, field, message):
        text = f"{field}: {message}" if field else message
        self.rows.setdefault(where, []).append(text)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{where}, {text}")

    def value(self, table, where, column, text):
        """Return the typed value of a cell, or record an error and return None."""
        if text == "":
            return None
        if column == "id" or column in OWNERS or column == "link_id":
            try:
                return uuid.UUID(text)
            except ValueError:
                self.add(where, column, f"“{text[:60]}” is not a UUID.")
                return None
        if column in FLOATS:
            low, high = FLOATS[column]
            try:
                number = float(text)
            except ValueError:
                self.add(where, column, f"“{text[:60]}” is not a number.")
                return None
            if not low <= number <= high:
                self.add(where, column, f"{text[:60]} is not between {low} and {high}.")
                return None
            return number
        if column in INTS:
            low, high = INTS[column]
            try:
                number = float(text)
                if not number.is_integer():
                    raise ValueError
                number = int(number)
            except (ValueError, OverflowError):
                self.add(where, column, f"“{text[:60]}” is not a whole number.")
                return None
            if not low <= number <= high:
                self.add(where, column, f"{number} is not between {low} and {high}.")
                return None
            return number
        if column in DATES:
            value = _date(text)
            if value is None:
                self.add(where, column, f"“{text[:60]}” is not a date (YYYY-MM-DD).")
            return value
        if column in TIMES:
            value = _time(text)
            if value is None:
                self.add(where, column, f"“{text[:60]}” is not a time (HH:MM).")
            return value
        if column in DATETIMES:
            value = _datetime(text)
            if value is None:
                self.add(where, column, f"“{text[:60]}” is not a date and time (ISO 8601).")
            return value
        if column in EMAILS:
            try:
                validate_email(text)
            except ValidationError:
                self.add(where, column, f"“{text[:60]}” is not an e-mail address.")
                return None
        if column in URLS:
            try:
                _url(text)
            except ValidationError:
                self.add(where, column, f"“{text[:60]}” is not a web address.")
                return None
        allowed = ENUMS.get((table, column))
        if allowed and text not in allowed:
            self.add(where, column, f"“{text[:60]}” is not one of {', '.join(allowed)}.")
            return None
        return text


def _date(text):
    try:
        return parse_date(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _time(text):
    try:
        return parse_time(text)
    except ValueError:
        return None


def _datetime(text):
    try:
        value = parse_datetime(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _max_lengths(model):
    return {f.name: f.max_length for f in model._meta.concrete_fields if getattr(f, "max_length", None)}


def check(raw, *, lang="es"):
    """Type and check every row; return (typed tables {table: {id: (where, row)}}, checker)."""
    c = Checker()
    typed = {table: {} for table in raw}
    for table, rows in raw.items():
        for where, row in rows:
            out = {}
            for column in REQUIRED.get(table, ()):
                if not row.get(column):
                    c.add(where, column, "this field is required.")
            for column, text in row.items():
                out[column] = c.value(table, where, column, text)
            key = out.get("id")
            if key is None:
                continue
            if key in typed[table]:
                c.add(where, "id", f"{key} appears twice in this file.")
                continue
            typed[table][key] = (where, out)
    return typed, c


def _exists(table, ids):
    model = MODELS[table]
    found = set()
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        found |= set(model.objects.filter(pk__in=ids[start : start + BATCH]).values_list("pk", flat=True))
    return found


def _plain(declared, row):
    """The model's values of a row's plain columns: an empty text is "", an empty number or date None."""
    model = MODELS[declared.entity]
    values = {}
    for column in declared.plain:
        name = declared.attribute_of(column)
        value = row.get(column)
        if value is None and not name.endswith("_id") and not model._meta.get_field(name).null:
            value = ""
        values[name] = value
    return values


def _texts(entity, key, row, attrs, lang):
    """Return {stem_es, stem_en} for the bilingual columns of a row, from the column and attributes."""
    values = {}
    for column, stem in BILINGUAL[entity].items():
        given = attrs.get((key, f"text:{column}:es")), attrs.get((key, f"text:{column}:en"))
        main = row.get(column) or ""
        es = given[0] if given[0] is not None else (main if lang == "es" else "")
        en = given[1] if given[1] is not None else (main if lang == "en" else "")
        values[f"{stem}_es"], values[f"{stem}_en"] = es, en
    return values


def load(raw, *, lang="es", dry_run=False):
    """Check raw tables and write them; return counts per table. Raise ImportRefused when invalid."""
    typed, c = check(raw, lang=lang)
    if c.errors:
        raise ImportRefused(c.errors, c.rows)

    # References: within the package, or already in the database.
    known = {table: set(rows) for table, rows in typed.items()}
    field_terms = {uuid.UUID(key) for key in FIELD_TERM_CODES}
    missing = {}
    for table, rows in typed.items():
        for where, row in rows.values():
            for column, target in OWNERS.items():
                value = row.get(column)
                if value is None or column not in row:
                    continue
                if table == "attribute" and column == "taxonomy_term_id" and value in field_terms:
                    continue
                if table == "taxonomy_term" and column == "taxonomy_id" and value == FIELDS_TAXONOMY_ID:
                    continue
                if value not in known[target]:
                    missing.setdefault(target, {}).setdefault(value, (where, column))
    for target, refs in missing.items():
        present = _exists(target, refs)
        for value, (where, column) in refs.items():
            if value not in present:
                c.add(where, column, f"{value} is not in {target} (neither in this package nor in Enlace).")
    if c.errors:
        raise ImportRefused(c.errors, c.rows)

    # Our fields from attributes; taxonomy terms of services.
    attrs = {}
    service_terms = {}
    for where, row in typed["attribute"].values():
        term_code = FIELD_TERM_CODES.get(str(row["taxonomy_term_id"]))
        if term_code is not None:
            attrs[(row["link_id"], term_code)] = row.get("value") or ""
        elif row.get("link_entity") == "service":
            service_terms.setdefault(row["link_id"], []).append(row["taxonomy_term_id"])
        else:
            c.add(where, "link_entity", f"Enlace keeps categories of services only, not of “{row.get('link_entity')}”.")

    countries = {country.code.code: country for country in Country.objects.all()}
    places = {(p.country_code, p.kind, p.code): p for p in Place.objects.all()}

    def country_of(table, where, key, fallback=None):
        code = (attrs.get((key, "enlace:country")) or fallback or "").upper()
        if not code:
            c.add(where, "country", "no country given (an enlace:country attribute, or an address).")
            return None
        country = countries.get(code)
        if country is None:
            c.add(where, "country", f"“{code}” is not a country of the network.")
        return country

    address_country = {}
    for _where, row in typed["address"].values():
        address_country.setdefault(row["location_id"], row.get("country"))

    objects = {table: [] for table in MODELS}
    for key, (_where, row) in typed["taxonomy"].items():
        if key == FIELDS_TAXONOMY_ID:
            continue
        uri = row.get("uri") or ""
        code = attrs.get((key, "enlace:taxonomy_code")) or (
            uri[len(TAXONOMY_URN) :] if uri.startswith(TAXONOMY_URN) else str(key)
        )
        objects["taxonomy"].append(
            Taxonomy(
                id=key,
                code=code[:60],
                uri="" if uri.startswith(TAXONOMY_URN) else uri,
                version=row.get("version") or "",
                **_texts("taxonomy", key, row, attrs, lang),
            )
        )
    for key, (where, row) in typed["taxonomy_term"].items():
        if row.get("taxonomy_id") == FIELDS_TAXONOMY_ID or key in field_terms:
            continue
        if row.get("taxonomy_id") is None:
            c.add(where, "taxonomy_id", "Enlace needs the taxonomy of each term.")
            continue
        objects["taxonomy_term"].append(
            TaxonomyTerm(
                id=key,
                taxonomy_id=row["taxonomy_id"],
                code=(row.get("code") or str(key))[:80],
                parent_id=row.get("parent_id"),
                term_uri=row.get("term_uri") or "",
                **_texts("taxonomy_term", key, row, attrs, lang),
            )
        )
    for key, (where, row) in typed["organization"].items():
        code = attrs.get((key, "enlace:country"))
        objects["organization"].append(
            Provider(
                id=key,
                **_plain(PROVIDER, row),
                country=country_of("organization", where, key) if code else None,
                is_demo=attrs.get((key, "enlace:demo")) == "true",
                **_texts("organization", key, row, attrs, lang),
            )
        )
    location_country = {}
    for key, (where, row) in typed["location"].items():
        country = country_of("location", where, key, address_country.get(key))
        location_country[key] = country
        if country is None:
            continue
        municipality = division = None
        for flag, kind in (("enlace:municipality", PlaceKind.MUNICIPALITY), ("enlace:division", PlaceKind.DIVISION)):
            code = attrs.get((key, flag))
            if code:
                place = places.get((country.code.code, kind, code))
                if place is None:
                    c.add(where, flag, f"“{code}” is not a known place of {country.code.code}.")
                elif kind == PlaceKind.MUNICIPALITY:
                    municipality = place
                else:
                    division = place
        if (row.get("latitude") is None) != (row.get("longitude") is None):
            c.add(where, "longitude", "give both latitude and longitude, or neither.")
        objects["location"].append(
            Location(
                id=key,
                **_plain(LOCATION, row) | {"location_type": row.get("location_type") or LocationType.PHYSICAL},
                is_confidential=attrs.get((key, "enlace:confidential")) == "true",
                country=country,
                municipality=municipality,
                division=division or (municipality.parent if municipality else None),
                is_demo=attrs.get((key, "enlace:demo")) == "true",
            )
        )
    links_by_service = {}
    for _where, row in typed["service_at_location"].values():
        links_by_service.setdefault(row["service_id"], []).append(row["location_id"])
    for key, (where, row) in typed["service"].items():
        fallback = None
        for location_id in links_by_service.get(key, []):
            if location_country.get(location_id) is not None:
                fallback = location_country[location_id].code.code
                break
        country = country_of("service", where, key, fallback)
        if country is None:
            continue
        service = Service(
            id=key,
            country=country,
            **_plain(SERVICE, row) | {"last_modified": row.get("last_modified") or timezone.now()},
            is_published=attrs.get((key, "enlace:unpublished")) != "true",
            is_demo=attrs.get((key, "enlace:demo")) == "true",
            **_texts("service", key, row, attrs, lang),
        )
        if (
            service.minimum_age is not None
            and service.maximum_age is not None
            and service.minimum_age > service.maximum_age
        ):
            c.add(where, "maximum_age", "the minimum age is above the maximum age.")
        objects["service"].append(service)

    simple = {
        "service_at_location": (ServiceAtLocation, ("service_id", "location_id", "description")),
        "address": (Address, ADDRESS.plain),
        "contact": (Contact, ("organization_id", "service_id", "service_at_location_id", "location_id", "name",
                              "title", "department", "email")),
        "phone": (Phone, ("location_id", "service_id", "organization_id", "contact_id", "service_at_location_id",
                          "number", "extension", "type", "description")),
        "schedule": (Schedule, SCHEDULE.plain),
        "language": (ServiceLanguage, ("service_id", "location_id", "phone_id", "name", "code", "note")),
        "service_area": (ServiceArea, ("service_id", "name", "description", "extent", "extent_type", "uri")),
    }  # fmt: skip
    renamed = {"organization_id": "provider_id"}
    owners = _owner_regions(objects, location_country)
    anywhere = [phones.region_of(code) for code in sorted(countries)] or [None]
    for table, (model, columns) in simple.items():
        lengths = _max_lengths(model)
        for key, (where, row) in typed[table].items():
            values = {}
            for column in columns:
                value = row.get(column)
                field = renamed.get(column, column)
                if value is None and not field.endswith("_id"):
                    nullable = model._meta.get_field(field.removesuffix("_id") if field.endswith("_id") else field).null
                    value = None if nullable else ""
                limit = lengths.get(field)
                if limit and isinstance(value, str) and len(value) > limit:
                    c.add(where, column, f"longer than {limit} characters.")
                values[field] = value
            if table == "address" and values.get("country"):
                values["country"] = str(values["country"]).upper()
                if len(values["country"]) != 2:
                    c.add(where, "country", "give the ISO 3166 two-letter code.")
            if table == "phone" and values.get("number"):
                region = _phone_region(row, typed, owners)
                if not phones.is_valid(values["number"], [region] if region else anywhere):
                    problem = phones.invalid_message(region)
                    c.add(where, "number", f"“{values['number'][:60]}” is not a phone number: {problem}")
            obj = model(id=key, **values)
            if table == "schedule":
                try:
                    check_rrule(obj)
                except ValidationError as error:
                    for field, messages in error.message_dict.items():
                        for message in messages:
                            c.add(where, field, message)
            objects[table].append(obj)

    # Lengths of the main tables' text fields.
    for table in ("organization", "service", "location", "taxonomy", "taxonomy_term"):
        lengths = _max_lengths(MODELS[table])
        for obj in objects[table]:
            where = typed[table][obj.pk][0]
            for field, limit in lengths.items():
                value = getattr(obj, field, None)
                if isinstance(value, str) and len(value) > limit:
                    c.add(where, field, f"longer than {limit} characters.")
    if c.errors:
        raise ImportRefused(c.errors, c.rows)
    counts = {table: len(items) for table, items in objects.items()}
    if dry_run:
        return counts
    _write(objects, service_terms)
    return counts


def _owner_regions(objects, location_country):
    """The phone region of each service, location and organization of the package, by (column, id)."""
    owners = {("location_id", key): phones.region_of(country) for key, country in location_country.items()}
    owners |= {("service_id", obj.pk): phones.region_of(obj.country) for obj in objects["service"]}
    owners |= {("organization_id", obj.pk): phones.region_of(obj.country) for obj in objects["organization"]}
    return owners


def _phone_region(row, typed, owners):
    """The country a phone is dialled in: its service's, location's or organization's, or those of its
    link or contact. None when it belongs to a record of Enlace (any member country's form is taken)."""
    rows = [row]
    for owner in rows:
        for column, table in (("service_at_location_id", "service_at_location"), ("contact_id", "contact")):
            found = typed.get(table, {}).get(owner.get(column))
            if found is not None and found[1] not in rows:
                rows.append(found[1])
        for column in ("service_id", "location_id", "organization_id"):
            region = owners.get((column, owner.get(column)))
            if region:
                return region
    return None


@transaction.atomic
def _write(objects, service_terms):
    order = (
        "taxonomy", "taxonomy_term", "organization", "service", "location", "service_at_location", "address",
        "contact", "phone", "schedule", "language", "service_area",
    )  # fmt: skip
    keep = {"organization": {"network_organization"}}
    for table in order:
        model = MODELS[table]
        items = objects[table]
        if table == "taxonomy_term":
            # Parents first: create without parents, then set them.
            parents = {obj.pk: obj.parent_id for obj in items}
            for obj in items:
                obj.parent_id = None
        existing = _exists(table, [obj.pk for obj in items])
        new = [obj for obj in items if obj.pk not in existing]
        old = [obj for obj in items if obj.pk in existing]
        model.objects.bulk_create(new, batch_size=BATCH)
        if old:
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if not f.primary_key and f.name not in keep.get(table, set()) and f.name != "created_by"
            ]
            model.objects.bulk_update(old, fields, batch_size=BATCH)
        if table == "taxonomy_term":
            for obj in items:
                obj.parent_id = parents[obj.pk]
            with_parent = [obj for obj in items if obj.parent_id]
            if with_parent:
                model.objects.bulk_update(with_parent, ["parent"], batch_size=BATCH)
    service_ids = [obj.pk for obj in objects["service"]]
    through = Service.terms.through
    for start in range(0, len(service_ids), BATCH):
        through.objects.filter(service_id__in=service_ids[start : start + BATCH]).delete()
    through.objects.bulk_create(
        [
            through(service_id=sid, taxonomyterm_id=tid)
            for sid, terms in service_terms.items()
            for tid in dict.fromkeys(terms)
        ],
        batch_size=BATCH,
    )
    indexing.reindex(service_ids)
    record(AuditAction.CREATE, None, note=f"HSDS import: {len(service_ids)} services", object_repr="HSDS import")
