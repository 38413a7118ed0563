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

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from importlib import resources

from mapper.gazetteer import Gazetteer, fold_accents, haversine_km, name_key, read_json_resource

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


@dataclass(frozen=True, slots=True)
class SmallPlace:
    ident: int  # countrystatecity's id
    name: str
    lat: float
    lon: float
    country: str
    admin1: str  # ISO 3166-2 code


def _key(name: str) -> str:
    return fold_accents(name_key(name))


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL), math.floor(lon / _CELL)


class PlaceGrid:
    """countrystatecity places of each country by grid cell, for nearest-place questions."""

    def __init__(self, places: list[SmallPlace]):
        self.places = places
        self.cells: dict[tuple[str, int, int], list[int]] = defaultdict(list)
        for number, place in enumerate(places):
            self.cells[(place.country, *_cell(place.lat, place.lon))].append(number)

    def near(self, country: str, lat: float, lon: float, km: float) -> list[tuple[float, int]]:
        """(distance, place number) of the country's places within ``km``, nearest first.

        Distances are equirectangular: at these ranges they differ from great-circle ones by
        metres, and the build makes millions of them.
        """
        row, col = _cell(lat, lon)
        scale = max(math.cos(math.radians(lat)), 0.05)
        rows = 1 + int(km / (111.0 * _CELL))
        cols = 1 + int(km / (111.0 * _CELL * scale))
        limit = (km / 111.2) ** 2
        found = []
        cells, places = self.cells, self.places
        for r in range(row - rows, row + rows + 1):
            for c in range(col - cols, col + cols + 1):
                for number in cells.get((country, r, c), ()):
                    place = places[number]
                    d2 = (place.lat - lat) ** 2 + ((place.lon - lon) * scale) ** 2
                    if d2 <= limit:
                        found.append((111.2 * math.sqrt(d2), number))
        found.sort()
        return found


def load_small_places() -> list[SmallPlace]:
    """Every countrystatecity place with its ISO 3166-2 division, in a stable order."""
    folder = resources.files("countrystatecity_countries") / "data" / "by-country"
    places: list[SmallPlace] = []
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
            if not (state_dir / "cities.json").is_file():
                continue
            rows = read_json_resource(
                "countrystatecity_countries",
                "data",
                "by-country",
                iso2,
                "states",
                state_dir.name,
                "cities.json",
            )
            for row in rows:
                if not row.get("latitude") or not row.get("longitude"):
                    continue
                code = codes.get(str(row.get("state_code")), f"{iso2}-{row.get('state_code')}")
                places.append(
                    SmallPlace(
                        int(row["id"]),
                        row["name"],
                        float(row["latitude"]),
                        float(row["longitude"]),
                        iso2,
                        code,
                    )
                )
    return places


def assign_admin1(
    gazetteer: Gazetteer, grid: PlaceGrid, geonames_admin1: dict[int, str]
) -> dict[int, int]:
    """Give every city and facility its ISO 3166-2 division; returns matched place -> entry.

    In order: the division of the same place in countrystatecity; else the division nearly
    all same-place cities of its GeoNames admin-1 group have (where both lists divide the
    country alike); else the vote of its nearest listed places; else the nearest division
    point. The returned map (countrystatecity place number -> gazetteer entry) says which
    small places are cities already, so they do not come back as villages.
    """
    g = gazetteer
    matched: dict[int, int] = {}
    admin_points: dict[str, list[int]] = defaultdict(list)
    for entry, kind in enumerate(g.kinds):
        if kind == "admin1":
            admin_points[g.countries[entry]].append(entry)
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, place in enumerate(grid.places):
        by_key[(place.country, _key(place.name))].append(number)
    same_places: dict[int, int] = {}
    groups: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for entry, kind in enumerate(g.kinds):
        if kind != "city":
            continue
        same = _same_place(
            grid, by_key, g.countries[entry], g.names[entry], g.lats[entry], g.lons[entry]
        )
        if same is None:
            continue
        same_places[entry] = same
        matched.setdefault(same, entry)
        group = (g.countries[entry], geonames_admin1.get(entry, ""))
        groups[group][grid.places[same].admin1] += 1
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
            code, how = grid.places[same_places[entry]].admin1, "same place"
        elif group in group_codes:
            code, how = group_codes[group], "GeoNames group"
        else:
            near = grid.near(country, lat, lon, NEIGHBOUR_KM / 2)
            if not near:
                near = grid.near(country, lat, lon, NEIGHBOUR_KM)
            if near:
                votes = Counter(grid.places[n].admin1 for _, n in near[:NEIGHBOURS])
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


def _same_place(
    grid: PlaceGrid,
    by_key: dict[tuple[str, str], list[int]],
    country: str,
    name: str,
    lat: float,
    lon: float,
) -> int | None:
    """The first listed place of the same name a few km away, if any."""
    for number in by_key.get((country, _key(name)), ()):
        place = grid.places[number]
        if haversine_km(place.lat, place.lon, lat, lon) <= SAME_PLACE_KM:
            return number
    return None


def _nearest_admin1(g: Gazetteer, entries, lat: float, lon: float) -> str:
    best = min(entries, key=lambda e: haversine_km(lat, lon, g.lats[e], g.lons[e]), default=None)
    return g.admin1s[best] if best is not None else ""


def add_villages(
    gazetteer: Gazetteer,
    names: dict[int, set[str]],
    grid: PlaceGrid,
    skip: Collection[int],
) -> int:
    """Add the small places no GeoNames city stands for as kind "village"; returns the count.

    ``skip`` holds the places that are cities or districts already.
    """
    g = gazetteer
    city_keys: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry, kind in enumerate(g.kinds):
        if kind == "city":
            city_keys[(g.countries[entry], _key(g.names[entry]))].append(entry)
    added = 0
    for number, place in enumerate(grid.places):
        if number in skip:
            continue
        same_named = city_keys.get((place.country, _key(place.name)), ())
        if any(
            haversine_km(place.lat, place.lon, g.lats[e], g.lons[e]) <= VILLAGE_DUPLICATE_KM
            for e in same_named
        ):
            continue
        entry = g.add(
            f"csc:{place.ident}",
            place.name,
            place.lat,
            place.lon,
            "village",
            country=place.country,
            admin1=place.admin1,
            extent_km=VILLAGE_EXTENT_KM,
        )
        names.setdefault(entry, set()).add(place.name)
        added += 1
    return added


def add_small_places(
    gazetteer: Gazetteer, names: dict[int, set[str]], geonames_admin1: dict[int, str]
) -> None:
    """Admin-1 codes for every city, then villages and districts (after all cities are in)."""
    from mapper.gazetteer_admin2 import add_units, names_a_unit, unit_names

    grid = PlaceGrid(load_small_places())
    matched = assign_admin1(gazetteer, grid, geonames_admin1)
    unit_like = {
        number
        for number, place in enumerate(grid.places)
        if number not in matched and names_a_unit(place.name)
    }
    units = {number for number in unit_like if unit_names(grid.places[number].name) is not None}
    # A generic unit ("Central District") is neither a unit worth a name nor a village.
    villages = add_villages(gazetteer, names, grid, matched.keys() | unit_like)
    added = add_units(
        gazetteer,
        names,
        [
            (p.name, p.lat, p.lon, p.country, p.admin1, p.ident)
            for p in (grid.places[n] for n in sorted(units))
        ],
    )
    log.info(
        "countrystatecity: %d places, %d matched to cities, %d villages, %d districts added",
        len(grid.places),
        len(matched),
        villages,
        len(added),
    )
