"""Reads the map, its list, the pages, exports and the APIs share, each with a fixed number of queries.

The map reads `MapPoint` only: the public gets the `public_*` columns (a confidential location
sits at its municipality's centroid), network members the exact ones.
"""

from __future__ import annotations

import base64
import datetime
import json
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from core import access
from core.i18n import current_language

from . import pyramid
from .models import MapPoint, Place, PlaceKind, Service, ServiceEdit, mercator_latlon, mercator_pixels
from .services import UNVERIFIED_AFTER_DAYS

CELL_BITS = 6  # cluster cells of 64 screen pixels
MAX_CELLS = 400  # at most this many clusters and points in one answer
MAX_ZOOM = 20
POINTS_FROM_ZOOM = 16  # from this zoom on, send points (no clusters) when few enough
EARTH_RADIUS_KM = 6371.0088

# Languages of the region that Django's list lacks.
REGIONAL_LANGUAGES = {
    "mam": "Mam",
    "quc": "K'iche'",
    "kek": "Q'eqchi'",
    "cak": "Kaqchikel",
    "cab": "Garífuna",
    "miq": "Miskito",
    "nah": "Náhuatl",
    "ht": "Kreyòl ayisyen",
}


def language_name(code: str) -> str:
    """Return a language's own name for an ISO 639 code ('' → '')."""
    code = (code or "").lower()
    if code in REGIONAL_LANGUAGES:
        return REGIONAL_LANGUAGES[code]
    info = LANG_INFO.get(code)
    return info["name_local"] if info else code


@dataclass
class MapFilters:
    """What the map and its list are filtered by (one definition for page, list, API and export)."""

    country: Any = None  # network Country
    division: Any = None  # Place
    terms: list = field(default_factory=list)  # TaxonomyTerm ids, each must match
    age: int | None = None
    language: str = ""
    status: str = ""

    def apply(self, rows: QuerySet[MapPoint]) -> QuerySet[MapPoint]:
        if self.country is not None:
            rows = rows.filter(country_id=self.country.pk)
        if self.division is not None:
            rows = rows.filter(division_id=self.division.pk)
        for term in self.terms:  # each point keeps its service's categories (indexing)
            rows = rows.filter(terms__contains=f"|{uuid.UUID(str(getattr(term, 'pk', term))).hex}|")
        if self.age is not None:
            rows = rows.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=self.age))
            rows = rows.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=self.age))
        if self.language:
            rows = rows.filter(languages__contains=f"|{self.language.lower()}|")
        if self.status:
            rows = rows.filter(status=self.status)
        return rows


def map_points(user: Any, filters: MapFilters | None = None) -> QuerySet[MapPoint]:
    """Return the published map points the user may see, filtered."""
    rows = MapPoint.objects.filter(is_published=True)
    return (filters or MapFilters()).apply(rows)


def columns(user: Any) -> tuple[str, str, str, str]:
    """Return (x, y, lat, lon) column names for this reader: exact for members, public otherwise."""
    if access.sees_members_only(user):
        return "mx", "my", "latitude", "longitude"
    return "public_mx", "public_my", "public_latitude", "public_longitude"


NUMBER = r"-?[0-9]{1,4}(\.[0-9]+)?"  # the map sends toFixed(5); a world wrapped by panning goes past 999
BBOX_PATTERN = rf"^{NUMBER},{NUMBER},{NUMBER},{NUMBER}$"  # west,south,east,north


@dataclass(frozen=True)
class BBox:
    west: float
    south: float
    east: float
    north: float

    @classmethod
    def parse(cls, text: str | None) -> BBox | None:
        """Parse 'west,south,east,north' (degrees, as BBOX_PATTERN says); None when absent or malformed.

        Values beyond the globe are brought back onto it, and a box given upside down is turned over.
        """
        if not re.match(BBOX_PATTERN, text or ""):
            return None
        west, south, east, north = (float(part) for part in (text or "").split(","))
        west, east = sorted((max(-180.0, min(180.0, west)), max(-180.0, min(180.0, east))))
        south, north = sorted((max(-90.0, min(90.0, south)), max(-90.0, min(90.0, north))))
        return cls(west, south, east, north)

    def pixels(self) -> tuple[int, int, int, int]:
        x0, y0 = mercator_pixels(self.north, self.west)
        x1, y1 = mercator_pixels(self.south, self.east)
        return x0, y0, x1, y1


# How far (in 28-bit pixels; a few metres at most) a viewport's edge may be from a tile's edge and
# still count as snapped: the map sends degrees rounded to 6 decimals.
SNAP_TOLERANCE = 32


