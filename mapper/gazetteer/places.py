"""countrystatecity's places: first-level divisions for every city, and small villages.

countrystatecity lists about 150,000 places, each filed under the state or province it lies
in (ISO 3166-2 code). GeoNames' cities carry only their own admin-1 numbers, which are not ISO
codes outside the US. So each GeoNames city takes the division of the countrystatecity place
that is the same place (same name, a few km apart) or, failing that, the division most of its
nearest countrystatecity neighbours lie in; a city with no neighbour in reach falls back to the
nearest division point of its country. Places countrystatecity lists that GeoNames lacks (it
keeps only >= 500 people) become villages.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import resources

from mapper.gazetteer.geodesy import haversine_km
from mapper.gazetteer.index import Gazetteer
from mapper.gazetteer.names import fold_accents_all, name_keys
from mapper.gazetteer.tables import read_json_resource

log = logging.getLogger(__name__)

_CELL = 0.1  # degrees: grid cell for neighbour searches (about 11 km)
SAME_PLACE_KM = 8.0  # a same-named place this close is the same place
NEIGHBOURS = 5  # nearest places that vote on a city's division
NEIGHBOUR_KM = 40.0  # ... when they lie this close
VILLAGE_EXTENT_KM = 2.0
# A GeoNames admin-1 group maps to one ISO division when this share of its same-place
# cities (at least GROUP_MIN) lie in it: true where both lists divide the country alike.
GROUP_SHARE, GROUP_MIN = 0.9, 3
# A listed place this close to a same-named city is that city with a shifted point.
VILLAGE_DUPLICATE_KM = 25.0


@dataclass(slots=True)
class SmallPlaces:
    """countrystatecity's places as columns (there are 150,000 of them), in a stable order."""

    idents: list[int] = field(default_factory=list)  # countrystatecity's ids
    names: list[str] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    admin1s: list[str] = field(default_factory=list)  # ISO 3166-2 codes

    def __len__(self) -> int:
        return len(self.idents)


class PlaceGrid:
    """countrystatecity places of each country in bands of latitude, sorted by longitude.

    ``name_keys`` holds each place's name key, ``keys`` its match key (the name key without
    accents: "lodz" for "Łódź"), by which same places are found.
    """

    def __init__(self, places: SmallPlaces):
        self.places = places
        self.name_keys = name_keys(places.names)
        self.keys = fold_accents_all(self.name_keys)
        bands: dict[str, dict[int, list[tuple[float, int]]]] = defaultdict(dict)
        for number, (country, lat, lon) in enumerate(
            zip(places.countries, places.lats, places.lons, strict=True)
        ):
            bands[country].setdefault(math.floor(lat / _CELL), []).append((lon, number))
        self.bands: dict[str, dict[int, tuple[list[float], list[int]]]] = {}
        for country, rows in bands.items():
            self.bands[country] = {}
            for row, items in rows.items():
                items.sort()
                self.bands[country][row] = ([lon for lon, _ in items], [n for _, n in items])

    def near(
        self, country: str, lat: float, lon: float, km: float, limit: int | None = None
    ) -> list[tuple[float, int]]:
        """(distance, place number) of the country's places within ``km``, nearest first.

        Only the first ``limit`` when given (the same as slicing the whole list). Distances
        are equirectangular: at these ranges they differ from great-circle ones by metres, and
        the build makes millions of them. The bands searched reach a little past ``km``
        (111.0 km a degree where distances take 111.2), so no place in range is missed.
        """
        rows = self.bands.get(country)
        if rows is None:
            return []
        scale = max(math.cos(math.radians(lat)), 0.05)
        reach2 = (km / 111.2) ** 2
        reach = km / 111.0
        west, east = lon - reach / scale, lon + reach / scale
        lats, lons = self.places.lats, self.places.lons
        found = []
        for row in range(math.floor((lat - reach) / _CELL), math.floor((lat + reach) / _CELL) + 1):
            band = rows.get(row)
            if band is None:
                continue
            band_lons, numbers = band
            for number in numbers[bisect_left(band_lons, west) : bisect_right(band_lons, east)]:
                d2 = (lats[number] - lat) ** 2 + ((lons[number] - lon) * scale) ** 2
                if d2 <= reach2:
                    found.append((d2, number))
        if limit is not None and len(found) > limit:
            # The nearest by squared distance, and any whose distance could round to a tie
            # with the last of them (the distance's order is the squared one's but for ties).
            found.sort()
            last = found[limit - 1][0] * (1 + 1e-9)
            found = [item for item in found if item[0] <= last]
        found = sorted((111.2 * math.sqrt(d2), number) for d2, number in found)
        return found if limit is None else found[:limit]


