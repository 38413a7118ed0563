"""Which place lies inside which: village in district in province in country.

Used by the event-place chooser (a broad place confirms the places inside it instead of competing
with them), by incident merging (a report placed at a country and one placed at a town inside it
tell of one event) and by the gazetteer's ``contains``. Works on Place values alone, so stored
places compare as well as fresh ones: countries contain what shares their ISO code, first-level
divisions what shares their ISO 3166-2 code (or a code listed inside it), second-level units
what names them as its admin2 (or lies within their extent), and other areas what is smaller
and lies within their extent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from mapper.gazetteer.geodesy import haversine_km
from mapper.models import Place

# How far past its extent (a radius) a first-level division reaches, as the resolver reckons.
DIVISION_REACH = 1.5
# Coarser places rank higher; the extent decides first, the rank breaks ties.
_RANK = {"point": 0, "city": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5}


def admin1_chain(code: str, parents: Mapping[str, str]) -> list[str]:
    """A division's code and those of the divisions it is listed in, innermost first."""
    chain: list[str] = []
    while code and code not in chain:
        chain.append(code)
        code = parents.get(code, "")
    return chain


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places' points."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def specificity(place: Place) -> tuple[float, int]:
    """Sort key: smaller is more specific (extent first, then the kind of place)."""
    return (place.extent_km, _RANK.get(place.precision, 4))


def place_contains(
    outer: Place, inner: Place, *, admin1_parents: Mapping[str, str] | None = None
) -> bool:
    """Whether ``outer`` contains ``inner``; a place does not contain itself.

    ``admin1_parents`` (``Gazetteer.admin1_parents``) says which divisions are listed inside
    others, so that a region contains its departments' towns (Lyon, FR-69M, in FR-ARA);
    without it, ISO 3166-2's own parent codes (pycountry) are used.

    - country: ``inner`` has the same ISO country code (and is not a country);
    - admin1: ``inner`` has the same ISO 3166-2 code, or a code listed inside it; a place
      without a code (a relative area) counts when it is smaller and lies within 1.5 times the
      unit's extent (a radius: corners reach farther) in the same country;
    - admin2: ``inner`` names it as its admin2, or lies within its extent in the same country;
    - anything else (regions, cities, villages, relative areas): ``inner`` is smaller and lies
      within ``outer.extent_km`` (an airport in its city, a town in a mountain range).
    """
    if outer.place_id == inner.place_id:
        return False
    kind = outer.feature_class
    if kind == "country":
        return (
            bool(outer.country)
            and inner.country == outer.country
            and (inner.feature_class != "country")
        )
    if outer.country and inner.country and outer.country != inner.country:
        return False
    if kind == "admin1":
        if inner.feature_class in ("country", "continent"):
            return False
        if outer.admin1 and inner.admin1:
            if outer.admin1 == inner.admin1:
                return inner.feature_class != "admin1"
            if admin1_parents is None:
                admin1_parents = iso_admin1_parents()
            chain = admin1_chain(inner.admin1, admin1_parents)
            if inner.feature_class == "admin1":
                return outer.admin1 in chain[1:]
            return outer.admin1 in chain
        # A division's extent is the radius of a circle of its area: its corners reach farther.
        return (
            inner.feature_class != "admin1"
            and specificity(inner) < specificity(outer)
            and distance_km(outer, inner) <= DIVISION_REACH * max(outer.extent_km, 5.0)
        )
    if inner.feature_class in ("country", "admin1", "continent"):
        return False
    if kind == "admin2":
        if inner.feature_class == "admin2":
            return False
        if inner.admin2 is not None:
            return inner.admin2 == outer.place_id
        return _within(outer, inner)
    return _smaller_within(outer, inner)  # a village does not contain the town beside it


@functools.cache
def iso_admin1_parents() -> Mapping[str, str]:
    """ISO 3166-2 parent codes ("BF-YAG" -> "BF-12"), for callers without a gazetteer."""
    import pycountry  # late: only when two divisions of one country are compared

    return {
        sub.code: sub.parent_code
        for sub in pycountry.subdivisions
        if sub.parent_code and sub.parent_code != sub.code
    }


_OFFSET_ID = re.compile(r":\d+km\d+$")


def is_offset(place: Place | None) -> bool:
    """Whether a place is a measured offset from a named one ("40 km south of X")."""
    return (
        place is not None
        and place.feature_class == "relative"
        and _OFFSET_ID.search(place.place_id) is not None
    )


def measured_from(base: Place, place: Place) -> bool:
    """Whether ``place`` is a measured offset from ``base``: "40 km south of X" refines X."""
    return is_offset(place) and place.place_id.startswith(f"rel:{base.place_id}:")


# The name the event and incident stages use.
contains = place_contains


def nested(a: Place, b: Place) -> bool:
    """One of the two places lies inside the other."""
    return contains(a, b) or contains(b, a)


def _smaller_within(outer: Place, inner: Place) -> bool:
    return specificity(inner) < specificity(outer) and _within(outer, inner)


def _within(outer: Place, inner: Place) -> bool:
    return distance_km(outer, inner) <= max(outer.extent_km, 5.0)
