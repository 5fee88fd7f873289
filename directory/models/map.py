"""The map's index: one point per place a service is given, with Web Mercator pixels for clustering."""

import math

from django.db import models

from network.models import Country

from .locations import ServiceAtLocation
from .services import Place, Service

# ---- The map's index ---------------------------------------------------------------------------

# Map positions are stored as Web Mercator pixels at zoom 20 on 256-pixel tiles (28 bits), so a
# cluster cell at any zoom is an integer shift of them — the same SQL on SQLite and PostgreSQL.
MERCATOR_BITS = 28


MAX_LATITUDE = 85.05112878


def mercator_latlon(x, y):
    """Return (lat, lon) of Web Mercator pixels at zoom 20 (the inverse of mercator_pixels)."""
    scale = float(1 << MERCATOR_BITS)
    lon = x / scale * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
    return lat, lon


def mercator_pixels(lat, lon):
    """Return integer (x, y) Web Mercator pixels at zoom 20 for a point."""
    lat = max(-MAX_LATITUDE, min(MAX_LATITUDE, lat))
    x = (lon + 180.0) / 360.0
    s = math.sin(math.radians(lat))
    y = 0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    scale = 1 << MERCATOR_BITS
    return min(scale - 1, max(0, int(x * scale))), min(scale - 1, max(0, int(y * scale)))


class MapPoint(models.Model):
    """One service at one location, as the map and its list read it (derived; rebuilt on every write)."""

    service_at_location = models.OneToOneField(
        ServiceAtLocation, on_delete=models.CASCADE, primary_key=True, related_name="map_point"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="+")
    division = models.ForeignKey(Place, on_delete=models.SET_NULL, null=True, related_name="+")
    is_published = models.BooleanField(default=True)
    is_confidential = models.BooleanField(default=False)
    status = models.CharField(max_length=20)
    minimum_age = models.PositiveSmallIntegerField(null=True)
    maximum_age = models.PositiveSmallIntegerField(null=True)
    languages = models.CharField(max_length=200, default="|", help_text="'|es|en|'")
    terms = models.CharField(
        max_length=2000, default="|", help_text="'|<category id, hex>|…|': what the pyramid counted"
    )
    name_es = models.CharField(max_length=300, blank=True)
    name_en = models.CharField(max_length=300, blank=True)
    # Exact position (network members) and public position (snapped when confidential).
    latitude = models.FloatField()
    longitude = models.FloatField()
    mx = models.IntegerField()
    my = models.IntegerField()
    public_latitude = models.FloatField()
    public_longitude = models.FloatField()
    public_mx = models.IntegerField()
    public_my = models.IntegerField()

    class Meta:
        indexes = [
            # Covering indexes: a viewport's clusters are counted from the index alone.
            models.Index(
                fields=["is_published", "public_mx", "public_my", "service_at_location"], name="mappoint_public_xy"
            ),
            models.Index(fields=["is_published", "mx", "my", "service_at_location"], name="mappoint_member_xy"),
            models.Index(fields=["service"], name="mappoint_service"),
            # The list beside the map, in name order a page at a time (directory.queries.LIST_ORDER).
            models.Index(
                fields=["is_published", "name_es", "name_en", "service_at_location"], name="mappoint_list_order"
            ),
        ]

    def __str__(self):
        return f"{self.name_es or self.name_en} ({self.latitude:.3f}, {self.longitude:.3f})"


class MapCell(models.Model):
    """The map's cluster pyramid: per zoom level (`shift`: a cell is 2**shift pixels of zoom 20),
    the published points of a cell counted with their pixel sums, at the public positions
    (`audience` 0) and the members' correction where exact positions differ (1: may count below
    zero), once without a filter (`key` "") and once per value of
    a filter ("c<country>", "t<term>", "l<language>", …; directory/pyramid.py). Kept up to date in
    the transaction that changes a point; rebuilt whole by `manage.py build_map_pyramid`."""

    audience = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40)
    shift = models.PositiveSmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    count = models.IntegerField(default=0)
    sx = models.BigIntegerField(default=0)
    sy = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shift", "audience", "key", "cx", "cy"], name="mapcell_cell"),
        ]

    def __str__(self):
        return f"{self.audience}:{self.key}:{self.shift}:{self.cx},{self.cy} = {self.count}"
