"""What a geocode() call asks for, checked before the gazetteer is searched.

A query is a place name with optional qualifiers, innermost first: "Paris, Texas, USA" or a
structured dict in Nominatim's keys ({"city": "Paris", "state": "Texas", "country": "USA"}).
The filters (country_codes, featuretype, viewbox/bounded, limit, geometry) and reverse()'s point
and zoom are parsed here too, so a bad argument fails with GeocoderQueryError (a ValueError)
before any search.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from geopy.exc import GeocoderQueryError
from geopy.point import Point

# Nominatim's structured keys the gazetteer can answer, most specific first, with the kinds of
# gazetteer entry each may name.
STRUCTURED_KINDS: dict[str, frozenset[str]] = {
    "city": frozenset({"city", "village"}),
    "county": frozenset({"admin2", "admin1"}),
    "state": frozenset({"admin1"}),
    "country": frozenset({"country"}),
}
# Nominatim's other structured keys: valid there, but the gazetteer holds no such detail.
UNANSWERABLE_KEYS = ("amenity", "street", "postalcode")

# featuretype -> kinds of entry (Nominatim's four values).
GEOMETRIES = ("wkt", "geojson")

FEATURE_KINDS: dict[str, frozenset[str]] = {
    "country": frozenset({"country"}),
    "state": frozenset({"admin1"}),
    "city": frozenset({"city"}),
    "settlement": frozenset({"city", "village"}),
}


@dataclass(frozen=True, slots=True)
class Part:
    """One name of a query; ``kinds`` limits what it may name (None: any place)."""

    text: str
    label: str  # how messages name it: "'Texas'" or "state 'Texas'"
    kinds: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """The place asked for, and the places it must lie in (innermost first)."""

    place: Part
    qualifiers: tuple[Part, ...] = ()


@dataclass(frozen=True, slots=True)
class Filters:
    """The geocode() arguments that narrow or reorder the candidates."""

    limit: int = 1
    countries: frozenset[str] | None = None  # ISO alpha-2, upper case
    kinds: frozenset[str] | None = None  # from featuretype
    box: tuple[float, float, float, float] | None = None  # south, west, north, east
    bounded: bool = False

    def in_box(self, lat: float, lon: float) -> bool:
        if self.box is None:
            return False
        south, west, north, east = self.box
        return south <= lat <= north and west <= lon <= east


def parse_query(query: object) -> Query:
    """A free-form string ("Columbus, GA") or a structured mapping, as a Query."""
    if isinstance(query, Mapping):
        return _structured(query)
    if not isinstance(query, str):
        raise GeocoderQueryError(
            f"query must be a string or a dict of {', '.join(STRUCTURED_KINDS)}; "
            f"got {type(query).__name__}"
        )
    parts = [part.strip() for part in query.split(",")]
    parts = [part for part in parts if part]
    if not parts:
        raise GeocoderQueryError("empty query")
    return Query(
        place=Part(parts[0], repr(parts[0])),
        qualifiers=tuple(Part(part, repr(part)) for part in parts[1:]),
    )


def _structured(query: Mapping[object, object]) -> Query:
    for key, value in query.items():
        if key in UNANSWERABLE_KEYS:
            raise GeocoderQueryError(
                f"structured query key {key!r}: the offline gazetteer holds no "
                f"{key} data; it answers {', '.join(STRUCTURED_KINDS)}"
            )
        if key not in STRUCTURED_KINDS:
            raise GeocoderQueryError(
                f"structured query key {key!r} is unknown; use {', '.join(STRUCTURED_KINDS)}"
            )
        if not isinstance(value, str):
            raise GeocoderQueryError(
                f"structured query {key!r} must be a string, got {type(value).__name__}"
            )
    parts = [
        Part(str(query[key]).strip(), f"{key} {str(query[key]).strip()!r}", kinds)
        for key, kinds in STRUCTURED_KINDS.items()
        if key in query and str(query[key]).strip()
    ]
    if not parts:
        raise GeocoderQueryError("empty structured query")
    return Query(place=parts[0], qualifiers=tuple(parts[1:]))


def parse_country_codes(codes: object, known: Collection[str]) -> frozenset[str] | None:
    """country_codes as upper-case ISO alpha-2 codes; ``known`` holds the valid ones."""
    if codes is None or codes == "" or codes == [] or codes == ():
        return None
    if isinstance(codes, str):
        items: list[object] = list(codes.split(","))
    elif isinstance(codes, Sequence | frozenset | set):
        items = list(codes)
    else:
        raise GeocoderQueryError(
            f"country_codes must be a string or a list of strings, got {type(codes).__name__}"
        )
    found = set()
    for item in items:
        code = item.strip() if isinstance(item, str) else item
        if not (isinstance(code, str) and len(code) == 2 and code.isascii() and code.isalpha()):
            raise GeocoderQueryError(
                f"country_codes: {item!r} is not an ISO 3166-1 alpha-2 code (two letters, "
                "such as 'es' or 'US')"
            )
        if code.upper() not in known:
            raise GeocoderQueryError(
                f"country_codes: {code!r} is not an ISO 3166-1 alpha-2 code of a country"
            )
        found.add(code.upper())
    return frozenset(found)


def parse_featuretype(featuretype: object) -> frozenset[str] | None:
    if featuretype is None or featuretype == "":
        return None
    kinds = FEATURE_KINDS.get(str(featuretype).lower())
    if kinds is None:
        raise GeocoderQueryError(
            f"featuretype {featuretype!r} is not one of {', '.join(FEATURE_KINDS)}"
        )
    return kinds


def parse_viewbox(viewbox: object) -> tuple[float, float, float, float] | None:
    """Two opposite corners (Points, (lat, lon) pairs or "lat, lon" strings, in either order)
    as (south, west, north, east), as Nominatim reads them."""
    if viewbox is None or (isinstance(viewbox, Sequence) and len(viewbox) == 0):
        return None
    if isinstance(viewbox, str) or not isinstance(viewbox, Sequence) or len(viewbox) != 2:
        raise GeocoderQueryError("viewbox must be two points: [(lat1, lon1), (lat2, lon2)]")
    try:
        first, second = (Point(corner) for corner in viewbox)
    except (TypeError, ValueError) as exc:
        raise GeocoderQueryError(f"viewbox: {exc}") from exc
    south, north = sorted((first.latitude, second.latitude))
    west, east = sorted((first.longitude, second.longitude))
    return (south, west, north, east)


def parse_limit(exactly_one: bool, limit: object) -> int:
    """How many answers: 1 for exactly_one, else ``limit`` (Nominatim's default, 10)."""
    if exactly_one:
        return 1
    if limit is None:
        return 10
    try:
        count = int(limit)  # type: ignore[call-overload]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"limit must be a whole number, got {limit!r}") from exc
    if count < 1:
        raise ValueError("Limit cannot be less than 1")
    return count


def parse_point(query: object) -> tuple[float, float]:
    """(lat, lon) of anything geopy's Point takes; a plain (lat, lon) pair without parsing."""
    if type(query) is tuple and len(query) == 2:
        lat, lon = query
        numbers = type(lat) in (float, int) and type(lon) in (float, int)
        if numbers and -90 <= lat <= 90 and -180 <= lon <= 180:
            return float(lat), float(lon)
    try:
        point = Point(query)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"Must be a coordinate pair or Point ({exc})") from exc
    return point.latitude, point.longitude


def parse_zoom(zoom: object) -> int:
    if isinstance(zoom, bool) or not isinstance(zoom, int) or not 0 <= zoom <= 18:
        raise GeocoderQueryError(f"zoom must be a whole number from 0 to 18, got {zoom!r}")
    return zoom


def parse_geometry(geometry: object) -> str | None:
    if geometry is None:
        return None
    value = str(geometry).lower()
    if value not in GEOMETRIES:
        raise GeocoderQueryError(
            f"geometry {geometry!r}: the offline geocoder gives wkt or geojson "
            "(Nominatim's svg and kml are not available)"
        )
    return value
