"""Our records as HSDS 3.0 tables (one list of rows per CSV file) and as nested HSDS JSON.

One function, `collect`, reads a set of services with everything they link to, in a fixed
number of queries, already cut to what the reader may see: for the public, a confidential
location has no address, phone or description and sits at its municipality's centroid, and
named contacts are left out. The CSV package, the JSON export and the HSDS API all start here.

What HSDS has no column for travels as HSDS `attributes` under our own taxonomy
("enlace-fields"): the English (or Spanish) text of bilingual fields, a record's country, a
location's confidentiality and municipality, the demo flag. So an export imported again gives
back the same records, and another HSDS reader still gets a valid file.
"""

import datetime
import uuid

from core.i18n import localized

from ..fields import ADDRESS, LOCATION, PROVIDER, SCHEDULE, SERVICE
from ..models import (
    Address,
    Contact,
    Location,
    Phone,
    Provider,
    Schedule,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
    public_point,
)

NAMESPACE = uuid.UUID("6f1d3b1e-52a4-4c59-9b7e-0f5a3c2d8e41")
FIELDS_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:enlace-fields")
FIELDS_TAXONOMY_URI = "urn:enlace:taxonomy:enlace-fields"
TAXONOMY_URN = "urn:enlace:taxonomy:"

# HSDS tables we read and write: file name and columns, in the order of the CSV header.
# The five records users edit are declared in directory/fields.py; the others are written as they are.
TABLES = {
    "organization": (PROVIDER.file, list(PROVIDER.hsds)),
    "service": (SERVICE.file, list(SERVICE.hsds)),
    "location": (LOCATION.file, list(LOCATION.hsds)),
    "service_at_location": ("service_at_location.csv", ["id", "service_id", "location_id", "description"]),
    "address": (ADDRESS.file, list(ADDRESS.hsds)),
    "contact": ("contacts.csv", [
        "id", "organization_id", "service_id", "service_at_location_id", "location_id", "name", "title",
        "department", "email",
    ]),
    "phone": ("phones.csv", [
        "id", "location_id", "service_id", "organization_id", "contact_id", "service_at_location_id", "number",
        "extension", "type", "description",
    ]),
    "schedule": (SCHEDULE.file, list(SCHEDULE.hsds)),
    "language": ("languages.csv", ["id", "service_id", "location_id", "phone_id", "name", "code", "note"]),
    "service_area": ("service_areas.csv", ["id", "service_id", "name", "description", "extent", "extent_type", "uri"]),
    "taxonomy": ("taxonomies.csv", ["id", "name", "description", "uri", "version"]),
    "taxonomy_term": ("taxonomy_terms.csv", [
        "id", "code", "name", "description", "parent_id", "taxonomy", "language", "taxonomy_id", "term_uri",
    ]),
    "attribute": ("attributes.csv", ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"]),
}  # fmt: skip

# Bilingual fields: HSDS column → our field stem.
BILINGUAL = {
    "organization": PROVIDER.bilingual_columns,
    "service": SERVICE.bilingual_columns,
    "taxonomy": {"name": "name", "description": "description"},
    "taxonomy_term": {"name": "name", "description": "description"},
}
FLAGS = ("country", "confidential", "division", "municipality", "demo", "unpublished", "taxonomy_code")
LANGS = ("es", "en")


def field_term_code(flag):
    return f"enlace:{flag}"


def text_term_code(column, lang):
    return f"text:{column}:{lang}"


def field_term_id(code):
    return uuid.uuid5(NAMESPACE, f"term:enlace-fields:{code}")


def attribute_id(link_id, term_id):
    return uuid.uuid5(NAMESPACE, f"attribute:{link_id}:{term_id}")


def all_field_terms():
    """Every term of our 'enlace-fields' taxonomy: {code: id}."""
    codes = [field_term_code(flag) for flag in FLAGS]
    for columns in BILINGUAL.values():
        for column in columns:
            for lang in LANGS:
                codes.append(text_term_code(column, lang))
    return {code: field_term_id(code) for code in dict.fromkeys(codes)}


FIELD_TERMS = all_field_terms()
FIELD_TERM_CODES = {str(term_id): code for code, term_id in FIELD_TERMS.items()}


def plain(value):
    """A value as HSDS JSON carries it (None stays None)."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


class Tables(dict):
    """{table name: {id: row}} plus helpers to add rows and attributes."""

    def __init__(self):
        super().__init__({name: {} for name in TABLES})

    def add(self, table, row):
        self[table][plain(row["id"])] = {key: plain(value) for key, value in row.items()}

    def attribute(self, entity, link_id, code, value, *, term_id=None):
        term_id = str(term_id or FIELD_TERMS[code])
        link_id = str(link_id)
        self.add(
            "attribute",
            {
                "id": str(attribute_id(link_id, term_id)),
                "link_id": link_id,
                "taxonomy_term_id": term_id,
                "link_type": "",
                "link_entity": entity,
                "value": value,
            },
        )

    def texts(self, entity, obj, row, lang):
        """Put the reader's language in the HSDS column, and both languages as attributes."""
        for column, stem in BILINGUAL[entity].items():
            es, en = getattr(obj, f"{stem}_es", ""), getattr(obj, f"{stem}_en", "")
            main = localized(obj, stem, lang)
            row[column] = main
            for code, text in (("es", es), ("en", en)):
                # A language is written when it has text, or when the column holds the other one.
                if text or (main and main != text and code == lang):
                    self.attribute(entity, obj.pk, text_term_code(column, code), text)

    def rows(self, table):
        return [self[table][key] for key in sorted(self[table])]


def collect(services, *, public=True, lang="es", providers=()):
    """Return the HSDS Tables of `services` (a queryset the caller already restricted).

    `providers` adds organizations (ids) even when none of their services is listed.
    """
    t = Tables()
    services = list(services.select_related("country").prefetch_related("terms__taxonomy"))
    service_ids = [s.pk for s in services]
    provider_ids = {s.provider_id for s in services} | set(providers)
    links = list(ServiceAtLocation.objects.filter(service_id__in=service_ids))
    location_ids = {link.location_id for link in links}
    link_ids = [link.pk for link in links]
    locations = {
        loc.pk: loc
        for loc in Location.objects.filter(pk__in=location_ids).select_related("country", "municipality", "division")
    }
    confidential = {pk for pk, loc in locations.items() if public and loc.is_confidential}
    places = {}
    for loc in locations.values():
        for place in (loc.municipality, loc.division):
            if place is not None:
                places[place.pk] = place.code

    for provider in Provider.objects.filter(pk__in=provider_ids).select_related("country"):
        row = {"id": provider.pk} | PROVIDER.to_hsds(provider)
        t.texts("organization", provider, row, lang)
        t.add("organization", row)
        if provider.country_id:
            t.attribute("organization", provider.pk, "enlace:country", provider.country.code.code)
        if provider.is_demo:
            t.attribute("organization", provider.pk, "enlace:demo", "true")

    terms = {}
    for service in services:
        row = {"id": service.pk} | SERVICE.to_hsds(service)
        if public:
            row["assurer_email"] = ""  # who verified a service is for network members
        t.texts("service", service, row, lang)
        t.add("service", row)
        t.attribute("service", service.pk, "enlace:country", service.country.code.code)
        if service.is_demo:
            t.attribute("service", service.pk, "enlace:demo", "true")
        if not service.is_published:
            t.attribute("service", service.pk, "enlace:unpublished", "true")
        for term in service.terms.all():
            terms[term.pk] = term
            t.attribute("service", service.pk, None, "", term_id=term.pk)

    for loc in locations.values():
        hidden = loc.pk in confidential
        lat, lon = public_point(loc) if hidden else (loc.latitude, loc.longitude)
        row = {"id": loc.pk} | LOCATION.to_hsds(loc)
        if hidden:  # a confidential place, for the public: no description, at its municipality's centroid
            row.update(description="", transportation="")
        row.update(latitude=lat, longitude=lon)
        t.add("location", row)
        t.attribute("location", loc.pk, "enlace:country", loc.country.code.code)
        if loc.is_confidential:
            t.attribute("location", loc.pk, "enlace:confidential", "true")
        if loc.municipality_id:
            t.attribute("location", loc.pk, "enlace:municipality", places[loc.municipality_id])
        if loc.division_id:
            t.attribute("location", loc.pk, "enlace:division", places[loc.division_id])
        if loc.is_demo:
            t.attribute("location", loc.pk, "enlace:demo", "true")

    for link in links:
        t.add(
            "service_at_location",
            {
                "id": link.pk,
                "service_id": link.service_id,
                "location_id": link.location_id,
                "description": link.description,
            },
        )

    shown_locations = location_ids - confidential
    for address in Address.objects.filter(location_id__in=shown_locations):
        t.add(
            "address",
            {"id": address.pk} | ADDRESS.to_hsds(address),
        )

    contact_ids = []
    if not public:
        contacts = Contact.objects.filter(service_id__in=service_ids) | Contact.objects.filter(
            service_at_location_id__in=link_ids
        )
        for contact in contacts:
            contact_ids.append(contact.pk)
            t.add(
                "contact",
                {
                    "id": contact.pk,
                    "organization_id": contact.provider_id,
                    "service_id": contact.service_id,
                    "service_at_location_id": contact.service_at_location_id,
                    "location_id": contact.location_id,
                    "name": contact.name,
                    "title": contact.title,
                    "department": contact.department,
                    "email": contact.email,
                },
            )

    phones = (
        Phone.objects.filter(service_id__in=service_ids)
        | Phone.objects.filter(location_id__in=shown_locations)
        | Phone.objects.filter(service_at_location_id__in=link_ids)
        | Phone.objects.filter(contact_id__in=contact_ids)
    )
    for phone in phones:
        if phone.location_id and phone.location_id in confidential:
            continue
        t.add(
            "phone",
            {
                "id": phone.pk,
                "location_id": phone.location_id,
                "service_id": phone.service_id,
                "organization_id": phone.provider_id,
                "contact_id": phone.contact_id,
                "service_at_location_id": phone.service_at_location_id,
                "number": phone.number,
                "extension": phone.extension,
                "type": phone.type,
                "description": phone.description,
            },
        )

    schedules = Schedule.objects.filter(service_id__in=service_ids) | Schedule.objects.filter(
        service_at_location_id__in=link_ids
    )
    for schedule in schedules:
        row = {name: getattr(schedule, name) for name in TABLES["schedule"][1] if not name.endswith("_id")}
        row |= {
            "service_id": schedule.service_id,
            "location_id": schedule.location_id,
            "service_at_location_id": schedule.service_at_location_id,
        }
        t.add("schedule", row)

    for language in ServiceLanguage.objects.filter(service_id__in=service_ids):
        t.add(
            "language",
            {
                "id": language.pk,
                "service_id": language.service_id,
                "location_id": language.location_id,
                "phone_id": language.phone_id,
                "name": language.name,
                "code": language.code,
                "note": language.note,
            },
        )

    for area in ServiceArea.objects.filter(service_id__in=service_ids):
        t.add(
            "service_area",
            {name: getattr(area, name) for name in TABLES["service_area"][1] if name != "service_id"}
            | {"service_id": area.service_id},
        )

    add_taxonomies(t, terms.values(), lang)
    add_field_taxonomy(t)
    return t


def add_taxonomies(t, terms, lang):
    """Add the taxonomies and terms used (with their parents) to the tables."""
    terms = list(terms)
    seen = {term.pk for term in terms}
    parent_ids = {term.parent_id for term in terms if term.parent_id and term.parent_id not in seen}
    if parent_ids:
        terms += list(TaxonomyTerm.objects.filter(pk__in=parent_ids).select_related("taxonomy"))
    taxonomies = {term.taxonomy_id: term.taxonomy for term in terms}
    for taxonomy in taxonomies.values():
        t.add("taxonomy", taxonomy_row(t, taxonomy, lang))
    for term in terms:
        t.add("taxonomy_term", term_row(t, term, lang))


def taxonomy_row(t, taxonomy, lang):
    row = {"id": taxonomy.pk, "uri": taxonomy.uri or f"{TAXONOMY_URN}{taxonomy.code}", "version": taxonomy.version}
    if t is not None:
        t.texts("taxonomy", taxonomy, row, lang)
    else:
        row |= {"name": localized(taxonomy, "name", lang), "description": localized(taxonomy, "description", lang)}
    if taxonomy.uri and t is not None:
        t.attribute("taxonomy", taxonomy.pk, "enlace:taxonomy_code", taxonomy.code)
    return row


def term_row(t, term, lang):
    row = {
        "id": term.pk,
        "code": term.code,
        "parent_id": term.parent_id,
        "taxonomy": term.taxonomy.code,
        "language": "",
        "taxonomy_id": term.taxonomy_id,
        "term_uri": term.term_uri,
    }
    if t is not None:
        t.texts("taxonomy_term", term, row, lang)
    else:
        row |= {"name": localized(term, "name", lang), "description": localized(term, "description", lang)}
    return row


def add_field_taxonomy(t):
    """Describe our own 'enlace-fields' taxonomy, whose terms the attributes use."""
    used = {row["taxonomy_term_id"] for row in t["attribute"].values()} & {str(i) for i in FIELD_TERMS.values()}
    if not used:
        return
    t.add(
        "taxonomy",
        {
            "id": FIELDS_TAXONOMY_ID,
            "name": "Enlace fields",
            "description": "Fields of Enlace that HSDS has no column for (translations, country, confidentiality).",
            "uri": FIELDS_TAXONOMY_URI,
            "version": "1",
        },
    )
    for code, term_id in FIELD_TERMS.items():
        if str(term_id) in used:
            t.add(
                "taxonomy_term",
                {
                    "id": term_id,
                    "code": code,
                    "name": code,
                    "description": code,
                    "parent_id": None,
                    "taxonomy": "enlace-fields",
                    "language": "",
                    "taxonomy_id": FIELDS_TAXONOMY_ID,
                    "term_uri": "",
                },
            )


# ---- Nested JSON ----------------------------------------------------------------------------

REQUIRED = {
    "organization": ("id", "name", "description"),
    "service": ("id", "name", "status"),
    "location": ("id", "location_type"),
    "address": ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
    "phone": ("id", "number"),
    "taxonomy": ("id", "name", "description"),
    "taxonomy_term": ("id", "name", "description"),
}


def clean(table, row):
    """Drop empty values (HSDS JSON has no nulls), keeping required fields."""
    keep = REQUIRED.get(table, ("id",))
    out = {}
    for key, value in row.items():
        if value is None or value == "":
            if key in keep:
                out[key] = "" if value is None else value
            continue
        out[key] = value
    return out


class Nester:
    """Build nested HSDS JSON (service, organization, location…) from Tables."""

    def __init__(self, t):
        self.t = t
        self.by = {}
        for table in ("phone", "schedule", "language", "contact", "address", "service_area", "service_at_location"):
            for row in t.rows(table):
                for key, value in row.items():
                    if key.endswith("_id") and value:
                        self.by.setdefault((table, key, value), []).append(row)
        for row in t.rows("attribute"):
            self.by.setdefault(("attribute", row["link_id"]), []).append(row)

    def children(self, table, key, value):
        return self.by.get((table, key, value), [])

    def attributes(self, link_id):
        out = []
        for row in self.by.get(("attribute", link_id), []):
            item = clean("attribute", row)
            term = self.t["taxonomy_term"].get(row["taxonomy_term_id"])
            if term is not None:
                item["taxonomy_term"] = self.term(term)
            out.append(item)
        return out

    def term(self, row):
        item = clean("taxonomy_term", row)
        taxonomy = self.t["taxonomy"].get(row.get("taxonomy_id"))
        if taxonomy is not None:
            item["taxonomy_detail"] = clean("taxonomy", taxonomy)
        return item

    def phones(self, key, value):
        return [clean("phone", row) | {"languages": []} for row in self.children("phone", key, value)]

    def schedules(self, key, value):
        return [clean("schedule", row) for row in self.children("schedule", key, value)]

    def location(self, row):
        item = clean("location", row)
        item["addresses"] = [clean("address", a) for a in self.children("address", "location_id", row["id"])]
        item["phones"] = self.phones("location_id", row["id"])
        item["schedules"] = self.schedules("location_id", row["id"])
        item["attributes"] = self.attributes(row["id"])
        return item

    def organization(self, row, services=None):
        item = clean("organization", row)
        item["phones"] = self.phones("organization_id", row["id"])
        item["attributes"] = self.attributes(row["id"])
        if services is not None:
            item["services"] = services
        return item

    def service_at_location(self, row, with_location=True):
        item = clean("service_at_location", row)
        item["phones"] = self.phones("service_at_location_id", row["id"])
        item["schedules"] = self.schedules("service_at_location_id", row["id"])
        item["contacts"] = [clean("contact", c) for c in self.children("contact", "service_at_location_id", row["id"])]
        location = self.t["location"].get(row["location_id"])
        if with_location and location is not None:
            item["location"] = self.location(location)
        return item

    def service(self, row, full=True):
        item = clean("service", row)
        if not full:
            return item
        sid = row["id"]
        org = self.t["organization"].get(row.get("organization_id"))
        if org is not None:
            item["organization"] = self.organization(org)
        item["phones"] = self.phones("service_id", sid)
        item["schedules"] = self.schedules("service_id", sid)
        item["service_areas"] = [clean("service_area", a) for a in self.children("service_area", "service_id", sid)]
        item["service_at_locations"] = [
            self.service_at_location(link) for link in self.children("service_at_location", "service_id", sid)
        ]
        item["languages"] = [clean("language", lang) for lang in self.children("language", "service_id", sid)]
        item["contacts"] = [clean("contact", c) for c in self.children("contact", "service_id", sid)]
        item["attributes"] = self.attributes(sid)
        item["metadata"] = []
        return item


def services_json(t, full=True):
    """Return the nested HSDS JSON of every service in the tables, sorted by id."""
    nester = Nester(t)
    return [nester.service(row, full=full) for row in t.rows("service")]


def taxonomy_json(taxonomy, lang):
    return clean("taxonomy", plain_row(taxonomy_row(None, taxonomy, lang)))


def term_json(term, lang):
    item = clean("taxonomy_term", plain_row(term_row(None, term, lang)))
    item["taxonomy_detail"] = taxonomy_json(term.taxonomy, lang)
    return item


def plain_row(row):
    return {key: plain(value) for key, value in row.items()}
