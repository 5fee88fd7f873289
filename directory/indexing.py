"""Keep the map's index (`MapPoint`) in step with services and locations."""

from . import pyramid
from .models import MapPoint, Service, ServiceAtLocation, ServiceLanguage, mercator_pixels, public_point

BATCH = 2000


def _point(link, languages, terms):
    location, service = link.location, link.service
    if location.latitude is None or location.longitude is None:
        return None
    lat, lon = location.latitude, location.longitude
    public_lat, public_lon = public_point(location)
    mx, my = mercator_pixels(lat, lon)
    pmx, pmy = mercator_pixels(public_lat, public_lon)
    codes = languages.get(service.pk, [])
    return MapPoint(
        service_at_location_id=link.pk,
        service_id=service.pk,
        country_id=location.country_id,
        division_id=location.division_id,
        is_published=service.is_published,
        is_confidential=location.is_confidential,
        status=service.status,
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        languages="|" + "".join(f"{code}|" for code in codes),
        terms="|" + "".join(f"{term}|" for term in sorted(terms.get(service.pk, []))),
        name_es=service.name_es[:300],
        name_en=service.name_en[:300],
        latitude=lat,
        longitude=lon,
        mx=mx,
        my=my,
        public_latitude=public_lat,
        public_longitude=public_lon,
        public_mx=pmx,
        public_my=pmy,
    )


def reindex(service_ids=None):
    """Rebuild the map points of these services (all services when None)."""
    ids = None if service_ids is None else list(service_ids)
    if ids is not None and len(ids) > BATCH:
        return sum(reindex(ids[start : start + BATCH]) for start in range(0, len(ids), BATCH))
    if ids is not None and not ids:
        return 0
    points = MapPoint.objects.all() if ids is None else MapPoint.objects.filter(service_id__in=ids)
    with pyramid.handled():
        if ids is not None:
            pyramid.remove(list(points))
        points.delete()
    links = ServiceAtLocation.objects.select_related("service", "location__municipality", "location__division")
    languages_q = ServiceLanguage.objects.filter(service__isnull=False)
    if ids is not None:
        links = links.filter(service_id__in=ids)
        languages_q = languages_q.filter(service_id__in=ids)
    languages = {}
    for service_id, code in languages_q.values_list("service_id", "code"):
        if code:
            languages.setdefault(service_id, []).append(code.lower())
    terms_q = Service.terms.through.objects.all()
    if ids is not None:
        terms_q = terms_q.filter(service_id__in=ids)
    terms = {}
    for service_id, term_id in terms_q.values_list("service_id", "taxonomyterm_id"):
        terms.setdefault(service_id, []).append(term_id.hex)
    created = 0
    batch = []
    for link in links.iterator(chunk_size=BATCH):
        point = _point(link, languages, terms)
        if point is not None:
            batch.append(point)
        if len(batch) >= BATCH:
            created += _save(batch, whole=ids is None)
            batch = []
    created += _save(batch, whole=ids is None)
    if ids is None:
        pyramid.rebuild()
    return created


def _save(points, *, whole):
    MapPoint.objects.bulk_create(points)
    if not whole:
        pyramid.add(points)
    return len(points)


def reindex_all():
    """Rebuild the whole map index (after an import)."""
    return reindex(None)
