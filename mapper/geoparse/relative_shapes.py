"""The shapes behind relative places: the part of a place toward a compass bearing, a stretch
of its border, where two countries meet, a point at a distance and bearing.

Place -> Place (feature class "relative", precision "region"), each answer cached per place:
countries are cut from their Natural Earth polygons with shapely, other places from the circle
of their extent. Used by relative.py, which reads the phrases.
"""

from __future__ import annotations

import functools
import math
from dataclasses import replace
from typing import TYPE_CHECKING

from mapper.gazetteer.boundaries import boxes_meet
from mapper.geoparse.country_shapes import label_point, land_border, main_polygon
from mapper.models import Place

# shapely and geopy are imported inside the functions that use them: importing them costs
# about 0.15 s of start-up, and most articles hold no relative phrase.
if TYPE_CHECKING:
    from shapely.geometry import Point, Polygon
    from shapely.geometry.base import BaseGeometry


def _unit_vector(bearing: float) -> tuple[float, float]:
    rad = math.radians(bearing)
    return math.sin(rad), math.cos(rad)  # (dx = east, dy = north)


def _shape_of(place: Place) -> BaseGeometry | None:
    if place.feature_class != "country" or not place.country:
        return None
    return main_polygon(place.country)


@functools.lru_cache(maxsize=1024)
def _widened_place(place: Place) -> BaseGeometry:
    """A place's shape widened to meet its neighbours' (once per place, for every pairing)."""
    return (_shape_of(place) or _circle(place)).buffer(0.05, quad_segs=2)


def _circle(place: Place) -> Polygon:
    from shapely.geometry import Point, Polygon

    radius_deg = max(place.extent_km, 5.0) / 111.32
    scale = max(math.cos(math.radians(place.lat)), 0.1)
    circle = Point(place.lon, place.lat).buffer(radius_deg, 32)
    # Stretch in longitude so the circle is round on the ground.
    coords = [(place.lon + (x - place.lon) / scale, y) for x, y in circle.exterior.coords]
    return Polygon(coords)


def _third_toward(shape: BaseGeometry, bearing: float) -> BaseGeometry:
    """The part of a shape lying in its outer third toward a compass bearing."""
    from shapely.geometry import Polygon

    dx, dy = _unit_vector(bearing)
    projections = [x * dx + y * dy for x, y in shape.exterior.coords]
    low, high = min(projections), max(projections)
    cut = low + (high - low) * 2 / 3
    minx, miny, maxx, maxy = shape.bounds
    span = (maxx - minx) + (maxy - miny) + 1
    # A big half-plane beyond the cut line, perpendicular to the direction, centred on the
    # foot of the shape's centroid on that line.
    centre = shape.centroid
    shift = cut - (centre.x * dx + centre.y * dy)
    px, py = centre.x + shift * dx, centre.y + shift * dy
    perp = (-dy, dx)
    half = Polygon([
        (px + perp[0] * span, py + perp[1] * span),
        (px + perp[0] * span + dx * span, py + perp[1] * span + dy * span),
        (px - perp[0] * span + dx * span, py - perp[1] * span + dy * span),
        (px - perp[0] * span, py - perp[1] * span),
    ])  # fmt: skip
    part = shape.intersection(half)
    return part if not part.is_empty else shape


def _area_place(base: Place, geometry: BaseGeometry, suffix: str) -> Place:
    """A relative place covering ``geometry``: its centroid (or an inner point) and area."""
    inside = geometry.contains(geometry.centroid)
    point = geometry.centroid if inside else geometry.representative_point()
    lat_scale = max(math.cos(math.radians(point.y)), 0.05)
    area_km2 = geometry.area * 111.32 * 111.32 * lat_scale
    extent = max(math.sqrt(area_km2 / math.pi), 5.0)
    return _point_place(base, point.y, point.x, extent, suffix)


@functools.lru_cache(maxsize=4096)
def _part(base: Place, bearing: float) -> Place:
    shape = _shape_of(base) or _circle(base)
    return _area_place(base, _third_toward(shape, bearing), f"part{int(bearing)}")


def _sample(line: BaseGeometry, step: float = 0.25) -> list[Point]:
    points = []
    for part in getattr(line, "geoms", [line]):
        if part.length == 0:
            continue
        count = max(2, int(part.length / step))
        points.extend(part.interpolate(i / count, normalized=True) for i in range(count + 1))
    return points


def _angle_between(a: float, b: float) -> float:
    """The smaller angle between two compass bearings, in degrees."""
    return abs((a - b + 180) % 360 - 180)


