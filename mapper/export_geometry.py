"""What the map draws, as geometry for GIS: areas as Polygons, transfers as LineStrings.

- An incident placed at a country gets the country's Natural Earth shape (mapper/boundaries.py).
- One placed at another area (a first-level division, a region, a part of a place) gets the
  circle of its extent, the map's own area, clipped to the land of the countries it lies in
  when that keeps most of it: "the Levant" ends at the coast, "off the coast of X" stays a
  circle. A region of the curated table (mapper/gazetteer/data/regions.tsv) is clipped to its member
  countries, except seas and rivers.
- A transfer (origin and destination both known) is the straight LineString between them.

Shapes are simplified in proportion to their size (a few hundred vertices at most for a
large country), exterior rings run counter-clockwise (RFC 7946) and every coordinate is
rounded to 5 decimals, so the same incidents give the same bytes. Shapes are computed once
per place and process.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from mapper.gazetteer import haversine_km, read_table
from mapper.models import Incident, Place

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

# Precisions the map draws as an area rather than a pin, and the least radius it draws.
AREA_PRECISIONS = frozenset({"admin1", "country", "region"})
MIN_AREA_KM = 25.0
EARTH_RADIUS_KM = 6371.0088
CIRCLE_VERTICES = 64
# Every country shape is first simplified to this many degrees (about 500 m).
BASE_TOLERANCE = 0.005
# Most vertices of one simplified shape (about 20 KB of GeoJSON).
MAX_VERTICES = 1000
# A clip that keeps less of the circle than this is not where the event was: keep the circle.
MIN_CLIP_SHARE = 0.15
# Region kinds of regions.tsv whose countries are neighbours, not the area itself.
_UNCLIPPED_KINDS = frozenset({"water"})


@functools.cache
def _regions() -> dict[str, tuple[str, tuple[str, ...]]]:
    """region id -> (kind, member country codes), from the curated regions table."""
    return {
        row["region_id"]: (row["kind"], tuple(c for c in row["countries"].split("|") if c))
        for row in read_table("regions.tsv")
    }


def _tolerance(extent_km: float) -> float:
    """Simplification tolerance in degrees: about 1/100 of the shape's radius, >= ~500 m.

    Rounded up to a step of a 1.5 ratio, so that a country is simplified a few times, not once
    per place in it.
    """
    wanted = max(0.005, extent_km / 111.32 / 100)
    return round(0.005 * 1.5 ** math.ceil(math.log(wanted / 0.005, 1.5) - 1e-9), 6)


def _rounded(geometry: BaseGeometry) -> BaseGeometry:
    """Coordinates rounded to 5 decimals, exterior rings counter-clockwise (RFC 7946)."""
    import shapely
    from shapely.geometry import MultiPolygon, Polygon
    from shapely.geometry.polygon import orient

    geometry = shapely.transform(geometry, lambda xy: xy.round(5))
    if isinstance(geometry, Polygon):
        return orient(geometry, 1.0)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(p, 1.0) for p in geometry.geoms])
    return geometry


def _polygon_parts(geometry: BaseGeometry) -> list[Any]:
    """The Polygons of any geometry, collections of collections included."""
    from shapely.geometry import Polygon

    if isinstance(geometry, Polygon):
        return [geometry]
    return [p for part in getattr(geometry, "geoms", []) for p in _polygon_parts(part)]


def _polygons_only(geometry: BaseGeometry, min_area: float) -> BaseGeometry | None:
    """The Polygon parts of a geometry at least ``min_area`` square degrees, or None."""
    from shapely.geometry import MultiPolygon

    parts = [p for p in _polygon_parts(geometry) if not p.is_empty and p.area >= min_area]
    if not parts:
        return None
    parts.sort(key=lambda p: (-p.area, p.bounds))
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


@functools.cache
def _base_shape(iso2: str) -> BaseGeometry | None:
    """The country's shape simplified to BASE_TOLERANCE, topology kept: once per country."""
    from mapper.gazetteer.boundaries import country_by_iso2

    country = country_by_iso2(iso2)
    if country is None:
        return None
    return country.geometry.simplify(BASE_TOLERANCE, preserve_topology=True)


@functools.cache
def _country_shape(iso2: str, tolerance: float) -> BaseGeometry | None:
    """The country's shape simplified to ``tolerance`` degrees or coarser, islands kept.

    Coarser shapes are simplified from the base shape (Douglas-Peucker, then made valid):
    simplifying the full shape with its topology kept takes a tenth of a second at large
    tolerances, and a store may hold incidents in every country.
    """
    import shapely

    base = _base_shape(iso2)
    if base is None:
        return None
    while True:  # coarser until small enough (long coasts: fjords, archipelagos)
        simple = base
        if tolerance > BASE_TOLERANCE:
            simple = base.simplify(tolerance, preserve_topology=False)
            if not simple.is_valid:
                simple = shapely.make_valid(simple)
        shape = _polygons_only(simple, (3 * tolerance) ** 2)
        if shape is None or shapely.get_num_coordinates(shape) <= MAX_VERTICES:
            return shape
        tolerance *= 1.5