def load_small_places() -> SmallPlaces:
    """Every countrystatecity place with its ISO 3166-2 division, in a stable order."""
    folder = resources.files("countrystatecity_countries") / "data" / "by-country"
    places = SmallPlaces()
    for country_dir in sorted(folder.iterdir(), key=lambda p: p.name):
        iso2 = country_dir.name
        if not (country_dir / "states.json").is_file() or not (country_dir / "states").is_dir():
            continue
        states = read_json_resource(
            "countrystatecity_countries", "data", "by-country", iso2, "states.json"
        )
        codes = {
            str(s["state_code"]): s.get("iso3166_2") or f"{iso2}-{s['state_code']}" for s in states
        }
        for state_dir in sorted((country_dir / "states").iterdir(), key=lambda p: p.name):
            item = state_dir / "cities.json"
            if not item.is_file():
                continue
            # As read_json_resource reads it, without looking the package up again each time.
            rows = [
                row
                for row in json.loads(item.read_bytes().decode("utf-8"))
                if row.get("latitude") and row.get("longitude")
            ]
            state_codes = [str(row.get("state_code")) for row in rows]
            code_of = {code: codes.get(code, f"{iso2}-{code}") for code in set(state_codes)}
            places.idents.extend([int(row["id"]) for row in rows])
            places.names.extend([row["name"] for row in rows])
            places.lats.extend([float(row["latitude"]) for row in rows])
            places.lons.extend([float(row["longitude"]) for row in rows])
            places.countries.extend(itertools.repeat(iso2, len(rows)))
            places.admin1s.extend(map(code_of.__getitem__, state_codes))
    return places


def assign_admin1(
    gazetteer: Gazetteer,
    grid: PlaceGrid,
    geonames_admin1: dict[int, str],
    city_keys: dict[int, str],
) -> dict[int, int]:
    """Give every city and facility its ISO 3166-2 division; returns matched place -> entry.

    In order: the division of the same place in countrystatecity; else the division nearly
    all same-place cities of its GeoNames admin-1 group have (where both lists divide the
    country alike); else the vote of its nearest listed places; else the nearest division
    point. The returned map (countrystatecity place number -> gazetteer entry) says which
    small places are cities already, so they do not come back as villages. ``city_keys``
    holds each city entry's match key.
    """
    g = gazetteer
    places = grid.places
    matched: dict[int, int] = {}
    admin_points: dict[str, list[int]] = defaultdict(list)
    for entry, kind in enumerate(g.kinds):
        if kind == "admin1":
            admin_points[g.countries[entry]].append(entry)
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, key in enumerate(zip(places.countries, grid.keys, strict=True)):
        by_key[key].append(number)
    same_places: dict[int, int] = {}
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    place_lats, place_lons = places.lats, places.lons
    for entry, key in city_keys.items():
        country, lat, lon = g.countries[entry], g.lats[entry], g.lons[entry]
        # The first listed place of the same name a few km away, if any.
        for same in by_key.get((country, key), ()):
            if haversine_km(place_lats[same], place_lons[same], lat, lon) <= SAME_PLACE_KM:
                break
        else:
            continue
        same_places[entry] = same
        matched.setdefault(same, entry)
        groups[(country, geonames_admin1.get(entry, ""))][places.admin1s[same]] += 1
    group_codes = {
        group: votes.most_common(1)[0][0]
        for group, votes in groups.items()
        if group[1]
        and sum(votes.values()) >= GROUP_MIN
        and votes.most_common(1)[0][1] >= GROUP_SHARE * sum(votes.values())
    }
    assigned = Counter()
    for entry, kind in enumerate(g.kinds):
        if kind not in ("city", "facility") or g.admin1s[entry]:
            continue  # the US codes come straight from GeoNames
        country, lat, lon = g.countries[entry], g.lats[entry], g.lons[entry]
        group = (country, geonames_admin1.get(entry, ""))
        if entry in same_places:
            code, how = places.admin1s[same_places[entry]], "same place"
        elif group in group_codes:
            code, how = group_codes[group], "GeoNames group"
        else:
            near = grid.near(country, lat, lon, NEIGHBOUR_KM / 2, NEIGHBOURS)
            if not near:
                near = grid.near(country, lat, lon, NEIGHBOUR_KM, NEIGHBOURS)
            if near:
                votes = Counter(places.admin1s[n] for _, n in near)
                code = min(votes.items(), key=lambda item: (-item[1], item[0]))[0]
                how = "neighbours"
            else:
                code = _nearest_admin1(g, admin_points.get(country, ()), lat, lon)
                how = "nearest division"
        if code:
            g.admin1s[entry] = code
            assigned[how] += 1
    log.info("admin-1 codes given: %s", dict(assigned))
    return matched


