"""Relative places: "Russia's southwestern border", "northern Gaza", "50 km south of Kyiv",
"near the border with Ukraine", "the foothills of the Himalayas".

(text, resolved Toponyms) -> the same Toponyms, some with ``relative`` set: a Place in the right
part of the named place, precision "region". Countries are cut from their Natural Earth
polygons with shapely; other places from the circle of their extent.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from mapper.boundaries import boxes_meet
from mapper.geoparse.country_shapes import label_point, land_border, main_polygon
from mapper.models import Place, Toponym

# shapely and geopy are imported inside the functions that use them: importing them costs
# about 0.15 s of start-up, and most articles hold no relative phrase.
if TYPE_CHECKING:
    from shapely.geometry import Point, Polygon
    from shapely.geometry.base import BaseGeometry

# Compass words -> bearing in degrees (clockwise from north).
BEARINGS = {
    "north": 0, "northeast": 45, "north-east": 45, "east": 90, "southeast": 135,
    "south-east": 135, "south": 180, "southwest": 225, "south-west": 225, "west": 270,
    "northwest": 315, "north-west": 315,
}  # fmt: skip
_DIRECTION = r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?"
_EDGE = r"(border|borders|frontier|coast|coastline|edge|flank|outskirts|part|parts|region|areas?)"
_UNITS = {"km": 1.0, "kilometres": 1.0, "kilometers": 1.0, "kilometre": 1.0, "kilometer": 1.0,
          "miles": 1.609344, "mile": 1.609344, "mi": 1.609344,
          "nautical miles": 1.852, "nautical mile": 1.852, "nm": 1.852}  # fmt: skip

# Patterns that end right before the toponym ...
_BEFORE = [
    (
        "offset",
        re.compile(
            r"(\d+(?:[.,]\d+)?)\s*(km|kilometres|kilometers|kilometre|kilometer|nautical\s+miles?"
            r"|nm|miles|mile|mi)\s+"
            # a conversion in brackets: "10 kilometres (6 miles) east of"
            + r"(?:\([^()]{1,20}\)\s+)?"
            + r"(?:to the\s+)?"
            + _DIRECTION
            # what the named place is: "of the town of X", "of the capital, X"; or whose:
            # "of the Turkish |capital"
            + r"\s+of\s+(?:the\s+)?(?:(?:\w+\s+)?(?:town|city|village|capital|port)"
            + r"(?:\s+of|,)?\s+|[A-Z][\w'’-]+\s+)?$",
            re.I,
        ),
    ),
    (
        "edge_of",
        re.compile(r"\b(?:the\s+)?" + _DIRECTION + r"\s+" + _EDGE + r"\s+of\s+(?:the\s+)?$", re.I),
    ),
    (
        "border_with",
        re.compile(
            r"\b(?:near|on|along|at|across|close to)\s+(?:the\s+)?border\s+with\s+(?:the\s+)?$",
            re.I,
        ),
    ),
    (
        "foothills",
        re.compile(
            r"\b(?:the\s+)?(?:"
            + _DIRECTION
            + r"\s+)?(?:foothills|slopes|edge|fringes?)\s+of\s+(?:the\s+)?$",
            re.I,
        ),
    ),
    ("part", re.compile(r"\b" + _DIRECTION + r"\s+$", re.I)),
]
# ... and patterns that start right after it.
_AFTER = [
    ("own_edge", re.compile(r"^['’]s\s+" + _DIRECTION + r"\s+" + _EDGE + r"\b", re.I)),
    ("own_border", re.compile(r"^['’]s\s+(border|frontier)\b", re.I)),
]
_WINDOW = 60
# A word every pattern above needs: without one in the text (or near a toponym), no pattern can
# match there, and the text's toponyms are returned as they are, no shape loaded.
_CUE = re.compile(r"north|south|east|west|border|frontier|foothills|slopes|edge|fringe", re.I)
# The longest cue word: a cue inside a window starts within this many characters of a hit
# of one scan of the whole text (a hit may hide an overlapping cue, as in "slopesouth").
_CUE_SPAN = max(map(len, _CUE.pattern.split("|")))
_CUE_WORDS = tuple(_CUE.pattern.split("|"))
# Characters that IGNORECASE matches against ASCII letters but ``str.lower`` does not map to
# them ("ſ" is an "s", the Kelvin sign a "k"): a text holding one is scanned with the regex.
_CASE_ODD = "\u0130\u0131\u017f\u212a"


def _bearing(word: str) -> float:
    """Compass word -> bearing; the patterns capture it without "-ern" ("north" of "northern")."""
    return float(BEARINGS[word.lower()])


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


def _other_country(toponyms: list[Toponym], index: int) -> Place | None:
    """The closest other country named in the article, before or after this mention."""
    base = toponyms[index].place
    order = sorted(range(len(toponyms)), key=lambda i: (abs(i - index), i))
    for i in order:
        place = toponyms[i].place
        if (
            i != index
            and place is not None
            and place.feature_class == "country"
            and base is not None
            and place.country != base.country
        ):
            return place
    return None


@functools.lru_cache(maxsize=4096)
def _named(place: Place, phrase: str) -> Place:
    """Cached geometry under the text's own words ("northern Gaza"): a batch names the same
    few parts again and again, and ``dataclasses.replace`` is slow."""
    return replace(place, name=phrase)


def add_relative_places(text: str, toponyms: list[Toponym]) -> list[Toponym]:
    """Attach a relative Place to each toponym that a spatial phrase qualifies."""
    starts = _cue_starts(text)
    if not starts:
        return list(toponyms)
    result = []
    for index, toponym in enumerate(toponyms):
        place = toponym.place
        if place is None or toponym.demonym:
            result.append(toponym)
            continue
        low = max(0, toponym.start - _WINDOW)
        before_cue = _cue_within(text, starts, low, toponym.start)
        if not (
            before_cue
            or _cue_within(text, starts, toponym.end, min(len(text), toponym.end + _WINDOW))
        ):
            result.append(toponym)
            continue
        before = text[low : toponym.start]
        after = text[toponym.end : toponym.end + _WINDOW]
        relative = _match(before, after, toponym, toponyms, index, before_cue=before_cue)
        result.append(replace(toponym, relative=relative) if relative else toponym)
    return result


def _cue_starts(text: str) -> list[int]:
    """Sorted starts of every cue word in ``text`` (overlapping ones too): a superset of
    ``_CUE.finditer``'s, found by a literal search of the lower-cased text (an IGNORECASE
    alternation costs the regex engine a try at every character)."""
    low = text.lower()
    if len(low) != len(text) or any(c in text for c in _CASE_ODD):
        return [m.start() for m in _CUE.finditer(text)]
    starts = []
    for word in _CUE_WORDS:
        i = low.find(word)
        while i >= 0:
            starts.append(i)
            i = low.find(word, i + 1)
    starts.sort()
    return starts


def _cue_within(text: str, starts: list[int], low: int, high: int) -> bool:
    """``_CUE.search(text[low:high])``: asked of the text itself only when one of the hits of
    the whole text (``starts``, sorted) begins near enough to the window for a cue to be there.
    """
    i = bisect.bisect_left(starts, low - _CUE_SPAN)
    if i == len(starts) or starts[i] >= high:
        return False
    return _CUE.search(text, low, high) is not None


def _match(
    before: str,
    after: str,
    toponym: Toponym,
    toponyms: list[Toponym],
    index: int,
    *,
    before_cue: bool = True,
) -> Place | None:
    """The relative place a phrase around the toponym names. ``before_cue=False`` says
    ``before`` holds no cue word: every _BEFORE pattern needs one, so none is searched."""
    place = toponym.place
    assert place is not None
    for kind, pattern in _AFTER:
        match = pattern.match(after)
        if match:
            phrase = f"{toponym.name}{match.group(0)}"
            if kind == "own_edge":
                return _named(_edge(place, _bearing(match.group(1)), match.group(2)), phrase)
            return _named(_border_with(place, _other_country(toponyms, index)), phrase)
    for kind, pattern in _BEFORE if before_cue else ():
        match = pattern.search(before)
        if not match:
            continue
        phrase = f"{match.group(0)}{toponym.name}".strip()
        if kind == "offset":
            unit = " ".join(match.group(2).lower().split())
            km = float(match.group(1).replace(",", ".")) * _UNITS[unit]
            return _named(_offset(place, km, _bearing(match.group(3))), phrase)
        if kind == "edge_of":
            return _named(_edge(place, _bearing(match.group(1)), match.group(2)), phrase)
        if kind == "border_with":
            other = _other_country(toponyms, index)
            if other is not None:
                return _named(_border_with(other, place), phrase)
            return _named(_edge(place, None), phrase)
        if kind == "foothills":
            bearing = _bearing(match.group(1)) if match.group(1) else None
            if bearing is None:
                return replace(
                    place,
                    place_id=f"rel:{place.place_id}:foothills",
                    name=phrase,
                    feature_class="relative",
                    precision="region",
                )
            return _named(_part(place, bearing), phrase)
        if kind == "part":
            return _named(_part(place, _bearing(match.group(1))), phrase)
    return None
