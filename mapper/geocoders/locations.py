"""Gazetteer entries as geopy Location values, with a documented ``raw`` dict.

``Location.raw`` of the offline geocoder always holds:

- ``place_id`` (str): mapper's id ("geonames:4717560", "ne:ESP", "admin1:US-TX", ...)
- ``name`` (str) and ``display_name`` (str, the same as ``Location.address``: the place and the
  units it lies in, innermost first, "Paris, Lamar County, Texas, United States")
- ``lat``, ``lon`` (float, WGS84 degrees)
- ``type`` (str): country, admin1, admin2, city, village, facility, region or continent
  (``feature_class`` holds the same, as in mapper's Place)
- ``precision`` (str): point, city, admin2, admin1, country or region
- ``country`` (str or None): ISO 3166-1 alpha-2, upper case; ``admin1`` (str or None): ISO 3166-2
- ``population`` (int, 0 when unknown) and ``extent_km`` (float: radius of a circle covering it)
- ``importance`` (float): the score the answers were ranked by (higher first)

and, when asked for:

- ``address`` (addressdetails=True; always for reverse()): Nominatim's keys where known,
  one of city/village/county/state/country/region/continent/aeroway for the place itself,
  then ``county``, ``state``, ``ISO3166-2-lvl4``, ``country`` and ``country_code`` (lower case)
- ``extratags`` (extratags=True): ``population`` (str) and ``capital`` ("yes") where known
- ``namedetails`` (namedetails=True): ``{"name": name}``
- ``geojson`` / ``geotext`` (geometry="geojson" / "wkt"): the point, or for a country its
  Natural Earth polygon
- ``distance_km`` (reverse() only): great-circle distance from the query point
"""

from __future__ import annotations

import json
from typing import Any

from geopy.location import Location
from geopy.point import Point

from mapper.gazetteer import Gazetteer

# A place's own key in ``address``, by kind (Nominatim's names).
_ADDRESS_KEY = {
    "city": "city",
    "village": "village",
    "admin2": "county",
    "admin1": "state",
    "country": "country",
    "region": "region",
    "continent": "continent",
    "facility": "aeroway",
}


def address_parts(g: Gazetteer, entry: int) -> list[int]:
    """The entry and the units it lies in, innermost first, without repeated names."""
    parts = [entry, *g.parents(entry)]
    kept: list[int] = []
    for part in parts:
        if not kept or g.names[part] != g.names[kept[-1]]:
            kept.append(part)
    return kept


def _address(g: Gazetteer, entry: int, parts: list[int]) -> dict[str, str]:
    address: dict[str, str] = {_ADDRESS_KEY.get(g.kinds[entry], "place"): g.names[entry]}
    for part in parts[1:]:
        kind = g.kinds[part]
        if kind == "admin2":
            address.setdefault("county", g.names[part])
        elif kind == "admin1":
            # The innermost division is the state; a region it is listed in is not repeated.
            address.setdefault("state", g.names[part])
        elif kind == "country":
            address["country"] = g.names[part]
    if g.admin1s[entry] and g.kinds[entry] != "country":
        address["ISO3166-2-lvl4"] = g.admin1s[entry]
    if g.countries[entry]:
        address["country_code"] = g.countries[entry].lower()
    return address


def _geometry(g: Gazetteer, entry: int, geometry: str) -> tuple[str, Any]:
    from shapely.geometry import Point as ShapelyPoint
    from shapely.geometry import mapping

    shape: Any = ShapelyPoint(g.lons[entry], g.lats[entry])
    if g.kinds[entry] == "country" and g.countries[entry]:
        from mapper.gazetteer.boundaries import country_by_iso2

        country = country_by_iso2(g.countries[entry])
        if country is not None:
            shape = country.geometry
    if geometry == "wkt":
        return "geotext", shape.wkt
    return "geojson", json.loads(json.dumps(mapping(shape)))  # tuples -> lists, as JSON has


def entry_location(
    g: Gazetteer,
    entry: int,
    *,
    importance: float,
    addressdetails: bool = False,
    extratags: bool = False,
    namedetails: bool = False,
    geometry: str | None = None,
    distance_km: float | None = None,
) -> Location:
    """One gazetteer entry as a Location (see the module docstring for ``raw``)."""
    parts = address_parts(g, entry)
    display = ", ".join(g.names[part] for part in parts)
    kind = g.kinds[entry]
    place = g.place(entry)
    raw: dict[str, Any] = {
        "place_id": place.place_id,
        "name": place.name,
        "display_name": display,
        "lat": place.lat,
        "lon": place.lon,
        "type": kind,
        "feature_class": kind,
        "precision": place.precision,
        "country": place.country,
        "admin1": place.admin1,
        "population": place.population,
        "extent_km": place.extent_km,
        "importance": round(importance, 3),
    }
    if addressdetails:
        raw["address"] = _address(g, entry, parts)
    if extratags:
        tags = {"population": str(place.population)} if place.population else {}
        if entry in g.capitals:
            tags["capital"] = "yes"
        raw["extratags"] = tags
    if namedetails:
        raw["namedetails"] = {"name": place.name}
    if geometry is not None:
        key, value = _geometry(g, entry, geometry)
        raw[key] = value
    if distance_km is not None:
        raw["distance_km"] = round(distance_km, 3)
    return Location(display, Point(place.lat, place.lon), raw)
