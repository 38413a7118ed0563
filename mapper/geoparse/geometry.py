"""Where places lie: containment ("X lies in Y") and nearness between gazetteer entries.

Gazetteer entry ids -> answers read off the gazetteer's geography: whether a candidate lies in
a country, admin-1 unit, region or continent, the first named city near it, and the named
cities it contains. Resolver inherits it; the geocoder's qualifiers use lies_in.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right

from mapper.gazetteer import Gazetteer, haversine_km, name_key
from mapper.geoparse.context import _CELL, _cell, _Context

# Up to this many named cities, _near_anchor tests each instead of walking the grid's cells.
_DIRECT_SCAN = 24
# Degrees of latitude beyond which two places are surely more than 150 km apart (a great
# circle is at least as long as its north-south part), with a margin for rounding.
_MAX_DLAT = 150 / 6371.0088 * 180 / math.pi + 0.001

# GeoNames continent codes by the continent names the gazetteer holds.
_CONTINENT_CODES = {
    "africa": ("AF",),
    "asia": ("AS",),
    "europe": ("EU",),
    "north america": ("NA",),
    "south america": ("SA",),
    "oceania": ("OC",),
    "antarctica": ("AN",),
    "americas": ("NA", "SA"),
}


class PlaceGeometry:
    """Containment and nearness tests over ``self.gazetteer`` (a mixin of Resolver)."""

    gazetteer: Gazetteer

    def _continent_holds(self, entry: int, continent: int) -> bool:
        codes = _CONTINENT_CODES.get(name_key(self.gazetteer.names[continent]))
        country = self.gazetteer.countries[entry]
        if codes is None or not country:
            return False
        return self.gazetteer.continents.get(country, "") in codes

    def lies_in(self, entry: int, area: int) -> bool:
        """Whether place ``entry`` lies in ``area``: the test behind admin cues such as
        "Bangor, Maine", shared with the geocoder's "City, Region, Country" qualifiers."""
        return self._inside(entry, area)

    def _inside(self, entry: int, area: int) -> bool:
        """Whether place `entry` lies in the country, admin-1 unit or region `area`."""
        g = self.gazetteer
        if entry == area:
            return False
        kind = g.kinds[area]
        if kind == "country":
            return g.countries[entry] == g.countries[area]
        if kind == "continent" and name_key(g.names[area]) in _CONTINENT_CODES:
            # A continent is no circle: Malta is nearer Africa's centre than Cape Town is.
            return self._continent_holds(entry, area)
        if kind == "admin1":
            return self._in_admin1(entry, area)
        if g.countries[area] and g.countries[entry] != g.countries[area]:
            return False
        distance = haversine_km(g.lats[entry], g.lons[entry], g.lats[area], g.lons[area])
        return distance <= 1.2 * g.extents[area]

    def _in_admin1(self, entry: int, admin1_entry: int) -> bool:
        g = self.gazetteer
        if g.admin1s[entry] and g.admin1s[entry] == g.admin1s[admin1_entry]:
            return True
        if g.countries[entry] != g.countries[admin1_entry]:
            return False
        distance = haversine_km(
            g.lats[entry], g.lons[entry], g.lats[admin1_entry], g.lons[admin1_entry]
        )
        return distance <= 1.5 * max(g.extents[admin1_entry], 50.0)

    def _near_anchor(self, entry: int, context: _Context) -> str:
        """The first named city within 150 km, looked up in the neighbouring grid cells."""
        cells = context.cells
        if not cells:
            return ""
        g = self.gazetteer
        lats, lons = g.lats, g.lons
        lat, lon = lats[entry], lons[entry]
        row, col = _cell(lat, lon)
        # A cell is 1.5 degrees: 150 km spans one row, and more columns toward the poles.
        span = 1 + int(150 / (111.32 * _CELL * max(math.cos(math.radians(lat)), 0.05)))
        best: int | None = None
        if len(context.city_points) <= _DIRECT_SCAN:
            # Few cities named: those in the band of latitudes within 150 km (beyond it the
            # distance is surely longer), each tested against the same cells.
            latitudes, points = context.by_latitude()
            low = bisect_left(latitudes, lat - _MAX_DLAT)
            high = bisect_right(latitudes, lat + _MAX_DLAT)
            for anchor, r, c, anchor_lat, anchor_lon in points[low:high]:
                if (
                    anchor == entry
                    or abs(r - row) > 1
                    or abs(c - col) > span
                    or (best is not None and anchor > best)
                ):
                    continue
                if haversine_km(lat, lon, anchor_lat, anchor_lon) < 150:
                    best = anchor
            return g.names[best] if best is not None else ""
        for r in (row - 1, row, row + 1):
            for c in range(col - span, col + span + 1):
                for anchor in cells.get((r, c), ()):
                    if anchor == entry or (best is not None and anchor > best):
                        continue
                    if haversine_km(lat, lon, lats[anchor], lons[anchor]) < 150:
                        best = anchor
        return g.names[best] if best is not None else ""

    def _contains_anchors(self, entry: int, context: _Context) -> list[str]:
        known = context.contains.get(entry)
        if known is not None:
            return known
        g = self.gazetteer
        names: set[str] = set()
        for anchor in context.cities_by_country.get(g.countries[entry], ()):
            if self._in_admin1(anchor, entry):
                names.add(g.names[anchor])
                if len(names) >= 3:  # the evidence counts three at most
                    break
        context.contains[entry] = sorted(names)
        return context.contains[entry]