def snapped_to_tiles(bbox: BBox, zoom: int) -> bool:
    """True when the viewport's edges lie on the 256-pixel tiles of `zoom` (as the map page asks)."""
    if not 0 <= zoom <= MAX_ZOOM:
        return False
    tile = 1 << (28 - zoom)  # a 256-pixel tile at `zoom`, in 28-bit (zoom-20) pixels
    last = (1 << 28) - 1
    for edge in bbox.pixels():
        nearest = round(edge / tile) * tile
        if abs(edge - nearest) > SNAP_TOLERANCE and abs(edge - last) > SNAP_TOLERANCE:
            return False
    return True


def _cells(x0: int, y0: int, x1: int, y1: int, shift: int) -> int:
    return ((x1 >> shift) - (x0 >> shift) + 1) * ((y1 >> shift) - (y0 >> shift) + 1)


def _grouped(rows: QuerySet[MapPoint], x_col: str, y_col: str, size: int) -> list[tuple]:
    """The points of `rows` in cells of `size` pixels: (count, mean x, mean y, min x, max x, min y, max y)."""
    inner_sql, params = rows.values_list(x_col, y_col).query.sql_with_params()
    qn = connection.ops.quote_name
    # Counted from the covering index alone (pixels only, no ids): averages of Mercator pixels
    # turn back into degrees below; a cell whose pixels are all equal holds one location.
    # Only integers and quoted column names are formatted in; values travel as parameters.
    sql = (
        f"SELECT COUNT(*), AVG(x), AVG(y), MIN(x), MAX(x), MIN(y), MAX(y) FROM ("  # noqa: S608
        f"SELECT {qn(x_col)} AS x, {qn(y_col)} AS y FROM ({inner_sql}) AS u) AS t "
        f"GROUP BY x / {size}, y / {size}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _from_pyramid(
    audience: int, keys: list[tuple[str, int]], shift: int, box: tuple[int, int, int, int]
) -> list[tuple]:
    """The pyramid's cells in the same shape as `_grouped` (a cell of one point has its exact pixels;
    the pyramid serves zooms below POINTS_FROM_ZOOM only, where a cell's extent is not needed)."""
    found = []
    for count, sx, sy in pyramid.cells(audience == 1, keys, shift, box):
        if count == 1:
            found.append((1, sx, sy, sx, sx, sy, sy))
        else:
            found.append((count, sx / count, sy / count, None, None, None, None))
    return found


def clusters(user: Any, filters: MapFilters, bbox: BBox, zoom: int, *, use_pyramid: bool = True) -> dict[str, Any]:
    """Return the map's content for a viewport: clusters [lat, lon, count] and points.

    Points are counted on a grid of 64-pixel cells at the requested zoom (Web Mercator); the
    grid grows coarser until the viewport holds at most MAX_CELLS cells, so the answer is
    bounded whatever the viewport. The viewport is widened to whole cells: a cell is counted
    whole or not at all, and nearby viewports ask the same question. A cell holding one location
    is sent as a point. Where the cluster pyramid holds the cells (coarse zooms, no filter or
    one), they are read from it (directory/pyramid.py): the same answer, at a cost that depends
    on the cells on screen, not on the points behind them.
    """
    zoom = max(0, min(MAX_ZOOM, int(zoom)))
    x_col, y_col, lat_col, lon_col = columns(user)
    x0, y0, x1, y1 = bbox.pixels()
    shift = 28 - (zoom + 8 - CELL_BITS)
    while _cells(x0, y0, x1, y1, shift) > MAX_CELLS and shift < 28:
        shift += 1
    last = (1 << 28) - 1
    x0, y0 = (x0 >> shift) << shift, (y0 >> shift) << shift
    x1, y1 = min(last, (((x1 >> shift) + 1) << shift) - 1), min(last, (((y1 >> shift) + 1) << shift) - 1)
    rows = map_points(user, filters).filter(
        **{f"{x_col}__gte": x0, f"{x_col}__lte": x1, f"{y_col}__gte": y0, f"{y_col}__lte": y1}
    )
    keys = pyramid.plan(filters) if use_pyramid and shift >= pyramid.MIN_SHIFT and zoom < POINTS_FROM_ZOOM else None
    if keys is not None:
        cells = _from_pyramid(1 if x_col == "mx" else 0, keys, shift, (x0, y0, x1, y1))
    else:
        cells = _grouped(rows, x_col, y_col, 1 << shift)
    out_clusters: list[list[float]] = []
    spots: dict[tuple[int, int], list[Any]] = {}
    expand = zoom >= POINTS_FROM_ZOOM
    for count, x, y, min_x, max_x, min_y, max_y in cells:
        same_place = min_x == max_x and min_y == max_y
        if count == 1 or (expand and same_place and len(spots) < MAX_CELLS):
            spots[(min_x, min_y)] = count
        else:
            lat, lon = mercator_latlon(float(x), float(y))
            out_clusters.append([round(lat, 5), round(lon, 5), count])
    points = []
    if spots:
        # The locations of single cells, found by their exact pixels through the same index.
        lang = current_language()
        # Sought by their exact columns alone (not the viewport's ranges): one index seek per
        # column, whatever the number of points in the viewport.
        wanted = (
            map_points(user, filters)
            .filter(**{f"{x_col}__in": sorted({x for x, _y in spots})})
            .values(x_col, y_col, "service_at_location_id", "service_id", lat_col, lon_col, "name_es", "name_en")
        )
        for row in wanted[: MAX_CELLS * 4]:
            if (row[x_col], row[y_col]) not in spots:
                continue
            points.append(
                {
                    "id": str(row["service_at_location_id"]),
                    "s": str(row["service_id"]),
                    "lat": round(row[lat_col], 5),
                    "lon": round(row[lon_col], 5),
                    "name": row[f"name_{lang}"] or row["name_es"] or row["name_en"],
                }
            )
            if len(points) >= MAX_CELLS:
                break
    total = sum(cell[0] for cell in cells)
    return {"zoom": zoom, "total": total, "clusters": out_clusters, "points": points}


