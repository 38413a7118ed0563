"""Airports and air bases from airportsdata (MIT licence; data partly from mwgg/Airports).

airportsdata lists some 28,000 airfields, most of them private strips. News names the ones
with scheduled service or military use, so only those are kept: an airport with an IATA code
(what airlines and travellers use), and a field whose name says it is military ("Air Base",
"RAF ...", "Naval Air Station"). Each is indexed under its own name, with and without
"International", without a leading city name ("Heathrow Airport"), and as "<City> Airport"
when no other kept airport serves a city of that name; a name two airports would share, or
"<City> Airport" far from the best-known city so named, is left out.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections import defaultdict
from importlib import resources

from mapper.gazetteer.geodesy import haversine_km
from mapper.gazetteer.index import Gazetteer
from mapper.gazetteer.names import name_key

log = logging.getLogger(__name__)

FACILITY_EXTENT_KM = 2.0
_MILITARY = re.compile(
    r"\b(?:air base|airbase|air force base|air station|air force station|naval air|"
    r"army airfield|army air field|military|afb|raf|cfb|rnas)\b",
    re.IGNORECASE,
)
# A name worth indexing says what it is; "San Carlos" alone would shadow the town.
_FACILITY_WORD = re.compile(
    r"\b(?:airport|international|intl|air base|airbase|airfield|air field|aerodrome|airstrip|"
    r"field|air station|raf|cfb|rnas|afb)\b",
    re.IGNORECASE,
)
_CITY_AIRPORT = re.compile(r"(.+?) (?:International )?Airport")
FAMOUS_CITY = 100_000  # people: a city this big is what "<its name> Airport" means
NEAR_CITY_KM = 40.0  # an airport serves a city this far away (Heathrow to central London: 24 km)
_CLEAN_NAME = re.compile(r"[^\W\d_][\w .'’\-]*[^\W_]")


def _rows() -> list[dict[str, str]]:
    item = resources.files("airportsdata") / "airports.csv"
    return list(csv.DictReader(io.StringIO(item.read_text(encoding="utf-8"))))


def add_airports(
    gazetteer: Gazetteer, names: dict[int, set[str]], largest: dict[str, int] | None = None
) -> int:
    """Add the airports news names; returns how many were added.

    ``largest`` is gazetteer.largest_cities(), when the caller has it already.
    """
    kept = [
        row
        for row in _rows()
        if (row["iata"] or _MILITARY.search(row["name"]))
        and _FACILITY_WORD.search(row["name"])
        and _CLEAN_NAME.fullmatch(row["name"].strip())
        and row["lat"]
        and row["lon"]
    ]
    kept.sort(key=lambda r: r["icao"])
    if largest is None:
        largest = gazetteer.largest_cities()
    city_airports: dict[str, int] = defaultdict(int)
    for row in kept:
        city_airports[name_key(row["city"])] += 1
    wanted: list[set[str]] = []
    claims: dict[str, int] = defaultdict(int)  # name key -> airports that would bear it
    for row in kept:
        lat, lon = float(row["lat"]), float(row["lon"])
        variants = {
            v
            for v in _variants(row, city_airports[name_key(row["city"])] == 1)
            if _city_near(gazetteer, largest, v, lat, lon)
        }
        wanted.append(variants)
        for key in {name_key(v) for v in variants}:
            claims[key] += 1
    added = 0
    for row, variants in zip(kept, wanted, strict=True):
        entry = gazetteer.add(
            f"icao:{row['icao']}",
            row["name"].strip(),
            float(row["lat"]),
            float(row["lon"]),
            "facility",
            country=row["country"],
            extent_km=FACILITY_EXTENT_KM,
            fame=20 if row["iata"] else 5,
        )
        added += 1
        for variant in variants:
            if claims[name_key(variant)] == 1:  # a name two airports share names neither
                names.setdefault(entry, set()).add(variant)
    log.info("airportsdata: %d airports and air bases added", added)
    return added


def _variants(row: dict[str, str], only_one_in_city: bool) -> set[str]:
    """The airport's own name and the shorter forms news writes it in."""
    name, city = row["name"].strip(), row["city"].strip()
    found = {name}
    if name.endswith(" International Airport"):
        found.add(name.replace(" International Airport", " Airport"))
    elif name.endswith(" Airport"):
        found.add(name[: -len(" Airport")] + " International Airport")
    if city and name.startswith(city + " ") and len(name.split()) - len(city.split()) >= 2:
        found.add(name[len(city) + 1 :])  # "London Heathrow Airport" -> "Heathrow Airport"
    if city and only_one_in_city:
        found.update((f"{city} Airport", f"{city} International Airport"))
    return found


def _city_near(
    gazetteer: Gazetteer, largest: dict[str, int], name: str, lat: float, lon: float
) -> bool:
    """False for "<City> Airport" when a big city of that name lies elsewhere.

    "London Airport" in Ontario must not answer "London airport" in a story about Heathrow.
    """
    match = _CITY_AIRPORT.fullmatch(name)
    if match is None:
        return True
    city = largest.get(name_key(match.group(1)))
    if city is None:
        return True
    g = gazetteer
    if g.populations[city] < FAMOUS_CITY:
        return True  # "Heathrow Airport" is not about Heathrow, Florida
    return haversine_km(lat, lon, g.lats[city], g.lons[city]) <= NEAR_CITY_KM