def _compass_bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = lat2 - lat1
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.degrees(math.atan2(dx, dy)) % 360


def _country_edge(base: Place, shape: BaseGeometry, bearing: float, coast: bool) -> Place | None:
    """A point on a country's land border (or coast) in a compass direction from its centre.

    The direction is judged from the country's label point, which sits in the populated core
    (European Russia, not central Siberia): that is where "southwestern border" is meant from.
    """
    label = label_point(base.country or "")
    if label is None:
        return None
    land = land_border(base.country or "")
    line = shape.boundary.difference(land.buffer(0.01)) if coast and land is not None else land
    if line is None or line.is_empty:
        line = shape.boundary
    points = _sample(line)
    bearings = {id(p): _compass_bearing(label[0], label[1], p.y, p.x) for p in points}
    for tolerance in (30.0, 60.0, 90.0):
        chosen = [p for p in points if _angle_between(bearings[id(p)], bearing) <= tolerance]
        if chosen:
            break
    else:
        return None
    from shapely.geometry import MultiPoint

    middle = chosen[len(chosen) // 2]
    strip = MultiPoint(chosen).buffer(0.5, quad_segs=2).intersection(shape)
    place = _area_place(
        base, strip if not strip.is_empty else middle.buffer(0.5), f"edge{int(bearing)}"
    )
    return replace(place, lat=round(middle.y, 5), lon=round(middle.x, 5))


@functools.lru_cache(maxsize=4096)
def _edge(base: Place, bearing: float | None, word: str = "border") -> Place:
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    country_shape = _shape_of(base)
    if country_shape is not None and bearing is not None:
        coast = word.lower().startswith("coast")
        found = _country_edge(base, country_shape, bearing, coast)
        if found is not None:
            return found
    shape = country_shape or _circle(base)
    if bearing is None:
        # "Russia's border" with no direction and no neighbour named: the stretch of border
        # nearest the country's core, as a circle of half the country's size.
        line = (
            land_border(base.country) if country_shape is not None and base.country else None
        ) or shape.boundary
        anchor = nearest_points(line, Point(base.lon, base.lat))[0]
        return _point_place(base, anchor.y, anchor.x, max(base.extent_km / 2, 5.0), "edge")
    region = _third_toward(shape, bearing)
    boundary = region.boundary.intersection(shape.boundary)
    if boundary.is_empty:
        boundary = region.boundary
    anchor = nearest_points(boundary, region.centroid)[0]
    place = _area_place(base, region, f"edge{bearing}")
    return replace(
        place,
        lat=round(anchor.y, 5),
        lon=round(anchor.x, 5),
        extent_km=round(place.extent_km / 2, 1),
    )


def _point_place(base: Place, lat: float, lon: float, extent_km: float, suffix: str) -> Place:
    """A relative place of ``base``; its name is set from the text by _named()."""
    return Place(
        place_id=f"rel:{base.place_id}:{suffix}",
        name=base.name,
        lat=round(lat, 5),
        lon=round(lon, 5),
        feature_class="relative",
        precision="region",
        country=base.country,
        extent_km=round(extent_km, 1),
    )


@functools.lru_cache(maxsize=4096)
def _offset(base: Place, km: float, bearing: float) -> Place:
    from geopy.distance import distance as geodesic

    target = geodesic(kilometers=km).destination((base.lat, base.lon), bearing)
    extent = max(5.0, km * 0.15)
    return _point_place(
        base, target.latitude, target.longitude, extent, f"{int(km)}km{int(bearing)}"
    )


@functools.lru_cache(maxsize=4096)
def _border_with(base: Place, other: Place | None) -> Place:
    """Where two countries meet; without the other country, the base's nearest boundary."""
    from shapely.geometry import LineString

    shape = _shape_of(base) or _circle(base)
    if other is not None:
        widened = _widened_place(other)
        # Shapes whose boxes do not meet share no border: no intersection is worked out.
        shared = (
            shape.boundary.intersection(widened)
            if boxes_meet(shape.bounds, widened.bounds, 1e-9)
            else None
        )
        if shared is not None and not shared.is_empty and shared.length > 0:
            parts = getattr(shared, "geoms", [shared])
            line = max(
                (p for p in parts if isinstance(p, LineString)),
                key=lambda g: g.length,
                default=None,
            )
            if line is not None:
                mid = line.interpolate(0.5, normalized=True)
                extent = max(shared.length * 111.32 / 2, 10.0)
                return _point_place(base, mid.y, mid.x, extent, f"border:{other.place_id}")
    return _edge(base, None)