def naive_geojson(user: Any, filters: MapFilters | None = None) -> dict[str, Any]:
    """Every point as GeoJSON, as a map without clustering would fetch (the benchmark's baseline)."""
    _x, _y, lat_col, lon_col = columns(user)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row[lon_col], row[lat_col]]},
            "properties": {"id": str(row["service_at_location_id"]), "name": row["name_es"]},
        }
        for row in map_points(user, filters).values("service_at_location_id", lat_col, lon_col, "name_es").iterator()
    ]
    return {"type": "FeatureCollection", "features": features}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


NEAR_RADII_KM = (25, 100, 400, 1600, 6400)


def nearest(user: Any, filters: MapFilters, lat: float, lon: float, limit: int = 20) -> list[Any]:
    """Return [(map point, km)] nearest to a point, by haversine after a bounding-box prefilter."""
    _x, _y, lat_col, lon_col = columns(user)
    base = map_points(user, filters)
    found = []
    for radius in NEAR_RADII_KM:
        dlat = radius / 111.0
        dlon = radius / max(1e-6, 111.0 * math.cos(math.radians(min(89.0, abs(lat)))))
        box = base.filter(
            **{
                f"{lat_col}__gte": lat - dlat,
                f"{lat_col}__lte": lat + dlat,
                f"{lon_col}__gte": lon - dlon,
                f"{lon_col}__lte": lon + dlon,
            }
        )
        candidates = list(box[:5000])
        found = [(p, haversine_km(lat, lon, getattr(p, lat_col), getattr(p, lon_col))) for p in candidates]
        found = [(p, km) for p, km in found if km <= radius]
        if len(found) >= limit or radius == NEAR_RADII_KM[-1]:
            break
    found.sort(key=lambda item: (item[1], item[0].name_es))
    return found[:limit]


def in_view(user: Any, filters: MapFilters, bbox: BBox | None = None) -> QuerySet[MapPoint]:
    """Return the map points of the list (the viewport's, when given), ordered by name (LIST_ORDER)."""
    rows = map_points(user, filters)
    if bbox is not None:
        x_col, y_col, _lat, _lon = columns(user)
        x0, y0, x1, y1 = bbox.pixels()
        rows = rows.filter(**{f"{x_col}__gte": x0, f"{x_col}__lte": x1, f"{y_col}__gte": y0, f"{y_col}__lte": y1})
    return rows.order_by(*LIST_ORDER)


# The side list's order, unique (the last key is the point's id), so a page can start after any row.
LIST_ORDER = ("name_es", "name_en", "service_at_location_id")
LIST_COUNT_BOUND = 1000  # the list counts its points up to this many; beyond, it says "more than 1,000"
CURSOR_MAX_LENGTH = 2000  # two names of at most 300 characters and an id, encoded, fit well within it


