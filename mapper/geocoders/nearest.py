"""Reverse geocoding indexes: the nearest gazetteer settlement, and the country of a point.

NearestPlaces keeps a shapely STRtree over the points of one set of gazetteer kinds. The tree's
nearest point is nearest in plain degrees, which stretch with latitude; its great-circle
distance D bounds the answer, so every entry within D km (a box query, wrapped across the
antimeridian) is reranked by haversine, and the answer is exact.

CountryShapes answers point-in-polygon on the Natural Earth admin-0 polygons of
mapper.boundaries, with an STRtree over their boxes and prepared geometries.

Both are built once, on first use (a few tenths of a second, plus about a second to read the
Natural Earth shapes when nothing else in the process has).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from mapper.boundaries import CountryShape, load_countries
from mapper.gazetteer import Gazetteer, haversine_km

_KM_PER_DEGREE = 6371.0088 * math.pi / 180
_EPSILON_DEGREES = 1e-7


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
        lats, lons = gazetteer.lats, gazetteer.lons
        self._points = shapely.points(
            [lons[e] for e in self.entries], [lats[e] for e in self.entries]
        )
        self.tree = shapely.STRtree(self._points)

    def within(self, lat: float, lon: float, km: float) -> list[Nearby]:
        """Entries within ``km`` of the point, nearest first (ties by entry)."""
        g = self.gazetteer
        found = []
        for entry in self._in_boxes(lat, lon, km):
            distance = haversine_km(lat, lon, g.lats[entry], g.lons[entry])
            if distance <= km:
                found.append(Nearby(entry, distance))
        found.sort(key=lambda n: (n.km, n.entry))
        return found

    def nearest(self, lat: float, lon: float) -> list[Nearby]:
        """The nearest entry, with any others at the same distance, nearest first."""
        import shapely

        if not self.entries:
            return []
        index = int(self.tree.query_nearest(shapely.Point(lon, lat), all_matches=False)[0])
        first = self.entries[index]
        bound = haversine_km(lat, lon, self.gazetteer.lats[first], self.gazetteer.lons[first])
        found = self.within(lat, lon, bound + 1e-6)
        return [n for n in found if n.km <= found[0].km + 1e-9]

    def _in_boxes(self, lat: float, lon: float, km: float) -> list[int]:
        """Entries in the lat/lon boxes covering every point within ``km`` of (lat, lon)."""
        import shapely

        dlat = km / _KM_PER_DEGREE + _EPSILON_DEGREES
        south, north = lat - dlat, lat + dlat
        widest = max(abs(south), abs(north))
        if widest >= 90:
            dlon = 180.0  # the circle holds a pole: every longitude
        else:
            dlon = min(180.0, dlat / max(math.cos(math.radians(widest)), 1e-9))
        west, east = lon - dlon, lon + dlon
        boxes = [(west, east)]
        if west < -180:
            boxes.append((west + 360, 180.0))
        if east > 180:
            boxes.append((-180.0, east - 360))
        hits: set[int] = set()
        for box_west, box_east in boxes:
            box = shapely.box(max(box_west, -180.0), south, min(box_east, 180.0), north)
            hits.update(self.tree.query(box).tolist())
        return [self.entries[i] for i in sorted(hits)]


class CountryShapes:
    """The Natural Earth admin-0 unit that contains a point."""

    def __init__(self, shapes: tuple[CountryShape, ...] | None = None):
        import shapely

        self.shapes = shapes if shapes is not None else load_countries()
        geometries = [shape.geometry for shape in self.shapes]
        shapely.prepare(geometries)
        self._geometries = geometries
        self.tree = shapely.STRtree(geometries)

    def at(self, lat: float, lon: float) -> CountryShape | None:
        """The unit containing the point (first in the file's order); None at sea."""
        import shapely

        for index in sorted(self.tree.query(shapely.Point(lon, lat)).tolist()):
            if shapely.intersects_xy(self._geometries[index], lon, lat):
                return self.shapes[index]
        return None