def _world_wrapped(geometry: BaseGeometry) -> BaseGeometry:
    """Parts beyond longitude +-180 moved by 360 degrees, so every part lies in the world."""
    from shapely import affinity
    from shapely.geometry import box
    from shapely.ops import unary_union

    world = box(-180, -90, 180, 90)
    minx, _, maxx, _ = geometry.bounds
    if minx >= -180 and maxx <= 180:
        return geometry
    shifted = (affinity.translate(geometry, xoff=shift) for shift in (-360, 0, 360))
    parts = [part.intersection(world) for part in shifted]
    return unary_union([p for p in parts if not p.is_empty])


def circle(lat: float, lon: float, radius_km: float) -> BaseGeometry:
    """The spherical circle of ``radius_km`` around (lat, lon), as a lon/lat Polygon.

    One that crosses the antimeridian is split into a MultiPolygon; one around a pole is
    closed along the pole.
    """
    from shapely.geometry import Polygon

    d = radius_km / EARTH_RADIUS_KM
    phi, lam = math.radians(lat), math.radians(lon)
    ring: list[tuple[float, float]] = []
    previous = None
    for k in range(CIRCLE_VERTICES):
        bearing = 2 * math.pi * k / CIRCLE_VERTICES
        lat2 = math.asin(
            math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * math.cos(bearing)
        )
        lon2 = math.degrees(
            lam
            + math.atan2(
                math.sin(bearing) * math.sin(d) * math.cos(phi),
                math.cos(d) - math.sin(phi) * math.sin(lat2),
            )
        )
        if previous is not None:  # no jumps of 360 degrees between neighbours
            lon2 += 360.0 * round((previous - lon2) / 360.0)
        ring.append((lon2, math.degrees(lat2)))
        previous = lon2
    first, last = ring[0][0], ring[-1][0]
    if abs(last - first) > 180:  # went round a pole: close the ring along it
        pole = 90.0 if lat > 0 else -90.0
        end = first + math.copysign(360.0, last - first)
        ring += [(end, ring[0][1]), (end, pole), (first, pole)]
    return _world_wrapped(Polygon(ring).buffer(0))


def _clip_countries(place: Place) -> tuple[str, ...]:
    if place.place_id.startswith("region:"):
        kind, members = _regions().get(place.place_id.removeprefix("region:"), ("", ()))
        if kind in _UNCLIPPED_KINDS:
            return ()
        if members:
            return members
    return (place.country,) if place.country else ()


@functools.lru_cache(maxsize=4096)
def area_of(place: Place) -> tuple[BaseGeometry, str] | None:
    """The area the map draws for ``place`` and where it came from, or None for a point place.

    The source is ``"boundary"``, ``"clipped circle"`` or ``"circle"``.
    """
    from shapely.ops import unary_union

    if place.precision not in AREA_PRECISIONS:
        return None
    radius = max(float(place.extent_km), MIN_AREA_KM)
    tolerance = _tolerance(radius)
    if place.precision == "country" and place.country:
        shape = _country_shape(place.country.upper(), tolerance)
        if shape is not None:
            return _rounded(shape), "boundary"
    disc = circle(place.lat, place.lon, radius)
    # Clipped with the base shapes (one per country), then simplified: the clip is small.
    countries = [_base_shape(code.upper()) for code in _clip_countries(place)]
    land = [shape for shape in countries if shape is not None and shape.intersects(disc)]
    if land:
        union = land[0] if len(land) == 1 else unary_union(land)
        clip = disc.intersection(union).simplify(tolerance, preserve_topology=True)
        clipped = _polygons_only(clip, tolerance**2)
        if clipped is not None and clipped.area >= MIN_CLIP_SHARE * disc.area:
            return _rounded(clipped), "clipped circle"
    return _rounded(disc), "circle"


def _end(place: Place) -> tuple[float, float]:
    return (round(place.lon, 5), round(place.lat, 5))


def transfer_line(incident: Incident) -> BaseGeometry | None:
    """The LineString from the incident's origin to its destination, or None without both."""
    if incident.origin is None or incident.destination is None:
        return None  # before the import: a batch without transfers needs no shapely
    from shapely.geometry import LineString

    return LineString([_end(incident.origin), _end(incident.destination)])


def transfer_km(incident: Incident) -> float | None:
    if incident.origin is None or incident.destination is None:
        return None
    a, b = incident.origin, incident.destination
    return round(haversine_km(a.lat, a.lon, b.lat, b.lon), 1)


def point_of(place: Place) -> BaseGeometry:
    from shapely.geometry import Point

    return Point(_end(place))


def geojson_geometry(geometry: BaseGeometry | None) -> dict[str, Any] | None:
    """A GeoJSON geometry object (lists, not tuples), or None."""
    if geometry is None:
        return None
    from shapely.geometry import mapping

    def lists(value: Any) -> Any:
        if isinstance(value, tuple | list):
            if value and isinstance(value[0], float | int):
                return [float(v) for v in value]
            return [lists(v) for v in value]
        return value

    data = mapping(geometry)
    return {"type": data["type"], "coordinates": lists(data["coordinates"])}
