"""The HSDS API (HSDA 3.0) under /api/hsds/: every path of Open Referral's openapi.json.

Plain JSON views, read-only, paginated as the specification says (`page` from 1, `per_page`,
and `total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`
around `contents`). Callers get what core.access lets them see: the public gets published
services, no named contacts, and a confidential location at its municipality. Texts come in
the reader's language (`Accept-Language` or `?lang=es|en`), both languages as attributes.
"""

from .common import (  # noqa: F401 (the package answers for all its modules)
    BOOLEANS,
    DATE_TIME_PATTERN,
    MAX_PER_PAGE,
    MAX_SEARCH,
    PER_PAGE,
    SPEC_BASE,
    UUID_PATTERN,
    UUIDS,
    BadRequest,
    api_view,
)
from .endpoints import (  # noqa: F401 (the package answers for all its modules)
    hsds_clean_org,
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
from .schema import (  # noqa: F401 (the package answers for all its modules)
    MINIMAL_PAGE,
    NO_NUL,
    OPTIONAL_UUID,
    PARAMETER_SCHEMAS,
    openapi,
    urlpatterns,
)
