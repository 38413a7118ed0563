"""Containment between places: city in district in province in country.

Works on Place values alone, so any stage can ask it: countries contain what shares their
ISO code, first-level divisions what shares their ISO 3166-2 code, second-level units what
names them as its admin2 (or lies within their extent), and other areas what lies within
their extent.
"""

from __future__ import annotations

from collections.abc import Mapping

from mapper.gazetteer import admin1_chain, haversine_km
from mapper.models import Place


def place_contains(
    outer: Place, inner: Place, *, admin1_parents: Mapping[str, str] | None = None
) -> bool:
    """Whether ``outer`` contains ``inner``; a place does not contain itself.

    ``admin1_parents`` (``Gazetteer.admin1_parents``) says which divisions are listed inside
    others, so that a region contains its departments' towns (Lyon, FR-69M, in FR-ARA).

    - country: ``inner`` has the same ISO country code;
    - admin1: ``inner`` has the same ISO 3166-2 code, or a code listed inside it;
    - admin2: ``inner`` names it as its admin2, or lies within its extent in the same country;
    - anything else (regions, cities, villages, relative areas): ``inner`` lies within
      ``outer.extent_km`` and has a smaller extent (an airport in its city, a town in a
      mountain range).
    """
    if outer.place_id == inner.place_id:
        return False
    kind = outer.feature_class
    if kind == "country":
        return (
            bool(outer.country)
            and inner.country == outer.country
            and inner.feature_class != ("country")
        )
    if kind == "admin1":
        if inner.feature_class == "country" or not outer.admin1 or not inner.admin1:
            return False
        chain = admin1_chain(inner.admin1, admin1_parents or {})
        if inner.feature_class == "admin1":
            return outer.admin1 in chain[1:]
        return outer.admin1 in chain
    if inner.feature_class in ("country", "admin1", "continent"):
        return False
    if kind == "admin2":
        if inner.feature_class == "admin2":
            return False
        if inner.admin2 is not None:
            return inner.admin2 == outer.place_id
        if outer.country and inner.country and outer.country != inner.country:
            return False
        return _within(outer, inner)
    if inner.extent_km >= outer.extent_km:
        return False  # a village does not contain the town beside it
    if outer.country and inner.country and outer.country != inner.country:
        return False
    return _within(outer, inner)


def _within(outer: Place, inner: Place) -> bool:
    distance = haversine_km(outer.lat, outer.lon, inner.lat, inner.lon)
    return distance <= outer.extent_km
