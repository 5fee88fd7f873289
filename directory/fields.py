"""What each directory record holds, declared once: its HSDS columns and the fields its users edit.

A declaration lists a model's HSDS columns in the order of HSDS 3.0 (the CSV header), says which
are bilingual (stored as `<stem>_es` and `<stem>_en`; HSDS carries the reader's language in the
column and both as attributes), which are keys or kept by Enlace (read-only), which column names
another field (`organization_id` → `provider`), and the fields Enlace adds that HSDS has no
column for (`own`: a location's country, confidentiality…).

From it come the service allow-list (`editable`), the edit form's fields (`form_fields`), the HSDS
package's columns (`hsds.tables.TABLES`), its bilingual columns (`BILINGUAL`), the values the HSDS
export writes and the import reads for plain columns (`to_hsds`, `from_hsds`); the API's write
schemas are checked against `editable` (directory/tests/test_one_declaration_per_record.py). Adding
an HSDS field is one line here, the model field and its migration.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Declared:
    entity: str  # the HSDS table
    file: str  # its CSV file
    hsds: tuple[str, ...]  # HSDS columns, in HSDS order
    bilingual: tuple[str, ...] = ()  # of those, the bilingual ones
    read_only: tuple[str, ...] = ()  # of those, the ones no edit sets (keys, dates Enlace keeps)
    renamed: dict[str, str] = field(default_factory=dict)  # HSDS column → our field
    own: tuple[str, ...] = ()  # editable fields HSDS has no column for

    def field_of(self, column: str) -> str:
        return self.renamed.get(column, column)

    @property
    def editable(self) -> tuple[str, ...]:
        """Every field a user may set through the services (the allow-list), bilingual ones as _es/_en."""
        names: list[str] = []
        for column in self.hsds:
            if column == "id" or column in self.read_only:
                continue
            if column in self.bilingual:
                names += [f"{column}_es", f"{column}_en"]
            else:
                names.append(self.field_of(column))
        return (*names, *self.own)

    def form_fields(self, *, first: tuple[str, ...] = (), leave_out: tuple[str, ...] = ()) -> list[str]:
        """The edit form's fields: the editable ones, those of `first` (stems) first, without `leave_out`."""
        stems = [name.removesuffix("_es").removesuffix("_en") for name in self.editable]
        order = {stem: index for index, stem in enumerate(first)}
        ranked = sorted(range(len(self.editable)), key=lambda i: (order.get(stems[i], len(order)), i))
        return [self.editable[i] for i in ranked if stems[i] not in leave_out]

    @property
    def bilingual_columns(self) -> dict[str, str]:
        """{HSDS column: our field stem} of the bilingual columns."""
        return {column: column for column in self.bilingual}

    @property
    def plain(self) -> tuple[str, ...]:
        """The HSDS columns read and written as they are: neither the id nor bilingual."""
        return tuple(column for column in self.hsds if column != "id" and column not in self.bilingual)

    def to_hsds(self, obj) -> dict:
        """{column: value} of the plain columns of a record, for the HSDS export."""
        return {column: getattr(obj, self.attribute_of(column)) for column in self.plain}

    def attribute_of(self, column: str) -> str:
        """The model attribute an HSDS column is read from and written to (`organization_id` → `provider_id`)."""
        name = self.field_of(column)
        return f"{name}_id" if column.endswith("_id") and not name.endswith("_id") else name


PROVIDER = Declared(
    "organization",
    "organizations.csv",
    ("id", "name", "alternate_name", "description", "email", "website", "legal_status", "year_incorporated"),
    bilingual=("name", "description"),
    own=("country", "network_organization"),
)

SERVICE = Declared(
    "service",
    "services.csv",
    (
        "id", "organization_id", "name", "alternate_name", "description", "url", "email", "status",
        "interpretation_services", "application_process", "fees_description", "eligibility_description",
        "minimum_age", "maximum_age", "assured_date", "assurer_email", "alert", "last_modified",
    ),
    bilingual=("name", "description", "application_process", "fees_description", "eligibility_description", "alert"),
    read_only=("organization_id", "assured_date", "assurer_email", "last_modified"),
    renamed={"organization_id": "provider"},
)  # fmt: skip

LOCATION = Declared(
    "location",
    "locations.csv",
    (
        "id", "location_type", "url", "organization_id", "name", "alternate_name", "description", "transportation",
        "latitude", "longitude", "external_identifier", "external_identifier_type",
    ),
    renamed={"organization_id": "provider"},
    own=("is_confidential", "country", "division", "municipality"),
)  # fmt: skip

ADDRESS = Declared(
    "address",
    "addresses.csv",
    (
        "id", "location_id", "attention", "address_1", "address_2", "city", "region", "state_province",
        "postal_code", "country", "address_type",
    ),
    read_only=("location_id",),
)  # fmt: skip

SCHEDULE = Declared(
    "schedule",
    "schedules.csv",
    (
        "id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
        "timezone", "until", "count", "wkst", "freq", "interval", "byday", "byweekno", "bymonthday", "byyearday",
        "description", "opens_at", "closes_at", "schedule_link", "attending_type", "notes",
    ),
    read_only=("service_id", "location_id", "service_at_location_id"),
)  # fmt: skip

DECLARED = {declared.entity: declared for declared in (PROVIDER, SERVICE, LOCATION, ADDRESS, SCHEDULE)}
