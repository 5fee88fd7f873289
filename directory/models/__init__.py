"""The map of actors and services, on the Open Referral HSDS 3.0 data model.

Tables follow HSDS (organization → `Provider`, service, location, service_at_location, address,
phone, schedule, language, service_area, contact, taxonomy, taxonomy_term) with UUID ids.
Texts that readers need in both languages are `<field>_es` / `<field>_en`. `Place` holds the
member countries' first-level divisions and municipalities with their centroids (our own
gazetteer, no external geocoder). `MapPoint` is the map's denormalised index, one row per
service at a location, rebuilt by `directory.indexing` after every write.
"""

from .edits import (  # noqa: F401 (the package answers for all its modules)
    EditStatus,
    ServiceEdit,
    ServiceEditQuerySet,
)
from .locations import (  # noqa: F401 (the package answers for all its modules)
    Address,
    Contact,
    Location,
    LocationType,
    Phone,
    Schedule,
    ServiceArea,
    ServiceAtLocation,
    ServiceLanguage,
    public_point,
)
from .map import (  # noqa: F401 (the package answers for all its modules)
    MAX_LATITUDE,
    MERCATOR_BITS,
    MapCell,
    MapPoint,
    mercator_latlon,
    mercator_pixels,
)
from .services import (  # noqa: F401 (the package answers for all its modules)
    MAX_AGE,
    Place,
    PlaceKind,
    Provider,
    Service,
    ServiceQuerySet,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
