"""What an article's unambiguous mentions say about its geography: the context that
resolve.py's Resolver scores each mention's candidates against.

Built once per article before any mention is resolved: the countries, admin-1 units and
cities named (per name too, since a name cannot support itself), and the cities by grid cell,
by country and by latitude, for the nearness and containment tests.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from mapper.gazetteer import Gazetteer
from mapper.geoparse.namesakes import DEMONYM_WEIGHT

_CELL = 1.5  # degrees: grid cell of the anchor index


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return int(lat // _CELL), int(lon // _CELL)


@dataclass
class _Context:
    """What the article's unambiguous mentions say about its geography."""

    countries: Counter[str] = field(default_factory=Counter)
    admin1s: Counter[str] = field(default_factory=Counter)
    by_key: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    admin1s_by_key: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    source_country: str = ""
    # Countries of the places named, a demonym counting half ("Turkish soldiers" in Iraq say
    # who more than where), for telling a namesake abroad.
    located: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    located_by_key: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )

    # Anchor cities by 1.5-degree cell, and by country: long articles name thousands of
    # places, and "is a named place near this candidate?" must not scan them all.
    # Each city once, however often it is named: the scans stay proportional to the distinct
    # places, and _contains_anchors' answer per candidate is kept (the context is complete
    # before any mention is resolved), so a long article costs time linear in its length.
    cells: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    cities_by_country: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    cities: set[int] = field(default_factory=set)
    # The same cities in the order named: (entry, cell row, cell column, lat, lon).
    city_points: list[tuple[int, int, int, float, float]] = field(default_factory=list)
    contains: dict[int, list[str]] = field(default_factory=dict)
    # city_points by latitude, with their latitudes, once all are added (by_latitude).
    sorted_points: tuple[list[float], list[tuple[int, int, int, float, float]]] | None = None

    def add(self, entry: int, key: str, g: Gazetteer, *, demonym: bool = False) -> None:
        country, admin1 = g.countries[entry], g.admin1s[entry]
        # Counts by .get: Counter's += on a missing key goes through a Python __missing__.
        if country:
            weight = DEMONYM_WEIGHT if demonym else 1.0  # "Turkish soldiers" say who, not where
            located, own = self.located, self.located_by_key[key]
            located[country] = located.get(country, 0.0) + weight
            own[country] = own.get(country, 0.0) + weight
        if g.kinds[entry] == "city" and entry not in self.cities:
            self.cities.add(entry)
            lat, lon = g.lats[entry], g.lons[entry]
            cell = _cell(lat, lon)
            self.cells[cell].append(entry)
            self.city_points.append((entry, *cell, lat, lon))
            self.sorted_points = None
            self.cities_by_country[country].append(entry)
        if country:
            counts, own_counts = self.countries, self.by_key[key]
            counts[country] = counts.get(country, 0) + 1
            own_counts[country] = own_counts.get(country, 0) + 1
        if admin1:
            counts, own_counts = self.admin1s, self.admin1s_by_key[key]
            counts[admin1] = counts.get(admin1, 0) + 1
            own_counts[admin1] = own_counts.get(admin1, 0) + 1

    def by_latitude(self) -> tuple[list[float], list[tuple[int, int, int, float, float]]]:
        """The named cities' points sorted by latitude, and their latitudes (for bisect)."""
        if self.sorted_points is None:
            points = sorted(self.city_points, key=lambda point: point[3])
            self.sorted_points = ([point[3] for point in points], points)
        return self.sorted_points

    def admin1_count(self, code: str, key: str) -> int:
        """Mentions of the division by other names: a name cannot support itself (the
        division Newport does not put the city Newport "in a state the article names")."""
        # .get, not the Counters' []: a missing count is the rule, and Counter.__missing__ is a
        # Python call.
        total = self.admin1s.get(code, 0)
        own = self.admin1s_by_key.get(key)
        return total - own.get(code, 0) if total and own else total

    def country_count(self, country: str, key: str) -> int:
        """Mentions of the country by *other* names: a name cannot support itself."""
        total = self.countries.get(country, 0)
        own = self.by_key.get(key)
        return total - own.get(country, 0) if total and own else total