@dataclass
class ListPage:
    """One page of the side list: its points, how many the list holds (counted up to LIST_COUNT_BOUND),
    and the cursor of the next page ("" on the last one)."""

    points: list[MapPoint]
    count: int
    more: bool  # the list holds more than LIST_COUNT_BOUND points: `count` is the bound
    next: str
    first: bool  # the first page (no cursor, or one that could not be read)
    stale: bool = False  # a cursor was given that could not be read: this is the first page instead


def encode_cursor(point: MapPoint) -> str:
    """The `after` value of the page that follows `point`: its sort key, as URL-safe base64 of JSON."""
    key = [point.name_es, point.name_en, uuid.UUID(str(point.service_at_location_id)).hex]
    return base64.urlsafe_b64encode(json.dumps(key, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[str, str, uuid.UUID] | None:
    """The sort key an `after` value holds, or None when it is not one `encode_cursor` could have written."""
    if not text or len(text) > CURSOR_MAX_LENGTH:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        name_es, name_en, pk = key
        if not (isinstance(name_es, str) and isinstance(name_en, str) and isinstance(pk, str)):
            return None
        if "\x00" in name_es + name_en:  # PostgreSQL refuses it in a text value
            return None
        return name_es, name_en, uuid.UUID(hex=pk)
    except (ValueError, TypeError):  # not base64, not JSON, not three values, not an id
        return None


def list_page(user: Any, filters: MapFilters, bbox: BBox | None = None, after: str = "", size: int = 20) -> ListPage:
    """One page of the side list, after the row `after` names (keyset: no OFFSET, whatever the depth),
    with its points counted up to LIST_COUNT_BOUND (no full COUNT): two queries."""
    rows = in_view(user, filters, bbox)
    count = rows.order_by()[: LIST_COUNT_BOUND + 1].count()
    key = decode_cursor(after)
    shown = rows
    if key is not None:
        name_es, name_en, pk = key
        shown = rows.filter(
            Q(name_es__gt=name_es)
            | Q(name_es=name_es, name_en__gt=name_en)
            | Q(name_es=name_es, name_en=name_en, service_at_location_id__gt=pk)
        )
    points = list(shown[: size + 1])
    following = encode_cursor(points[size - 1]) if len(points) > size else ""
    return ListPage(
        points=points[:size],
        count=min(count, LIST_COUNT_BOUND),
        more=count > LIST_COUNT_BOUND,
        next=following,
        first=key is None,
        stale=bool(after) and key is None,
    )


def services_for_points(points: Iterable[MapPoint]) -> dict[Any, Service]:
    """Return {service id: service} with what the list shows, in a fixed number of queries."""
    ids = {p.service_id for p in points}
    services = (
        Service.objects.filter(pk__in=ids).select_related("provider", "country").prefetch_related("terms__taxonomy")
    )
    return {s.pk: s for s in services}


def place_choices(country_code: str | None = None) -> QuerySet[Place]:
    places = Place.objects.filter(kind=PlaceKind.DIVISION)
    if country_code:
        places = places.filter(country_code=country_code)
    return places.order_by("country_code", "name")


def to_verify(user: Any, country: Any, on: datetime.date | None = None) -> QuerySet[Service]:
    """Return the country's services not verified for 12 months (oldest first), for those who verify."""
    on = on or timezone.localdate()
    cutoff = on - datetime.timedelta(days=UNVERIFIED_AFTER_DAYS)
    rows = access.restrict(Service.objects.select_related("provider", "country"), user, "verify")
    return rows.filter(country=country).unverified_since(cutoff).order_by("assured_date", "name_es", "pk")


def print_rows(user: Any, country: Any) -> QuerySet[MapPoint]:
    """A country's map points for the printable directory: by division (by name, those without one last),
    then by name; unique, so its pages neither repeat nor skip a point."""
    rows = map_points(user, MapFilters(country=country))
    return rows.order_by(F("division__name").asc(nulls_last=True), "division_id", *LIST_ORDER)


def pending_edits(user: Any, country: Any = None) -> QuerySet[ServiceEdit]:
    rows = access.restrict(ServiceEdit.objects.pending().select_related("service__country", "author"), user, "approve")
    if country is not None:
        rows = rows.filter(service__country=country)
    return rows


def pending_services(user: Any, country: Any = None) -> QuerySet[Service]:
    rows = access.restrict(
        Service.objects.filter(is_published=False).select_related("provider", "country"), user, "approve"
    )
    if country is not None:
        rows = rows.filter(country=country)
    return rows


def default_view() -> dict[str, float]:
    """Return the map's first view (the member countries, from Canada to Panama)."""
    return getattr(settings, "DIRECTORY_MAP_VIEW", {"lat": 20.0, "lon": -90.0, "zoom": 4})
