"""The offline gazetteer as a geopy-style geocoder (the default provider)."""

from __future__ import annotations

import math

from geopy.location import Location
from geopy.point import Point

from mapper.gazetteer import Gazetteer, haversine_km
from mapper.geoparse.resolve import Resolver
from mapper.models import Place


def place_to_location(place: Place) -> Location:
    raw = {
        "place_id": place.place_id,
        "name": place.name,
        "feature_class": place.feature_class,
        "precision": place.precision,
        "country": place.country,
        "admin1": place.admin1,
        "population": place.population,
        "extent_km": place.extent_km,
    }
    address = f"{place.name}, {place.country}" if place.country else place.name
    return Location(address, Point(place.lat, place.lon), raw)


class OfflineGeocoder:
    """geocode()/reverse() over the bundled gazetteer; no network, no rate limit."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self._resolver = Resolver(gazetteer)

    def geocode(
        self, query: str, *, exactly_one: bool = True, limit: int = 10, **_: object
    ) -> Location | list[Location] | None:
        """Best match for a place name ("Bangor, Maine" uses the part after the comma)."""
        name, _, qualifier = (part.strip() for part in query.partition(","))
        entries = list(self.gazetteer.lookup(name))
        if not entries:
            return None
        within = self.gazetteer.lookup(qualifier) if qualifier else ()
        abbreviation = self.gazetteer.admin1_abbreviations.get(qualifier)
        if abbreviation is not None:
            within = (*within, abbreviation)

        def rank(entry: int) -> tuple[float, int]:
            inside = any(self._resolver._inside(entry, area) for area in within)
            return (-(self._resolver.prior(entry) + (10.0 if inside else 0.0)), entry)

        ranked = sorted(entries, key=rank)
        locations = [place_to_location(self.gazetteer.place(e)) for e in ranked[:limit]]
        return locations[0] if exactly_one else locations

    def reverse(self, query: object, *, exactly_one: bool = True, **_: object):
        """The nearest populated place to a point (lat, lon)."""
        point = Point(query)
        g = self.gazetteer
        best, best_km = None, math.inf
        for entry, kind in enumerate(g.kinds):
            if kind != "city":
                continue
            # Cheap box test first: most entries are far away.
            if abs(g.lats[entry] - point.latitude) > 2 or abs(g.lons[entry] - point.longitude) > 3:
                continue
            km = haversine_km(point.latitude, point.longitude, g.lats[entry], g.lons[entry])
            if km < best_km:
                best, best_km = entry, km
        if best is None:
            return None
        location = place_to_location(g.place(best))
        return location if exactly_one else [location]