def _nearest_admin1(g: Gazetteer, entries, lat: float, lon: float) -> str:
    best = min(entries, key=lambda e: haversine_km(lat, lon, g.lats[e], g.lons[e]), default=None)
    return g.admin1s[best] if best is not None else ""


def add_villages(
    gazetteer: Gazetteer,
    names: dict[int, set[str]],
    grid: PlaceGrid,
    skip: Collection[int],
    city_keys: dict[int, str],
) -> list[int]:
    """Add the small places no GeoNames city stands for as kind "village"; returns their numbers.

    ``skip`` holds the places that are cities or districts already; ``city_keys`` each city
    entry's match key.
    """
    g = gazetteer
    places = grid.places
    same_named: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry, key in city_keys.items():
        same_named[(g.countries[entry], key)].append(entry)
    lats, lons = g.lats, g.lons
    kept = []
    for number, (country, key, lat, lon) in enumerate(
        zip(places.countries, grid.keys, places.lats, places.lons, strict=True)
    ):
        if number in skip:
            continue
        cities = same_named.get((country, key))
        if cities and any(
            haversine_km(lat, lon, lats[e], lons[e]) <= VILLAGE_DUPLICATE_KM for e in cities
        ):
            continue
        kept.append(number)
    entries = g.add_many(
        "village",
        [f"csc:{places.idents[n]}" for n in kept],
        [places.names[n] for n in kept],
        [places.lats[n] for n in kept],
        [places.lons[n] for n in kept],
        countries=[places.countries[n] for n in kept],
        admin1s=[places.admin1s[n] for n in kept],
        extent_km=VILLAGE_EXTENT_KM,
    )
    names.update((entry, {places.names[n]}) for entry, n in zip(entries, kept, strict=True))
    return kept


def add_small_places(
    gazetteer: Gazetteer, names: dict[int, set[str]], geonames_admin1: dict[int, str]
) -> None:
    """Admin-1 codes for every city, then villages and districts (after all cities are in)."""
    from mapper.gazetteer.admin2 import add_units, names_a_unit, unit_names

    g = gazetteer
    grid = PlaceGrid(load_small_places())
    places = grid.places
    cities = [entry for entry, kind in enumerate(g.kinds) if kind == "city"]
    city_name_keys = name_keys([g.names[e] for e in cities])
    city_keys = dict(zip(cities, fold_accents_all(city_name_keys), strict=True))
    matched = assign_admin1(g, grid, geonames_admin1, city_keys)
    unit_like = {
        number
        for number, name in enumerate(places.names)
        if number not in matched and names_a_unit(name)
    }
    units = {number for number in unit_like if unit_names(places.names[number]) is not None}
    # A generic unit ("Central District") is neither a unit worth a name nor a village.
    villages = add_villages(g, names, grid, matched.keys() | unit_like, city_keys)
    # (country, name key) of every town and village, from the keys worked out already.
    towns = set(zip([g.countries[e] for e in cities], city_name_keys, strict=True))
    towns.update((places.countries[n], grid.name_keys[n]) for n in villages)
    added = add_units(
        g,
        names,
        [
            (
                places.names[n],
                places.lats[n],
                places.lons[n],
                places.countries[n],
                places.admin1s[n],
                places.idents[n],
            )
            for n in sorted(units)
        ],
        towns,
    )
    log.info(
        "countrystatecity: %d places, %d matched to cities, %d villages, %d districts added",
        len(places),
        len(matched),
        len(villages),
        len(added),
    )
