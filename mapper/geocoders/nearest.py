"""Reverse geocoding indexes: the nearest gazetteer settlement, and the country of a point.

NearestPlaces keeps a shapely STRtree over the points of one set of gazetteer kinds. A query
asks the tree for the entries in a lat/lon box that holds every point within R km (wider in
longitude toward the poles, wrapped across the antimeridian), reranks those few by exact
haversine distance, and widens R until one lies within it: the answer is the true nearest.

CountryShapes answers point-in-polygon on the Natural Earth admin-0 polygons of
mapper.gazetteer.boundaries, with an STRtree over their boxes and prepared geometries.

Both are built once, on first use (a few tenths of a second, plus about a second to read the
Natural Earth shapes when nothing else in the process has).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection
from dataclasses import dataclass

from mapper.gazetteer import Gazetteer
from mapper.gazetteer.boundaries import CountryShape, load_countries

_EARTH_RADIUS_KM = 6371.0088  # as mapper.gazetteer.haversine_km
_DIAMETER_KM = 2 * _EARTH_RADIUS_KM
_KM_PER_DEGREE = _EARTH_RADIUS_KM * math.pi / 180
_EPSILON_DEGREES = 1e-7
_FIRST_RADIUS_KM = 3.0
_HALF_EARTH_KM = 20_016.0  # no two points on Earth are further apart


@dataclass(frozen=True, slots=True)
class Nearby:
    """A gazetteer entry and its great-circle distance from the query point."""

    entry: int
    km: float


class NearestPlaces:
    """Nearest entries of the given kinds (e.g. {"city", "village"}) to a point."""

    def __init__(self, gazetteer: Gazetteer, kinds: Collection[str]):
        import shapely

        self.gazetteer = gazetteer
        self.entries = [e for e, kind in enumerate(gazetteer.kinds) if kind in kinds]
        lats = [gazetteer.lats[e] for e in self.entries]
        lons = [gazetteer.lons[e] for e in self.entries]
        # Per tree index, for the haversine of the candidates: radians and cos(latitude).
        self._lat_radians = [math.radians(lat) for lat in lats]
        self._lon_radians = [math.radians(lon) for lon in lons]
        self._cos_lat = [math.cos(r) for r in self._lat_radians]
        self.tree = shapely.STRtree(shapely.points(lons, lats))

    def within(self, lat: float, lon: float, km: float) -> list[Nearby]:
        """Entries within ``km`` of the point, nearest first (ties by entry)."""
        lat1, lon1 = math.radians(lat), math.radians(lon)
        cos1 = math.cos(lat1)
        lat_radians, lon_radians, cos_lat = self._lat_radians, self._lon_radians, self._cos_lat
        sin, asin, sqrt = math.sin, math.asin, math.sqrt
        found = []
        for i in self._in_boxes(lat, lon, km):
            a = (
                sin((lat_radians[i] - lat1) / 2) ** 2
                + cos1 * cos_lat[i] * sin((lon_radians[i] - lon1) / 2) ** 2
            )
            distance = _DIAMETER_KM * asin(min(1.0, sqrt(a)))
            if distance <= km:
                found.append((distance, self.entries[i]))
        found.sort()
        return [Nearby(entry, distance) for distance, entry in found]

    def nearest(self, lat: float, lon: float, max_km: float = math.inf) -> list[Nearby]:
        """The nearest entry within ``max_km``, with any others as near; [] when none is.

        Boxes of growing radius (3 km, x4): the first that holds an entry within its
        radius holds the nearest, since every nearer entry lies in it too.
        """
        radius = min(_FIRST_RADIUS_KM, max_km)
        while True:
            found = self.within(lat, lon, radius)
            if found:
                return [n for n in found if n.km <= found[0].km + 1e-9]
            if radius >= min(max_km, _HALF_EARTH_KM):
                return []
            radius = min(radius * 4, max_km, _HALF_EARTH_KM)

    def _in_boxes(self, lat: float, lon: float, km: float) -> list[int]:
        """Tree indexes of the points in the lat/lon boxes that hold every point within
        ``km`` of (lat, lon)."""
        import shapely

        dlat = km / _KM_PER_DEGREE + _EPSILON_DEGREES
        south, north = lat - dlat, lat + dlat
        widest = max(abs(south), abs(north))
        if widest >= 90:
            dlon = 180.0  # the circle holds a pole: every longitude
        else:
            dlon = min(180.0, dlat / max(math.cos(math.radians(widest)), 1e-9))
        west, east = lon - dlon, lon + dlon
        if west >= -180 and east <= 180:  # one box; an array query skips shapely's reshaping
            box = shapely.box([west], [south], [east], [north])
            return self.tree.query(box)[1].tolist()
        wests, easts = [max(west, -180.0)], [min(east, 180.0)]
        if west < -180:
            wests.append(west + 360)
            easts.append(180.0)
        if east > 180:
            wests.append(-180.0)
            easts.append(east - 360)
        boxes = shapely.box(wests, [south] * len(wests), easts, [north] * len(wests))
        return sorted(set(self.tree.query(boxes)[1].tolist()))


class CountryShapes:
    """The Natural Earth admin-0 unit that contains a point.

    Each unit is split into its polygons (Canada has thousands of islands), so the tree
    narrows a point to the few polygons whose box holds it, each tested prepared.
    """

    def __init__(self, shapes: tuple[CountryShape, ...] | None = None):
        import shapely

        self.shapes = shapes if shapes is not None else load_countries()
        polygons: list[object] = []
        self._owners: list[int] = []
        for owner, shape in enumerate(self.shapes):
            for polygon in shapely.get_parts(shape.geometry).tolist():
                polygons.append(polygon)
                self._owners.append(owner)
        self.tree = shapely.STRtree(polygons)
        shapely.prepare(self.tree.geometries)

    def at(self, lat: float, lon: float) -> CountryShape | None:
        """The unit containing the point (first in the file's order); None at sea."""
        import shapely

        candidates = self.tree.query(shapely.box([lon], [lat], [lon], [lat]))[1]
        if len(candidates) == 0:
            return None
        inside = shapely.intersects_xy(self.tree.geometries.take(candidates), lon, lat)
        owners = [
            self._owners[i]
            for i, hit in zip(candidates.tolist(), inside.tolist(), strict=True)
            if hit
        ]
        return self.shapes[min(owners)] if owners else None


@functools.cache
def country_shapes() -> CountryShapes:
    """The Natural Earth units' index, built once per process and shared."""
    return CountryShapes()
