"""Synthetic directories for benchmarks and browser tests: many locations, created in bulk."""

import random
import uuid

from network.models import Country, Membership

from .models import (
    Location,
    MapPoint,
    Place,
    PlaceKind,
    Provider,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
    mercator_pixels,
)

# Where synthetic points fall: around the member countries' municipalities.
SPREAD = 1.5  # degrees around each municipality
BATCH = 5000


LANGUAGES = ["|es|"] * 6 + ["|es|en|", "|es|mam|", "|es|en|fr|ht|", "|en|es|"]
AGES = [(0, 17)] * 14 + [(None, None)] * 3 + [(12, 17), (0, 5), (6, 11)]


def create(count, seed=7, build=True):
    """Create `count` published services, each at its own location, with their map points: each of
    one or two service types and a population profile, in one to four languages, for an age range.
    The map's pyramid is built at the end (unless `build` is False: the benchmark times it)."""
    from . import pyramid
    from .taxonomies import PROFILES, SERVICE_TYPES

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    places = list(Place.objects.filter(kind=PlaceKind.MUNICIPALITY))
    types = list(TaxonomyTerm.objects.filter(taxonomy__code=SERVICE_TYPES).values_list("pk", flat=True))
    profiles = list(TaxonomyTerm.objects.filter(taxonomy__code=PROFILES).values_list("pk", flat=True))
    Through = Service.terms.through
    countries = {}
    for code in sorted({p.country_code for p in places}):
        countries[code], _ = Country.objects.get_or_create(code=code, defaults={"membership": Membership.MEMBER})
    provider = Provider.objects.create(name_es="Proveedor sintético", name_en="Synthetic provider", is_demo=True)
    statuses = ["active"] * 8 + ["inactive", "temporarily closed"]
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        services, locations, links, points, terms, languages = [], [], [], [], [], []
        for i in range(size):
            place = rng.choice(places)
            lat = max(-85.0, min(85.0, place.latitude + rng.uniform(-SPREAD, SPREAD)))
            lon = place.longitude + rng.uniform(-SPREAD, SPREAD)
            country = countries[place.country_code]
            number = made + i
            service = Service(
                id=uuid.UUID(int=rng.getrandbits(128)),
                provider=provider,
                country=country,
                name_es=f"Servicio sintético {number}",
                name_en=f"Synthetic service {number}",
                status=rng.choice(statuses),
                is_demo=True,
            )
            service.minimum_age, service.maximum_age = rng.choice(AGES)
            codes = rng.choice(LANGUAGES)
            chosen = rng.sample(types, min(len(types), rng.choice((1, 2)))) + rng.sample(
                profiles, min(len(profiles), 1)
            )
            terms += [Through(service_id=service.id, taxonomyterm_id=term) for term in chosen]
            languages += [
                ServiceLanguage(id=uuid.UUID(int=rng.getrandbits(128)), service=service, code=code)
                for code in codes.strip("|").split("|")
            ]
            confidential = rng.random() < 0.1
            location = Location(
                id=uuid.UUID(int=rng.getrandbits(128)),
                provider=provider,
                name=f"Lugar {number}",
                latitude=lat,
                longitude=lon,
                is_confidential=confidential,
                country=country,
                municipality=place,
                is_demo=True,
            )
            link = ServiceAtLocation(id=uuid.UUID(int=rng.getrandbits(128)), service=service, location=location)
            public_lat, public_lon = (place.latitude, place.longitude) if confidential else (lat, lon)
            mx, my = mercator_pixels(lat, lon)
            pmx, pmy = mercator_pixels(public_lat, public_lon)
            points.append(
                MapPoint(
                    service_at_location=link,
                    service=service,
                    country=country,
                    is_published=True,
                    is_confidential=confidential,
                    status=service.status,
                    minimum_age=service.minimum_age,
                    maximum_age=service.maximum_age,
                    languages=codes,
                    terms="|" + "".join(f"{term.hex}|" for term in sorted(chosen)),
                    name_es=service.name_es,
                    name_en=service.name_en,
                    latitude=lat,
                    longitude=lon,
                    mx=mx,
                    my=my,
                    public_latitude=public_lat,
                    public_longitude=public_lon,
                    public_mx=pmx,
                    public_my=pmy,
                )
            )
            services.append(service)
            locations.append(location)
            links.append(link)
        Service.objects.bulk_create(services)
        Location.objects.bulk_create(locations)
        ServiceAtLocation.objects.bulk_create(links)
        MapPoint.objects.bulk_create(points)
        Through.objects.bulk_create(terms)
        ServiceLanguage.objects.bulk_create(languages)
        made += size
    if build:
        pyramid.rebuild()
    return made
