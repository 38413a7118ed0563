"""Which place lies inside which: village in district in province in country.

Used by the event-place chooser (a broad place confirms the places inside it instead of competing
with them) and by incident merging (a report placed at a country and one placed at a town inside
it tell of one event). Works on Place values alone, so stored places compare as well as fresh
ones: country and first-level codes where both places carry them, distance within the outer
place's extent otherwise.
"""

from __future__ import annotations

from mapper.gazetteer import haversine_km
from mapper.models import Place

# Coarser places rank higher; the extent decides first, the rank breaks ties.
_RANK = {"point": 0, "city": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5}


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places' points."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def specificity(place: Place) -> tuple[float, int]:
    """Sort key: smaller is more specific (extent first, then the kind of place)."""
    return (place.extent_km, _RANK.get(place.precision, 4))


def contains(outer: Place, inner: Place) -> bool:
    """``inner`` lies in ``outer`` and is more specific than it."""
    if outer.place_id == inner.place_id or specificity(inner) >= specificity(outer):
        return False
    if outer.feature_class == "country":
        return inner.country == outer.country and inner.feature_class != "country"
    if outer.feature_class == "admin1" and inner.admin1 and outer.admin1:
        return inner.admin1 == outer.admin1
    if outer.country and inner.country and outer.country != inner.country:
        return False
    return distance_km(outer, inner) <= max(outer.extent_km, 5.0)


def nested(a: Place, b: Place) -> bool:
    """One of the two places lies inside the other."""
    return contains(a, b) or contains(b, a)
